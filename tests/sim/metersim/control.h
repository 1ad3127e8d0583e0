/* control: the loopback line-protocol channel tests use to change meters
 * at run time (faults, balance, clock, pacing, dumps). */
#ifndef METERSIM_CONTROL_H
#define METERSIM_CONTROL_H

#include <pthread.h>

#include "sim.h"

struct control {
	struct sim *sim;
	int fd;
	unsigned port;
	pthread_t thread;
};

/* Listens on 127.0.0.1:port (0: any free port, stored in c->port). */
int control_open(struct control *c, struct sim *s, unsigned port);

/* Starts serving commands in a thread; 0 or -1. */
int control_start(struct control *c);

/* Stops the thread and closes the socket. */
void control_close(struct control *c);

#endif

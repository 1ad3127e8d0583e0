/* sim: the whole simulator: its buses and meters, as read from the
 * configuration (see README.md for the format). */
#ifndef METERSIM_SIM_H
#define METERSIM_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "bus.h"

#define SIM_MAX_BUSES 256
#define SIM_MAX_LINES 4096

struct sim {
	struct bus *bus[SIM_MAX_BUSES];
	int nbus;
	uint64_t seed;
	unsigned accel;
	int64_t start; /* local epoch; 0 = now in UTC+8 */
	unsigned ctl_port;
	char *lines[SIM_MAX_LINES];
	int nlines;
};

/* Queues one configuration line (copied); 0 or -1 if too many. */
int sim_add_line(struct sim *s, const char *line);

/* Queues every line of the file at path; 0 or -1 with errno set. */
int sim_add_file(struct sim *s, const char *path);

/* Applies the queued lines: globals first, then buses and meters (the
 * clock must be running). 0, or -1 with a message in err. */
int sim_configure_globals(struct sim *s, char *err, size_t errlen);
int sim_configure_devices(struct sim *s, char *err, size_t errlen);

/* Returns bus number no, or NULL. */
struct bus *sim_bus(struct sim *s, unsigned no);

/* Parses "B:ID" and returns that meter, or NULL. */
struct meter *sim_meter(struct sim *s, const char *ref);

/* Parses "YYYY-MM-DDTHH:MM:SS" (or with a space) as local epoch into *t;
 * 0 or -1. */
int sim_parse_time(const char *text, int64_t *t);

/* Parses a fault spec: "none", "silent", "crc[:PERCENT]",
 * "exception:CODE", "slow:MS" or "garbage"; 0 or -1. */
int sim_parse_fault(const char *spec, int *kind, int *arg);

/* Frees buses, meters and queued lines. */
void sim_free(struct sim *s);

#endif

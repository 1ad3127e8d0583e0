/* metersim: many simulated prepaid meters on simulated RS485 buses (pty)
 * and Modbus TCP gateways (loopback). Prints one line per bus, the control
 * port and "ready" on stdout, then runs until SIGINT, SIGTERM or "quit". */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "probe.h"
#include "sim.h"
#include "simclock.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: metersim [-c FILE]... [-e LINE]...\n"
		"  -c FILE  read configuration lines from FILE\n"
		"  -e LINE  one configuration line, e.g. -e 'bus 1 rtu'\n"
		"           -e 'meter 1 1-3 phases=3 balance=5000'\n"
		"  -h       this help\n"
		"or:    metersim -x DEVICE|tcp:HOST:PORT [-C] [-w MS] HEXBYTES\n"
		"  raw probe for tests: send the bytes (-C appends a CRC), print\n"
		"  'reply HEX us=N' or 'silence'\n"
		"Prints 'bus N rtu PATH', 'bus N tcp HOST PORT', 'control HOST PORT'\n"
		"and 'ready'. See tests/sim/metersim/README.md.\n");
}

int main(int argc, char **argv)
{
	static struct sim s;
	struct control ctl;
	char err[1200];
	sigset_t set;
	int opt, k, sig, rc = 1, ctl_up = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strncmp(argv[1], "-x", 2))
		return probe_main(argc, argv);
	while ((opt = getopt(argc, argv, "c:e:h")) != -1) {
		switch (opt) {
		case 'c':
			if (sim_add_file(&s, optarg) != 0) {
				fprintf(stderr, "metersim: %s: %s\n", optarg,
					strerror(errno));
				goto out;
			}
			break;
		case 'e':
			if (sim_add_line(&s, optarg) != 0)
				goto out;
			break;
		case 'h':
			usage(stdout);
			rc = 0;
			goto out;
		default:
			usage(stderr);
			rc = 2;
			goto out;
		}
	}
	if (optind != argc) {
		usage(stderr);
		rc = 2;
		goto out;
	}
	if (sim_configure_globals(&s, err, sizeof(err)) != 0) {
		fprintf(stderr, "metersim: %s\n", err);
		goto out;
	}
	/* Default start: now in UTC+8, the sites' local time. */
	simclock_init(s.start ? s.start : (int64_t)time(NULL) + 8 * 3600,
		      s.accel);
	if (sim_configure_devices(&s, err, sizeof(err)) != 0) {
		fprintf(stderr, "metersim: %s\n", err);
		goto out;
	}
	if (s.nbus == 0) {
		fprintf(stderr, "metersim: no bus configured\n");
		usage(stderr);
		rc = 2;
		goto out;
	}

	/* Signals go to sigwait below, never to a bus thread; a dead client
	 * socket must not kill the process. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	for (k = 0; k < s.nbus; k++) {
		struct bus *b = s.bus[k];

		if (bus_open(b) != 0) {
			fprintf(stderr, "metersim: bus %u: %s\n", b->no,
				strerror(errno));
			goto out;
		}
		if (b->kind == BUS_RTU)
			printf("bus %u rtu %s\n", b->no, b->link[0] ? b->link : b->path);
		else
			printf("bus %u tcp %s %u\n", b->no, b->host, b->port);
	}
	if (control_open(&ctl, &s, s.ctl_port) != 0 || control_start(&ctl) != 0) {
		fprintf(stderr, "metersim: control: %s\n", strerror(errno));
		goto out;
	}
	ctl_up = 1;
	printf("control 127.0.0.1 %u\n", ctl.port);
	for (k = 0; k < s.nbus; k++)
		if (bus_start(s.bus[k]) != 0) {
			fprintf(stderr, "metersim: cannot start bus thread\n");
			goto out;
		}
	printf("ready\n");
	do {
		if (sigwait(&set, &sig) != 0)
			break;
	} while (sig == SIGHUP);
	rc = 0;
out:
	bus_request_stop();
	if (ctl_up)
		control_close(&ctl);
	for (k = 0; k < s.nbus; k++)
		bus_close(s.bus[k]);
	sim_free(&s);
	return rc;
}

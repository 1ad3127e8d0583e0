/* control: the test control channel, a line protocol on a loopback TCP
 * port (bash reaches it through /dev/tcp). One command per line, one reply
 * line: "ok ..." or "err <reason>". Commands are listed in README.md. */
#include "control.h"

#include <errno.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mac.h"
#include "simclock.h"

#define LINE_MAX_LEN 512

static atomic_int running = 1;

int control_open(struct control *c, struct sim *s, unsigned port)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int one = 1;

	c->sim = s;
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -1;
	setsockopt(c->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(c->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(c->fd, 4) != 0 ||
	    getsockname(c->fd, (struct sockaddr *)&sa, &sl) != 0)
		return -1;
	c->port = ntohs(sa.sin_port);
	return 0;
}

static void dump(struct meter *m, int64_t now, char *out, size_t len)
{
	snprintf(out, len,
		 "ok bus=%u id=%u phases=%d number=%s clock=%lld balance=%lld "
		 "purchases=%u purchased=%lld relay=%d reason=%d keep=%d "
		 "alarm=%d flags=0x%04x energy_wh=%lld power_w=%.0f rate=%u "
		 "md_w=%u freezes=%d freeze_seq=%u fault=%d:%d",
		 m->bus, m->id, m->phases, m->number,
		 (long long)meter_clock(m, now), (long long)m->balance_fen,
		 m->purchases, (long long)m->purchased_fen, m->relay_open,
		 m->reason, m->keep_power, meter_alarm_level(m), meter_flags(m),
		 (long long)(m->e_mwh / 1000), m->pw[0] + m->pw[1] + m->pw[2],
		 m->rate_now, m->md_w, m->fz_n, m->fz_seq, m->fault,
		 m->fault_arg);
}

static int phase_index(const char *p)
{
	if (!strcmp(p, "a") || !strcmp(p, "1"))
		return 0;
	if (!strcmp(p, "b") || !strcmp(p, "2"))
		return 1;
	if (!strcmp(p, "c") || !strcmp(p, "3"))
		return 2;
	return -1;
}

static void bus_cmd(struct sim *s, char **w, int n, char *out, size_t len)
{
	struct bus *b = sim_bus(s, (unsigned)atoi(w[1]));

	if (!b) {
		snprintf(out, len, "err no such bus");
		return;
	}
	if (!strcmp(w[0], "stats")) {
		struct bus_stats *st = &b->st;

		snprintf(out, len,
			 "ok frames=%llu crc_errors=%llu replies=%llu "
			 "exceptions=%llu silent=%llu broadcasts=%llu "
			 "overruns=%llu unknown_unit=%llu faults=%llu",
			 (unsigned long long)st->frames,
			 (unsigned long long)st->crc_errors,
			 (unsigned long long)st->replies,
			 (unsigned long long)st->exceptions,
			 (unsigned long long)st->silent,
			 (unsigned long long)st->broadcasts,
			 (unsigned long long)st->overruns,
			 (unsigned long long)st->unknown_unit,
			 (unsigned long long)st->faults);
		return;
	}
	/* pace BUS off | pace BUS on [BAUD BITS TURNAROUND_MS] */
	if (n == 3 && !strcmp(w[2], "off")) {
		b->pace.on = 0;
	} else if ((n == 3 || n == 6) && !strcmp(w[2], "on")) {
		if (n == 6) {
			unsigned baud = (unsigned)atoi(w[3]);
			unsigned bits = (unsigned)atoi(w[4]);
			double ta = atof(w[5]);

			if (baud < 300 || (bits != 10 && bits != 11) || ta < 0 ||
			    ta > 60000) {
				snprintf(out, len, "err bad pacing");
				return;
			}
			b->pace.baud = baud;
			b->pace.bits = bits;
			b->pace.ta_us = (unsigned)(ta * 1000.0 + 0.5);
		}
		b->pace.on = 1;
	} else {
		snprintf(out, len, "err usage: pace BUS on [BAUD BITS MS] | off");
		return;
	}
	snprintf(out, len, "ok pace=%d baud=%u bits=%u turnaround_us=%u",
		 b->pace.on, b->pace.baud, b->pace.bits, b->pace.ta_us);
}

static void meter_cmd(struct sim *s, char **w, int n, char *out, size_t len)
{
	struct meter *m = sim_meter(s, w[1]);
	int64_t now = simclock_now();
	long long v;
	int k, arg;

	if (!m) {
		snprintf(out, len, "err no such meter");
		return;
	}
	meter_sync(m, now);
	if (!strcmp(w[0], "dump") && n == 2) {
		dump(m, now, out, len);
		return;
	}
	if (!strcmp(w[0], "balance") && n == 3) {
		meter_set_balance(m, atoll(w[2]), now);
	} else if (!strcmp(w[0], "fault") && n == 3) {
		if (sim_parse_fault(w[2], &k, &arg) != 0) {
			snprintf(out, len, "err bad fault");
			return;
		}
		m->fault = k;
		m->fault_arg = arg;
	} else if (!strcmp(w[0], "load") && n == 3) {
		m->fixed_w = !strcmp(w[2], "auto") ? -1 : atof(w[2]);
	} else if (!strcmp(w[0], "voltage") && n == 4 &&
		   (k = phase_index(w[2])) >= 0) {
		m->volt_set[k] = !strcmp(w[3], "auto") ? -1 : atof(w[3]);
	} else if (!strcmp(w[0], "malignant") && n == 3) {
		meter_inject_load_step(m, (uint32_t)atol(w[2]));
	} else if (!strcmp(w[0], "clock") && n == 3) {
		meter_set_clock(m, atoll(w[2]), now);
	} else if (!strcmp(w[0], "relay") && n == 3) {
		v = strtoll(w[2], NULL, 0);
		k = meter_relay_command(m, (int)v, now);
		snprintf(out, len, k < 0 ? "err bad code" : "ok result=%d", k);
		return;
	} else if (!strcmp(w[0], "mac") && n == 4) {
		unsigned char mac[8];

		if (mac_recharge(m->key, m->number, (uint32_t)strtoul(w[2], NULL, 0),
				 (uint32_t)strtoul(w[3], NULL, 0), mac) != 0) {
			snprintf(out, len, "err mac");
			return;
		}
		/* Also as four registers, ready for an FC16 write. */
		snprintf(out, len,
			 "ok mac=%02x%02x%02x%02x%02x%02x%02x%02x regs=%u,%u,%u,%u",
			 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], mac[6],
			 mac[7], mac[0] << 8 | mac[1], mac[2] << 8 | mac[3],
			 mac[4] << 8 | mac[5], mac[6] << 8 | mac[7]);
		return;
	} else if (!strcmp(w[0], "card") && (n == 3 || n == 4)) {
		char msg[160];
		int res = meter_apply_card(m, w[2], n == 4 ? w[3] : NULL, now, msg, sizeof(msg));

		snprintf(out, len, "%s %s", res == VCARD_METER_CREDITED ||
					    res == VCARD_METER_NO_CREDIT ? "ok" : "err", msg);
		return;
	} else {
		snprintf(out, len, "err usage");
		return;
	}
	meter_sync(m, now);
	snprintf(out, len, "ok");
}

/* Integrates every meter up to now, so that after a long advance the
 * first poll of each meter does not stall its bus. */
static void sync_all(struct sim *s)
{
	int64_t now = simclock_now();
	unsigned id;
	int k;

	for (k = 0; k < s->nbus; k++)
		for (id = 1; id < BUS_UNITS; id++)
			if (s->bus[k]->units[id])
				meter_sync(s->bus[k]->units[id], now);
}

/* Runs one command line; the reply goes to out without a newline. */
static void execute(struct sim *s, char *line, char *out, size_t len)
{
	char *w[8], *save = NULL, *tok;
	int n = 0;

	for (tok = strtok_r(line, " \t\r\n", &save); tok && n < 8;
	     tok = strtok_r(NULL, " \t\r\n", &save))
		w[n++] = tok;
	if (n == 0) {
		snprintf(out, len, "err empty");
		return;
	}
	sim_lock();
	if (!strcmp(w[0], "ping")) {
		snprintf(out, len, "ok pong");
	} else if (!strcmp(w[0], "time")) {
		snprintf(out, len, "ok now=%lld accel=%u",
			 (long long)simclock_now(), simclock_accel());
	} else if (!strcmp(w[0], "accel") && n == 2 && atoi(w[1]) > 0) {
		simclock_set_accel((unsigned)atoi(w[1]));
		snprintf(out, len, "ok accel=%u", simclock_accel());
	} else if (!strcmp(w[0], "advance") && n == 2 && atoll(w[1]) > 0 &&
		   atoll(w[1]) <= 400LL * 86400) {
		simclock_advance(atoll(w[1]));
		sync_all(s);
		snprintf(out, len, "ok now=%lld", (long long)simclock_now());
	} else if ((!strcmp(w[0], "stats") && n == 2) ||
		   (!strcmp(w[0], "pace") && n >= 3)) {
		bus_cmd(s, w, n, out, len);
	} else if (!strcmp(w[0], "quit")) {
		snprintf(out, len, "ok bye");
		kill(getpid(), SIGTERM);
	} else if (n >= 2 && strchr(w[1], ':')) {
		meter_cmd(s, w, n, out, len);
	} else {
		snprintf(out, len, "err unknown command");
	}
	sim_unlock();
}

/* unplug BUS / plug BUS: outside the lock, the bus thread does the work. */
static int plug_cmd(struct sim *s, char *line, char *out, size_t len)
{
	char cmd[16];
	unsigned no;
	struct bus *b;
	int down;

	if (sscanf(line, "%15s %u", cmd, &no) != 2 ||
	    (strcmp(cmd, "unplug") && strcmp(cmd, "plug")))
		return 0;
	down = !strcmp(cmd, "unplug");
	b = sim_bus(s, no);
	if (!b)
		snprintf(out, len, "err no such bus");
	else if (bus_set_down(b, down) != 0)
		snprintf(out, len, "err bus did not follow");
	else if (down)
		snprintf(out, len, "ok down");
	else if (b->kind == BUS_RTU)
		snprintf(out, len, "ok path=%s", b->link[0] ? b->link : b->path);
	else
		snprintf(out, len, "ok port=%u", b->port);
	return 1;
}

static void serve(struct control *c, int fd)
{
	char line[LINE_MAX_LEN], out[LINE_MAX_LEN + 64];
	size_t have = 0;

	while (running) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		ssize_t n;
		char *nl;
		int rc = poll(&pfd, 1, 100);

		if (rc < 0 && errno != EINTR)
			return;
		if (rc <= 0)
			continue;
		n = read(fd, line + have, sizeof(line) - 1 - have);
		if (n <= 0)
			return;
		have += (size_t)n;
		line[have] = '\0';
		while ((nl = strchr(line, '\n'))) {
			size_t used = (size_t)(nl - line) + 1, olen;

			*nl = '\0';
			if (!plug_cmd(c->sim, line, out, sizeof(out) - 1))
				execute(c->sim, line, out, sizeof(out) - 1);
			olen = strlen(out);
			out[olen++] = '\n';
			if (write(fd, out, olen) < 0)
				return;
			memmove(line, line + used, have - used + 1);
			have -= used;
		}
		if (have == sizeof(line) - 1)
			return; /* a line too long: hang up */
	}
}

static void *control_thread(void *arg)
{
	struct control *c = arg;

	while (running) {
		struct pollfd pfd = {.fd = c->fd, .events = POLLIN};
		int fd;

		if (poll(&pfd, 1, 100) <= 0)
			continue;
		fd = accept4(c->fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		serve(c, fd);
		close(fd);
	}
	return NULL;
}

int control_start(struct control *c)
{
	return pthread_create(&c->thread, NULL, control_thread, c) ? -1 : 0;
}

void control_close(struct control *c)
{
	running = 0;
	pthread_join(c->thread, NULL);
	close(c->fd);
}

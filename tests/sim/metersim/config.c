/* config: the text configuration. One directive per line, words split by
 * blanks, key=value options, '#' starts a comment:
 *   seed N | accel N | start YYYY-MM-DDTHH:MM:SS | control PORT
 *   bus N rtu|tcp [baud= bits= framing= pace= turnaround= port= host= link=]
 *   meter BUS IDS [phases= balance= price= prices= tou= alarms= credit=
 *                  plimit= restore= malignant= load= base= number= key=
 *                  keyver= mk06= keep= skew= purchases= fault=]
 */
#include "sim.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rkey.h"  /* cardio: the desk's own derivation, linked in */
#include "simclock.h"

#define MAX_WORDS 64

int sim_add_line(struct sim *s, const char *line)
{
	if (s->nlines >= SIM_MAX_LINES)
		return -1;
	s->lines[s->nlines] = strdup(line);
	if (!s->lines[s->nlines])
		return -1;
	s->nlines++;
	return 0;
}

int sim_add_file(struct sim *s, const char *path)
{
	char line[1024];
	FILE *f = fopen(path, "r");
	int rc = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sim_add_line(s, line) != 0) {
			rc = -1;
			errno = E2BIG;
			break;
		}
	fclose(f);
	return rc;
}

static int split(char *line, char **w)
{
	int n = 0;
	char *save = NULL, *tok, *hash = strchr(line, '#');

	if (hash)
		*hash = '\0';
	for (tok = strtok_r(line, " \t\r\n", &save); tok && n < MAX_WORDS;
	     tok = strtok_r(NULL, " \t\r\n", &save))
		w[n++] = tok;
	return n;
}

static int num(const char *text, long long lo, long long hi, long long *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(text, &end, 0);
	if (errno || end == text || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int sim_parse_time(const char *text, int64_t *t)
{
	struct tm tm;
	int y, mo, d, h, mi, se;
	char sep;

	if (sscanf(text, "%d-%d-%d%c%d:%d:%d", &y, &mo, &d, &sep, &h, &mi,
		   &se) != 7 || (sep != 'T' && sep != ' '))
		return -1;
	if (y < 2000 || y > 2099 || mo < 1 || mo > 12 || d < 1 || d > 31 ||
	    h > 23 || mi > 59 || se > 59 || h < 0 || mi < 0 || se < 0)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	*t = (int64_t)timegm(&tm);
	return 0;
}

struct bus *sim_bus(struct sim *s, unsigned no)
{
	int k;

	for (k = 0; k < s->nbus; k++)
		if (s->bus[k]->no == no)
			return s->bus[k];
	return NULL;
}

struct meter *sim_meter(struct sim *s, const char *ref)
{
	unsigned b, id;
	char tail;
	struct bus *bus;

	if (sscanf(ref, "%u:%u%c", &b, &id, &tail) != 2 || id == 0 ||
	    id >= BUS_UNITS)
		return NULL;
	bus = sim_bus(s, b);
	return bus ? bus->units[id] : NULL;
}

int sim_configure_globals(struct sim *s, char *err, size_t errlen)
{
	char *w[MAX_WORDS], buf[1024];
	long long v;
	int k, n;

	s->accel = 1;
	s->seed = 1;
	for (k = 0; k < s->nlines; k++) {
		snprintf(buf, sizeof(buf), "%s", s->lines[k]);
		n = split(buf, w);
		if (n == 0)
			continue;
		if (!strcmp(w[0], "seed") && n == 2 &&
		    num(w[1], 0, INT64_MAX, &v) == 0)
			s->seed = (uint64_t)v;
		else if (!strcmp(w[0], "accel") && n == 2 &&
			 num(w[1], 1, 1000000, &v) == 0)
			s->accel = (unsigned)v;
		else if (!strcmp(w[0], "start") && n == 2 &&
			 sim_parse_time(w[1], &s->start) == 0)
			;
		else if (!strcmp(w[0], "start") && n == 3) {
			char t[64];

			snprintf(t, sizeof(t), "%s %s", w[1], w[2]);
			if (sim_parse_time(t, &s->start) != 0)
				goto bad;
		} else if (!strcmp(w[0], "control") && n == 2 &&
			   num(w[1], 0, 65535, &v) == 0)
			s->ctl_port = (unsigned)v;
		else if (!strcmp(w[0], "seed") || !strcmp(w[0], "accel") ||
			 !strcmp(w[0], "start") || !strcmp(w[0], "control"))
			goto bad;
		else if (strcmp(w[0], "bus") && strcmp(w[0], "meter"))
			goto bad;
	}
	return 0;
bad:
	snprintf(err, errlen, "bad line %d: %s", k + 1, s->lines[k]);
	return -1;
}

static int bus_option(struct bus *b, const char *key, const char *val)
{
	long long v;

	if (!strcmp(key, "baud") && num(val, 300, 4000000, &v) == 0)
		b->pace.baud = (unsigned)v;
	else if (!strcmp(key, "bits") && num(val, 10, 11, &v) == 0)
		b->pace.bits = (unsigned)v;
	else if (!strcmp(key, "framing") && !strcmp(val, "8N1"))
		b->pace.bits = 10;
	else if (!strcmp(key, "framing") &&
		 (!strcmp(val, "8E1") || !strcmp(val, "8O1") || !strcmp(val, "8N2")))
		b->pace.bits = 11;
	else if (!strcmp(key, "pace") && num(val, 0, 1, &v) == 0)
		b->pace.on = (int)v;
	else if (!strcmp(key, "turnaround")) {
		char *end;
		double ms = strtod(val, &end);

		if (end == val || *end || ms < 0 || ms > 60000)
			return -1;
		b->pace.ta_us = (unsigned)(ms * 1000.0 + 0.5);
	} else if (!strcmp(key, "port") && num(val, 0, 65535, &v) == 0)
		b->port = (unsigned)v;
	else if (!strcmp(key, "host") && strlen(val) < sizeof(b->host))
		snprintf(b->host, sizeof(b->host), "%s", val);
	else if (!strcmp(key, "link") && strlen(val) < sizeof(b->link))
		snprintf(b->link, sizeof(b->link), "%s", val);
	else
		return -1;
	return 0;
}

static int hexkey(const char *val, unsigned char *key)
{
	int k;
	unsigned x;

	if (strlen(val) != 2 * METER_KEY_LEN)
		return -1;
	for (k = 0; k < METER_KEY_LEN; k++) {
		if (sscanf(val + 2 * k, "%2x", &x) != 1)
			return -1;
		key[k] = (unsigned char)x;
	}
	return 0;
}

/* Parses "a,b,c,..." into up to max numbers; returns the count or -1. */
static int numlist(const char *val, long long *out, int max)
{
	char buf[256], *save = NULL, *tok;
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", val);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (n >= max || num(tok, 0, INT32_MAX, &out[n]) != 0)
			return -1;
		n++;
	}
	return n;
}

/* "HHMM:R,HHMM:R,..." */
static int tou_option(struct meter_params *p, const char *val)
{
	char buf[256], *save = NULL, *tok;
	unsigned hhmm, rate;
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", val);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (n >= METER_TOU_MAX || sscanf(tok, "%u:%u", &hhmm, &rate) != 2)
			return -1;
		p->tou_start[n] = (uint16_t)(hhmm / 100 * 60 + hhmm % 100);
		p->tou_rate[n] = (uint16_t)rate;
		n++;
	}
	p->tou_n = (uint16_t)n;
	return 0;
}

int sim_parse_fault(const char *spec, int *kind, int *arg)
{
	const char *colon = strchr(spec, ':');
	size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
	long long v = 0;

	if (colon && num(colon + 1, 0, 600000, &v) != 0)
		return -1;
	*arg = (int)v;
	if (len == 4 && !strncmp(spec, "none", 4))
		*kind = FAULT_NONE;
	else if (len == 6 && !strncmp(spec, "silent", 6))
		*kind = FAULT_SILENT;
	else if (len == 3 && !strncmp(spec, "crc", 3) && v <= 100) {
		*kind = FAULT_CRC;
		*arg = colon ? (int)v : 100;
	}
	else if (len == 9 && !strncmp(spec, "exception", 9) && v >= 1 && v <= 255)
		*kind = FAULT_EXCEPTION;
	else if (len == 4 && !strncmp(spec, "slow", 4) && v > 0)
		*kind = FAULT_SLOW;
	else if (len == 7 && !strncmp(spec, "garbage", 7))
		*kind = FAULT_GARBAGE;
	else
		return -1;
	return 0;
}

static int meter_option(struct meter *m, const char *key, const char *val)
{
	long long v, l[4];
	int k;

	if (!strcmp(key, "balance") && num(val, -2000000000, 2000000000, &v) == 0)
		m->balance_fen = v;
	else if (!strcmp(key, "price") && num(val, 1, 1000000, &v) == 0)
		for (k = RATE_SHARP; k <= RATE_VALLEY; k++)
			m->p.price[k] = (uint32_t)v;
	else if (!strcmp(key, "prices") && numlist(val, l, 4) == 4)
		for (k = RATE_SHARP; k <= RATE_VALLEY; k++)
			m->p.price[k] = (uint32_t)l[k - 1];
	else if (!strcmp(key, "tou"))
		return tou_option(&m->p, val);
	else if (!strcmp(key, "alarms") && numlist(val, l, 3) == 3)
		for (k = 0; k < 3; k++)
			m->p.alarm_fen[k] = l[k];
	else if (!strcmp(key, "credit") && num(val, 0, INT32_MAX, &v) == 0)
		m->p.credit_fen = v;
	else if (!strcmp(key, "plimit") && num(val, 0, INT32_MAX, &v) == 0)
		m->p.power_limit_w = (uint32_t)v;
	else if (!strcmp(key, "restore") && num(val, 0, 65535, &v) == 0)
		m->p.restore_s = (uint16_t)v;
	else if (!strcmp(key, "malignant") && num(val, 0, 65535, &v) == 0)
		m->p.malignant_w = (uint16_t)v;
	else if (!strcmp(key, "load") && num(val, 0, 1000000, &v) == 0)
		m->fixed_w = (double)v;
	else if (!strcmp(key, "base") && num(val, 0, 1000000, &v) == 0)
		m->base_w = (double)v;
	else if (!strcmp(key, "number") && strlen(val) == METER_NUMBER_LEN &&
		 strspn(val, "0123456789") == METER_NUMBER_LEN)
		snprintf(m->number, sizeof(m->number), "%s", val);
	else if (!strcmp(key, "key"))
		return hexkey(val, m->key);
	else if (!strcmp(key, "mk06"))
		return 0; /* add_meters() derives the key once the number is known */
	else if (!strcmp(key, "keyver") && num(val, 0, 65535, &v) == 0)
		m->key_version = (uint16_t)v;
	else if (!strcmp(key, "keep") && num(val, 0, 1, &v) == 0)
		m->keep_power = (int)v;
	else if (!strcmp(key, "skew") && num(val, -400000000, 400000000, &v) == 0)
		m->skew = v;
	else if (!strcmp(key, "purchases") && num(val, 0, UINT32_MAX, &v) == 0)
		m->purchases = (uint32_t)v;
	else if (!strcmp(key, "fault"))
		return sim_parse_fault(val, &m->fault, &m->fault_arg);
	else if (strcmp(key, "phases"))
		return -1;
	return 0;
}

/* "1-19", "3", "1,4,7-9" into a 0/1 table; 0 or -1. */
static int idlist(const char *val, unsigned char *ids)
{
	char buf[256], *save = NULL, *tok;
	unsigned a, b;
	char tail;

	snprintf(buf, sizeof(buf), "%s", val);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (sscanf(tok, "%u-%u%c", &a, &b, &tail) == 2)
			;
		else if (sscanf(tok, "%u%c", &a, &tail) == 1)
			b = a;
		else
			return -1;
		if (a < 1 || b >= BUS_UNITS || a > b)
			return -1;
		for (; a <= b; a++)
			ids[a] = 1;
	}
	return 0;
}

static int add_bus(struct sim *s, char **w, int n)
{
	long long no;
	struct bus *b;
	int k, kind;

	if (n < 3 || num(w[1], 1, 255, &no) != 0 || sim_bus(s, (unsigned)no) ||
	    s->nbus >= SIM_MAX_BUSES)
		return -1;
	if (!strcmp(w[2], "rtu"))
		kind = BUS_RTU;
	else if (!strcmp(w[2], "tcp"))
		kind = BUS_TCP;
	else
		return -1;
	b = malloc(sizeof(*b));
	if (!b)
		return -1;
	bus_init(b, (unsigned)no, kind);
	s->bus[s->nbus++] = b;
	for (k = 3; k < n; k++) {
		char *eq = strchr(w[k], '=');

		if (!eq)
			return -1;
		*eq = '\0';
		if (bus_option(b, w[k], eq + 1) != 0)
			return -1;
	}
	return 0;
}

static int add_meters(struct sim *s, char **w, int n, int64_t now)
{
	unsigned char ids[BUS_UNITS] = {0};
	long long bno, phases = 1;
	struct bus *b;
	unsigned id;
	int k;

	if (n < 3 || num(w[1], 1, 255, &bno) != 0 ||
	    !(b = sim_bus(s, (unsigned)bno)) || idlist(w[2], ids) != 0)
		return -1;
	for (k = 3; k < n; k++)
		if (!strncmp(w[k], "phases=", 7) &&
		    (num(w[k] + 7, 1, 3, &phases) != 0 || phases == 2))
			return -1;
	for (id = 1; id < BUS_UNITS; id++) {
		struct meter *m;

		if (!ids[id])
			continue;
		if (b->units[id])
			return -1;
		m = malloc(sizeof(*m));
		if (!m)
			return -1;
		meter_init(m, b->no, id, (int)phases, s->seed, now);
		b->units[id] = m;
		for (k = 3; k < n; k++) {
			char opt[256], *eq;

			snprintf(opt, sizeof(opt), "%s", w[k]);
			eq = strchr(opt, '=');
			if (!eq)
				return -1;
			*eq = '\0';
			if (meter_option(m, opt, eq + 1) != 0)
				return -1;
		}
		/* mk06=HEX32: the meter holds K_m derived from that recharge
		 * master key and its number, as a meter maker loads it */
		for (k = 3; k < n; k++) {
			unsigned char mk06[METER_KEY_LEN];

			if (strncmp(w[k], "mk06=", 5))
				continue;
			if (hexkey(w[k] + 5, mk06) != 0 || rkey_derive(mk06, m->number, m->key) != 0)
				return -1;
			memset(mk06, 0, sizeof(mk06));
		}
		if (meter_params_check(&m->p) != 0)
			return -1;
		/* Options may have moved the clock: start integrating from
		 * the meter's own minute. */
		m->t_int = meter_clock(m, now) -
			   ((meter_clock(m, now) % METER_STEP) + METER_STEP) %
				   METER_STEP;
		m->rate_now = (uint16_t)meter_rate_at(&m->p, m->t_int);
	}
	return 0;
}

int sim_configure_devices(struct sim *s, char *err, size_t errlen)
{
	char *w[MAX_WORDS], buf[1024];
	int64_t now = simclock_now();
	int k, n, rc = 0;

	for (k = 0; k < s->nlines; k++) {
		snprintf(buf, sizeof(buf), "%s", s->lines[k]);
		n = split(buf, w);
		if (n == 0)
			continue;
		if (!strcmp(w[0], "bus"))
			rc = add_bus(s, w, n);
		else if (!strcmp(w[0], "meter"))
			rc = add_meters(s, w, n, now);
		if (rc != 0) {
			snprintf(err, errlen, "bad line %d: %s", k + 1,
				 s->lines[k]);
			return -1;
		}
	}
	return 0;
}

void sim_free(struct sim *s)
{
	int k;
	unsigned id;

	for (k = 0; k < s->nbus; k++) {
		for (id = 0; id < BUS_UNITS; id++)
			free(s->bus[k]->units[id]);
		free(s->bus[k]);
	}
	s->nbus = 0;
	for (k = 0; k < s->nlines; k++)
		free(s->lines[k]);
	s->nlines = 0;
}

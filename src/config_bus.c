/* config_bus: the [bus NAME] sections of the config file, the buses the
 * meter-reading service takes from the file rather than the database
 * (docs/poll.md §1). libinih gives the handler no line numbers in
 * Debian's build, so the reader counts lines itself and also sees the
 * section headers, which the handler never sees for an empty section. */
#include "config.h"

#include <ctype.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

struct bus_parse {
	FILE *f;
	const char *path;
	int line;               /* of the line inih is handling */
	struct config_bus *v;
	int n, cap;
	struct config_bus *cur; /* the open [bus] section, or NULL */
	int rtu_key_line;       /* first RTU-only key of cur, 0 if none */
	char error[300];
};

static int fail(struct bus_parse *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct bus_parse *p, int line, const char *fmt, ...)
{
	char msg[240];
	va_list ap;

	if (p->error[0])
		return 0;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p->error, sizeof(p->error), "%s, line %d: %s", p->path, line, msg);
	return 0;
}

static int int_in(const char *v, int lo, int hi, int *out)
{
	char *end;
	long x = strtol(v, &end, 10);

	if (end == v || *end || x < lo || x > hi)
		return 0;
	*out = (int)x;
	return 1;
}

/* Checks that the open section is complete. */
static void close_section(struct bus_parse *p)
{
	struct config_bus *b = p->cur;

	p->cur = NULL;
	if (!b || p->error[0])
		return;
	if (!b->tcp && !b->device[0])
		fail(p, b->line, "[bus %s] needs \"rtu = DEVICE\" or \"tcp = HOST:PORT\"", b->name);
	else if (b->tcp && p->rtu_key_line)
		fail(p, p->rtu_key_line, "[bus %s] is a TCP gateway: baud, parity, stop_bits and "
					 "rs485 belong to an RTU line", b->name);
}

/* A "[...]" line: opens a bus section (or none for another section). */
static void open_section(struct bus_parse *p, char *text)
{
	char *end = strchr(text, ']'), *name;
	struct config_bus *b;
	int i;

	close_section(p);
	if (!end)
		return; /* inih reports it */
	*end = 0;
	text++;
	while (isspace((unsigned char)*text))
		text++;
	if (strncmp(text, "bus", 3) != 0 || (text[3] && !isspace((unsigned char)text[3])))
		return;
	for (name = text + 3; isspace((unsigned char)*name); name++)
		;
	for (end = name + strlen(name); end > name && isspace((unsigned char)end[-1]); end--)
		;
	*end = 0;
	if (!name[0] || strlen(name) > 32 || strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
							 "abcdefghijklmnopqrstuvwxyz0123456789-_.") !=
						    strlen(name)) {
		fail(p, p->line, "a bus section is [bus NAME], NAME 1-32 letters, digits, '-', '_' "
				 "or '.'");
		return;
	}
	for (i = 0; i < p->n; i++)
		if (strcmp(p->v[i].name, name) == 0) {
			fail(p, p->line, "[bus %s] is already defined on line %d", name, p->v[i].line);
			return;
		}
	if (p->n == p->cap) {
		struct config_bus *nv;

		p->cap = p->cap ? p->cap * 2 : 8;
		nv = realloc(p->v, (size_t)p->cap * sizeof(*nv));
		if (!nv) {
			fail(p, p->line, "out of memory");
			return;
		}
		p->v = nv;
	}
	b = &p->v[p->n++];
	memset(b, 0, sizeof(*b));
	snprintf(b->name, sizeof(b->name), "%s", name);
	b->line = p->line;
	b->baud = 9600;
	b->parity = 'N';
	b->stop_bits = 1;
	b->turnaround_ms = 20;
	p->cur = b;
	p->rtu_key_line = 0;
}

/* The reader libinih calls for each line: counts lines and follows the
 * section headers. A NULL return ends the parse (error set or EOF). */
static char *reader(char *str, int num, void *stream)
{
	struct bus_parse *p = stream;
	char *s;

	if (p->error[0] || !fgets(str, num, p->f))
		return NULL;
	p->line++;
	for (s = str; isspace((unsigned char)*s); s++)
		;
	if (*s == '[') {
		char copy[256];

		snprintf(copy, sizeof(copy), "%s", s);
		open_section(p, copy);
		if (p->error[0])
			return NULL;
	}
	return str;
}

static int add_unit(struct bus_parse *p, struct config_bus *b, const char *name,
		    const char *value)
{
	struct config_unit *nv;
	int unit, i, k;

	if (!int_in(name + 5, 1, 247, &unit))
		return fail(p, p->line, "\"%s\": a unit id is 1-247", name);
	if (strlen(value) != 12 || strspn(value, "0123456789") != 12)
		return fail(p, p->line, "unit %d: \"%s\" is not a 12-digit meter number", unit, value);
	for (i = 0; i < b->nunits; i++)
		if (b->units[i].unit == unit)
			return fail(p, p->line, "unit %d of bus %s is already meter %s (line %d)", unit,
				    b->name, b->units[i].meter_no, b->units[i].line);
	for (k = 0; k < p->n; k++)
		for (i = 0; i < p->v[k].nunits; i++)
			if (strcmp(p->v[k].units[i].meter_no, value) == 0)
				return fail(p, p->line, "meter %s is already unit %d of bus %s (line %d)",
					    value, p->v[k].units[i].unit, p->v[k].name,
					    p->v[k].units[i].line);
	nv = realloc(b->units, (size_t)(b->nunits + 1) * sizeof(*nv));
	if (!nv)
		return fail(p, p->line, "out of memory");
	b->units = nv;
	nv[b->nunits].unit = unit;
	nv[b->nunits].line = p->line;
	snprintf(nv[b->nunits].meter_no, sizeof(nv[0].meter_no), "%s", value);
	b->nunits++;
	return 1;
}

static int handle(void *user, const char *section, const char *name, const char *value)
{
	struct bus_parse *p = user;
	struct config_bus *b = p->cur;
	const char *colon;

	(void)section; /* the reader tracks sections, with their lines */
	if (!b)
		return 1; /* another section: config_load checks it */
#define IS(k) (strcmp(name, k) == 0)
	if (strncmp(name, "unit", 4) == 0 && isspace((unsigned char)name[4]))
		return add_unit(p, b, name, value);
	if (IS("rtu") || IS("tcp")) {
		if (b->device[0] || b->tcp)
			return fail(p, p->line, "[bus %s] has both rtu and tcp, or one twice", b->name);
		if (IS("rtu")) {
			if (!value[0] || strlen(value) >= sizeof(b->device))
				return fail(p, p->line, "rtu: a serial device such as /dev/ttyUSB0");
			snprintf(b->device, sizeof(b->device), "%s", value);
			return 1;
		}
		colon = strrchr(value, ':');
		if (!colon || colon == value || (size_t)(colon - value) >= sizeof(b->host) ||
		    !int_in(colon + 1, 1, 65535, &b->port))
			return fail(p, p->line, "tcp: HOST:PORT, such as 10.0.3.20:502");
		memcpy(b->host, value, (size_t)(colon - value));
		b->host[colon - value] = 0;
		b->tcp = 1;
		return 1;
	}
	if (IS("turnaround"))
		return int_in(value, 0, 5000, &b->turnaround_ms) ||
		       fail(p, p->line, "turnaround: milliseconds, 0-5000");
	if (IS("baud") || IS("parity") || IS("stop_bits") || IS("rs485")) {
		if (!p->rtu_key_line)
			p->rtu_key_line = p->line;
		if (IS("baud"))
			return int_in(value, 300, 1000000, &b->baud) ||
			       fail(p, p->line, "baud: a rate such as 9600");
		if (IS("stop_bits"))
			return int_in(value, 1, 2, &b->stop_bits) || fail(p, p->line, "stop_bits: 1 or 2");
		if (IS("parity")) {
			if (strlen(value) != 1 || !strchr("NEO", value[0]))
				return fail(p, p->line, "parity: N, E or O");
			b->parity = value[0];
			return 1;
		}
		if (strcmp(value, "yes") == 0 || strcmp(value, "no") == 0) {
			b->rs485 = value[0] == 'y';
			return 1;
		}
		return fail(p, p->line, "rs485: yes or no");
	}
#undef IS
	return fail(p, p->line, "unknown key \"%s\" in [bus %s]", name, b->name);
}

void config_buses_free(struct config_bus *v, int n)
{
	int i;

	for (i = 0; v && i < n; i++)
		free(v[i].units);
	free(v);
}

int config_buses(const char *path, struct config_bus **out, int *n)
{
	struct bus_parse p;
	int rc;

	*out = NULL;
	*n = 0;
	if (!path || !path[0])
		return 0;
	memset(&p, 0, sizeof(p));
	p.path = path;
	if (!(p.f = fopen(path, "r")))
		return err_set(-SD_CONFIG, "%s: cannot be read", path);
	rc = ini_parse_stream(reader, &p, handle, &p);
	fclose(p.f);
	close_section(&p);
	if (!p.error[0] && rc > 0)
		snprintf(p.error, sizeof(p.error), "%s, line %d: not a key = value line", path, rc);
	if (p.error[0]) {
		config_buses_free(p.v, p.n);
		return err_set(-SD_CONFIG, "%s", p.error);
	}
	*out = p.v;
	*n = p.n;
	return 0;
}

/* tariff_text: the one-line text form of a tariff version (parse and
 * format, see docs/tariffs.md) and the names of rates and kinds. */
#include "tariff.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "money.h"
#include "tariff_int.h"

static const char *const rate_names[TARIFF_RATE_COUNT] = {
	"sharp", "peak", "flat", "valley"
};
/* 尖 峰 平 谷, the names on Chinese bills and meter displays. */
static const char *const rate_names_zh[TARIFF_RATE_COUNT] = {
	"\xe5\xb0\x96", "\xe5\xb3\xb0", "\xe5\xb9\xb3", "\xe8\xb0\xb7"
};
static const char *const kind_names[] = { "flat", "tou" };

const char *tariff_rate_name(enum tariff_rate rate)
{
	if ((unsigned)rate >= TARIFF_RATE_COUNT)
		return "?";
	return rate_names[rate];
}

const char *tariff_kind_name(enum tariff_kind kind)
{
	if ((unsigned)kind > TARIFF_KIND_TOU)
		return "?";
	return kind_names[kind];
}

int tariff_rate_from_name(const char *name, enum tariff_rate *rate)
{
	int i;

	for (i = 0; name && i < TARIFF_RATE_COUNT; i++) {
		if (!strcmp(name, rate_names[i]) ||
		    !strcmp(name, rate_names_zh[i])) {
			*rate = (enum tariff_rate)i;
			return 0;
		}
	}
	return -SD_TARIFF;
}

int tariff_kind_from_name(const char *name, enum tariff_kind *kind)
{
	if (name && !strcmp(name, "flat")) {
		*kind = TARIFF_KIND_FLAT;
		return 0;
	}
	if (name && !strcmp(name, "tou")) {
		*kind = TARIFF_KIND_TOU;
		return 0;
	}
	return -SD_TARIFF;
}

/* ---- text form ------------------------------------------------------- */

void tariff_fmt_hhmm(int min, char *buf, size_t len)
{
	/* Clamped so a damaged row still prints as a time of day. */
	if (min < 0 || min > TARIFF_DAY_MIN)
		min = 0;
	snprintf(buf, len, "%02d:%02d", min / 60, min % 60);
}

void tariff_fmt_mmdd(int mmdd, char *buf, size_t len)
{
	snprintf(buf, len, "%02d-%02d", mmdd / 100 % 100, mmdd % 100);
}

void tariff_fmt_seg(const struct tariff_segment *g, char *buf, size_t len)
{
	char a[16], b[16];

	tariff_fmt_hhmm(g->start_min, a, sizeof(a));
	tariff_fmt_hhmm(g->end_min, b, sizeof(b));
	snprintf(buf, len, "%s-%s", a, b);
}

/* Orders seasons by start date and segments by start time, so that two
 * texts saying the same thing format the same. */
static void normalize(struct tariff_version *v)
{
	int i, j, k;

	for (i = 1; i < v->n_seasons; i++) {
		struct tariff_season s = v->seasons[i];

		for (j = i; j > 0 && v->seasons[j - 1].from_mmdd > s.from_mmdd;
		     j--)
			v->seasons[j] = v->seasons[j - 1];
		v->seasons[j] = s;
	}
	for (k = 0; k < v->n_seasons; k++) {
		struct tariff_season *s = &v->seasons[k];

		for (i = 1; i < s->n_segments; i++) {
			struct tariff_segment g = s->segments[i];

			for (j = i; j > 0 &&
				    s->segments[j - 1].start_min > g.start_min;
			     j--)
				s->segments[j] = s->segments[j - 1];
			s->segments[j] = g;
		}
	}
}

struct outbuf {
	char *buf;
	size_t len, pos;
	int over;
};

__attribute__((format(printf, 2, 3)))
static void put(struct outbuf *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->over)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->pos, o->len - o->pos, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->len - o->pos) {
		o->over = 1;
		return;
	}
	o->pos += (size_t)n;
}

/* kWh with as few decimals as are exact: 2000000 Wh -> "2000", 1500 Wh ->
 * "1.5". Tier thresholds are never rounded for display. */
static void fmt_kwh(int64_t wh, char *buf, size_t len)
{
	int frac = (int)(wh % 1000), digits = 3;

	if (frac == 0) {
		snprintf(buf, len, "%lld", (long long)(wh / 1000));
		return;
	}
	while (frac % 10 == 0) {
		frac /= 10;
		digits--;
	}
	snprintf(buf, len, "%lld.%0*d", (long long)(wh / 1000), digits, frac);
}

int tariff_format(const struct tariff_version *in, char *buf, size_t len)
{
	struct tariff_version v;
	struct outbuf o = { buf, len, 0, 0 };
	char p[MONEY_BUFSZ], a[40], b[40];
	int i, k;

	if (!buf || len == 0)
		return -SD_OVERFLOW;
	buf[0] = 0;
	if (tariff_version_validate(in, NULL, 0))
		return -SD_TARIFF;
	v = *in;
	normalize(&v);
	if (v.kind == TARIFF_KIND_FLAT) {
		put(&o, "flat %s", price_format(v.price[TARIFF_FLAT], p,
						sizeof(p)));
	} else {
		put(&o, "tou");
		for (i = 0; i < TARIFF_RATE_COUNT; i++)
			if (v.price[i] > 0)
				put(&o, " %s=%s", rate_names[i],
				    price_format(v.price[i], p, sizeof(p)));
		if (v.purchase_price > 0)
			put(&o, " purchase=%s",
			    price_format(v.purchase_price, p, sizeof(p)));
		for (k = 0; k < v.n_seasons; k++) {
			const struct tariff_season *s = &v.seasons[k];

			if (!(v.n_seasons == 1 && s->from_mmdd == 101 &&
			      s->to_mmdd == 1231)) {
				tariff_fmt_mmdd(s->from_mmdd, a, sizeof(a));
				tariff_fmt_mmdd(s->to_mmdd, b, sizeof(b));
				put(&o, " season=%s..%s", a, b);
			}
			put(&o, " segments=");
			for (i = 0; i < s->n_segments; i++) {
				tariff_fmt_seg(&s->segments[i], a, sizeof(a));
				put(&o, "%s%s:%s", i ? "," : "", a,
				    rate_names[s->segments[i].rate]);
			}
		}
	}
	if (v.n_tiers > 0) {
		put(&o, " tiers=");
		for (i = 0; i < v.n_tiers; i++) {
			fmt_kwh(i ? v.tiers[i - 1].upto_wh : 0, a, sizeof(a));
			price_format(v.tiers[i].price_add, p, sizeof(p));
			if (i == v.n_tiers - 1) {
				put(&o, "%s%skWh-:+%s", i ? "," : "", a, p);
			} else {
				fmt_kwh(v.tiers[i].upto_wh, b, sizeof(b));
				put(&o, "%s%s-%skWh:+%s", i ? "," : "", a, b,
				    p);
			}
		}
	}
	if (o.over) {
		buf[0] = 0;
		return -SD_OVERFLOW;
	}
	return 0;
}

/* Reads a price token value; zero_ok for TOU rates a tariff leaves out and
 * for tier increments. The message names the key and echoes the value. */
static int parse_price_val(const char *label, const char *val, int zero_ok,
			   int64_t *out, char *why, size_t why_len)
{
	int rc = price_parse(val, out);

	if (rc == -SD_MONEY_ZERO && zero_ok) {
		*out = 0;
		return 0;
	}
	switch (rc) {
	case 0:
		return 0;
	case -SD_MONEY_DECIMALS:
		return tariff_fail(why, why_len,
				   "%s%s: a price has at most four decimals",
				   label, val);
	case -SD_MONEY_NEGATIVE:
		return tariff_fail(why, why_len, "%s%s: must not be negative",
				   label, val);
	case -SD_MONEY_ZERO:
		return tariff_fail(why, why_len, "%s%s: must be greater than 0",
				   label, val);
	case -SD_MONEY_RANGE:
		return tariff_fail(why, why_len,
				   "%s%s: above the limit of 99.9999 yuan/kWh",
				   label, val);
	default:
		return tariff_fail(why, why_len,
				   "%s%s: not a price; write yuan per kWh like "
				   "0.5880", label, val);
	}
}

/* Reads 1 to max_digits decimal digits at *p. Returns -1 if none. */
static int read_num(const char **p, int max_digits)
{
	int n = 0, v = 0;

	while (**p >= '0' && **p <= '9' && n < max_digits) {
		v = v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	return n ? v : -1;
}

/* "H:MM" or "HH:MM", 00:00 to 24:00. Returns minutes or -1. */
static int read_hhmm(const char **p)
{
	const char *s = *p;
	int h = read_num(&s, 2), m;

	if (h < 0 || *s != ':')
		return -1;
	s++;
	if (!(s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9'))
		return -1;
	m = read_num(&s, 2);
	if (m > 59 || h > 24 || (h == 24 && m != 0))
		return -1;
	*p = s;
	return h * 60 + m;
}

/* "MM-DD". Returns month*100 + day, or -1. */
static int read_mmdd(const char **p)
{
	int m = read_num(p, 2), d;

	if (m < 0 || **p != '-')
		return -1;
	(*p)++;
	d = read_num(p, 2);
	if (d < 0)
		return -1;
	return m * 100 + d;
}

static int parse_season(const char *val, struct tariff_season *s, char *why,
			size_t why_len)
{
	const char *p = val;
	int from = read_mmdd(&p), to = -1, bad;

	if (from >= 0 && p[0] == '.' && p[1] == '.') {
		p += 2;
		to = read_mmdd(&p);
	}
	if (from < 0 || to < 0 || *p)
		return tariff_fail(why, why_len,
				   "season=%s: write MM-DD..MM-DD, like "
				   "06-01..08-31", val);
	if (!tariff_mmdd_valid(from) || !tariff_mmdd_valid(to)) {
		bad = tariff_mmdd_valid(from) ? to : from;
		return tariff_fail(why, why_len,
				   "season=%s: %02d-%02d is not a date", val,
				   bad / 100, bad % 100);
	}
	s->from_mmdd = from;
	s->to_mmdd = to;
	return 0;
}

static int parse_segments(char *val, struct tariff_season *s, char *why,
			  size_t why_len)
{
	char *item = val, *next;

	for (; item; item = next) {
		struct tariff_segment *g;
		const char *p = item;
		int a, b;

		next = strchr(item, ',');
		if (next)
			*next++ = 0;
		if (!*item)
			return tariff_fail(why, why_len,
					   "segments=: an empty item between "
					   "commas");
		if (s->n_segments == TARIFF_MAX_SEGMENTS)
			return tariff_fail(why, why_len,
					   "segments=: more than %d segments "
					   "in a day", TARIFF_MAX_SEGMENTS);
		g = &s->segments[s->n_segments];
		a = read_hhmm(&p);
		b = -1;
		if (a >= 0 && *p == '-') {
			p++;
			b = read_hhmm(&p);
		}
		if (a < 0 || b < 0 || *p != ':')
			return tariff_fail(why, why_len,
					   "segment \"%s\": write "
					   "HH:MM-HH:MM:RATE with times from "
					   "00:00 to 24:00, like "
					   "08:00-11:00:peak", item);
		if (a == TARIFF_DAY_MIN)
			return tariff_fail(why, why_len,
					   "segment \"%s\": starts at 24:00; "
					   "write 00:00", item);
		if (b == 0)
			b = TARIFF_DAY_MIN; /* "22:00-00:00" ends at midnight */
		if (tariff_rate_from_name(p + 1, &g->rate))
			return tariff_fail(why, why_len,
					   "segment \"%s\": unknown rate "
					   "\"%s\"; expected sharp, peak, "
					   "flat or valley", item, p + 1);
		g->start_min = a;
		g->end_min = b;
		s->n_segments++;
	}
	return 0;
}

/* Splits "2000kWh" into the number text without its unit (optional,
 * any case). */
static void strip_kwh(const char *in, size_t n, char *out, size_t len)
{
	if (n >= 3 && !strncasecmp(in + n - 3, "kwh", 3))
		n -= 3;
	if (n >= len)
		n = len - 1;
	memcpy(out, in, n);
	out[n] = 0;
}

static int parse_tiers(char *val, struct tariff_version *v, char *why,
		       size_t why_len)
{
	char *item = val, *next, lo_s[32], hi_s[32], b[40];
	int64_t prev = 0, lo, hi;
	int open_seen = 0;

	for (; item; item = next) {
		struct tariff_tier *tr;
		char *colon, *dash;
		int n = v->n_tiers + 1, rc;

		next = strchr(item, ',');
		if (next)
			*next++ = 0;
		if (!*item)
			return tariff_fail(why, why_len,
					   "tiers=: an empty item between "
					   "commas");
		if (v->n_tiers == TARIFF_MAX_TIERS)
			return tariff_fail(why, why_len,
					   "tiers=: more than %d tiers",
					   TARIFF_MAX_TIERS);
		if (open_seen)
			return tariff_fail(why, why_len,
					   "tier %d: the tier before it has "
					   "no upper end, so it must be the "
					   "last", n);
		tr = &v->tiers[v->n_tiers];
		colon = strchr(item, ':');
		dash = strchr(item, '-');
		if (!colon || !dash || dash > colon)
			return tariff_fail(why, why_len,
					   "tier \"%s\": write "
					   "FROM-TOkWh:+PRICE, or "
					   "FROMkWh-:+PRICE for the last, "
					   "like 0-200kWh:+0", item);
		*colon = 0;
		strip_kwh(item, (size_t)(dash - item), lo_s, sizeof(lo_s));
		strip_kwh(dash + 1, strlen(dash + 1), hi_s, sizeof(hi_s));
		if (energy_parse(lo_s, MONEY_ALLOW_ZERO, &lo))
			return tariff_fail(why, why_len,
					   "tier %d: \"%s\" is not an amount "
					   "of kWh with at most three decimals",
					   n, lo_s);
		if (lo != prev) {
			fmt_kwh(prev, b, sizeof(b));
			return tariff_fail(why, why_len,
					   "tier %d must start at %s kWh, "
					   "where the one before ends", n, b);
		}
		if (!hi_s[0]) {
			hi = TARIFF_TIER_OPEN;
			open_seen = 1;
		} else if (energy_parse(hi_s, MONEY_ALLOW_ZERO, &hi)) {
			return tariff_fail(why, why_len,
					   "tier %d: \"%s\" is not an amount "
					   "of kWh with at most three decimals",
					   n, hi_s);
		} else if (hi <= lo) {
			return tariff_fail(why, why_len,
					   "tier %d must end above where it "
					   "starts", n);
		}
		snprintf(b, sizeof(b), "tier %d increment ", n);
		rc = parse_price_val(b, colon + 1, 1, &tr->price_add, why,
				     why_len);
		if (rc)
			return rc;
		tr->upto_wh = hi;
		prev = hi;
		v->n_tiers++;
	}
	if (!open_seen)
		return tariff_fail(why, why_len,
				   "the last tier must have no upper end; "
				   "write it as FROMkWh-:+PRICE");
	return 0;
}

int tariff_parse(const char *text, struct tariff_version *v, char *why,
		 size_t why_len)
{
	char copy[TARIFF_TEXT_SZ], *save = NULL, *tok, label[32];
	enum tariff_rate rate;
	int seen_rate[TARIFF_RATE_COUNT] = { 0 };
	int seen_purchase = 0, seen_tiers = 0, whole_year = 0, rc;
	struct tariff_season *open_season = NULL;

	if (!v)
		return tariff_fail(why, why_len, "no tariff given");
	memset(v, 0, sizeof(*v));
	if (!text)
		return tariff_fail(why, why_len, "no tariff text given");
	if (strlen(text) >= sizeof(copy))
		return tariff_fail(why, why_len,
				   "the text is longer than %d bytes",
				   TARIFF_TEXT_SZ - 1);
	strcpy(copy, text);
	tok = strtok_r(copy, " \t\r\n", &save);
	if (!tok)
		return tariff_fail(why, why_len,
				   "empty; write \"flat PRICE\" or \"tou "
				   "RATE=PRICE ... segments=...\"");
	if (tariff_kind_from_name(tok, &v->kind))
		return tariff_fail(why, why_len,
				   "starts with \"%s\"; expected flat or tou",
				   tok);
	if (v->kind == TARIFF_KIND_FLAT) {
		tok = strtok_r(NULL, " \t\r\n", &save);
		if (!tok || strchr(tok, '='))
			return tariff_fail(why, why_len,
					   "flat needs its price next, like "
					   "\"flat 0.5880\"");
		rc = parse_price_val("price ", tok, 0, &v->price[TARIFF_FLAT],
				     why, why_len);
		if (rc)
			return rc;
	}
	while ((tok = strtok_r(NULL, " \t\r\n", &save))) {
		char *val = strchr(tok, '=');

		if (!val)
			return tariff_fail(why, why_len,
					   "\"%s\": expected KEY=VALUE", tok);
		*val++ = 0;
		if (!strcmp(tok, "tiers")) {
			if (seen_tiers++)
				return tariff_fail(why, why_len,
						   "tiers= given twice");
			rc = parse_tiers(val, v, why, why_len);
			if (rc)
				return rc;
			continue;
		}
		if (v->kind == TARIFF_KIND_FLAT)
			return tariff_fail(why, why_len,
					   "%s=: a flat tariff takes only a "
					   "price and tiers=; use tou for "
					   "time segments", tok);
		if (!tariff_rate_from_name(tok, &rate)) {
			if (seen_rate[rate]++)
				return tariff_fail(why, why_len,
						   "%s= given twice", tok);
			snprintf(label, sizeof(label), "%s=", tok);
			rc = parse_price_val(label, val, 1, &v->price[rate],
					     why, why_len);
		} else if (!strcmp(tok, "purchase")) {
			if (seen_purchase++)
				return tariff_fail(why, why_len,
						   "purchase= given twice");
			rc = parse_price_val("purchase=", val, 1,
					     &v->purchase_price,
					     why, why_len);
		} else if (!strcmp(tok, "season")) {
			if (open_season)
				return tariff_fail(why, why_len,
						   "season=%s..: the season "
						   "before it has no segments=",
						   val);
			if (whole_year)
				return tariff_fail(why, why_len,
						   "season=%s: segments= "
						   "before it already cover "
						   "the whole year; put a "
						   "season= before every "
						   "segments=", val);
			if (v->n_seasons == TARIFF_MAX_SEASONS)
				return tariff_fail(why, why_len,
						   "more than %d seasons",
						   TARIFF_MAX_SEASONS);
			open_season = &v->seasons[v->n_seasons++];
			rc = parse_season(val, open_season, why, why_len);
		} else if (!strcmp(tok, "segments")) {
			if (!open_season) {
				if (v->n_seasons > 0)
					return tariff_fail(why, why_len,
							   "segments= given "
							   "twice; put season="
							   "MM-DD..MM-DD "
							   "before each day "
							   "table");
				whole_year = 1;
				open_season = &v->seasons[v->n_seasons++];
				open_season->from_mmdd = 101;
				open_season->to_mmdd = 1231;
			}
			rc = parse_segments(val, open_season, why, why_len);
			open_season = NULL;
		} else {
			return tariff_fail(why, why_len,
					   "unknown key \"%s=\"; expected "
					   "sharp=, peak=, flat=, valley=, "
					   "purchase=, season=, segments= or "
					   "tiers=", tok);
		}
		if (rc)
			return rc;
	}
	if (open_season)
		return tariff_fail(why, why_len,
				   "the last season= has no segments= after "
				   "it");
	if (v->kind == TARIFF_KIND_TOU && v->n_seasons == 0)
		return tariff_fail(why, why_len,
				   "a tou tariff needs segments=, like "
				   "segments=00:00-08:00:valley,"
				   "08:00-24:00:flat");
	normalize(v);
	return tariff_version_validate(v, why, why_len);
}

/* poll: the service loop, the per-bus threads and one cycle of a bus. */
#include "poll.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "alarm.h"
#include "billing.h"
#include "bus.h"
#include "clock.h"
#include "db.h"
#include "db_alarm.h"
#include "db_bus.h"
#include "db_meter.h"
#include "db_poll.h"
#include "err.h"
#include "keyfile.h"  /* cardio: the service's recharge master keys */
#include "log.h"
#include "meter.h"
#include "meter_ctl.h"
#include "rkey.h"

/* Margin on top of wire time and turnaround: a USB adapter's latency
 * timer (16 ms by default) plus scheduling on a shared machine. */
#define POLL_MARGIN_US 30000
/* Probes of an offline meter wait longer, so a slow meter is found
 * slow rather than dead, and its turnaround is learned. */
#define POLL_PROBE_US 250000
#define POLL_TIMEOUT_MAX_US 3000000
/* The serial side of a TCP gateway is unknown: assume 9600 8N1. */
#define POLL_GATEWAY_CHAR_US 1042
#define POLL_CMD_TRIES 5
#define POLL_BUS_BACKOFF_MAX_MS 60000

/* Serialises the bus threads' store phases (see cycle()). */
static pthread_mutex_t store_lock = PTHREAD_MUTEX_INITIALIZER;

struct learned {
	int64_t meter_id;
	int64_t ta_us;        /* turnaround seen, decaying */
	int64_t check_retry_at; /* a scheduled read failed: not before (UTC s) */
};

struct cmd_result {
	int touched;          /* state changed this cycle */
	char state[8];
	char reason[200];
	int tries;
	int seq_alarm;        /* recharge sequence disagreement */
};

struct worker {
	const struct poll_opts *o;
	const struct card_rkeys *rkeys; /* NULL: none loaded; the main thread
					 * swaps them only while no worker runs */
	struct bus_rec rec;
	pthread_t th;
	int started;
	atomic_int stop;
	struct db *db;
	struct bus *bus;
	int64_t bus_retry_at_ms;
	int64_t bus_backoff_ms;
	char bus_error[200];
	struct learned *learned;
	int nlearned;
	int64_t last_prune_ms;
	int is_first;
	int checks_left;      /* scheduled reads this cycle may still make */
	int rc;
};

/* One meter's part of a cycle. */
struct meter_work {
	struct poll_outcome o;
	int skip;             /* offline and not due for a probe */
	int nfreeze;          /* freeze records read this cycle, newest first */
	struct freeze_rec freeze[METER_FREEZES];
	int went_offline;
	int got_info;         /* info holds the device info read this cycle */
	struct meter_info info;
	int mismatch;         /* it reports another meter number */
	int got_params;       /* params holds the parameters read this cycle */
	struct meter_params params;
};

static void sleep_ms(int64_t ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static struct learned *learned_for(struct worker *w, int64_t meter_id)
{
	struct learned *nv;
	int i;

	for (i = 0; i < w->nlearned; i++)
		if (w->learned[i].meter_id == meter_id)
			return &w->learned[i];
	nv = realloc(w->learned, (size_t)(w->nlearned + 1) * sizeof(*nv));
	if (!nv)
		return NULL;
	w->learned = nv;
	nv[w->nlearned].meter_id = meter_id;
	nv[w->nlearned].ta_us = 0;
	nv[w->nlearned].check_retry_at = 0;
	return &nv[w->nlearned++];
}

static int64_t char_us(const struct worker *w)
{
	int64_t c = bus_char_us(w->bus);

	return c ? c : POLL_GATEWAY_CHAR_US;
}

/* The response timeout of one exchange: its wire time, the turnaround the
 * meter needs (configured, or learned if longer) with half again as
 * margin, and a fixed margin. libmodbus starts the clock when write()
 * returns, before the request has left the wire, so the request counts. */
static int64_t timeout_us(struct worker *w, const struct learned *l, int req, int rsp, int probe)
{
	int64_t ta = (int64_t)w->rec.turnaround_ms * 1000, t;

	if (l && l->ta_us > ta)
		ta = l->ta_us;
	t = bus_wire_us(char_us(w), req, rsp) + ta + ta / 2 + POLL_MARGIN_US;
	if (probe && t < POLL_PROBE_US)
		t = POLL_PROBE_US;
	return t > POLL_TIMEOUT_MAX_US ? POLL_TIMEOUT_MAX_US : t;
}

static void learn(struct learned *l, int64_t elapsed_us, int64_t wire_us)
{
	int64_t seen = elapsed_us - wire_us;

	if (!l)
		return;
	if (seen < 0)
		seen = 0;
	/* Follow a slower meter at once, a faster one slowly. */
	l->ta_us = seen > l->ta_us ? seen : l->ta_us - (l->ta_us - seen) / 8;
}

static int64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Counts a failed exchange into o. Returns 1 if the meter did answer. */
static int count_error(struct poll_outcome *o, int rc)
{
	snprintf(o->error, sizeof(o->error), "%s", err_detail());
	switch (-rc) {
	case SD_BUS_TIMEOUT:
		o->timeouts++;
		return 0;
	case SD_BUS_CRC:
		o->crc_errors++;
		return 0;
	case SD_BUS_EXCEPTION:
		o->exceptions++;
		return 1;
	default:
		return 0;
	}
}

/* Reads n registers with one retry after a damaged or foreign reply (the
 * line was flushed, so the retry sees a clean line). */
static int read_regs(struct worker *w, struct learned *l, struct poll_outcome *o, int unit,
		     int addr, int n, uint16_t *regs, int probe)
{
	int rsp = 5 + 2 * n, rc, attempt;
	int64_t t = timeout_us(w, l, 8, rsp, probe), start;

	for (attempt = 0; attempt < 2; attempt++) {
		start = mono_us();
		rc = bus_read(w->bus, unit, addr, n, regs, t, NULL);
		if (!rc) {
			learn(l, mono_us() - start, bus_wire_us(char_us(w), 8, rsp));
			return 0;
		}
		if (rc == -SD_BUS_IO)
			return rc;
		count_error(o, rc);
		if (rc != -SD_BUS_CRC && rc != -SD_BUS_FRAME)
			return rc;
	}
	return rc;
}

static int write_regs(struct worker *w, struct learned *l, int unit, int addr, int n,
		      const uint16_t *regs, int *exc)
{
	int req = n == 1 ? 8 : 9 + 2 * n;

	return bus_write(w->bus, unit, addr, n, regs, timeout_us(w, l, req, 8, 0), exc);
}

static void result(struct cmd_result *r, const char *state, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void result(struct cmd_result *r, const char *state, const char *fmt, ...)
{
	va_list ap;

	r->touched = 1;
	snprintf(r->state, sizeof(r->state), "%s", state);
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
}

/* A command that got no usable reply stays 'sent' and is repeated next
 * cycle (every command is safe to repeat), until it has had its tries. */
static void no_reply(struct cmd_result *r, int rc)
{
	if (r->tries >= POLL_CMD_TRIES)
		result(r, "failed", "no reply after %d tries: %s", r->tries, err_str(rc));
	else
		result(r, "sent", "no reply yet (%s); will retry", err_str(rc));
}

static void exec_relay(struct worker *w, struct learned *l, const struct poll_meter *m,
		       const struct meter_cmd *c, struct cmd_result *r)
{
	uint16_t code = (uint16_t)meter_relay_code(c->kind), back[2];
	struct poll_outcome scratch = { 0 };
	int rc, exc = 0;

	if ((rc = write_regs(w, l, m->unit, METER_RELAY_ADDR, 1, &code, &exc))) {
		if (rc == -SD_BUS_EXCEPTION)
			result(r, "failed", "the meter refused code 0x%02X (exception %d)", code, exc);
		else
			no_reply(r, rc);
		return;
	}
	if ((rc = read_regs(w, l, &scratch, m->unit, METER_RELAY_ADDR, 2, back, 0))) {
		no_reply(r, rc);
		return;
	}
	switch (back[1]) {
	case 1:
		result(r, "done", "%s", "");
		break;
	case 2:
		result(r, "failed", "refused: keep-power is on");
		break;
	case 3:
		result(r, "failed", "refused: the balance is at or below the credit limit");
		break;
	default:
		result(r, "failed", "unexpected outcome %u", back[1]);
	}
}

/* Remote recharge, idempotent by the purchase sequence number S: the
 * meter credits only S = count + 1 and answers "duplicate" to a repeat of
 * the purchase that set its count, so a write whose reply was lost is
 * simply written again (docs/meter-map.md §3.5). */
static void exec_recharge(struct worker *w, struct learned *l, const struct poll_meter *m,
			  const struct poll_reading *rd, const struct meter_cmd *c,
			  struct cmd_result *r)
{
	struct poll_outcome scratch = { 0 };
	uint32_t seq = (uint32_t)c->purchase_seq, amount = (uint32_t)c->amount;
	uint16_t regs[8], back[METER_RECHARGE_READ];
	unsigned char mac[8], key[BUS_KEY_LEN];
	const uint8_t *mk06 = NULL;
	int64_t count = rd->purchase_count;
	int rc, exc = 0;

	/* The key: the meter's own (the meter_wiring override), else derived
	 * from MK06 of its key version; checked before anything is written. */
	if (!m->has_key) {
		if (!w->rkeys) {
			result(r, "failed", "no recharge keys: run `saledesk keys export-service`");
			return;
		}
		if (!(mk06 = card_rkeys_find(w->rkeys, m->key_version))) {
			result(r, "failed", "no recharge keys: run `saledesk keys export-service` "
					    "(none for key version %02X)", m->key_version);
			return;
		}
	}
	if (count >= seq) {
		/* Already counted: ours if the meter's last recharge echo is
		 * this purchase, else the number went to another purchase. */
		if ((rc = read_regs(w, l, &scratch, m->unit, METER_RECHARGE_ADDR,
				    METER_RECHARGE_READ, back, 0))) {
			no_reply(r, rc);
			return;
		}
		if (((uint32_t)back[0] << 16 | back[1]) == seq &&
		    ((uint32_t)back[2] << 16 | back[3]) == amount && (back[8] == 1 || back[8] == 2)) {
			result(r, "done", "credited (purchase count %lld)", (long long)count);
		} else {
			r->seq_alarm = 1;
			result(r, "failed", "purchase %u is already used in the meter (count %lld) "
					    "by another purchase", seq, (long long)count);
		}
		return;
	}
	if (count != (int64_t)seq - 1) {
		r->seq_alarm = 1;
		result(r, "failed", "sequence gap: the meter's count is %lld, purchase %u",
		       (long long)count, seq);
		return;
	}
	if (mk06 && rkey_derive(mk06, m->meter_no, key)) {
		result(r, "failed", "cannot derive the recharge key of meter %s", m->meter_no);
		return;
	}
	rc = meter_recharge_mac(mk06 ? key : m->key, m->meter_no, seq, amount, mac);
	OPENSSL_cleanse(key, sizeof(key));
	if (rc) {
		OPENSSL_cleanse(mac, sizeof(mac));
		result(r, "failed", "%s", err_str(rc));
		return;
	}
	meter_recharge_regs(seq, amount, mac, regs);
	OPENSSL_cleanse(mac, sizeof(mac));
	rc = write_regs(w, l, m->unit, METER_RECHARGE_ADDR, 8, regs, &exc);
	if (rc == -SD_BUS_EXCEPTION) {
		result(r, "failed", "the meter refused the recharge write (exception %d)", exc);
		return;
	}
	if (rc) {
		no_reply(r, rc);
		return;
	}
	if ((rc = read_regs(w, l, &scratch, m->unit, METER_RECHARGE_ADDR, METER_RECHARGE_READ,
			    back, 0))) {
		no_reply(r, rc);
		return;
	}
	switch (back[8]) {
	case 1:
	case 2:
		result(r, "done", "credited; balance %d fen",
		       (int32_t)((uint32_t)back[9] << 16 | back[10]));
		break;
	case 3:
		result(r, "failed", "the meter refused the MAC (wrong recharge key?)");
		break;
	case 4:
		r->seq_alarm = 1;
		result(r, "failed", "the meter refused purchase %u: sequence error", seq);
		break;
	case 5:
		result(r, "failed", "the meter refused the amount");
		break;
	default:
		no_reply(r, -SD_BUS_FRAME);
	}
}

static void exec_param(struct worker *w, struct learned *l, const struct poll_meter *m,
		       const struct meter_cmd *c, struct cmd_result *r)
{
	uint16_t regs[32];
	int addr, n, rc, exc = 0;
	int64_t local = clock_now() + (int64_t)w->o->utc_offset_min * 60;

	if ((rc = meter_param_regs(c->kind, c->args, local, &addr, regs, &n))) {
		result(r, "failed", "%s", err_detail());
		return;
	}
	rc = write_regs(w, l, m->unit, addr, n, regs, &exc);
	if (rc == -SD_BUS_EXCEPTION)
		result(r, "failed", "the meter refused the values (exception %d)", exc);
	else if (rc)
		no_reply(r, rc);
	else
		result(r, "done", "%s", "");
}

static int meter_due(const struct worker *w, const struct poll_meter *m, int64_t now)
{
	return m->misses < w->o->offline_after || now >= m->next_probe_at;
}

static void mark_miss(struct worker *w, const struct poll_meter *m, struct meter_work *mw,
		      int64_t now)
{
	int k = w->o->offline_after, shift;
	int64_t wait;

	mw->o.misses = m->misses + 1;
	if (mw->o.misses < k) {
		mw->o.online = m->online;
		return;
	}
	/* Off scan, probed after interval × 2^(misses − K), capped: a dead
	 * meter costs one probe now and then, not a timeout every cycle. */
	mw->went_offline = m->online || m->misses < k;
	mw->o.online = 0;
	shift = mw->o.misses - k;
	wait = (w->o->interval_ms > 1000 ? w->o->interval_ms : 1000) / 1000;
	wait = shift >= 20 ? w->o->backoff_max_s : wait << shift;
	if (wait > w->o->backoff_max_s)
		wait = w->o->backoff_max_s;
	mw->o.next_probe_at = now + wait;
}

/* Reads the freeze records the meter made since the desk last saw its
 * freeze sequence: one when the service was up over the 1st, more when it
 * was down over several month starts, every record the meter keeps (up to
 * METER_FREEZES) when the desk never read it. Records 1-6 are one read,
 * 7-12 a second. Returns 0, or -1 to try again next cycle. */
static int read_freezes(struct worker *w, struct learned *l, const struct poll_meter *m,
			struct meter_work *mw, uint16_t *fr)
{
	int seq = mw->o.r.freeze_seq, k, half, i;

	k = m->freeze_seq < 0 ? seq : (seq - (int)m->freeze_seq) & 0xFFFF;
	if (k < 1)
		k = 1;
	if (k > METER_FREEZES)
		k = METER_FREEZES;
	half = METER_FREEZES / 2;
	if (read_regs(w, l, &mw->o, m->unit, METER_FREEZE_ADDR,
		      METER_FREEZE_REGS * (k < half ? k : half), fr, 0))
		return -1;
	if (k > half && read_regs(w, l, &mw->o, m->unit, METER_FREEZE_ADDR + METER_FREEZE_REGS * half,
				  METER_FREEZE_REGS * (k - half), fr + METER_FREEZE_REGS * half, 0))
		return -1;
	/* A record not written yet reads as zeros. */
	for (i = 0; i < k; i++)
		if (meter_decode_freeze(fr + METER_FREEZE_REGS * i, w->o->utc_offset_min,
					&mw->freeze[mw->nfreeze]) == 0)
			mw->nfreeze++;
	return 0;
}

/* Whether kind is among m's open alarms when the cycle began. */
static int alarm_open(const struct poll_meter *m, const char *kind)
{
	size_t n = strlen(kind);
	const char *p = m->open_alarms;

	while ((p = strstr(p, kind)) != NULL) {
		if ((p == m->open_alarms || p[-1] == ',') && (p[n] == ',' || p[n] == 0))
			return 1;
		p += n;
	}
	return 0;
}

/* Whether a scheduled read may go now: the meter has no failed one
 * waiting out POLL_CHECK_RETRY_S, and the cycle has reads left. */
static int take_check(struct worker *w, const struct learned *l, int64_t now)
{
	if ((l && l->check_retry_at > now) || w->checks_left <= 0)
		return 0;
	w->checks_left--;
	return 1;
}

/* One read of a check; when it fails the meter's scheduled reads wait
 * POLL_CHECK_RETRY_S, so a meter without the block cannot take every
 * cycle's allowance, and the log says what was not read. Returns 0 or -1. */
static int check_read(struct worker *w, struct learned *l, const struct poll_meter *m,
		      struct meter_work *mw, int addr, int n, uint16_t *regs, const char *what,
		      int64_t now)
{
	if (read_regs(w, l, &mw->o, m->unit, addr, n, regs, 0) == 0)
		return 0;
	if (l)
		l->check_retry_at = now + POLL_CHECK_RETRY_S;
	log_warn("bus %s: meter %s: %s not read: %s", w->rec.name, m->meter_no, what, err_detail());
	return -1;
}

/* Reads the device info when the desk has none (commissioning, or the
 * wiring moved), when the meter answers again after being offline (it
 * may have been swapped), and every cycle while it reported another
 * meter's number. Sets mw->mismatch then: nothing it says is booked. */
static void check_info(struct worker *w, struct learned *l, const struct poll_meter *m,
		       struct meter_work *mw, int was_offline, int64_t now)
{
	uint16_t regs[METER_INFO_REGS];
	int again = was_offline || alarm_open(m, "meter_mismatch");

	if (!again && (m->info_at || !take_check(w, l, now)))
		return;
	if (check_read(w, l, m, mw, METER_INFO_ADDR, METER_INFO_REGS, regs, "device info", now))
		return;
	meter_decode_info(regs, &mw->info);
	mw->got_info = 1;
	mw->mismatch = strcmp(mw->info.number, m->meter_no) != 0;
}

/* Reads the parameter block after a parameter write this cycle, or when
 * the last read is check_s old, so the store phase can compare it with
 * what the desk wrote. */
static void check_params(struct worker *w, struct learned *l, const struct poll_meter *m,
			 struct meter_work *mw, int written, int64_t now)
{
	uint16_t regs[METER_PARAMS_REGS];
	int due = w->o->check_s > 0 && (!m->params_at || now - m->params_at >= w->o->check_s);

	if (!written && (!due || !take_check(w, l, now)))
		return;
	if (check_read(w, l, m, mw, METER_PARAMS_ADDR, METER_PARAMS_REGS, regs, "parameters", now))
		return;
	meter_decode_params(regs, &mw->params);
	mw->got_params = 1;
}

/* The bus phase of a cycle for meter i: the live read, the freeze record
 * when it changed, and the meter's due commands. Returns -SD_BUS_IO when
 * the line is gone, else 0. */
static int poll_meter(struct worker *w, const struct poll_meter *m, struct meter_work *mw,
		      struct meter_cmd *cmds, struct cmd_result *res, int ncmds, int64_t now)
{
	uint16_t regs[METER_LIVE_3P], fr[METER_FREEZE_REGS * METER_FREEZES];
	struct learned *l = learned_for(w, m->meter_id);
	int n = meter_live_regs(m->info_type == 1 || m->info_type == 3 ? m->info_type : m->phases);
	int probe = m->misses >= w->o->offline_after;
	int rc, i, commanded = 0, written = 0;

	mw->o.polled = 1;
	mw->o.next_probe_at = 0;
	rc = read_regs(w, l, &mw->o, m->unit, METER_LIVE_ADDR, n, regs, probe);
	if (rc == -SD_BUS_IO)
		return rc;
	if (rc == -SD_BUS_EXCEPTION) {
		/* The meter answers but will not give its live block. */
		mw->o.online = 1;
		return 0;
	}
	if (rc) {
		mark_miss(w, m, mw, now);
		return 0;
	}
	mw->o.online = 1;
	mw->o.misses = 0;
	mw->o.error[0] = 0;
	meter_decode_live(regs, n, w->o->utc_offset_min, &mw->o.r);
	mw->o.ok = 1;
	check_info(w, l, m, mw, probe, now);
	if (mw->mismatch) {
		/* Another meter answers on this unit: its readings and credits
		 * are not this account's. Commands wait until it is sorted out. */
		mw->o.ok = 0;
		return 0;
	}
	if (mw->o.r.freeze_seq != m->freeze_seq && mw->o.r.freeze_seq != 0 &&
	    read_freezes(w, l, m, mw, fr))
		mw->o.r.freeze_seq = (int)m->freeze_seq; /* try again next cycle */
	for (i = 0; i < ncmds; i++) {
		if (cmds[i].meter_id != m->meter_id)
			continue;
		res[i].tries = cmds[i].tries + 1;
		if (meter_relay_code(cmds[i].kind))
			exec_relay(w, l, m, &cmds[i], &res[i]);
		else if (strcmp(cmds[i].kind, "recharge") == 0)
			exec_recharge(w, l, m, &mw->o.r, &cmds[i], &res[i]);
		else {
			exec_param(w, l, m, &cmds[i], &res[i]);
			written |= strcmp(res[i].state, "done") == 0 &&
				   strcmp(cmds[i].kind, "clock_sync") != 0;
		}
		commanded = 1;
		log_info("bus %s: meter %s command %lld %s: %s %s", w->rec.name, m->meter_no,
			 (long long)cmds[i].id, cmds[i].kind, res[i].state, res[i].reason);
	}
	check_params(w, l, m, mw, written, now);
	/* Show the result of a command in this cycle's state. */
	if (commanded && read_regs(w, l, &mw->o, m->unit, METER_LIVE_ADDR, n, regs, 0) == 0)
		meter_decode_live(regs, n, w->o->utc_offset_min, &mw->o.r);
	return 0;
}

static int alarm_set(struct db *db, const char *kind, int64_t meter_id, int64_t bus_id,
		     int on, const char *detail, int64_t now)
{
	int changed = 0, rc;

	rc = on ? db_alarm_raise(db, kind, meter_id, bus_id, detail, now, &changed)
		: db_alarm_clear(db, kind, meter_id, bus_id, now, &changed);
	if (!rc && changed)
		log_msg(on ? LOG_WARN : LOG_INFO, "alarm %s %s%s%lld%s%s", kind,
			on ? "raised" : "cleared", meter_id ? " for meter id " : " for bus id ",
			(long long)(meter_id ? meter_id : bus_id), detail && *detail ? ": " : "",
			detail ? detail : "");
	return rc;
}

/* Raises or clears a meter's alarm only when that changes it: most
 * cycles change none, and a statement per alarm kind per meter is most of
 * a big site's database time. The poller is the only writer of raises
 * and clears, so the state loaded at the cycle's start holds. */
static int meter_alarm(struct worker *w, const struct poll_meter *m, const char *kind, int on,
		       const char *detail, int64_t now)
{
	if (on == alarm_open(m, kind))
		return 0;
	return alarm_set(w->db, kind, m->meter_id, 0, on, detail, now);
}

/* Stores the freeze records read this cycle, oldest first, and checks
 * each against the desk's own readings: the energy at 00:00 on the 1st
 * lies between the desk's last reading at or before it (history, or the
 * previous cycle's reading) and this cycle's reading, and a month's
 * record is not below the month before. A record outside that raises
 * freeze_mismatch. Inside the cycle's transaction. */
static int store_freezes(struct worker *w, const struct poll_meter *m, struct meter_work *mw,
			 int64_t now)
{
	char detail[240], when[32];
	int64_t before, prev_frozen = -1;
	const struct freeze_rec *f;
	int i, rc;

	for (i = mw->nfreeze - 1; i >= 0; i--) {
		f = &mw->freeze[i];
		if ((rc = db_poll_freeze(w->db, m->meter_id, now, f, &before)))
			return rc;
		if (m->has_reading && m->read_at <= f->freeze_at && m->energy_wh > before)
			before = m->energy_wh;
		clock_format_local(f->freeze_at, w->o->utc_offset_min, when, sizeof(when));
		detail[0] = 0;
		if (before > f->energy_wh)
			snprintf(detail, sizeof(detail), "freeze %.16s: frozen %lld Wh, but the desk "
				 "read %lld Wh before it", when, (long long)f->energy_wh,
				 (long long)before);
		else if (f->energy_wh > mw->o.r.energy_wh)
			snprintf(detail, sizeof(detail), "freeze %.16s: frozen %lld Wh, more than the "
				 "%lld Wh the meter reads now", when, (long long)f->energy_wh,
				 (long long)mw->o.r.energy_wh);
		else if (prev_frozen > f->energy_wh)
			snprintf(detail, sizeof(detail), "freeze %.16s: frozen %lld Wh, below the "
				 "month before (%lld Wh)", when, (long long)f->energy_wh,
				 (long long)prev_frozen);
		prev_frozen = f->energy_wh;
		if (detail[0]) {
			log_warn("meter %s: %s", m->meter_no, detail);
			if ((rc = alarm_set(w->db, "freeze_mismatch", m->meter_id, 0, 1, detail, now)))
				return rc;
		}
	}
	if (mw->nfreeze > 1)
		log_info("meter %s: %d monthly freeze records read back", m->meter_no, mw->nfreeze);
	return 0;
}

/* Stores the device info read this cycle: raises meter_mismatch while the
 * unit answers with another meter's number (clears it when it is right
 * again), reads three-phase meters as such from the next cycle, and
 * takes the recharge key version the meter reports. */
static int store_info(struct worker *w, const struct poll_meter *m, struct meter_work *mw,
		      int64_t now)
{
	const struct meter_info *in = &mw->info;
	char detail[201];
	int rc;

	if ((rc = db_poll_info(w->db, m->meter_id, now, in)))
		return rc;
	snprintf(detail, sizeof(detail), "unit %d of bus %s answers as meter %s, not %s: "
		 "its readings are not stored and commands wait", m->unit, w->rec.name, in->number,
		 m->meter_no);
	if (mw->mismatch && !alarm_open(m, "meter_mismatch"))
		log_warn("meter %s: %s", m->meter_no, detail);
	if ((rc = meter_alarm(w, m, "meter_mismatch", mw->mismatch, detail, now)) || mw->mismatch)
		return rc;
	if ((in->type == 1 || in->type == 3) && in->type != m->phases && in->type != m->info_type)
		log_warn("meter %s reports itself %s-phase, its record says %d-phase: reading it "
			 "as the meter says", m->meter_no, in->type == 3 ? "three" : "single",
			 m->phases);
	if (in->key_version >= 1 && in->key_version <= 127 && in->key_version != m->key_version) {
		log_warn("meter %s holds recharge key version %02X, the desk had %02X: using %02X",
			 m->meter_no, (unsigned)in->key_version, (unsigned)m->key_version,
			 (unsigned)in->key_version);
		if ((rc = db_poll_key_version(w->db, m->meter_id, in->key_version)))
			return rc;
	} else if (in->key_version == 0 && !m->has_key) {
		log_warn("meter %s holds its maker's own recharge key (version 00) and the desk has "
			 "none: give it with `saledesk meter wire %s --key-fd N`", m->meter_no,
			 m->meter_no);
	}
	return 0;
}

/* Stores the parameters read this cycle and compares them with the last
 * value the desk wrote of each kind (its newest done command, this
 * cycle's included): param_mismatch names what differs, and clears when
 * the meter holds the desk's values again. After the cycle's command
 * results are written. */
static int store_params(struct worker *w, const struct poll_meter *m, struct meter_work *mw,
			int64_t now)
{
	char detail[201], have[96], want[96];
	size_t used = 0;
	int64_t at;
	int rc, k, differs = 0;

	if ((rc = db_poll_params(w->db, m->meter_id, now, &mw->params)))
		return rc;
	detail[0] = 0;
	for (k = 0; k < METER_PARAM_KINDS; k++) {
		rc = meter_param_check(w->db, m->meter_id, &mw->params, meter_param_kinds[k], have,
				       want, sizeof(have), &at);
		if (rc == -SD_NOT_FOUND || rc == 0)
			continue;
		if (rc < 0)
			return rc;
		if (used < sizeof(detail))
			used += (size_t)snprintf(detail + used, sizeof(detail) - used,
						 "%s%s %s, desk wrote %s", differs ? "; " : "",
						 meter_param_kinds[k], have, want);
		differs = 1;
	}
	if (differs && !alarm_open(m, "param_mismatch"))
		log_warn("meter %s: parameters differ from what the desk wrote: %s", m->meter_no,
			 detail);
	return meter_alarm(w, m, "param_mismatch", differs, detail, now);
}

/* Writes one meter's part of the cycle (inside the transaction). */
static int store_meter(struct worker *w, const struct poll_meter *m, struct meter_work *mw,
		       int64_t now)
{
	const struct poll_reading *r = &mw->o.r;
	int64_t h = w->o->history_s > 0 ? w->o->history_s : POLL_DEFAULT_HISTORY_S;
	struct billing_result bill;
	char detail[240];
	unsigned cond;
	int rc, k, billed = strcmp(m->mode, "billed") == 0 && m->account_id;

	if ((rc = db_poll_save_state(w->db, m->meter_id, now, &mw->o)))
		return rc;
	if (mw->got_info && (rc = store_info(w, m, mw, now)))
		return rc;
	if (mw->o.misses >= w->o->offline_after) {
		snprintf(detail, sizeof(detail), "%d polls missed: %s", mw->o.misses, mw->o.error);
		return meter_alarm(w, m, "meter_offline", 1, detail, now);
	}
	if (!mw->o.ok)
		return 0;
	if ((rc = meter_alarm(w, m, "meter_offline", 0, NULL, now)))
		return rc;
	/* Freezes first: their check reads the history of earlier cycles. */
	if (mw->nfreeze && (rc = store_freezes(w, m, mw, now)))
		return rc;
	if (!m->last_history_at || now / h > m->last_history_at / h)
		if ((rc = db_poll_history(w->db, m->meter_id, now, r)))
			return rc;
	if (m->has_reading && r->energy_wh > m->energy_wh &&
	    (rc = db_poll_rollup(w->db, m->meter_id, now, w->o->utc_offset_min,
				 r->energy_wh - m->energy_wh)))
		return rc;
	if (billed && (rc = billing_meter(w->db, m, r, now, w->o->utc_offset_min, &bill)))
		return rc;
	cond = alarm_conditions(r, now, w->o->drift_s);
	/* A billed meter's own money registers mean nothing: the desk keeps
	 * its balance, and the balance alarms follow that. */
	if (billed)
		cond = (cond & ~ALARM_BALANCE_MASK) |
		       alarm_desk_balance(bill.balance, m->credit_limit, m->alarm);
	for (k = 0; k < ALARM_METER_COUNT; k++) {
		if ((int)((cond >> k) & 1) == alarm_open(m, alarm_name((enum alarm_kind)k)))
			continue;
		if (billed && (ALARM_BALANCE_MASK >> k & 1))
			snprintf(detail, sizeof(detail), "desk balance %lld fen",
				 (long long)bill.balance);
		else
			alarm_detail((enum alarm_kind)k, r, now, detail, sizeof(detail));
		if ((rc = alarm_set(w->db, alarm_name((enum alarm_kind)k), m->meter_id, 0,
				    (cond >> k) & 1, detail, now)))
			return rc;
	}
	return 0;
}

static int store_cycle(struct worker *w, struct poll_meter *ms, struct meter_work *mws, int n,
		       struct meter_cmd *cmds, struct cmd_result *res, int ncmds, int bus_down,
		       int64_t now)
{
	const char *bus_kind = strcmp(w->rec.kind, "tcp") == 0 ? "gateway_offline" : "bus_offline";
	int rc, i;

	if ((rc = db_begin(w->db)))
		return rc;
	for (i = 0; i < n; i++)
		if (mws[i].o.polled && (rc = store_meter(w, &ms[i], &mws[i], now)))
			goto out;
	for (i = 0; i < ncmds; i++) {
		if (!res[i].touched)
			continue;
		if ((rc = db_cmd_update(w->db, cmds[i].id, res[i].state, res[i].reason,
					res[i].tries, now)))
			goto out;
		if (res[i].seq_alarm &&
		    (rc = alarm_set(w->db, "recharge_sequence", cmds[i].meter_id, 0, 1,
				    res[i].reason, now)))
			goto out;
	}
	for (i = 0; i < n; i++)
		if (mws[i].got_params && (rc = store_params(w, &ms[i], &mws[i], now)))
			goto out;
	if ((rc = alarm_set(w->db, bus_kind, 0, w->rec.id, bus_down, w->bus_error, now)))
		goto out;
	if ((rc = db_poll_heartbeat(w->db, now, w->o->interval_ms)))
		goto out;
	if (w->is_first && w->o->keep_days > 0 &&
	    (!w->last_prune_ms || clock_mono_ms() - w->last_prune_ms > 3600 * 1000)) {
		w->last_prune_ms = clock_mono_ms();
		if ((rc = db_poll_prune(w->db, now - (int64_t)w->o->keep_days * 86400)))
			goto out;
	}
	rc = db_commit(w->db);
out:
	if (rc)
		db_rollback(w->db);
	return rc;
}

static int ensure_bus(struct worker *w)
{
	struct bus_params p = {
		.tcp = strcmp(w->rec.kind, "tcp") == 0,
		.device = w->rec.device,
		.baud = w->rec.baud,
		.parity = w->rec.parity,
		.stop_bits = w->rec.stop_bits,
		.rs485 = w->rec.rs485,
		.host = w->rec.host,
		.port = w->rec.port,
	};
	int64_t t = clock_mono_ms();
	int rc;

	if (w->bus)
		return 0;
	if (!w->o->once && t < w->bus_retry_at_ms)
		return -SD_BUS_IO;
	if ((rc = bus_open(&p, &w->bus))) {
		snprintf(w->bus_error, sizeof(w->bus_error), "%s", err_detail());
		w->bus_backoff_ms = w->bus_backoff_ms ? w->bus_backoff_ms * 2 : 1000;
		if (w->bus_backoff_ms > POLL_BUS_BACKOFF_MAX_MS)
			w->bus_backoff_ms = POLL_BUS_BACKOFF_MAX_MS;
		w->bus_retry_at_ms = t + w->bus_backoff_ms;
		log_warn("bus %s: %s; retrying in %lld s", w->rec.name, w->bus_error,
			 (long long)w->bus_backoff_ms / 1000);
		return rc;
	}
	if (w->bus_error[0])
		log_info("bus %s: back", w->rec.name);
	w->bus_error[0] = 0;
	w->bus_backoff_ms = 0;
	return 0;
}

/* One cycle of a bus: read outside any transaction, then store. */
static int cycle(struct worker *w)
{
	struct poll_meter *ms = NULL;
	struct meter_work *mws = NULL;
	struct meter_cmd *cmds = NULL;
	struct cmd_result *res = NULL;
	int n = 0, ncmds = 0, i, rc, bus_down = 0, read = 0, offline = 0, skipped = 0;
	int64_t now = clock_now(), t0 = clock_mono_ms();

	w->checks_left = w->o->checks_per_cycle;
	if ((rc = db_poll_meters(w->db, w->rec.id, &ms, &n)) ||
	    (rc = db_cmd_due(w->db, w->rec.id, now, &cmds, &ncmds)))
		goto out;
	mws = calloc((size_t)n + 1, sizeof(*mws));
	res = calloc((size_t)ncmds + 1, sizeof(*res));
	if (!mws || !res) {
		rc = err_set(-SD_NOMEM, "bus %s cycle", w->rec.name);
		goto out;
	}
	if (ensure_bus(w)) {
		bus_down = 1;
	} else {
		for (i = 0; i < n; i++) {
			if (!meter_due(w, &ms[i], now)) {
				mws[i].skip = 1;
				skipped++;
				continue;
			}
			if (poll_meter(w, &ms[i], &mws[i], cmds, res, ncmds, now) == -SD_BUS_IO) {
				/* Unplugged or gateway gone: this meter is not to
				 * blame; reopen next cycle. */
				mws[i].o.polled = 0;
				snprintf(w->bus_error, sizeof(w->bus_error), "%s", err_detail());
				log_warn("bus %s: %s", w->rec.name, w->bus_error);
				bus_close(w->bus);
				w->bus = NULL;
				w->bus_retry_at_ms = clock_mono_ms() + 1000;
				bus_down = 1;
				break;
			}
			read += mws[i].o.ok;
			offline += mws[i].o.misses >= w->o->offline_after;
		}
	}
	int64_t bus_ms = clock_mono_ms() - t0;

	/* The bus threads take turns at the database: SQLite's busy handler
	 * would have each waiting writer sleep in growing steps and miss the
	 * moment the lock frees, which with hundreds of gateways costs more
	 * than the writes. Another process (the desk) still meets the busy
	 * timeout as before. The bus itself is never held here. */
	pthread_mutex_lock(&store_lock);
	rc = store_cycle(w, ms, mws, n, cmds, res, ncmds, bus_down, now);
	pthread_mutex_unlock(&store_lock);
	if (rc) {
		/* Readings are lost for this cycle only; commands stay queued
		 * or sent and are repeated safely next cycle. */
		log_warn("bus %s: cycle not stored: %s", w->rec.name, err_detail());
		goto out;
	}
	if (w->o->stats)
		printf("bus %s: meters=%d read=%d offline=%d skipped=%d commands=%d %s cycle_ms=%lld "
		       "total_ms=%lld\n",
		       w->rec.name, n, read, offline, skipped, ncmds, bus_down ? "down" : "up",
		       (long long)bus_ms, (long long)(clock_mono_ms() - t0));
	log_info("bus %s: %d meters, %d read, %d offline, %d skipped in %lld ms", w->rec.name, n,
		 read, offline, skipped, (long long)bus_ms);
out:
	if (ms)
		OPENSSL_cleanse(ms, (size_t)n * sizeof(*ms)); /* recharge keys */
	free(ms);
	free(mws);
	free(cmds);
	free(res);
	return rc;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	int64_t start;

	if ((w->rc = db_open(w->o->db_path, 0, &w->db))) {
		log_error("bus %s: %s", w->rec.name, err_detail());
		return NULL;
	}
	do {
		start = clock_mono_ms();
		w->rc = cycle(w);
		if (w->o->once)
			break;
		while (!atomic_load(&w->stop) && clock_mono_ms() - start < w->o->interval_ms)
			sleep_ms(20);
	} while (!atomic_load(&w->stop));
	bus_close(w->bus);
	w->bus = NULL;
	db_close(w->db);
	w->db = NULL;
	free(w->learned);
	w->learned = NULL;
	w->nlearned = 0;
	fflush(stdout);
	return NULL;
}

struct load_ctx {
	struct worker *v;
	int n, cap;
};

static int add_bus(const struct bus_rec *b, void *arg)
{
	struct load_ctx *l = arg;

	if (l->n == l->cap) {
		struct worker *nv;

		l->cap = l->cap ? l->cap * 2 : 16;
		nv = realloc(l->v, (size_t)l->cap * sizeof(*nv));
		if (!nv)
			return err_set(-SD_NOMEM, "loading buses");
		l->v = nv;
	}
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	l->v[l->n].rec = *b;
	l->n++;
	return 0;
}

/* Reads the recharge master keys for the bus threads from o->recharge_keys
 * or $CREDENTIALS_DIRECTORY/recharge-keys. Returns a new set (free with
 * free_rkeys) or NULL when there is none, after one log line saying why
 * (never a key). Readings go on either way. */
static struct card_rkeys *load_rkeys(const struct poll_opts *o)
{
	const char *dir = getenv("CREDENTIALS_DIRECTORY");
	struct card_rkeys *rk;
	char path[PATH_MAX];
	int rc;

	if (o->recharge_keys && *o->recharge_keys) {
		snprintf(path, sizeof(path), "%s", o->recharge_keys);
	} else if (dir && *dir) {
		snprintf(path, sizeof(path), "%s/recharge-keys", dir);
	} else {
		log_warn("no recharge keys: no [poll] recharge_keys and no systemd credential; "
			 "remote recharges fail until `saledesk keys export-service` (docs/poll.md)");
		return NULL;
	}
	if (!(rk = calloc(1, sizeof(*rk)))) {
		log_error("no recharge keys: out of memory");
		return NULL;
	}
	if ((rc = card_rkeys_read(path, rk))) {
		if (rc == -SD_INVAL || rc == -SD_IO)
			log_error("recharge keys refused: %s; remote recharges fail", err_detail());
		else
			log_warn("no recharge keys (%s); remote recharges fail until `saledesk keys "
				 "export-service`", err_detail());
		OPENSSL_cleanse(rk, sizeof(*rk));
		free(rk);
		return NULL;
	}
	log_info("recharge keys: %d key version(s) from %s", rk->n, path);
	return rk;
}

struct same_ctx {
	const struct card_rkeys *rkeys;
	int64_t *ids;
	int n, cap;
};

/* Notes meter_id when its key of its own is the key derived from MK06 of
 * its version: the column then holds nothing the key store lacks. */
static int note_same_key(int64_t meter_id, const char *meter_no, int key_version,
			 const unsigned char *key, void *arg)
{
	struct same_ctx *x = arg;
	const uint8_t *mk06 = card_rkeys_find(x->rkeys, key_version);
	unsigned char km[RKEY_LEN];
	int same;

	if (!mk06 || rkey_derive(mk06, meter_no, km))
		return 0;
	same = !card_memneq(km, key, RKEY_LEN);
	OPENSSL_cleanse(km, sizeof(km));
	if (!same)
		return 0;
	if (x->n == x->cap) {
		int64_t *nv = realloc(x->ids, (size_t)(x->cap ? x->cap * 2 : 16) * sizeof(*nv));
		if (!nv)
			return err_set(-SD_NOMEM, "meters with derived keys");
		x->ids = nv;
		x->cap = x->cap ? x->cap * 2 : 16;
	}
	x->ids[x->n++] = meter_id;
	return 0;
}

/* With the recharge keys in hand, clears meter_wiring.recharge_key where
 * it equals the meter's derived key (docs/poll.md §5, point 4): a lossless
 * step of moving keys out of the database. A key that differs (a maker's
 * own, or one typed in before MK06) stays. Failures are logged only. */
static void clear_derived_keys(const struct poll_opts *o, const struct card_rkeys *rkeys)
{
	struct same_ctx x = { rkeys, NULL, 0, 0 };
	struct db *db = NULL;
	int rc, i;

	if (!rkeys)
		return;
	if ((rc = db_open(o->db_path, 0, &db)) || (rc = db_begin(db)))
		goto out;
	if ((rc = db_wiring_keys_each(db, note_same_key, &x))) {
		db_rollback(db);
		goto out;
	}
	for (i = 0; i < x.n && !rc; i++)
		rc = db_wiring_clear_key(db, x.ids[i]);
	if (rc || (rc = db_commit(db))) {
		db_rollback(db);
		goto out;
	}
	if (x.n)
		log_info("recharge keys: %d meter(s) had their derived key stored in the database; "
			 "cleared", x.n);
out:
	if (rc)
		log_warn("recharge keys: the database's copies of derived keys are not cleared: %s",
			 err_detail());
	free(x.ids);
	db_close(db);
}

static void free_rkeys(struct card_rkeys *rk)
{
	if (rk)
		OPENSSL_cleanse(rk, sizeof(*rk));
	free(rk);
}

static int start_workers(const struct poll_opts *o, const struct card_rkeys *rkeys,
			 struct worker **out, int *n)
{
	struct load_ctx l = { NULL, 0, 0 };
	struct db *db = NULL;
	int rc, i;

	*out = NULL;
	*n = 0;
	if ((rc = db_open(o->db_path, 0, &db)))
		return rc;
	rc = db_bus_each(db, 1, add_bus, &l);
	db_close(db);
	if (rc) {
		free(l.v);
		return rc;
	}
	if (!l.n)
		log_warn("no buses are configured (saledesk bus add); waiting for SIGHUP");
	for (i = 0; i < l.n; i++) {
		l.v[i].o = o;
		l.v[i].rkeys = rkeys;
		l.v[i].is_first = i == 0;
		atomic_init(&l.v[i].stop, 0);
		if (pthread_create(&l.v[i].th, NULL, worker_main, &l.v[i]) != 0) {
			log_error("bus %s: cannot start its thread", l.v[i].rec.name);
			continue;
		}
		l.v[i].started = 1;
	}
	log_info("polling %d buses", l.n);
	*out = l.v;
	*n = l.n;
	return 0;
}

/* Asks every worker to finish its cycle and waits for them. Returns the
 * first worker's error. */
static int stop_workers(struct worker *v, int n)
{
	int i, rc = 0;

	for (i = 0; i < n; i++)
		atomic_store(&v[i].stop, 1);
	for (i = 0; i < n; i++) {
		if (!v[i].started)
			continue;
		pthread_join(v[i].th, NULL);
		if (v[i].rc && !rc)
			rc = v[i].rc;
	}
	free(v);
	return rc;
}

void poll_defaults(struct poll_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->interval_ms = POLL_DEFAULT_INTERVAL_MS;
	o->history_s = POLL_DEFAULT_HISTORY_S;
	o->offline_after = POLL_DEFAULT_OFFLINE_AFTER;
	o->backoff_max_s = POLL_DEFAULT_BACKOFF_MAX_S;
	o->drift_s = POLL_DEFAULT_DRIFT_S;
	o->keep_days = POLL_DEFAULT_KEEP_DAYS;
	o->check_s = POLL_DEFAULT_CHECK_S;
	o->checks_per_cycle = POLL_DEFAULT_CHECKS_PER_CYCLE;
	o->utc_offset_min = 480;
	o->backup_daily_min = -1;
	o->export_daily_min = -1;
}

int poll_run(const struct poll_opts *o)
{
	struct poll_backup_state backup = { "", 0 }, export = { "", 0 };
	struct worker *v = NULL;
	struct card_rkeys *rkeys = NULL;
	sigset_t set, old;
	siginfo_t info;
	struct timespec tick = { 0, 200000000L };
	int n = 0, rc, sig;

	/* The workers inherit a mask with these blocked; only this thread
	 * takes them, with sigtimedwait, so no handler runs mid-cycle. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	if ((rc = poll_config_sync(o->db_path, o->config_file)))
		goto out;
	rkeys = load_rkeys(o);
	clear_derived_keys(o, rkeys);
	if ((rc = start_workers(o, rkeys, &v, &n)))
		goto out;
	if (o->once) {
		rc = stop_workers(v, n);
		/* A failed backup is logged; the cycle's result stands. */
		poll_daily_backup(o, &backup);
		poll_daily_export(o, &export);
		goto out;
	}
	for (;;) {
		/* The daily backup runs here, on the main thread, while the bus
		 * threads go on polling (the copy is one read snapshot). */
		poll_daily_backup(o, &backup);
		poll_daily_export(o, &export);
		sig = sigtimedwait(&set, &info, &tick);
		if (sig == SIGHUP) {
			/* A mistake in the file must not stop the polling: the
			 * buses as they were go on. */
			if (poll_config_sync(o->db_path, o->config_file)) {
				log_error("SIGHUP: the config file's buses are not reloaded: %s",
					  err_detail());
				continue;
			}
			log_info("SIGHUP: reloading the bus list and the recharge keys");
			stop_workers(v, n);
			/* no worker runs now: the keys may change hands */
			free_rkeys(rkeys);
			rkeys = load_rkeys(o);
			clear_derived_keys(o, rkeys);
			if ((rc = start_workers(o, rkeys, &v, &n)))
				goto out;
		} else if (sig == SIGTERM || sig == SIGINT) {
			log_info("%s: finishing the cycle", sig == SIGTERM ? "SIGTERM" : "SIGINT");
			rc = stop_workers(v, n);
			/* A cycle that could not be stored is logged; stopping
			 * cleanly is still a clean stop. */
			if (rc == -SD_BUSY)
				rc = 0;
			goto out;
		}
	}
out:
	free_rkeys(rkeys);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

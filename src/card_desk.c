/* card_desk: permissions, cards table and audit around cardio. */
#include "card_desk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "audit.h"
#include "clock.h"
#include "err.h"
#include "perm.h"
#include "sale.h"

static const char *const kinds[] = {"", "user", "check", "reset", "clear", "setting"};

static int utility_code(struct db *db, uint32_t *out)
{
	char buf[32];
	int rc = db_setting_get(db, "card.utility", buf, sizeof(buf));

	*out = 1;
	if (rc == -SD_NOT_FOUND)
		return 0;
	if (rc)
		return rc;
	*out = (uint32_t)strtoul(buf, NULL, 10);
	return 0;
}

/* Records what an authenticated read learnt: a newer purchase on the
 * card, a return record. One transaction. */
static int settle(const struct session *s, const struct card_state *st, struct card_rec *rec,
		  int known)
{
	char hex[17];
	int rc, wrote = 0, sold = 0;

	card_serial_hex(st->serial, hex);
	if ((rc = db_begin(s->db)))
		return rc;
	/* a sale cut short is settled first: it owns the purchase number */
	if (known && (rc = sale_settle_locked(s, st, rec, &sold)))
		goto out;
	wrote = sold != 0;
	if (known && st->has_purchase && st->last.seq > rec->purchase_seq) {
		if ((rc = db_card_set_seq(s->db, hex, st->last.seq)) ||
		    (rc = audit_log(s, "card.settle", hex, "purchase_seq %lld -> %u amount=%u unit=%u",
				    (long long)rec->purchase_seq, st->last.seq, st->last.amount,
				    st->last.unit)))
			goto out;
		rec->purchase_seq = st->last.seq;
		wrote = 1;
	}
	if (known && st->returned) {
		/* the same record is read at every insertion: keep it once */
		struct card_return_rec r = { 0 };
		int added = 0;
		r.card_id = rec->id;
		r.account_id = rec->account_id;
		snprintf(r.meter_no, sizeof(r.meter_no), "%s", st->ret.meter);
		r.count = st->ret.count;
		r.unit = st->ret.unit;
		r.remaining = st->ret.remaining;
		r.overdraft = st->ret.overdraft;
		r.energy_wh = (int64_t)st->ret.energy;
		r.status = st->ret.status;
		r.result = st->ret.result;
		r.illegal = st->ret.illegal;
		r.meter_time = st->ret.time;
		r.read_at = clock_now();
		if ((rc = db_card_return_add(s->db, &r, &added)) ||
		    (added && (rc = audit_log(s, "card.return", hex,
					      "meter=%s count=%u unit=%u remaining=%u overdraft=%u "
					      "energy_wh=%llu status=%04X result=%02X time=%u",
					      st->ret.meter, st->ret.count, st->ret.unit,
					      st->ret.remaining, st->ret.overdraft,
					      (unsigned long long)st->ret.energy, st->ret.status,
					      st->ret.result, st->ret.time))))
			goto out;
		wrote |= added;
	}
	if (!wrote) {
		db_rollback(s->db);
		return 0;
	}
	rc = db_commit(s->db);
out:
	if (rc)
		db_rollback(s->db);
	return rc;
}

int card_desk_read(const struct session *s, struct card_reader *r,
		   const struct card_keyring *ring, struct card_state *st, struct card_rec *rec,
		   int *known)
{
	char hex[17];
	int rc;

	*known = 0;
	if ((rc = perm_check(s, PERM_ACCOUNT_VIEW)))
		return rc;
	/* plain first: the serial tells which key version the database expects */
	if ((rc = card_read(r, NULL, 0, st)))
		return rc;
	card_serial_hex(st->serial, hex);
	rc = db_card_get(s->db, hex, rec);
	if (rc && rc != -SD_NOT_FOUND)
		return rc;
	*known = rc == 0 && strcmp(rec->status, "recycled") != 0;
	/* a card reported lost is refused before anything is settled from it */
	if (*known && !strcmp(rec->status, "lost"))
		return err_set(-SD_CARD_LOST, "card %s of account %s", hex,
			       rec->account_no[0] ? rec->account_no : "-");
	if (!ring || st->blank)
		return 0;
	if ((rc = card_read(r, ring, *known ? rec->key_version : 0, st)))
		return rc;
	return settle(s, st, rec, *known);
}

/* Card first, then the row and the audit in one transaction. */
static int record_issue(const struct session *s, const struct card_state *st, const char *kind,
			int64_t account_id, int64_t seq, const char *replaced, const char *what)
{
	struct card_rec rec;
	int rc;

	memset(&rec, 0, sizeof(rec));
	card_serial_hex(st->serial, rec.serial);
	snprintf(rec.kind, sizeof(rec.kind), "%s", kind);
	rec.account_id = account_id;
	rec.key_version = st->info.key_version;
	rec.purchase_seq = seq;
	rec.issued_at = clock_now();
	rec.issued_by = s->operator_id;
	if ((rc = db_begin(s->db)))
		goto fail;
	if ((replaced && (rc = db_card_set_status(s->db, replaced, "replaced"))) ||
	    (rc = db_card_issue(s->db, &rec)) ||
	    (rc = audit_log(s, "card.issue", rec.serial, "kind=%s %s key_version=%02X%s%s", kind,
			    what, rec.key_version, replaced ? " replaces=" : "",
			    replaced ? replaced : "")) ||
	    (rc = db_commit(s->db))) {
		db_rollback(s->db);
		goto fail;
	}
	return 0;
fail:
	if (rc == -SD_EXISTS)
		return rc;
	return err_set(rc, "the card was issued but the database could not record it (%s): run "
			   "the same command again with the card in the reader", err_detail());
}

int card_desk_issue_user(const struct session *s, struct card_reader *r,
			 const struct card_keyring *ring, const char *account_no, int subtype,
			 struct card_state *st, int *resumed)
{
	struct account_rec *acc = NULL;
	struct card_info info;
	struct card_rec old, mine;
	char hex[17], what[96];
	int rc, have_old, n = 0;
	int64_t seq = 0;

	*resumed = 0;
	if ((rc = perm_check(s, PERM_ACCOUNT_OPEN)))
		return rc;
	acc = calloc(1, sizeof(*acc));
	if (!acc)
		return err_set(-SD_NOMEM, "account");
	if ((rc = account_get(s, account_no, acc)))
		goto out;
	if (strcmp(acc->status, "open")) {
		rc = err_set(-SD_STATE, "account %s is %s", acc->account_no, acc->status);
		goto out;
	}
	memset(&info, 0, sizeof(info));
	info.type = CARD_USER;
	info.subtype = (uint8_t)subtype;
	snprintf(info.account, sizeof(info.account), "%s", acc->account_no);
	/* leading zeros do not survive BCD: the card holds the number */
	while (info.account[0] == '0' && info.account[1])
		memmove(info.account, info.account + 1, strlen(info.account));
	for (int i = 0; i < acc->n_meters; i++) {
		if (strcmp(acc->meters[i].mode, "card") || strcmp(acc->meters[i].status, "active"))
			continue;
		if (n == CARD_MAX_METERS) {
			rc = err_set(-SD_INVAL, "account %s has more than %d card meters; a card holds %d",
				     acc->account_no, CARD_MAX_METERS, CARD_MAX_METERS);
			goto out;
		}
		snprintf(info.meters[n], sizeof(info.meters[n]), "%s", acc->meters[i].meter_no);
		while (info.meters[n][0] == '0' && info.meters[n][1])
			memmove(info.meters[n], info.meters[n] + 1, strlen(info.meters[n]));
		n++;
	}
	if (!n) {
		rc = err_set(-SD_STATE, "account %s has no card meter", acc->account_no);
		goto out;
	}
	info.nmeters = n;
	info.issued = (uint32_t)clock_now();
	if ((rc = utility_code(s->db, &info.utility)))
		goto out;
	/* which card is in the reader, and what the database says of it */
	if ((rc = card_read(r, NULL, 0, st)))
		goto out;
	card_serial_hex(st->serial, hex);
	rc = db_card_user_of(s->db, acc->id, &old);
	if (rc && rc != -SD_NOT_FOUND)
		goto out;
	have_old = rc == 0;
	if (have_old && !strcmp(old.serial, hex)) {
		*resumed = 1;
		rc = 0;
		goto out;
	}
	if (have_old && subtype != CARD_REPLACEMENT) {
		rc = err_set(-SD_EXISTS, "account %s already has card %s: issue a replacement card "
					 "(--replacement) if it is lost or broken",
			     acc->account_no, old.serial);
		goto out;
	}
	rc = db_card_get(s->db, hex, &mine);
	if (!rc && strcmp(mine.status, "recycled")) {
		rc = err_set(-SD_EXISTS, "this card (%s) is already the %s card of account %s: "
					 "recycle it first", hex, mine.kind,
			     mine.account_no[0] ? mine.account_no : "-");
		goto out;
	}
	/* the sequence counts the account's purchases, whatever card held them */
	if ((rc = db_card_account_seq(s->db, acc->id, &seq)))
		goto out;
	rc = card_issue(r, ring, &info, NULL, st);
	if (rc < 0)
		goto out;
	*resumed = rc == 1;
	snprintf(what, sizeof(what), "account=%s meters=%d subtype=%d", acc->account_no, n, subtype);
	rc = record_issue(s, st, "user", acc->id, seq, have_old ? old.serial : NULL, what);
out:
	free(acc);
	return rc;
}

int card_desk_issue_tech(const struct session *s, struct card_reader *r,
			 const struct card_keyring *ring, int type, const struct card_order *order,
			 struct card_state *st, int *resumed)
{
	struct card_info info;
	struct card_order o;
	struct card_rec mine;
	char hex[17], what[96];
	int rc;

	*resumed = 0;
	if ((rc = perm_check(s, PERM_TECH_CARD)))
		return rc;
	if (type < CARD_CHECK || type > CARD_SETTING)
		return err_set(-SD_INVAL, "card type %d is not a technician card", type);
	memset(&info, 0, sizeof(info));
	info.type = (uint8_t)type;
	info.issued = (uint32_t)clock_now();
	if ((rc = utility_code(s->db, &info.utility)))
		return rc;
	if (order) {
		o = *order;
		o.operator_id = (uint32_t)s->operator_id;
	}
	if ((rc = card_read(r, NULL, 0, st)))
		return rc;
	card_serial_hex(st->serial, hex);
	rc = db_card_get(s->db, hex, &mine);
	if (!rc && strcmp(mine.status, "recycled")) {
		/* a repeat of this very issue finishes it on the card (EF06) */
		if (strcmp(mine.kind, kinds[type]))
			return err_set(-SD_EXISTS, "this card (%s) is already a %s card: recycle it "
						   "first", hex, mine.kind);
		*resumed = 1;
	}
	rc = card_issue(r, ring, &info, type == CARD_CHECK ? NULL : &o, st);
	if (rc < 0)
		return rc;
	if (*resumed)
		return 0;
	*resumed = rc == 1;
	snprintf(what, sizeof(what), "target=%s uses=%u", type == CARD_CHECK ? "-" :
		 o.target[0] ? o.target : "any", type == CARD_CHECK ? 0u : (unsigned)o.uses);
	if (type == CARD_SETTING && (o.flags & 3)) {
		size_t n = strlen(what);
		snprintf(what + n, sizeof(what) - n, " ef03=%u ef04=%u",
			 (o.flags & 1) ? card_get32(o.ef03 + 5) : 0u,
			 (o.flags & 2) ? card_get32(o.ef04 + 5) : 0u);
	}
	return record_issue(s, st, kinds[type], 0, 0, NULL, what);
}

int card_desk_setting_tariff(const struct session *s, const char *code, struct card_order *o,
			     uint8_t ef03[96], uint8_t ef04[96], struct card_tariff_plan *plan)
{
	int rc;

	if ((rc = perm_check(s, PERM_TECH_CARD)) ||
	    (rc = card_tariff_files(s->db, code, 0, s->utc_offset_min, clock_now(), 0, 0, plan, ef03,
				    ef04)))
		return rc;
	o->flags = (uint16_t)((o->flags & ~3u) | plan->flags);
	o->ef03 = (plan->flags & 1) ? ef03 : NULL;
	o->ef04 = (plan->flags & 2) ? ef04 : NULL;
	return 0;
}

int card_desk_read_check(const struct session *s, struct card_reader *r,
			 const struct card_keyring *ring, struct card_state *st)
{
	char hex[17];
	int rc;

	if ((rc = perm_check(s, PERM_TECH_CARD)))
		return rc;
	if ((rc = card_read(r, ring, 0, st)))
		return rc;
	if (st->blank || !st->issued || st->info.type != CARD_CHECK)
		return err_set(-SD_CARD_FORMAT, "this is not a check card");
	if (st->tech_cmd != 0x21)
		return err_set(-SD_STATE, "no meter has answered this check card yet: insert it in "
					  "the meter first");
	card_serial_hex(st->serial, hex);
	if ((rc = db_begin(s->db)))
		return rc;
	if ((rc = audit_log(s, "card.check", hex,
			    "meter=%s account=%s count=%u unit=%u remaining=%u energy_wh=%llu "
			    "status=%04X clock=%u",
			    st->check.meter, st->check.account[0] ? st->check.account : "-",
			    st->check.count, st->check.unit, st->check.remaining,
			    (unsigned long long)st->check.energy, st->check.status,
			    st->check.clock)) ||
	    (rc = db_commit(s->db)))
		db_rollback(s->db);
	return rc;
}

int card_desk_recycle(const struct session *s, struct card_reader *r,
		      const struct card_keyring *ring, int force, struct card_state *st)
{
	struct card_state look;
	struct card_rec rec;
	char hex[17];
	int rc, known;

	if ((rc = perm_check(s, PERM_CARD_RECYCLE)))
		return rc;
	if ((rc = card_read(r, NULL, 0, &look)))
		return rc;
	if (!force && look.issued && look.info.type == CARD_USER && look.has_purchase &&
	    (!look.returned || look.ret.count < look.last.seq) &&
	    !card_purchase_cancelled(&look, look.last.seq))
		return err_set(-SD_CARD_STACK, "purchase %u on this card has not been credited by a "
					       "meter: recycling would lose it (use --force only if "
					       "the meter is gone)", look.last.seq);
	if ((rc = card_recycle(r, ring, st)))
		return rc;
	card_serial_hex(st->serial, hex);
	rc = db_card_get(s->db, hex, &rec);
	if (rc && rc != -SD_NOT_FOUND)
		return rc;
	known = rc == 0;
	if ((rc = db_begin(s->db)))
		return rc;
	if ((known && (rc = db_card_set_status(s->db, hex, "recycled"))) ||
	    (rc = audit_log(s, "card.recycle", hex, "was=%s account=%s last_seq=%u%s",
			    known ? rec.kind : "unknown", known && rec.account_no[0] ? rec.account_no : "-",
			    look.has_purchase ? look.last.seq : 0, force ? " forced" : "")) ||
	    (rc = db_commit(s->db)))
		db_rollback(s->db);
	return rc;
}

void card_desk_purchase(const struct account_rec *acc, uint32_t seq, uint32_t amount, int64_t when,
			struct card_purchase *p)
{
	memset(p, 0, sizeof(*p));
	p->seq = seq;
	p->unit = 1;
	p->amount = amount;
	p->flags = 0x0C; /* alarm levels and limits ride along with every purchase */
	for (int i = 0; i < 3; i++)
		p->alarm[i] = (uint32_t)acc->alarm[i];
	p->credit_limit = (uint32_t)acc->credit_limit;
	p->time = (uint32_t)when;
	p->terminal = 1;
}

int card_desk_intent(void *ctx, const struct card_state *before)
{
	struct card_intent *in = ctx;
	int rc;

	(void)before;
	if ((rc = db_begin(in->s->db)))
		return rc;
	if ((rc = audit_log(in->s, in->action, in->serial, "seq=%u amount=%u", in->seq,
			    in->amount)) ||
	    (in->clear_tariffs && (rc = db_card_set_tariffs(in->s->db, in->card_id, 0, 0))) ||
	    (rc = db_commit(in->s->db)))
		db_rollback(in->s->db);
	return rc;
}

int card_desk_load(const struct session *s, struct card_reader *r,
		   const struct card_keyring *ring, const char *account_no, int64_t amount,
		   struct card_state *before, int64_t *seq, int *settled)
{
	int rc;

	*settled = 0;
	memset(before, 0, sizeof(*before));
	if ((rc = perm_check(s, PERM_CARD_RECYCLE)))
		return rc;
	return card_desk_write_load(s, r, ring, account_no, amount, "card.load", before, seq,
				    settled);
}

int card_desk_write_load(const struct session *s, struct card_reader *r,
			 const struct card_keyring *ring, const char *account_no, int64_t amount,
			 const char *action, struct card_state *before, int64_t *seq, int *settled)
{
	struct account_rec *acc = NULL;
	struct card_purchase p;
	struct card_rec rec;
	struct card_intent l;
	char pending[40];
	uint8_t serial[8];
	int rc;

	*settled = 0;
	memset(before, 0, sizeof(*before));
	snprintf(pending, sizeof(pending), "%s.pending", action);
	if (amount <= 0 || amount > 99999999)
		return err_set(-SD_MONEY_RANGE, "a card purchase is 0.01 to 999999.99 yuan");
	acc = calloc(1, sizeof(*acc));
	if (!acc)
		return err_set(-SD_NOMEM, "account");
	if ((rc = account_get(s, account_no, acc)))
		goto out;
	if ((rc = db_card_user_of(s->db, acc->id, &rec))) {
		if (rc == -SD_NOT_FOUND)
			rc = err_set(rc, "account %s has no card: issue one first", acc->account_no);
		goto out;
	}
	if ((rc = card_serial_parse(rec.serial, serial)))
		goto out;
	{
		struct sale_rec pend;
		if (!db_sale_pending_of(s->db, acc->id, &pend)) {
			rc = err_set(-SD_SALE_PENDING, "sale %lld owns the card's next purchase number: "
					 "settle it first", (long long)pend.id);
			goto out;
		}
	}
	card_desk_purchase(acc, (uint32_t)rec.purchase_seq + 1, (uint32_t)amount, clock_now(), &p);
	memset(&l, 0, sizeof(l));
	l.s = s;
	l.action = pending;
	l.card_id = rec.id;
	l.serial = rec.serial;
	l.seq = p.seq;
	l.amount = p.amount;
	*seq = p.seq;
	rc = card_write_purchase(r, ring, rec.key_version, serial, &p, NULL, NULL, card_desk_intent,
				 &l, before);
	if (rc == -SD_CARD_COUNT && before->has_purchase && before->last.seq + 1 == p.seq &&
	    card_purchase_cancelled(before, before->last.seq)) {
		/* the last purchase was cancelled: its number is written again */
		p.seq = before->last.seq;
		l.seq = *seq = p.seq;
		rc = card_write_purchase(r, ring, rec.key_version, serial, &p, NULL, NULL,
					 card_desk_intent, &l, before);
	}
	if (rc && before->authenticated && before->has_purchase &&
	    before->last.seq == rec.purchase_seq + 1) {
		/* written before a tear: settle, never write it twice */
		if ((rc = settle(s, before, &rec, 1)))
			goto out;
		*settled = 1;
		*seq = before->last.seq;
		goto out;
	}
	if (rc)
		goto out;
	if ((rc = db_begin(s->db)))
		goto out;
	if ((rc = db_card_set_seq(s->db, rec.serial, p.seq)) ||
	    (rc = audit_log(s, action, rec.serial, "account=%s seq=%u amount=%u",
			    acc->account_no, p.seq, p.amount)) ||
	    (rc = db_commit(s->db))) {
		db_rollback(s->db);
		rc = err_set(rc, "purchase %u is on the card but the database did not record it: "
				 "read the card with --verify to settle it", p.seq);
	}
out:
	free(acc);
	return rc;
}

/* The pending mark before the cancel APDU: the intent is in the audit
 * trail before the card can change. */
int card_desk_cancel(const struct session *s, struct card_reader *r,
		     const struct card_keyring *ring, const char *account_no, int64_t seq,
		     struct card_state *before, int *already)
{
	struct account_rec *acc = NULL;
	struct card_rec rec;
	struct card_intent l;
	uint8_t serial[8];
	int rc;

	*already = 0;
	memset(before, 0, sizeof(*before));
	if ((rc = perm_check(s, PERM_CARD_RECYCLE)))
		return rc;
	if (seq < 1 || seq > UINT32_MAX)
		return err_set(-SD_INVAL, "purchase sequence numbers run from 1");
	acc = calloc(1, sizeof(*acc));
	if (!acc)
		return err_set(-SD_NOMEM, "account");
	if ((rc = account_get(s, account_no, acc)))
		goto out;
	if ((rc = db_card_user_of(s->db, acc->id, &rec))) {
		if (rc == -SD_NOT_FOUND)
			rc = err_set(rc, "account %s has no card", acc->account_no);
		goto out;
	}
	if ((rc = card_serial_parse(rec.serial, serial)))
		goto out;
	memset(&l, 0, sizeof(l));
	l.s = s;
	l.action = "card.cancel.pending";
	l.card_id = rec.id;
	l.serial = rec.serial;
	l.seq = (uint32_t)seq;
	/* the cancelled purchase's tariff files never reach a meter */
	l.clear_tariffs = 1;
	rc = card_cancel_purchase(r, ring, rec.key_version, serial, (uint32_t)seq, card_desk_intent,
				  &l, before);
	if (rc < 0)
		goto out;
	*already = rc == 1;
	if ((rc = db_begin(s->db)))
		goto out;
	if ((rc = audit_log(s, "card.cancel", rec.serial, "account=%s seq=%lld%s", acc->account_no,
			    (long long)seq, *already ? " (found cancelled on the card)" : "")) ||
	    (rc = db_commit(s->db))) {
		db_rollback(s->db);
		rc = err_set(rc, "purchase %lld is cancelled on the card but the audit trail did not "
				 "record it: run the same command again", (long long)seq);
	}
out:
	free(acc);
	return rc;
}

int card_desk_list(const struct session *s, int (*fn)(const struct card_rec *, void *), void *ctx)
{
	int rc = perm_check(s, PERM_ACCOUNT_VIEW);

	return rc ? rc : db_card_each(s->db, fn, ctx);
}

int card_desk_returns(const struct session *s, const char *account_no, int64_t limit,
		      int (*fn)(const struct card_return_rec *, void *), void *ctx)
{
	struct account_rec *acc;
	int64_t id = 0;
	int rc = perm_check(s, PERM_ACCOUNT_VIEW);

	if (rc)
		return rc;
	if (account_no) {
		if (!(acc = calloc(1, sizeof(*acc))))
			return err_set(-SD_NOMEM, "account");
		rc = account_get(s, account_no, acc);
		id = acc->id;
		free(acc);
		if (rc)
			return rc;
	}
	return db_card_return_each(s->db, id, limit, fn, ctx);
}

/* sale_receipt: printing, reprinting and marking the receipts the sales
 * stored. A receipt's facts are stored once (receipt_encode) and rendered
 * for whatever printer is configured when it is printed. */
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "clock.h"
#include "err.h"
#include "perm.h"
#include "printer.h"
#include "sale_int.h"

int sale_print_doc(const struct config *cfg, int zh, const struct rcpt_doc *doc)
{
	struct escpos_opts o = { zh, 1, cfg->printer_drawer };
	uint8_t *bytes = NULL;
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (!strcmp(cfg->printer_format, "escpos"))
		rc = rcpt_render_escpos(doc, &o, &bytes, &len);
	else
		rc = rcpt_render_text(doc, &text, &len);
	if (!rc)
		rc = printer_send(cfg->printer, bytes ? (const void *)bytes : text, len);
	free(bytes);
	free(text);
	return rc;
}

/* Loads receipt number and lays it out for io's printer (or width). */
static int load_doc(const struct session *s, const char *number, int width, int zh, int reprint,
		    struct receipt_rec *rr, struct rcpt_doc *doc)
{
	struct receipt r;
	int rc = db_receipt_get(s->db, number, rr);

	if (rc)
		return rc == -SD_NOT_FOUND ? err_set(rc, "no receipt %s", number) : rc;
	rc = receipt_decode(rr->body, &r);
	free(rr->body);
	rr->body = NULL;
	if (rc)
		return rc;
	r.reprint = reprint;
	r.reprint_time = reprint ? clock_now() : 0;
	return receipt_layout(&r, width, zh, doc);
}

int sale_print(const struct session *s, const struct sale_io *io, const char *number,
	       int reprint)
{
	struct receipt_rec rr;
	struct rcpt_doc *doc = calloc(1, sizeof(*doc));
	int rc;

	if (!doc)
		return err_set(-SD_NOMEM, "receipt");
	if (!io->cfg || !io->cfg->printer[0]) {
		rc = err_set(-SD_PRINTER_OFF, "no printer is configured ([printer] device)");
		goto out;
	}
	if ((rc = load_doc(s, number, io->cfg->printer_width, io->zh, reprint, &rr, doc)) ||
	    (rc = sale_print_doc(io->cfg, io->zh, doc)))
		goto out;
	if (!(rc = db_begin(s->db))) {
		if ((rc = db_receipt_printed(s->db, rr.id)) ||
		    (reprint && (rc = audit_log(s, "receipt.reprint", rr.number, "prints=%d",
						rr.prints + 1))) ||
		    (rc = db_commit(s->db)))
			db_rollback(s->db);
	}
out:
	free(doc);
	return rc;
}

static int may_handle_receipts(const struct session *s)
{
	/* cashiers (sale) and administrators (refund) */
	return perm_check(s, PERM_REFUND) ? perm_check(s, PERM_SALE) : 0;
}

int sale_reprint(const struct session *s, const struct sale_io *io, const char *number)
{
	int rc = may_handle_receipts(s);

	return rc ? rc : sale_print(s, io, number, 1);
}

int sale_receipt_text(const struct session *s, const char *number, int width, int zh,
		      int reprint, char **out)
{
	struct receipt_rec rr;
	struct rcpt_doc *doc;
	size_t len;
	int rc = perm_check(s, PERM_ACCOUNT_VIEW);

	*out = NULL;
	if (rc)
		return rc;
	if (!(doc = calloc(1, sizeof(*doc))))
		return err_set(-SD_NOMEM, "receipt");
	if (!(rc = load_doc(s, number, width, zh, reprint, &rr, doc)))
		rc = rcpt_render_text(doc, out, &len);
	free(doc);
	return rc;
}

int sale_mark_invoiced(const struct session *s, const char *number)
{
	struct receipt_rec rr;
	int rc = may_handle_receipts(s);

	if (rc || (rc = db_receipt_get(s->db, number, &rr)))
		return rc == -SD_NOT_FOUND ? err_set(rc, "no receipt %s", number) : rc;
	free(rr.body);
	if ((rc = db_begin(s->db)))
		return rc;
	if ((rc = db_receipt_invoiced(s->db, rr.id, clock_now())) ||
	    (rc = audit_log(s, "receipt.invoiced", rr.number, "ledger=%lld",
			    (long long)rr.ledger_id)) ||
	    (rc = db_commit(s->db)))
		db_rollback(s->db);
	return rc;
}

/* report_run: permissions, printing and auditing of reports. */
#include "report_run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "clock.h"
#include "db_account.h"
#include "err.h"
#include "perm.h"
#include "receipt.h"
#include "sale_int.h"
#include "shift.h"

int report_by_operator(const struct report_def *def)
{
	static const char *const names[] = { "sales", "shift", "zreport", "daily-close" };

	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(def->name, names[i]))
			return 1;
	return 0;
}

int report_run(const struct session *s, const struct report_def *def, struct report_args *a,
	       struct report_result *res)
{
	int fin = report_is_finance(def);
	char owner[ACCOUNT_NO_MAX + 1];
	int rc;

	memset(res, 0, sizeof(*res));
	if ((rc = perm_check(s, fin ? PERM_REPORT_FINANCE : PERM_REPORT_ENERGY)))
		return rc;
	if (fin && report_by_operator(def) && perm_check(s, PERM_SHIFT_VIEW)) {
		err_clear();
		if (a->operator_id && a->operator_id != s->operator_id)
			return err_set(-SD_PERM, "%s may see only their own sales and shifts "
						 "(others' need role admin)", s->login);
		a->operator_id = s->operator_id;
	}
	if (a->to <= a->from)
		return err_set(-SD_USAGE, "the span is empty: --from must be before --to");
	if (a->account_no) {
		struct account_rec *ac = calloc(1, sizeof(*ac));
		if (!ac)
			return err_set(-SD_NOMEM, "report");
		rc = db_account_get(s->db, a->account_no, ac);
		free(ac);
		if (rc)
			return rc == -SD_NOT_FOUND ? err_set(rc, "no account %s", a->account_no) : rc;
	}
	if (a->meter_no && (rc = db_meter_owner(s->db, a->meter_no, owner)))
		return rc == -SD_NOT_FOUND ? err_set(rc, "no meter %s", a->meter_no) : rc;
	rc = def->run(s->db, a, res);
	if (rc)
		report_result_free(res);
	else if (a->operator_id == s->operator_id && report_by_operator(def))
		report_subtitle_add(res, "operator %s", s->login);
	return rc;
}

/* The shift a Z-report is of: --shift, or the operator's newest. */
static int newest_shift(const struct shift_rec *sh, void *ctx)
{
	*(int64_t *)ctx = sh->id;
	return 1;
}

static int print_zreport(const struct session *s, const struct config *cfg, int zh,
			 const struct report_args *a)
{
	struct sale_io io = { .cfg = cfg, .zh = zh };
	struct shift_rec sh;
	int64_t id = a->shift_id;
	int rc;

	if (!id && (rc = shift_list(s, s->login, 1, newest_shift, &id)) < 0)
		return rc;
	if (!id)
		return err_set(-SD_NOT_FOUND, "no shift to report; give --shift ID");
	if ((rc = shift_get(s, id, &sh)))
		return rc;
	return shift_print_zreport(s, &io, &sh);
}

int report_print(const struct session *s, const struct config *cfg, int zh,
		 const struct report_def *def, const struct report_args *a,
		 const struct report_result *res)
{
	struct rcpt_doc *doc;
	int rc = 0;

	if (!cfg->printer[0])
		return err_set(-SD_PRINTER_OFF, "no printer is configured ([printer] device)");
	if (!strcmp(def->name, "zreport"))
		return print_zreport(s, cfg, zh, a);
	if (!(doc = calloc(1, sizeof(*doc))))
		return err_set(-SD_NOMEM, "report");
	doc->width = cfg->printer_width;
	rc |= rcpt_add(doc, RCPT_TITLE, res->title, NULL);
	rc |= rcpt_add(doc, RCPT_TEXT, res->subtitle, NULL);
	for (int i = 0; i < res->ntables && !rc; i++) {
		const struct rpt_table *t = res->tables[i];
		rc |= rcpt_add(doc, RCPT_RULE, "=", NULL);
		rc |= rcpt_add(doc, RCPT_CENTER, res->table_names[i], NULL);
		for (int r = 0; r < rpt_table_rows(t) && !rc; r++) {
			if (r)
				rc |= rcpt_add(doc, RCPT_RULE, "", NULL);
			for (int c = 0; c < rpt_table_cols(t) && !rc; c++)
				if (*rpt_table_cell(t, r, c))
					rc |= rcpt_add(doc, RCPT_PAIR, rpt_table_header(t, c),
						       rpt_table_cell(t, r, c));
		}
	}
	if (rc)
		rc = err_set(-SD_OVERFLOW, "the %s report is too long for the receipt printer; "
					   "print it on A4 with --format text", def->name);
	else
		rc = sale_print_doc(cfg, zh, doc);
	free(doc);
	return rc;
}

void report_args_defaults(const struct report_def *def, struct report_args *a)
{
	for (int p = RPT_SPAN; p <= RPT_YEAR; p++)
		if (def->periods & (1u << p)) {
			a->period = (enum report_period)p;
			break;
		}
	for (int g = RPT_BY_NONE; g <= RPT_BY_SITE; g++)
		if (def->groups & (1u << g)) {
			a->group = (enum report_group)g;
			break;
		}
}

unsigned report_filters(const struct report_def *def)
{
	const unsigned places = REPORT_F_BUILDING | REPORT_F_ACCOUNT | REPORT_F_METER;

	/* What the finance reports refuse (rpt_refuse) is the complement. */
	if (!strcmp(def->name, "sales"))
		return places | REPORT_F_SHIFT;
	if (!strcmp(def->name, "shift") || !strcmp(def->name, "zreport"))
		return REPORT_F_SHIFT;
	if (!strcmp(def->name, "daily-close"))
		return 0;
	return places;
}

int report_save(const struct session *s, const struct report_def *def,
		const struct report_args *a, const struct report_result *res,
		enum report_format fmt, unsigned flags, const char *path)
{
	static const char *const names[] = { "table", "text", "tsv", "csv", "xlsx" };
	char tmp[4200];
	FILE *fp;
	int rc;

	if (!path || !path[0])
		return err_set(-SD_USAGE, "no file to write the report to");
	if (fmt == REPORT_FMT_XLSX) {
		rc = report_write_xlsx(res, path);
	} else {
		snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path, (long)getpid());
		if (!(fp = fopen(tmp, "w")))
			return err_set(-SD_IO, "cannot write %s: %s", path, strerror(errno));
		rc = report_render(res, fp, fmt, flags, clock_now(), a->utc_offset_min);
		if (fclose(fp) && !rc)
			rc = err_set(-SD_IO, "cannot write %s: %s", path, strerror(errno));
		if (!rc && rename(tmp, path))
			rc = err_set(-SD_IO, "cannot write %s: %s", path, strerror(errno));
		if (rc)
			unlink(tmp);
	}
	if (!rc)
		rc = report_audit_export(s, def, a, names[fmt], path, res);
	return rc;
}

int report_audit_export(const struct session *s, const struct report_def *def,
			const struct report_args *a, const char *format, const char *path,
			const struct report_result *res)
{
	int rows = 0, rc;

	for (int i = 0; i < res->ntables; i++)
		rows += rpt_table_rows(res->tables[i]);
	if ((rc = db_begin(s->db)))
		return rc;
	if ((rc = audit_log(s, "report.export", def->name, "from=%lld to=%lld format=%s file=%s rows=%d",
			    (long long)a->from, (long long)a->to, format, path, rows)) ||
	    (rc = db_commit(s->db)))
		db_rollback(s->db);
	return rc;
}

int report_export_day(const struct session *s, int64_t day_start, int utc_offset_min,
		      const char *dir, char *path, unsigned len)
{
	int rc;

	if ((rc = perm_check(s, PERM_REPORT_ENERGY)))
		return rc;
	if (!dir || !dir[0])
		return err_set(-SD_CONFIG, "no export folder: give --dir or set [export] dir");
	if ((rc = report_export_daily(s->db, day_start, utc_offset_min, dir, path, len)))
		return rc;
	if ((rc = db_begin(s->db)))
		return rc;
	if ((rc = audit_log(s, "report.export", "energy-daily", "day=%lld file=%s",
			    (long long)day_start, path)) ||
	    (rc = db_commit(s->db)))
		db_rollback(s->db);
	return rc;
}

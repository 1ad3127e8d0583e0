/* rpt_export: the daily energy export for a third-party platform, one CSV
 * file per site-local day (layout in docs/reports-energy.md, "Daily energy
 * export"), written whole or not at all. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db_int.h"
#include "err.h"
#include "rpt_energy_int.h"

/* A meter's TOU split of the day, from the priced hourly walk. */
struct day_split {
	int64_t meter_id;
	int64_t rate[TARIFF_RATE_COUNT];
};

struct splits {
	struct day_split *v;
	size_t n, cap;
};

static int add_split(const struct rpe_meter *m, const struct rpe_piece *h, void *arg)
{
	struct splits *s = arg;

	if (!s->n || s->v[s->n - 1].meter_id != m->id) {
		if (s->n == s->cap) {
			size_t cap = s->cap ? s->cap * 2 : 1024;
			struct day_split *v = realloc(s->v, cap * sizeof(*v));

			if (!v)
				return -SD_NOMEM;
			s->v = v;
			s->cap = cap;
		}
		memset(&s->v[s->n], 0, sizeof(s->v[s->n]));
		s->v[s->n++].meter_id = m->id;
	}
	for (int r = 0; r < TARIFF_RATE_COUNT; r++)
		s->v[s->n - 1].rate[r] += h->rate_wh[r];
	return 0;
}

/* Writes the rows into f; the walk gave splits in meter id order, the
 * query below walks the same order. */
static int write_rows(struct db *db, FILE *f, int64_t day_start, int off_min,
		      const struct splits *s)
{
	sqlite3_stmt *st = NULL;
	size_t k = 0;
	char date[16], b[7][32];
	int rc, src;

	rpe_bucket_label(day_start, day_start + 86400, off_min, RPT_DAY, date, sizeof(date));
	/* Start register: the last reading at or before local midnight, or
	 * for a meter first read during the day its first reading. */
	rc = db_prepare(db, &st,
			"SELECT m.id, m.meter_no, ifnull(a.account_no, ''), "
			"ifnull((SELECT energy_wh FROM meter_history WHERE meter_id = m.id "
			"  AND ts <= ?1 ORDER BY ts DESC LIMIT 1), (SELECT energy_wh FROM "
			"  meter_history WHERE meter_id = m.id AND ts > ?1 AND ts <= ?2 "
			"  ORDER BY ts LIMIT 1)), "
			"(SELECT energy_wh FROM meter_history WHERE meter_id = m.id AND ts <= ?2 "
			"  ORDER BY ts DESC LIMIT 1), "
			"ifnull((SELECT wh FROM energy_daily WHERE meter_id = m.id AND day_ts = ?1), 0) "
			"FROM meters m LEFT JOIN accounts a ON a.id = m.account_id ORDER BY m.id",
			"ii", day_start, day_start + 86400);
	if (rc)
		return rc;
	if (fputs("date,meter_no,account_no,start_kwh,end_kwh,kwh,sharp_kwh,peak_kwh,flat_kwh,"
		  "valley_kwh\r\n", f) == EOF)
		rc = -SD_IO;
	while (!rc && (src = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		static const struct day_split none;
		const struct day_split *d = &none;

		/* A meter never read by the end of the day has no row. */
		if (sqlite3_column_type(st, 4) == SQLITE_NULL)
			continue;
		while (k < s->n && s->v[k].meter_id < id)
			k++;
		if (k < s->n && s->v[k].meter_id == id)
			d = &s->v[k];
		if (fprintf(f, "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\r\n", date,
			    (const char *)sqlite3_column_text(st, 1),
			    (const char *)sqlite3_column_text(st, 2),
			    rpe_kwh(sqlite3_column_int64(st, 3), b[0], sizeof(b[0])),
			    rpe_kwh(sqlite3_column_int64(st, 4), b[1], sizeof(b[1])),
			    rpe_kwh(sqlite3_column_int64(st, 5), b[2], sizeof(b[2])),
			    rpe_kwh(d->rate[TARIFF_SHARP], b[3], sizeof(b[3])),
			    rpe_kwh(d->rate[TARIFF_PEAK], b[4], sizeof(b[4])),
			    rpe_kwh(d->rate[TARIFF_FLAT], b[5], sizeof(b[5])),
			    rpe_kwh(d->rate[TARIFF_VALLEY], b[6], sizeof(b[6]))) < 0)
			rc = -SD_IO;
	}
	if (!rc && src != SQLITE_DONE)
		rc = db_error(db, src, "reading the day's registers");
	sqlite3_finalize(st);
	return rc;
}

int report_export_daily(struct db *db, int64_t day_start, int utc_offset_min, const char *dir,
			char *path, unsigned len)
{
	struct report_args a;
	struct splits s = { 0 };
	char tmp[4096], date[16], ymd[16];
	FILE *f = NULL;
	int fd, rc, n;

	memset(&a, 0, sizeof(a));
	a.utc_offset_min = utc_offset_min;
	if (rpe_bucket(day_start, utc_offset_min, RPT_DAY, 0) != day_start)
		return err_set(-SD_INVAL, "the export's day must start at local midnight");
	rpe_bucket_label(day_start, day_start + 86400, utc_offset_min, RPT_DAY, date, sizeof(date));
	snprintf(ymd, sizeof(ymd), "%.4s%.2s%.2s", date, date + 5, date + 8);
	n = snprintf(path, len, "%s/energy-%s.csv", dir, ymd);
	if (n < 0 || (unsigned)n >= len ||
	    snprintf(tmp, sizeof(tmp), "%s/.energy-%s.csv.XXXXXX", dir, ymd) >= (int)sizeof(tmp))
		return err_set(-SD_INVAL, "export folder name too long");
	if ((rc = rpe_walk(db, &a, day_start, day_start + 86400, RPT_SPAN, add_split, &s)))
		goto out;
	if ((fd = mkstemp(tmp)) < 0) {
		rc = err_set(-SD_IO, "%s: %s", dir, strerror(errno));
		goto out;
	}
	/* The platform reads the folder: a finished file appears whole. */
	fchmod(fd, 0644);
	if (!(f = fdopen(fd, "w"))) {
		close(fd);
		unlink(tmp);
		rc = err_set(-SD_IO, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	rc = write_rows(db, f, day_start, utc_offset_min, &s);
	if (!rc && (fflush(f) || fsync(fileno(f))))
		rc = err_set(-SD_IO, "%s: %s", tmp, strerror(errno));
	if (fclose(f) && !rc)
		rc = err_set(-SD_IO, "%s: %s", tmp, strerror(errno));
	if (!rc && rename(tmp, path))
		rc = err_set(-SD_IO, "%s: %s", path, strerror(errno));
	if (rc) {
		unlink(tmp);
		goto out;
	}
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY)) >= 0) {
		fsync(fd);
		close(fd);
	}
out:
	free(s.v);
	return rc;
}

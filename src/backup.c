/* backup: taking backups, their manifests, listing and rotation. */
#include "backup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "backup_int.h"
#include "clock.h"
#include "err.h"
#include "log.h"
#include "perm.h"

static void hex_of(const unsigned char *b, int n, char *out)
{
	for (int i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
	out[2 * n] = 0;
}

static int unhex(const char *s, unsigned char *b, int n)
{
	for (int i = 0; i < n; i++) {
		unsigned v;
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		b[i] = (unsigned char)v;
	}
	return s[2 * n] == 0 ? 0 : -1;
}

static void utc_text(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int backup_manifest_path(const char *file, char *out, unsigned len)
{
	size_t n = strlen(file), e = strlen(BACKUP_MANIFEST_EXT);
	int w;

	if (n > e && strcmp(file + n - e, BACKUP_MANIFEST_EXT) == 0)
		w = snprintf(out, len, "%s", file);
	else
		w = snprintf(out, len, "%s" BACKUP_MANIFEST_EXT, file);
	return w > 0 && (unsigned)w < len ? 0 : err_set(-SD_INVAL, "path too long: %s", file);
}

int backup_manifest_write(const char *path, const struct backup_manifest *m)
{
	const struct db_facts *f = &m->facts;
	char tmp[PATH_MAX + 32], when[32], hex[2 * AUDIT_HASH_LEN + 1];
	FILE *out;
	int rc = 0, i, fd;

	snprintf(tmp, sizeof(tmp), "%s.tmp-%d", path, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || !(out = fdopen(fd, "w"))) {
		rc = err_set(errno == ENOSPC ? -SD_DB_FULL : -SD_IO, "cannot create %s: %s", tmp,
			     strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		return rc;
	}
	utc_text(m->created, when, sizeof(when));
	hex_of(f->audit_head_hash, AUDIT_HASH_LEN, hex);
	fprintf(out, "# saledesk backup manifest (docs/backup.md)\n"
		     "format = %d\nfile = %s\ncreated = %s\nencrypted = %s\n"
		     "size = %" PRId64 "\nsha256 = %s\n"
		     "db_size = %" PRId64 "\ndb_sha256 = %s\n"
		     "application_id = %" PRId64 "\nschema = %d\n",
		m->format, m->file, when, m->encrypted ? "aes-256-gcm" : "no", m->size, m->sha256,
		m->db_size, m->db_sha256, f->application_id, f->schema);
	for (i = 0; i < f->ntables; i++)
		fprintf(out, "rows.%s = %" PRId64 "\n", f->tables[i].name, f->tables[i].rows);
	fprintf(out, "ledger.rows = %" PRId64 "\nledger.sum = %" PRId64 "\n", f->ledger_rows,
		f->ledger_sum);
	for (i = 0; i < f->nkinds; i++)
		fprintf(out, "ledger.%s.rows = %" PRId64 "\nledger.%s.sum = %" PRId64 "\n",
			f->kinds[i].kind, f->kinds[i].rows, f->kinds[i].kind, f->kinds[i].sum);
	fprintf(out, "audit.head_id = %" PRId64 "\naudit.head_hash = %s\n", f->audit_head_id, hex);
	if (fflush(out) != 0 || fsync(fileno(out)) != 0)
		rc = err_set(errno == ENOSPC ? -SD_DB_FULL : -SD_IO, "cannot write %s: %s", tmp,
			     strerror(errno));
	if (fclose(out) != 0 && !rc)
		rc = err_set(errno == ENOSPC ? -SD_DB_FULL : -SD_IO, "cannot write %s: %s", tmp,
			     strerror(errno));
	if (!rc && rename(tmp, path) != 0)
		rc = err_set(-SD_IO, "cannot rename %s: %s", tmp, strerror(errno));
	if (rc)
		unlink(tmp);
	else
		rc = backup_fsync_parent(path);
	return rc;
}

static int parse_i64(const char *v, int64_t *out)
{
	char *end;
	long long x;

	errno = 0;
	x = strtoll(v, &end, 10);
	if (end == v || *end || errno)
		return -1;
	*out = x;
	return 0;
}

/* Takes one "key = value" line of a manifest into m; -1 if bad. */
static int manifest_line(struct backup_manifest *m, const char *k, const char *v)
{
	struct db_facts *f = &m->facts;
	int64_t x = 0;
	struct tm tm;
	char name[64];
	size_t n;

	if (strcmp(k, "file") == 0)
		return snprintf(m->file, sizeof(m->file), "%s", v) < (int)sizeof(m->file) ? 0 : -1;
	if (strcmp(k, "created") == 0) {
		memset(&tm, 0, sizeof(tm));
		if (!strptime(v, "%Y-%m-%dT%H:%M:%SZ", &tm))
			return -1;
		m->created = (int64_t)timegm(&tm);
		return 0;
	}
	if (strcmp(k, "encrypted") == 0) {
		m->encrypted = strcmp(v, "no") != 0;
		return 0;
	}
	if (strcmp(k, "sha256") == 0 || strcmp(k, "db_sha256") == 0) {
		char *dst = k[0] == 's' ? m->sha256 : m->db_sha256;
		if (strlen(v) != 64)
			return -1;
		memcpy(dst, v, 65);
		return 0;
	}
	if (strcmp(k, "audit.head_hash") == 0)
		return unhex(v, f->audit_head_hash, AUDIT_HASH_LEN);
	if (parse_i64(v, &x))
		return -1;
	if (strcmp(k, "format") == 0)
		m->format = (int)x;
	else if (strcmp(k, "size") == 0)
		m->size = x;
	else if (strcmp(k, "db_size") == 0)
		m->db_size = x;
	else if (strcmp(k, "application_id") == 0)
		f->application_id = x;
	else if (strcmp(k, "schema") == 0)
		f->schema = (int)x;
	else if (strcmp(k, "ledger.rows") == 0)
		f->ledger_rows = x;
	else if (strcmp(k, "ledger.sum") == 0)
		f->ledger_sum = x;
	else if (strcmp(k, "audit.head_id") == 0)
		f->audit_head_id = x;
	else if (strncmp(k, "rows.", 5) == 0 && f->ntables < DB_FACTS_MAX_TABLES) {
		if (strlen(k + 5) >= sizeof(f->tables[0].name))
			return -1;
		memcpy(f->tables[f->ntables].name, k + 5, strlen(k + 5) + 1);
		f->tables[f->ntables++].rows = x;
	} else if (strncmp(k, "ledger.", 7) == 0) {
		/* ledger.KIND.rows / ledger.KIND.sum */
		const char *dot = strrchr(k, '.');
		int i;
		n = (size_t)(dot - (k + 7));
		if (dot <= k + 7 || n >= sizeof(f->kinds[0].kind))
			return -1;
		memcpy(name, k + 7, n);
		name[n] = 0;
		for (i = 0; i < f->nkinds && strcmp(f->kinds[i].kind, name) != 0; i++)
			;
		if (i == f->nkinds) {
			if (f->nkinds == DB_FACTS_MAX_KINDS)
				return -1;
			memcpy(f->kinds[f->nkinds++].kind, name, n + 1);
		}
		if (strcmp(dot, ".rows") == 0)
			f->kinds[i].rows = x;
		else if (strcmp(dot, ".sum") == 0)
			f->kinds[i].sum = x;
		else
			return -1;
	}
	/* Unknown keys from a newer format are ignored: format says what
	 * must be understood. */
	return 0;
}

int backup_manifest_read(const char *path, struct backup_manifest *m)
{
	char line[1024], *eq, *k, *v, *end;
	int rc = 0, lineno = 0;
	FILE *in;

	memset(m, 0, sizeof(*m));
	in = fopen(path, "r");
	if (!in)
		return err_set(errno == ENOENT ? -SD_NOT_FOUND : -SD_IO,
			       "cannot read manifest %s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), in)) {
		lineno++;
		line[strcspn(line, "\r\n")] = 0;
		if (!line[0] || line[0] == '#')
			continue;
		eq = strchr(line, '=');
		if (!eq) {
			rc = -1;
			break;
		}
		*eq = 0;
		k = line;
		v = eq + 1;
		for (end = eq - 1; end >= k && *end == ' '; end--)
			*end = 0;
		while (*v == ' ')
			v++;
		if ((rc = manifest_line(m, k, v)))
			break;
	}
	fclose(in);
	if (rc || m->format != 1 || !m->file[0] || !m->sha256[0])
		return err_set(-SD_BACKUP_BAD, "manifest %s is malformed%s (line %d)", path,
			       m->format > 1 ? " or from a newer saledesk" : "", lineno);
	return 0;
}

/* Parses "saledesk-YYYYMMDDTHHMMSSZ[-N].db[.enc]"; 0 if it is a backup's
 * name. */
static int parse_name(const char *name, int64_t *t, int *seq)
{
	struct tm tm;
	const char *p = name + strlen(BACKUP_PREFIX);
	char *end;

	if (strncmp(name, BACKUP_PREFIX, strlen(BACKUP_PREFIX)) != 0)
		return -1;
	memset(&tm, 0, sizeof(tm));
	end = strptime(p, "%Y%m%dT%H%M%SZ", &tm);
	if (!end || end != p + 16)
		return -1;
	*seq = 0;
	if (*end == '-') {
		*seq = (int)strtol(end + 1, &end, 10);
		if (*seq <= 0)
			return -1;
	}
	if (strcmp(end, ".db") != 0 && strcmp(end, ".db.enc") != 0)
		return -1;
	*t = (int64_t)timegm(&tm);
	return 0;
}

static int newest_first(const void *a, const void *b)
{
	const struct backup_entry *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? 1 : -1;
	return y->seq - x->seq;
}

int backup_list(const char *dir, struct backup_entry **out, int *n)
{
	struct backup_entry *v = NULL, *nv;
	struct dirent *de;
	int cap = 0, cnt = 0, rc = 0;
	char mpath[PATH_MAX + 16];
	DIR *d;

	*out = NULL;
	*n = 0;
	d = opendir(dir);
	if (!d)
		return err_set(errno == ENOENT ? -SD_NOT_FOUND : -SD_IO,
			       "backup folder %s: %s; create it (on another disk) or set [backup] "
			       "dir in the config", dir, strerror(errno));
	while ((de = readdir(d))) {
		int64_t t;
		int seq;

		if (parse_name(de->d_name, &t, &seq))
			continue;
		if (cnt == cap) {
			cap = cap ? cap * 2 : 16;
			nv = realloc(v, (size_t)cap * sizeof(*v));
			if (!nv) {
				rc = -SD_NOMEM;
				goto out;
			}
			v = nv;
		}
		memset(&v[cnt], 0, sizeof(v[cnt]));
		snprintf(v[cnt].path, sizeof(v[cnt].path), "%s/%s", dir, de->d_name);
		v[cnt].t = t;
		v[cnt].seq = seq;
		snprintf(mpath, sizeof(mpath), "%s" BACKUP_MANIFEST_EXT, v[cnt].path);
		v[cnt].has_manifest = backup_manifest_read(mpath, &v[cnt].m) == 0;
		cnt++;
	}
	err_clear();
	if (cnt > 1)
		qsort(v, (size_t)cnt, sizeof(*v), newest_first);
out:
	closedir(d);
	if (rc) {
		free(v);
		return rc;
	}
	*out = v;
	*n = cnt;
	return 0;
}

/* The period key of t: day number, ISO week (year * 100 + week), or
 * month (year * 12 + month). */
static int64_t period(int64_t t, int kind)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char buf[16];

	gmtime_r(&tt, &tm);
	if (kind == 0)
		return t >= 0 ? t / 86400 : (t - 86399) / 86400;
	if (kind == 1) {
		strftime(buf, sizeof(buf), "%G%V", &tm);
		return atoll(buf);
	}
	return (int64_t)(tm.tm_year + 1900) * 12 + tm.tm_mon;
}

void backup_rotate_plan(const int64_t *t, int n, int daily, int weekly, int monthly,
			int *keep)
{
	const int limit[3] = { daily, weekly, monthly };
	int i, k;

	/* Backups of the last 24 hours always stay: one taken by hand before
	 * a risky change must not vanish at the next automatic backup. */
	for (i = 0; i < n; i++)
		keep[i] = (daily == 0 && weekly == 0 && monthly == 0) || t[0] - t[i] < 86400;
	for (k = 0; k < 3; k++) {
		int64_t last = INT64_MIN;
		int seen = 0;

		/* Newest first: the first backup met in a period is its newest. */
		for (i = 0; i < n && seen < limit[k]; i++) {
			int64_t p = period(t[i], k);
			if (p == last)
				continue;
			last = p;
			seen++;
			keep[i] = 1;
		}
	}
}

/* Removes the backups the rotation does not keep; returns how many. */
static int rotate(const char *dir, int daily, int weekly, int monthly)
{
	struct backup_entry *v;
	int64_t *t;
	int *keep, n, i, removed = 0;
	char mpath[PATH_MAX + 16];

	if (backup_list(dir, &v, &n))
		return 0;
	t = calloc((size_t)n + 1, sizeof(*t));
	keep = calloc((size_t)n + 1, sizeof(*keep));
	if (t && keep) {
		for (i = 0; i < n; i++)
			t[i] = v[i].t;
		backup_rotate_plan(t, n, daily, weekly, monthly, keep);
		for (i = 0; i < n; i++) {
			if (keep[i])
				continue;
			snprintf(mpath, sizeof(mpath), "%s" BACKUP_MANIFEST_EXT, v[i].path);
			if (unlink(v[i].path) == 0) {
				unlink(mpath);
				removed++;
				log_info("rotation removed %s", v[i].path);
			}
		}
	}
	free(t);
	free(keep);
	free(v);
	return removed;
}

static int file_exists(const char *p)
{
	struct stat sb;

	return stat(p, &sb) == 0;
}

/* Picks a free final name in dir for a backup taken at t. */
static int choose_name(const char *dir, int64_t t, int enc, char *out, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char stamp[32], m[PATH_MAX + 16];

	gmtime_r(&tt, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	for (int seq = 0; seq < 100; seq++) {
		char suffix[16] = "";
		int w;

		if (seq)
			snprintf(suffix, sizeof(suffix), "-%d", seq);
		w = snprintf(out, len, "%s/" BACKUP_PREFIX "%s%s.db%s", dir, stamp, suffix,
			     enc ? ".enc" : "");
		if (w <= 0 || (size_t)w >= len)
			return err_set(-SD_INVAL, "backup folder path too long: %s", dir);
		snprintf(m, sizeof(m), "%s" BACKUP_MANIFEST_EXT, out);
		if (!file_exists(out) && !file_exists(m))
			return 0;
	}
	return err_set(-SD_EXISTS, "too many backups in one second in %s", dir);
}

/* Background work beside the copy: the manifest's facts, read from the
 * source in the copy's own snapshot while the copy is made, or the
 * SHA-256 of the finished copy. Each in a niced thread of its own. */
struct side_job {
	struct db *db;           /* facts: the snapshot to read; NULL: hash */
	const char *path;        /* hash: the file */
	struct db_facts *f;
	char hex[65];
	int64_t size, ms;
	int rc;
	char why[512];           /* the error detail is per thread */
	pthread_t th;
	int started;
};

static void *side_main(void *arg)
{
	struct side_job *j = arg;
	int64_t t0 = clock_mono_ms();

	backup_nice_thread();
	if (j->db)
		j->rc = db_facts_read(j->db, j->f);
	else
		j->rc = backup_sha256_file(j->path, j->hex, &j->size);
	if (j->rc)
		snprintf(j->why, sizeof(j->why), "%s", err_detail());
	j->ms = clock_mono_ms() - t0;
	return NULL;
}

/* Starts j in a thread, or, if no thread can be had, runs it here. */
static void side_start(struct side_job *j)
{
	j->started = pthread_create(&j->th, NULL, side_main, j) == 0;
	if (!j->started)
		side_main(j);
}

/* Waits for j; returns rc, or if rc is 0 j's result with its error detail
 * brought into this thread (an earlier error's detail is kept). */
static int side_join(struct side_job *j, int rc)
{
	if (j->started)
		pthread_join(j->th, NULL);
	j->started = 0;
	return !rc && j->rc ? err_set(j->rc, "%s", j->why) : rc;
}

/* Copies the database file at db to the (empty) file dest with page 1
 * marked for a rollback journal, putting the copy's SHA-256 and size
 * into r's manifest. */
static int copy_file_hashed(const char *db, const char *dest, struct backup_result *r)
{
	int fd = open(dest, O_WRONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return err_set(-SD_IO, "cannot write %s: %s", dest, strerror(errno));
	rc = backup_copy_hashed(db, fd, dest, db_backup_plain_header, r->m.db_sha256,
				&r->m.db_size);
	if (close(fd) != 0 && !rc)
		rc = err_set(errno == ENOSPC ? -SD_DB_FULL : -SD_IO, "cannot write %s: %s", dest,
			     strerror(errno));
	return rc;
}

/* How much of the database the copy maps instead of reading it page by
 * page: all of it up to this (SQLite caps it at its own limit). */
#define BACKUP_MMAP_BYTES ((int64_t)1 << 40)

int backup_run(const struct session *s, const struct backup_opts *o, struct backup_result *r)
{
	struct db_backup_tuning tune = { o->pages_per_step, o->sleep_ms };
	char plain[PATH_MAX + 64], enc_tmp[PATH_MAX + 64], staging[PATH_MAX];
	const char *stored;
	struct stat sb;
	int encrypt = o->passphrase && o->passphrase[0];
	int rc, fd, made_final = 0;
	int64_t t0 = clock_mono_ms();
	struct side_job facts, hash;
	struct db *snap[2] = { NULL, NULL };

	memset(r, 0, sizeof(*r));
	plain[0] = enc_tmp[0] = 0;
	if ((rc = perm_check(s, PERM_BACKUP)))
		return rc;
	if (!o->dir || !o->dir[0])
		return err_set(-SD_CONFIG, "no backup folder: set [backup] dir in the config or "
					   "give --dir");
	if (stat(o->dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return err_set(-SD_NOT_FOUND, "backup folder %s does not exist; create it (on "
					      "another disk) or set [backup] dir", o->dir);
	if (access(o->dir, W_OK) != 0)
		return err_set(-SD_IO, "backup folder %s cannot be written: %s", o->dir,
			       strerror(errno));
	if (encrypt && strlen(o->passphrase) < BACKUP_PASSPHRASE_MIN)
		return err_set(-SD_INVAL, "a backup passphrase needs at least %d characters",
			       BACKUP_PASSPHRASE_MIN);
	r->m.format = 1;
	r->m.created = clock_now();
	r->m.encrypted = encrypt;
	if ((rc = choose_name(o->dir, r->m.created, encrypt, r->path, sizeof(r->path))))
		return rc;
	snprintf(r->manifest, sizeof(r->manifest), "%s" BACKUP_MANIFEST_EXT, r->path);
	snprintf(r->m.file, sizeof(r->m.file), "%s", backup_basename(r->path));
	/* An encrypted backup's plaintext never touches the backup disk: it
	 * is staged beside the live database, which holds the same data in
	 * the clear anyway. */
	if (encrypt) {
		if (o->staging_dir)
			snprintf(staging, sizeof(staging), "%s", o->staging_dir);
		else
			backup_dirname(db_path(s->db), staging, sizeof(staging));
		snprintf(plain, sizeof(plain), "%s/.saledesk-backup-%d.tmp", staging, (int)getpid());
		snprintf(enc_tmp, sizeof(enc_tmp), "%s/.%s.tmp-%d", o->dir, r->m.file,
			 (int)getpid());
	} else {
		snprintf(plain, sizeof(plain), "%s/.%s.tmp-%d", o->dir, r->m.file, (int)getpid());
	}
	/* Backups hold every customer's data: readable by the owner only. */
	fd = open(plain, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = err_set(errno == ENOSPC ? -SD_DB_FULL : -SD_IO, "cannot create %s: %s", plain,
			     strerror(errno));
		plain[0] = 0;
		goto out;
	}
	close(fd);
	/* The facts are read from the source, in the copy's own snapshot,
	 * while the copy is made: at 2 GB the ledger's scan costs seconds,
	 * and reading the finished copy afterwards added them to the backup.
	 * `backup verify` checks the file against them. */
	if ((rc = db_backup_snapshot(s->db, 2, BACKUP_MMAP_BYTES, snap, &r->file_copy)))
		goto out;
	memset(&facts, 0, sizeof(facts));
	memset(&hash, 0, sizeof(hash));
	facts.db = snap[1];
	facts.f = &r->m.facts;
	side_start(&facts);
	if (r->file_copy) {
		/* While snap[] are open the file is the snapshot: copy it as
		 * a file, hashing it in the same read (at 2 GB the backup
		 * API's page-by-page copy took 2.5 times a `cp`). */
		log_debug("backup: the WAL is empty, copying the database file itself");
		rc = copy_file_hashed(db_path(s->db), plain, r);
	} else {
		log_debug("backup: the WAL is in use, copying through SQLite's online backup");
		rc = db_backup_copy(snap[0], plain, &tune, &r->st);
	}
	r->copy_ms = clock_mono_ms() - t0;
	rc = side_join(&facts, rc);
	r->facts_ms = facts.ms;
	for (int i = 0; i < 2; i++) {
		db_close(snap[i]);
		snap[i] = NULL;
	}
	if (rc)
		goto out;
	backup_fault_point("backup", 1); /* tests: killed with the copy half made */
	if (!r->file_copy) {
		/* The hash reads the finished copy from the page cache, niced. */
		hash.path = plain;
		side_start(&hash);
		rc = side_join(&hash, 0);
		r->hash_ms = hash.ms;
		if (rc)
			goto out;
		memcpy(r->m.db_sha256, hash.hex, sizeof(r->m.db_sha256));
		r->m.db_size = hash.size;
	}
	if (encrypt) {
		if ((rc = backup_encrypt_file(plain, enc_tmp, o->passphrase)))
			goto out;
		unlink(plain);
		plain[0] = 0;
		stored = enc_tmp;
		if ((rc = backup_sha256_file(stored, r->m.sha256, &r->m.size)))
			goto out;
	} else {
		stored = plain;
		if ((rc = backup_fsync_path(stored)))
			goto out;
		memcpy(r->m.sha256, r->m.db_sha256, sizeof(r->m.sha256));
		r->m.size = r->m.db_size;
	}
	if (rename(stored, r->path) != 0) {
		rc = err_set(-SD_IO, "cannot rename %s: %s", stored, strerror(errno));
		goto out;
	}
	made_final = 1;
	plain[0] = enc_tmp[0] = 0;
	if ((rc = backup_fsync_parent(r->path)))
		goto out;
	backup_fault_point("backup", 2); /* tests: killed before the manifest */
	if ((rc = backup_manifest_write(r->manifest, &r->m)))
		goto out;
	r->removed = rotate(o->dir, o->keep_daily, o->keep_weekly, o->keep_monthly);
	r->total_ms = clock_mono_ms() - t0;
	log_info("backup %s: %" PRId64 " bytes in %" PRId64 " ms", r->path, r->m.size, r->total_ms);
out:
	if (rc) {
		/* Leave nothing half-made behind: a partial file must never
		 * pass for a backup. */
		if (plain[0])
			unlink(plain);
		if (enc_tmp[0])
			unlink(enc_tmp);
		if (made_final) {
			unlink(r->path);
			unlink(r->manifest);
		}
	}
	return rc;
}

/* Backups in C: the rotation plan, manifest round trips, encryption that
 * rejects a wrong passphrase and any changed byte, the permission check,
 * restore migrating an older schema, a rewritten audit history caught
 * against a backup's head, backups taken while another process commits
 * whose manifests still match their files, and the ledger's running
 * totals checked against its rows. */
#include "helpers.h"

#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "backup.h"
#include "clock.h"
#include "err.h"
#include "session.h"

#define DAY INT64_C(86400)
#define T0 INT64_C(1795000000) /* 2026-11-18 */

static void test_rotation_keeps_newest_per_day_week_month(void **state)
{
	int64_t t[40];
	int keep[40], n = 0, i, kept = 0;

	(void)state;
	/* Two backups a day for 20 days, newest first. */
	for (i = 0; i < 20; i++) {
		t[n++] = T0 - i * DAY;
		t[n++] = T0 - i * DAY - 3600;
	}
	backup_rotate_plan(t, n, 3, 0, 0, keep);
	for (i = 0; i < n; i++)
		kept += keep[i];
	/* The newest, its sibling an hour older (within 24 h), and the newest
	 * of the two days before. */
	assert_int_equal(kept, 4);
	assert_true(keep[0] && keep[1] && keep[2] && keep[4]);
	assert_false(keep[3]);
	assert_false(keep[5]);
}

static void test_rotation_weekly_and_monthly(void **state)
{
	int64_t t[100];
	int keep[100], n = 0, i, kept = 0;

	(void)state;
	for (i = 0; i < 100; i++)
		t[n++] = T0 - i * DAY; /* one a day for 100 days */
	backup_rotate_plan(t, n, 7, 4, 3, keep);
	for (i = 0; i < n; i++)
		kept += keep[i];
	/* 7 days; weeks add at most 3 older ones; months at most 2 more. */
	assert_true(kept >= 7 + 2 && kept <= 7 + 3 + 2);
	for (i = 0; i < 7; i++)
		assert_true(keep[i]);
	assert_false(keep[99]);
	/* Nothing configured: everything is kept. */
	backup_rotate_plan(t, n, 0, 0, 0, keep);
	for (i = 0; i < n; i++)
		assert_true(keep[i]);
}

static void test_manifest_round_trip(void **state)
{
	struct backup_manifest m, back;
	char path[200];
	struct tdb t;

	(void)state;
	tdb_setup(&t, -1);
	memset(&m, 0, sizeof(m));
	m.format = 1;
	strcpy(m.file, "saledesk-20261118T000000Z.db");
	m.created = T0;
	m.size = m.db_size = 4096;
	memset(m.sha256, 'a', 64);
	memset(m.db_sha256, 'b', 64);
	m.facts.application_id = DB_APPLICATION_ID;
	m.facts.schema = 2;
	m.facts.ntables = 1;
	strcpy(m.facts.tables[0].name, "ledger");
	m.facts.tables[0].rows = 3;
	m.facts.ledger_rows = 3;
	m.facts.ledger_sum = -INT64_C(9999999999);
	m.facts.nkinds = 1;
	strcpy(m.facts.kinds[0].kind, "refund");
	m.facts.kinds[0].rows = 3;
	m.facts.kinds[0].sum = -INT64_C(9999999999);
	m.facts.audit_head_id = 42;
	memset(m.facts.audit_head_hash, 0xAB, AUDIT_HASH_LEN);
	snprintf(path, sizeof(path), "%s/x.manifest", t.dir);
	assert_int_equal(backup_manifest_write(path, &m), 0);
	assert_int_equal(backup_manifest_read(path, &back), 0);
	assert_int_equal(back.created, m.created);
	assert_string_equal(back.sha256, m.sha256);
	assert_int_equal(back.facts.ledger_sum, m.facts.ledger_sum);
	assert_int_equal(back.facts.kinds[0].sum, m.facts.kinds[0].sum);
	assert_string_equal(back.facts.kinds[0].kind, "refund");
	assert_int_equal(back.facts.audit_head_id, 42);
	assert_memory_equal(back.facts.audit_head_hash, m.facts.audit_head_hash, AUDIT_HASH_LEN);
	tdb_teardown(&t);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void flip_byte(const char *path, long at)
{
	FILE *f = fopen(path, "r+");
	int c;

	assert_non_null(f);
	fseek(f, at, SEEK_SET);
	c = fgetc(f);
	fseek(f, at, SEEK_SET);
	fputc(c ^ 1, f);
	fclose(f);
}

static void test_encryption_round_trip_and_tampering(void **state)
{
	char plain[200], enc[200], out[200], h1[65], h2[65];
	struct tdb t;
	struct stat sb;

	(void)state;
	tdb_setup(&t, -1);
	snprintf(plain, sizeof(plain), "%s/p", t.dir);
	snprintf(enc, sizeof(enc), "%s/p.enc", t.dir);
	snprintf(out, sizeof(out), "%s/p.out", t.dir);
	write_file(plain, "the whole ledger of the desk, 电费 and all");
	assert_int_equal(backup_encrypt_file(plain, enc, "a long passphrase"), 0);
	assert_true(backup_is_encrypted(enc));
	assert_false(backup_is_encrypted(plain));
	assert_int_equal(backup_decrypt_file(enc, out, "a long passphrase"), 0);
	assert_int_equal(backup_sha256_file(plain, h1, NULL), 0);
	assert_int_equal(backup_sha256_file(out, h2, NULL), 0);
	assert_string_equal(h1, h2);
	unlink(out);
	assert_int_equal(backup_decrypt_file(enc, out, "a long passphrasE"), -SD_PASSPHRASE);
	assert_int_not_equal(stat(out, &sb), 0); /* nothing left behind */
	flip_byte(enc, 60);                      /* the ciphertext */
	assert_int_equal(backup_decrypt_file(enc, out, "a long passphrase"), -SD_PASSPHRASE);
	flip_byte(enc, 60);
	flip_byte(enc, 20);                      /* the salt, in the header */
	assert_int_equal(backup_decrypt_file(enc, out, "a long passphrase"), -SD_PASSPHRASE);
	flip_byte(enc, 20);
	assert_int_equal(truncate(enc, 50), 0);  /* cut short */
	assert_int_not_equal(backup_decrypt_file(enc, out, "a long passphrase"), 0);
	assert_int_not_equal(stat(out, &sb), 0);
	tdb_teardown(&t);
}

static void test_backup_needs_the_backup_permission(void **state)
{
	struct backup_opts o;
	struct backup_result r;
	struct session s;
	struct tdb t;
	char dir[200];

	(void)state;
	tdb_setup(&t, DB_OPEN_CREATE);
	session_system(t.db, &s);
	s.roles = ROLE_CASHIER | ROLE_TECHNICIAN;
	snprintf(dir, sizeof(dir), "%s", t.dir);
	memset(&o, 0, sizeof(o));
	o.dir = dir;
	assert_int_equal(backup_run(&s, &o, &r), -SD_PERM);
	assert_int_equal(backup_restore(&s, t.path, t.path, "x", &(struct restore_result){ 0 }),
			 -SD_PERM);
	tdb_teardown(&t);
}

static void test_restore_migrates_an_older_schema(void **state)
{
	struct backup_opts o;
	struct backup_result r;
	struct restore_result rr;
	struct session sys;
	struct tdb t;
	struct db *old = NULL, *db = NULL;
	char old_path[200], bdir[200], staged[300], live[200];

	(void)state;
	clock_set(T0);
	tdb_setup(&t, -1);
	/* A desk at schema 1, as the first release left it. */
	snprintf(old_path, sizeof(old_path), "%s/old.db", t.dir);
	assert_int_equal(db_open(old_path, DB_OPEN_CREATE | DB_OPEN_NO_MIGRATE, &old), 0);
	assert_int_equal(db_migrate(old, 1), 0);
	session_system(old, &sys);
	assert_int_equal(db_begin(old), 0);
	assert_int_equal(audit_log(&sys, "test.old", "x", "at schema 1"), 0);
	assert_int_equal(db_commit(old), 0);
	snprintf(bdir, sizeof(bdir), "%s/bk", t.dir);
	assert_int_equal(mkdir(bdir, 0700), 0);
	memset(&o, 0, sizeof(o));
	o.dir = bdir;
	assert_int_equal(backup_run(&sys, &o, &r), 0);
	assert_int_equal(r.m.facts.schema, 1);
	db_close(old);
	/* Restore it over a current desk. */
	snprintf(live, sizeof(live), "%s/live.db", t.dir);
	assert_int_equal(db_open(live, DB_OPEN_CREATE, &db), 0);
	db_close(db);
	assert_int_equal(backup_verify_file(r.path, NULL, t.dir, staged, sizeof(staged), NULL, NULL),
			 0);
	assert_int_equal(backup_restore(&sys, live, staged, "old", &rr), 0);
	assert_int_equal(rr.from_schema, 1);
	assert_int_equal(rr.to_schema, db_schema_latest());
	assert_int_equal(db_open(live, 0, &db), 0);
	assert_int_equal(db_schema_version(db), db_schema_latest());
	assert_int_equal(db_count_rows(db, "audit"), 2); /* its row and the restore's */
	db_close(db);
	tdb_teardown(&t);
	clock_set(0);
}

static void test_rewritten_history_is_caught_against_a_backup(void **state)
{
	struct backup_opts o;
	struct backup_result r;
	struct session sys;
	struct audit_rec rec;
	struct tdb t;
	int64_t id;
	int i;

	(void)state;
	clock_set(T0);
	tdb_setup(&t, DB_OPEN_CREATE);
	session_system(t.db, &sys);
	for (i = 1; i <= 5; i++) {
		assert_int_equal(db_begin(t.db), 0);
		assert_int_equal(audit_log(&sys, "test.step", "thing", "step %d", i), 0);
		assert_int_equal(db_commit(t.db), 0);
	}
	memset(&o, 0, sizeof(o));
	o.dir = t.dir;
	assert_int_equal(backup_run(&sys, &o, &r), 0);
	assert_int_equal(backup_audit_against(&sys, &r.m), 0);
	/* Someone rewrites row 3 and re-hashes every row after it: the chain
	 * alone is intact again, but it no longer reaches the backup's head. */
	assert_int_equal(db_exec(t.db, "DROP TRIGGER audit_no_delete"), 0);
	assert_int_equal(db_exec(t.db, "DELETE FROM audit WHERE id >= 3"), 0);
	for (i = 3; i <= 5; i++) {
		memset(&rec, 0, sizeof(rec));
		assert_int_equal(db_audit_head(t.db, &id, rec.prev_hash), 0);
		rec.id = id + 1;
		rec.ts = T0;
		strcpy(rec.actor, "system");
		strcpy(rec.action, "test.step");
		strcpy(rec.object, "thing");
		snprintf(rec.details, sizeof(rec.details), "step %d%s", i, i == 3 ? " (forged)" : "");
		assert_int_equal(audit_hash(&rec, rec.hash), 0);
		assert_int_equal(db_audit_insert(t.db, &rec), 0);
	}
	struct audit_report ar;
	assert_int_equal(audit_verify(&sys, &ar), 0);
	assert_int_equal(backup_audit_against(&sys, &r.m), -SD_AUDIT_BROKEN);
	assert_non_null(strstr(err_detail(), "history rewritten"));
	/* And rows cut from the end. */
	assert_int_equal(db_exec(t.db, "DELETE FROM audit WHERE id >= 4"), 0);
	assert_int_equal(backup_audit_against(&sys, &r.m), -SD_AUDIT_BROKEN);
	assert_non_null(strstr(err_detail(), "deleted from the end"));
	tdb_teardown(&t);
	clock_set(0);
}

/* The manifest's facts are read beside the copy by another connection;
 * both must see one snapshot. Another process commits an audit row every
 * millisecond or so while backups are taken: a fact read one commit off the copy
 * makes `backup verify` fail on the row count. */
static void test_backups_while_another_process_commits(void **state)
{
	struct backup_opts o;
	struct backup_result r;
	struct session sys;
	struct tdb t;
	char bdir[200], staged[300];
	int i, status;
	pid_t pid;

	(void)state;
	tdb_setup(&t, DB_OPEN_CREATE);
	session_system(t.db, &sys);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct db *db;
		struct session w;

		/* A failed assertion in the parent must not leave it writing. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (db_open(t.path, DB_OPEN_NO_CHECK, &db))
			_exit(1);
		session_system(db, &w);
		/* A millisecond between commits: back to back with none, a
		 * writer starves every other one (a sale as much as the
		 * backup's moment of write lock); no desk writes like that. */
		for (;;) {
			if (db_begin(db) || audit_log(&w, "test.write", "x", "busy") ||
			    db_commit(db))
				_exit(2);
			usleep(1000);
		}
	}
	snprintf(bdir, sizeof(bdir), "%s/bk", t.dir);
	assert_int_equal(mkdir(bdir, 0700), 0);
	memset(&o, 0, sizeof(o));
	o.dir = bdir;
	for (i = 0; i < 5; i++) {
		usleep(50000);
		assert_int_equal(backup_run(&sys, &o, &r), 0);
		assert_true(r.m.facts.audit_head_id > 0);
		assert_int_equal(backup_verify_file(r.path, NULL, t.dir, staged, sizeof(staged),
						    NULL, NULL), 0);
		unlink(staged);
		clock_set(clock_now() + 1); /* a name of its own for each */
	}
	assert_int_equal(waitpid(pid, &status, WNOHANG), 0); /* still writing */
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	clock_set(0);
	tdb_teardown(&t);
}

/* The manifest's ledger counts and sums come from the running totals a
 * trigger keeps; `backup verify` sums the rows and catches totals that
 * do not match them. */
static void test_verify_sums_the_ledger_against_its_totals(void **state)
{
	struct backup_opts o;
	struct backup_result r;
	struct session sys;
	struct tdb t;
	char staged[300];

	(void)state;
	clock_set(T0);
	tdb_setup(&t, DB_OPEN_CREATE);
	session_system(t.db, &sys);
	/* rows alone, without the accounts they would name */
	assert_int_equal(db_exec(t.db, "PRAGMA foreign_keys = OFF"), 0);
	assert_int_equal(db_exec(t.db, "INSERT INTO ledger(ts, kind, account_id, amount, "
				       "operator_id) VALUES (1, 'sale', 1, 500, 1), "
				       "(2, 'fee', 1, 100, 1), (3, 'sale', 1, 250, 1)"), 0);
	memset(&o, 0, sizeof(o));
	o.dir = t.dir;
	assert_int_equal(backup_run(&sys, &o, &r), 0);
	assert_int_equal(r.m.facts.ledger_rows, 3);
	assert_int_equal(r.m.facts.ledger_sum, 850);
	assert_int_equal(r.m.facts.nkinds, 2);
	assert_string_equal(r.m.facts.kinds[0].kind, "fee");
	assert_int_equal(r.m.facts.kinds[1].rows, 2);
	assert_int_equal(r.m.facts.kinds[1].sum, 750);
	assert_int_equal(backup_verify_file(r.path, NULL, t.dir, staged, sizeof(staged), NULL,
					    NULL), 0);
	unlink(staged);
	assert_int_equal(db_exec(t.db, "UPDATE ledger_totals SET sum = sum + 1 WHERE kind = "
				       "'sale'"), 0);
	clock_set(T0 + 1);
	assert_int_equal(backup_run(&sys, &o, &r), 0);
	assert_int_equal(r.m.facts.ledger_sum, 851);
	assert_int_equal(backup_verify_file(r.path, NULL, t.dir, staged, sizeof(staged), NULL,
					    NULL), -SD_BACKUP_BAD);
	assert_non_null(strstr(err_detail(), "summing to 850 fen, its totals say 3 rows and 851"));
	tdb_teardown(&t);
	clock_set(0);
}

/* Another program (the sqlite3 shell: a fork would inherit SQLite's idea
 * of this process's locks) opens the database at path, adds setting key
 * and closes it. */
static void another_process_commits(const char *path, const char *key)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "sqlite3 -cmd '.timeout 5000' '%s' \"INSERT INTO settings(key, "
		 "value) VALUES ('%s', '1')\"", path, key);
	assert_int_equal(system(cmd), 0);
}

/* With its WAL empty the database file itself is copied; with a reader
 * holding a snapshot that needs the WAL, the checkpoint cannot empty it
 * and the online backup copies instead. Both copies verify. */
static void test_backup_copies_the_file_or_falls_back(void **state)
{
	struct backup_opts o;
	struct backup_result r;
	struct session sys;
	struct tdb t;
	struct db *reader = NULL;
	char staged[300];
	int64_t n = 0;

	(void)state;
	clock_set(T0);
	tdb_setup(&t, DB_OPEN_CREATE);
	session_system(t.db, &sys);
	assert_int_equal(db_begin(t.db), 0);
	assert_int_equal(audit_log(&sys, "test.one", "x", "before the first backup"), 0);
	assert_int_equal(db_commit(t.db), 0);
	memset(&o, 0, sizeof(o));
	o.dir = t.dir;
	assert_int_equal(backup_run(&sys, &o, &r), 0);
	assert_int_equal(r.file_copy, 1);
	assert_int_equal(backup_verify_file(r.path, NULL, t.dir, staged, sizeof(staged), NULL,
					    NULL), 0);
	unlink(staged);
	/* The copy must leave this process's locks on the file alone: another
	 * process that commits and closes must not take itself for the last
	 * one and delete the -wal and -shm from under t.db, whose next commit
	 * would then go to a WAL nobody else reads. */
	n = db_count_rows(t.db, "settings");
	another_process_commits(t.path, "test.one");
	assert_int_equal(db_setting_set(t.db, "test.here", "1"), 0);
	another_process_commits(t.path, "test.two");
	assert_int_equal(db_count_rows(t.db, "settings"), n + 3);
	assert_int_equal(db_open(t.path, DB_OPEN_NO_CHECK, &reader), 0);
	assert_int_equal(db_count_rows(reader, "settings"), n + 3);
	db_close(reader);
	reader = NULL;
	/* a commit puts frames in the WAL; a reader then holds them */
	assert_int_equal(db_begin(t.db), 0);
	assert_int_equal(audit_log(&sys, "test.two", "x", "in the WAL"), 0);
	assert_int_equal(db_commit(t.db), 0);
	assert_int_equal(db_open(t.path, DB_OPEN_NO_CHECK, &reader), 0);
	assert_int_equal(db_exec(reader, "BEGIN"), 0);
	n = db_count_rows(reader, "audit");
	assert_true(n >= 2);
	clock_set(T0 + 1);
	assert_int_equal(backup_run(&sys, &o, &r), 0);
	assert_int_equal(r.file_copy, 0);
	assert_int_equal(r.m.facts.audit_head_id, n);
	assert_int_equal(backup_verify_file(r.path, NULL, t.dir, staged, sizeof(staged), NULL,
					    NULL), 0);
	unlink(staged);
	db_exec(reader, "COMMIT");
	db_close(reader);
	tdb_teardown(&t);
	clock_set(0);
}

/* Ends the read transaction of a reader (a struct db *) after 300 ms, as
 * a short report ends. */
static void *end_read_soon(void *arg)
{
	nanosleep(&(struct timespec){ 0, 300 * 1000000L }, NULL);
	db_exec(arg, "COMMIT");
	return NULL;
}

/* A reader in the way of the checkpoint that only stays a moment does not
 * cost the file copy: the checkpoint is tried again until it has gone
 * (one 200 ms try fell back to the online copy, and held the write lock,
 * so a sale waited, for all of it). */
static void test_backup_waits_out_a_short_reader(void **state)
{
	struct backup_opts o;
	struct backup_result r;
	struct session sys;
	struct tdb t;
	struct db *reader = NULL;
	pthread_t th;

	(void)state;
	clock_set(T0);
	tdb_setup(&t, DB_OPEN_CREATE);
	session_system(t.db, &sys);
	assert_int_equal(db_open(t.path, DB_OPEN_NO_CHECK, &reader), 0);
	assert_int_equal(db_exec(reader, "BEGIN"), 0);
	assert_true(db_count_rows(reader, "audit") >= 0);
	assert_int_equal(db_begin(t.db), 0);
	assert_int_equal(audit_log(&sys, "test.one", "x", "after the reader's snapshot"), 0);
	assert_int_equal(db_commit(t.db), 0);
	memset(&o, 0, sizeof(o));
	o.dir = t.dir;
	assert_int_equal(pthread_create(&th, NULL, end_read_soon, reader), 0);
	assert_int_equal(backup_run(&sys, &o, &r), 0);
	pthread_join(th, NULL);
	assert_int_equal(r.file_copy, 1);
	assert_int_equal(r.m.facts.audit_head_id, db_count_rows(t.db, "audit"));
	db_close(reader);
	tdb_teardown(&t);
	clock_set(0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rotation_keeps_newest_per_day_week_month),
		cmocka_unit_test(test_rotation_weekly_and_monthly),
		cmocka_unit_test(test_manifest_round_trip),
		cmocka_unit_test(test_encryption_round_trip_and_tampering),
		cmocka_unit_test(test_backup_needs_the_backup_permission),
		cmocka_unit_test(test_restore_migrates_an_older_schema),
		cmocka_unit_test(test_rewritten_history_is_caught_against_a_backup),
		cmocka_unit_test(test_backups_while_another_process_commits),
		cmocka_unit_test(test_verify_sums_the_ledger_against_its_totals),
		cmocka_unit_test(test_backup_copies_the_file_or_falls_back),
		cmocka_unit_test(test_backup_waits_out_a_short_reader),
	};
	return cmocka_run_group_tests_name("backup", tests, NULL, NULL);
}

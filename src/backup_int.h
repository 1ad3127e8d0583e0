/* Inside the backup module only: file helpers its files share. */
#ifndef SALEDESK_BACKUP_INT_H
#define SALEDESK_BACKUP_INT_H

#include <stddef.h>
#include <stdint.h>

/* fsyncs the file at path (or folder); 0 or -SD_IO naming it. */
int backup_fsync_path(const char *path);

/* fsyncs the folder holding path, so a rename or link in it is durable. */
int backup_fsync_parent(const char *path);

/* Copies in to a new file out (O_EXCL, mode 0600) and fsyncs it. */
int backup_copy_file(const char *in, const char *out);

/* Puts the folder of path into out ("." if none). */
void backup_dirname(const char *path, char *out, size_t len);

/* Returns the file name part of path (inside path). */
const char *backup_basename(const char *path);

/* Test hook: with SALEDESK_FAULT=WHAT:N in the environment, kills the
 * process with SIGKILL at fault point n of WHAT ("restore"), simulating a
 * power cut there. Tests only; documented in docs/backup.md. */
void backup_fault_point(const char *what, int n);

/* Lowers the calling thread's priority (nice 10) for the backup's
 * background work: the checks beside and after the copy. */
void backup_nice_thread(void);

/* Copies the database file at path to ofd (named out in errors), pushing
 * it to the disk as it goes, and puts the copy's SHA-256 as hex into
 * hex[65] and its length into *size. first, if given, may change the
 * file's first 100 bytes (the database header) for the copy, and fails it
 * by returning non-zero. The file must not change meanwhile. Keeps one
 * descriptor of each file it copies open for the life of the process (a
 * close would drop SQLite's locks on it). Returns 0 or
 * a negative SD_ code (-SD_DB_FULL on a full disk). */
int backup_copy_hashed(const char *path, int ofd, const char *out,
		       int (*first)(unsigned char *buf, size_t n), char hex[65], int64_t *size);

#endif

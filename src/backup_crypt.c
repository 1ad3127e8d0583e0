/* backup_crypt: SHA-256 of files, and AES-256-GCM encryption of backups
 * under a scrypt key (format in docs/backup.md, "Encrypted format"). */
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backup.h"
#include "backup_int.h"
#include "db_backup.h"
#include "err.h"
#include "log.h"

#define ENC_MAGIC "SDKBACK\x1a"
#define ENC_VERSION 1
#define ENC_KDF_SCRYPT 1
#define ENC_LOG2_N 16 /* scrypt N = 65536, r = 8, p = 1: 64 MiB, ~0.2 s */
#define ENC_R 8
#define ENC_P 1
#define ENC_SALT_LEN 16
#define ENC_NONCE_LEN 12
#define ENC_TAG_LEN 16
#define ENC_HEADER_LEN (16 + ENC_SALT_LEN + ENC_NONCE_LEN)
#define ENC_KEY_LEN 32
#define CHUNK (1 << 16)
/* Reads of the hash and of the file copy: fewer calls at gigabytes. */
#define COPY_CHUNK (1 << 20)

int backup_fsync_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return err_set(-SD_IO, "cannot open %s to sync it: %s", path, strerror(errno));
	if (fsync(fd) != 0)
		rc = err_set(errno == ENOSPC ? -SD_DB_FULL : -SD_IO, "cannot sync %s: %s", path,
			     strerror(errno));
	close(fd);
	return rc;
}

void backup_dirname(const char *path, char *out, size_t len)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(out, len, ".");
	else if (slash == path)
		snprintf(out, len, "/");
	else
		snprintf(out, len, "%.*s", (int)(slash - path), path);
}

const char *backup_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

int backup_fsync_parent(const char *path)
{
	char dir[PATH_MAX];

	backup_dirname(path, dir, sizeof(dir));
	return backup_fsync_path(dir);
}

void backup_fault_point(const char *what, int n)
{
	const char *f = getenv("SALEDESK_FAULT");
	size_t wl = strlen(what);

	if (f && strncmp(f, what, wl) == 0 && f[wl] == ':' && atoi(f + wl + 1) == n)
		raise(SIGKILL);
}

/* write() all of buf, translating a full disk into SD_DB_FULL. */
static int write_all(int fd, const void *buf, size_t n, const char *path)
{
	const unsigned char *p = buf;

	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return err_set(w < 0 && (errno == ENOSPC || errno == EFBIG) ? -SD_DB_FULL
										  : -SD_IO,
				       "cannot write %s: %s", path,
				       w < 0 ? strerror(errno) : "nothing written");
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static ssize_t read_full(int fd, void *buf, size_t n)
{
	unsigned char *p = buf;
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, p + got, n - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* Ends a file-to-file transform: closes both ends (a failed close of the
 * output is a failed write) and removes the output if anything failed, so
 * no partial file is ever left behind. Returns the final status. */
static int close_pair(int ifd, int ofd, const char *out, int rc)
{
	if (ifd >= 0)
		close(ifd);
	if (ofd >= 0 && close(ofd) != 0 && !rc)
		rc = err_set(-SD_IO, "cannot write %s: %s", out, strerror(errno));
	if (rc && ofd >= 0)
		unlink(out);
	return rc;
}

int backup_copy_file(const char *in, const char *out)
{
	unsigned char *buf = malloc(CHUNK);
	int ifd = -1, ofd = -1, rc = 0;
	ssize_t r;

	if (!buf)
		return -SD_NOMEM;
	ifd = open(in, O_RDONLY | O_CLOEXEC);
	if (ifd < 0) {
		rc = err_set(-SD_IO, "cannot read %s: %s", in, strerror(errno));
		goto out;
	}
	ofd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (ofd < 0) {
		rc = err_set(-SD_IO, "cannot create %s: %s", out, strerror(errno));
		goto out;
	}
	while ((r = read_full(ifd, buf, CHUNK)) > 0)
		if ((rc = write_all(ofd, buf, (size_t)r, out)))
			goto out;
	if (r < 0) {
		rc = err_set(-SD_IO, "cannot read %s: %s", in, strerror(errno));
		goto out;
	}
	if (fsync(ofd) != 0)
		rc = err_set(-SD_IO, "cannot sync %s: %s", out, strerror(errno));
out:
	rc = close_pair(ifd, ofd, out, rc);
	free(buf);
	return rc;
}

/* Ends a SHA-256 as 64 hex digits. */
static int digest_hex(EVP_MD_CTX *md, char hex[65])
{
	unsigned char h[32];
	unsigned int hlen = 0;

	if (EVP_DigestFinal_ex(md, h, &hlen) != 1 || hlen != 32)
		return err_set(-SD_CRYPTO, "SHA-256 failed");
	for (int i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02x", h[i]);
	return 0;
}

int backup_sha256_file(const char *path, char hex[65], int64_t *size)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char *buf = malloc(COPY_CHUNK);
	int fd = -1, rc = 0;
	int64_t total = 0;
	ssize_t r;

	if (!md || !buf) {
		rc = -SD_NOMEM;
		goto out;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = err_set(errno == ENOENT ? -SD_NOT_FOUND : -SD_IO, "cannot read %s: %s", path,
			     strerror(errno));
		goto out;
	}
	if (EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
		rc = err_set(-SD_CRYPTO, "SHA-256 failed");
		goto out;
	}
	while ((r = read_full(fd, buf, COPY_CHUNK)) > 0) {
		EVP_DigestUpdate(md, buf, (size_t)r);
		total += r;
	}
	if (r < 0) {
		rc = err_set(-SD_IO, "cannot read %s: %s", path, strerror(errno));
		goto out;
	}
	rc = digest_hex(md, hex);
	if (size)
		*size = total;
out:
	if (fd >= 0)
		close(fd);
	EVP_MD_CTX_free(md);
	free(buf);
	return rc;
}

/* The checks of a copy are background work: run niced, so a sale or a
 * poll cycle on the same two cores gets a core first (the waits measured
 * during them were CPU, not disk). On Linux the nice value belongs to
 * the thread, and dies with it. */
void backup_nice_thread(void)
{
	if (setpriority(PRIO_PROCESS, (id_t)gettid(), 10) != 0)
		log_debug("backup: cannot lower the checks' priority: %s", strerror(errno));
}

/* Copies len bytes at off from ifd to ofd inside the kernel (no copy
 * through this process, as `cp` does), or with write() from map where the
 * file system cannot. */
static int copy_range(int ifd, int ofd, const unsigned char *map, int64_t off, size_t len,
		      const char *out)
{
	loff_t in = off, o = off;

	while (len) {
		ssize_t n = copy_file_range(ifd, &in, ofd, &o, len, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL ||
			      errno == EOPNOTSUPP)) {
			if (lseek(ofd, o, SEEK_SET) < 0)
				return err_set(-SD_IO, "cannot write %s: %s", out, strerror(errno));
			return write_all(ofd, map + o, len, out);
		}
		if (n <= 0)
			return err_set(n < 0 && (errno == ENOSPC || errno == EFBIG) ? -SD_DB_FULL
										   : -SD_IO,
				       "cannot write %s: %s", out,
				       n < 0 ? strerror(errno) : "nothing written");
		len -= (size_t)n;
	}
	return 0;
}

/* How much the copy writes between two write-behind calls. */
#define WRITE_BEHIND_BYTES (4 << 20)

/* The hash of a mapped file beside its copy: the header as the copy has
 * it, then the rest where it lies. */
struct map_hash {
	const unsigned char *map, *head;
	size_t size, nhead;
	char hex[65];
	int rc;
	char why[256];           /* the error detail is per thread */
};

static void *map_hash_main(void *arg)
{
	struct map_hash *h = arg;
	EVP_MD_CTX *md;

	backup_nice_thread();
	md = EVP_MD_CTX_new();

	if (!md || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(md, h->head, h->nhead) != 1 ||
	    EVP_DigestUpdate(md, h->map + h->nhead, h->size - h->nhead) != 1)
		h->rc = err_set(-SD_CRYPTO, "SHA-256 failed");
	else
		h->rc = digest_hex(md, h->hex);
	if (h->rc)
		snprintf(h->why, sizeof(h->why), "%s", err_detail());
	EVP_MD_CTX_free(md);
	return NULL;
}

/* A descriptor of the live database file for its copies, opened once per
 * file (device and inode) and never closed. Closing any descriptor of a
 * file drops every POSIX lock this process holds on it, SQLite's among
 * them: another process closing the database last would then take it for
 * unused, checkpoint it and delete its -wal and -shm under this process's
 * open connections, which would go on with a WAL of their own (the UI saw
 * a settled sale as still pending). One descriptor a database file for
 * the life of the process is the price. Returns the descriptor or -1
 * (errno). */
static int live_fd(const char *path)
{
	static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	static struct {
		dev_t dev;
		ino_t ino;
		int fd;
	} kept[8];
	static int nkept;
	struct stat sb;
	int fd = -1, i;

	pthread_mutex_lock(&mu);
	if (stat(path, &sb) == 0) {
		for (i = 0; i < nkept && fd < 0; i++)
			if (kept[i].dev == sb.st_dev && kept[i].ino == sb.st_ino)
				fd = kept[i].fd;
		if (fd < 0 && nkept < (int)(sizeof(kept) / sizeof(kept[0]))) {
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd >= 0) {
				kept[nkept].dev = sb.st_dev;
				kept[nkept].ino = sb.st_ino;
				kept[nkept++].fd = fd;
			}
		} else if (fd < 0) {
			errno = EMFILE;
		}
	}
	pthread_mutex_unlock(&mu);
	return fd;
}

int backup_copy_hashed(const char *path, int ofd, const char *out,
		       int (*first)(unsigned char *buf, size_t n), char hex[65], int64_t *size)
{
	unsigned char head[100], *map = MAP_FAILED;
	struct map_hash h;
	struct db_write_behind wb = { 0 };
	pthread_t th;
	int fd = -1, rc = 0, threaded = 0;
	int64_t total = 0, off;
	struct stat sb;

	fd = live_fd(path);
	if (fd < 0 || fstat(fd, &sb) != 0) {
		rc = err_set(errno == ENOENT ? -SD_NOT_FOUND : -SD_IO, "cannot read %s: %s", path,
			     strerror(errno));
		goto out;
	}
	total = (int64_t)sb.st_size;
	if (total < (int64_t)sizeof(head)) {
		rc = err_set(-SD_DB_CORRUPT, "%s is too short for a database", path);
		goto out;
	}
	/* The hash reads the file where it lies in the page cache, mapped,
	 * in a thread of its own while the kernel copies it (a read() and a
	 * write() per chunk through this process cost three times `cp` at
	 * 2 GB). */
	map = mmap(NULL, (size_t)total, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		rc = err_set(-SD_IO, "cannot read %s: %s", path, strerror(errno));
		goto out;
	}
	madvise(map, (size_t)total, MADV_SEQUENTIAL);
	memcpy(head, map, sizeof(head));
	if (first && first(head, sizeof(head)) != 0) {
		rc = err_set(-SD_DB_CORRUPT, "%s does not start as a database", path);
		goto out;
	}
	memset(&h, 0, sizeof(h));
	h.map = map;
	h.size = (size_t)total;
	h.head = head;
	h.nhead = sizeof(head);
	threaded = pthread_create(&th, NULL, map_hash_main, &h) == 0;
	for (off = 0; off < total && !rc; off += WRITE_BEHIND_BYTES) {
		size_t len = (size_t)(total - off < WRITE_BEHIND_BYTES ? total - off
								    : WRITE_BEHIND_BYTES);

		if ((rc = copy_range(fd, ofd, map, off, len, out)))
			break;
		if (db_backup_write_behind(&wb, ofd, off + (int64_t)len) != 0)
			rc = err_set(errno == ENOSPC ? -SD_DB_FULL : -SD_IO, "cannot write %s: %s",
				     out, strerror(errno));
	}
	if (threaded)
		pthread_join(th, NULL);
	else
		map_hash_main(&h);
	if (rc)
		goto out;
	if (h.rc) {
		rc = err_set(h.rc, "%s", h.why);
		goto out;
	}
	/* The copy took the first bytes as they are; give it the ones hashed. */
	if (pwrite(ofd, head, sizeof(head), 0) != (ssize_t)sizeof(head)) {
		rc = err_set(errno == ENOSPC ? -SD_DB_FULL : -SD_IO, "cannot write %s: %s", out,
			     strerror(errno));
		goto out;
	}
	memcpy(hex, h.hex, sizeof(h.hex));
	if (size)
		*size = total;
out:
	/* fd stays open: see live_fd() */
	if (map != MAP_FAILED)
		munmap(map, (size_t)total);
	return rc;
}

int backup_is_encrypted(const char *path)
{
	char magic[8];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r;

	if (fd < 0)
		return 0;
	r = read_full(fd, magic, sizeof(magic));
	close(fd);
	return r == (ssize_t)sizeof(magic) && memcmp(magic, ENC_MAGIC, 8) == 0;
}

static int derive_key(const char *passphrase, const unsigned char *salt, int log2n, int r,
		      int p, unsigned char key[ENC_KEY_LEN])
{
	/* scrypt needs 128 * r * N bytes; allow that and a margin. */
	uint64_t need = (uint64_t)128 * (uint64_t)r * ((uint64_t)1 << log2n);

	if (EVP_PBE_scrypt(passphrase, strlen(passphrase), salt, ENC_SALT_LEN,
			   (uint64_t)1 << log2n, (uint64_t)r, (uint64_t)p, need * 2 + (1 << 20),
			   key, ENC_KEY_LEN) != 1)
		return err_set(-SD_CRYPTO, "scrypt key derivation failed");
	return 0;
}

int backup_encrypt_file(const char *in, const char *out, const char *passphrase)
{
	unsigned char hdr[ENC_HEADER_LEN], key[ENC_KEY_LEN], tag[ENC_TAG_LEN];
	unsigned char *buf = malloc(CHUNK), *cbuf = malloc(CHUNK + 32);
	EVP_CIPHER_CTX *cx = EVP_CIPHER_CTX_new();
	int ifd = -1, ofd = -1, rc = 0, outl;
	ssize_t r;

	memset(key, 0, sizeof(key));
	if (!buf || !cbuf || !cx) {
		rc = -SD_NOMEM;
		goto out;
	}
	memset(hdr, 0, sizeof(hdr));
	memcpy(hdr, ENC_MAGIC, 8);
	hdr[8] = ENC_VERSION;
	hdr[9] = ENC_KDF_SCRYPT;
	hdr[10] = ENC_LOG2_N;
	hdr[11] = ENC_R;
	hdr[12] = ENC_P;
	if (RAND_bytes(hdr + 16, ENC_SALT_LEN + ENC_NONCE_LEN) != 1) {
		rc = err_set(-SD_CRYPTO, "no random bytes for the salt and nonce");
		goto out;
	}
	if ((rc = derive_key(passphrase, hdr + 16, ENC_LOG2_N, ENC_R, ENC_P, key)))
		goto out;
	if (EVP_EncryptInit_ex(cx, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(cx, EVP_CTRL_GCM_SET_IVLEN, ENC_NONCE_LEN, NULL) != 1 ||
	    EVP_EncryptInit_ex(cx, NULL, NULL, key, hdr + 16 + ENC_SALT_LEN) != 1 ||
	    EVP_EncryptUpdate(cx, NULL, &outl, hdr, ENC_HEADER_LEN) != 1) {
		rc = err_set(-SD_CRYPTO, "AES-256-GCM setup failed");
		goto out;
	}
	ifd = open(in, O_RDONLY | O_CLOEXEC);
	if (ifd < 0) {
		rc = err_set(-SD_IO, "cannot read %s: %s", in, strerror(errno));
		goto out;
	}
	ofd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (ofd < 0) {
		rc = err_set(-SD_IO, "cannot create %s: %s", out, strerror(errno));
		goto out;
	}
	if ((rc = write_all(ofd, hdr, sizeof(hdr), out)))
		goto out;
	while ((r = read_full(ifd, buf, CHUNK)) > 0) {
		if (EVP_EncryptUpdate(cx, cbuf, &outl, buf, (int)r) != 1) {
			rc = err_set(-SD_CRYPTO, "AES-256-GCM failed");
			goto out;
		}
		if ((rc = write_all(ofd, cbuf, (size_t)outl, out)))
			goto out;
	}
	if (r < 0) {
		rc = err_set(-SD_IO, "cannot read %s: %s", in, strerror(errno));
		goto out;
	}
	if (EVP_EncryptFinal_ex(cx, cbuf, &outl) != 1 ||
	    EVP_CIPHER_CTX_ctrl(cx, EVP_CTRL_GCM_GET_TAG, ENC_TAG_LEN, tag) != 1) {
		rc = err_set(-SD_CRYPTO, "AES-256-GCM failed");
		goto out;
	}
	if ((rc = write_all(ofd, cbuf, (size_t)outl, out)) ||
	    (rc = write_all(ofd, tag, sizeof(tag), out)))
		goto out;
	if (fsync(ofd) != 0)
		rc = err_set(errno == ENOSPC ? -SD_DB_FULL : -SD_IO, "cannot sync %s: %s", out,
			     strerror(errno));
out:
	OPENSSL_cleanse(key, sizeof(key));
	if (buf)
		OPENSSL_cleanse(buf, CHUNK);
	EVP_CIPHER_CTX_free(cx);
	free(buf);
	free(cbuf);
	rc = close_pair(ifd, ofd, out, rc);
	return rc;
}

int backup_decrypt_file(const char *in, const char *out, const char *passphrase)
{
	unsigned char hdr[ENC_HEADER_LEN], key[ENC_KEY_LEN], tag[ENC_TAG_LEN];
	unsigned char *buf = malloc(CHUNK), *pbuf = malloc(CHUNK + 32);
	EVP_CIPHER_CTX *cx = EVP_CIPHER_CTX_new();
	int ifd = -1, ofd = -1, rc = 0, outl;
	struct stat sb;
	int64_t left;

	memset(key, 0, sizeof(key));
	if (!buf || !pbuf || !cx) {
		rc = -SD_NOMEM;
		goto out;
	}
	ifd = open(in, O_RDONLY | O_CLOEXEC);
	if (ifd < 0 || fstat(ifd, &sb) != 0) {
		rc = err_set(-SD_IO, "cannot read %s: %s", in, strerror(errno));
		goto out;
	}
	if (sb.st_size < ENC_HEADER_LEN + ENC_TAG_LEN ||
	    read_full(ifd, hdr, sizeof(hdr)) != (ssize_t)sizeof(hdr) ||
	    memcmp(hdr, ENC_MAGIC, 8) != 0) {
		rc = err_set(-SD_BACKUP_BAD, "%s is not an encrypted saledesk backup, or is cut short",
			     in);
		goto out;
	}
	/* Refuse parameters that would make a crafted file eat the machine. */
	if (hdr[8] != ENC_VERSION || hdr[9] != ENC_KDF_SCRYPT || hdr[10] < 10 || hdr[10] > 20 ||
	    hdr[11] < 1 || hdr[11] > 32 || hdr[12] < 1 || hdr[12] > 16) {
		rc = err_set(-SD_BACKUP_BAD, "%s: unknown version or key parameters "
					     "(version %d); a newer saledesk may read it", in, hdr[8]);
		goto out;
	}
	if ((rc = derive_key(passphrase, hdr + 16, hdr[10], hdr[11], hdr[12], key)))
		goto out;
	if (EVP_DecryptInit_ex(cx, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(cx, EVP_CTRL_GCM_SET_IVLEN, ENC_NONCE_LEN, NULL) != 1 ||
	    EVP_DecryptInit_ex(cx, NULL, NULL, key, hdr + 16 + ENC_SALT_LEN) != 1 ||
	    EVP_DecryptUpdate(cx, NULL, &outl, hdr, ENC_HEADER_LEN) != 1) {
		rc = err_set(-SD_CRYPTO, "AES-256-GCM setup failed");
		goto out;
	}
	ofd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (ofd < 0) {
		rc = err_set(-SD_IO, "cannot create %s: %s", out, strerror(errno));
		goto out;
	}
	left = (int64_t)sb.st_size - ENC_HEADER_LEN - ENC_TAG_LEN;
	while (left > 0) {
		size_t want = left > CHUNK ? CHUNK : (size_t)left;
		ssize_t r = read_full(ifd, buf, want);

		if (r != (ssize_t)want) {
			rc = err_set(-SD_IO, "cannot read %s", in);
			goto out;
		}
		if (EVP_DecryptUpdate(cx, pbuf, &outl, buf, (int)r) != 1) {
			rc = err_set(-SD_CRYPTO, "AES-256-GCM failed");
			goto out;
		}
		if ((rc = write_all(ofd, pbuf, (size_t)outl, out)))
			goto out;
		left -= r;
	}
	if (read_full(ifd, tag, sizeof(tag)) != (ssize_t)sizeof(tag) ||
	    EVP_CIPHER_CTX_ctrl(cx, EVP_CTRL_GCM_SET_TAG, ENC_TAG_LEN, tag) != 1) {
		rc = err_set(-SD_IO, "cannot read %s", in);
		goto out;
	}
	/* Only now is any of the plaintext known to be genuine. */
	if (EVP_DecryptFinal_ex(cx, pbuf, &outl) != 1) {
		rc = err_set(-SD_PASSPHRASE, "%s: the passphrase is wrong or the file was changed; "
					     "try again, or use another backup", in);
		goto out;
	}
	if (fsync(ofd) != 0)
		rc = err_set(errno == ENOSPC ? -SD_DB_FULL : -SD_IO, "cannot sync %s: %s", out,
			     strerror(errno));
out:
	OPENSSL_cleanse(key, sizeof(key));
	if (pbuf)
		OPENSSL_cleanse(pbuf, CHUNK + 32);
	EVP_CIPHER_CTX_free(cx);
	free(buf);
	free(pbuf);
	rc = close_pair(ifd, ofd, out, rc);
	return rc;
}

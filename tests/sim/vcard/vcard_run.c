/* vcard_run: the card in a reader. Connects to pcscd's vpcd driver (TCP,
 * 2-byte big-endian length before every message), answers its power and
 * ATR controls and APDUs, and obeys a line-based control socket so tests
 * can insert, remove and tear the card. Single-threaded: one poll() loop. */
#include "vcard.h"
#include "vcard_run.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/time.h>
#include <unistd.h>

struct run {
	const struct vcard_run_opts *o;
	char image_path[4096];
	struct vcard_image img;
	struct vcard_session ses;
	int inserted;         /* the card is in the reader (wanted) */
	int fd;               /* vpcd connection, -1 if none */
	int ctl_fd;
	unsigned long apdus;  /* since insertion */
	unsigned long atrs;   /* ATR requests since insertion */
	unsigned long tear_in;/* the tear_in-th APDU from now is torn; 0 none */
	int tear_commit;
	int quit;
};

static volatile sig_atomic_t run_stop;

static void on_signal(int sig)
{
	(void)sig;
	run_stop = 1;
}

static void run_log(const struct run *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void run_log(const struct run *r, const char *fmt, ...)
{
	va_list ap;

	if (!r->o->verbose)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "vcard: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
}

static void log_hex(const struct run *r, const char *what, const uint8_t *p, size_t n)
{
	char buf[3 * 300 + 1];
	size_t k = 0;

	if (!r->o->verbose)
		return;
	for (size_t i = 0; i < n && i < 300; i++)
		k += (size_t)snprintf(buf + k, sizeof buf - k, "%02X", p[i]);
	buf[k] = '\0';
	fprintf(stderr, "vcard: %s %s\n", what, buf);
}

static int read_full(int fd, uint8_t *p, size_t n)
{
	while (n) {
		ssize_t k = read(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

static int write_full(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

static int send_msg(int fd, const uint8_t *p, size_t n)
{
	uint8_t buf[2 + 300];

	if (n > 300)
		return -1;
	buf[0] = (uint8_t)(n >> 8);
	buf[1] = (uint8_t)n;
	memcpy(buf + 2, p, n);
	return write_full(fd, buf, n + 2);
}

static void disconnect(struct run *r)
{
	if (r->fd >= 0) {
		close(r->fd);
		r->fd = -1;
		run_log(r, "disconnected from vpcd");
	}
	vcard_session_reset(&r->ses);
}

static void try_connect(struct run *r)
{
	struct sockaddr_in sa;
	int fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)r->o->port);
	if (inet_pton(AF_INET, r->o->host, &sa.sin_addr) != 1 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof sa)) {
		close(fd);
		return;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	r->fd = fd;
	vcard_session_reset(&r->ses);
	run_log(r, "connected to vpcd %s:%d", r->o->host, r->o->port);
}

static int do_insert(struct run *r, const char *path)
{
	struct vcard_image img;

	if (path && *path) {
		if (strlen(path) >= sizeof r->image_path)
			return -1;
		snprintf(r->image_path, sizeof r->image_path, "%s", path);
	}
	if (!r->image_path[0] || vcard_image_load(r->image_path, &img))
		return -1;
	disconnect(r);
	r->img = img;
	r->inserted = 1;
	r->apdus = 0;
	r->atrs = 0;
	try_connect(r);
	return 0;
}

static void do_remove(struct run *r)
{
	r->inserted = 0;
	disconnect(r);
}

/* The card is pulled out during APDU number n: an EEPROM write already
 * under way either finished (commit) or not; no answer goes back. */
static void tear(struct run *r, const uint8_t *apdu, size_t n)
{
	struct vcard_rapdu resp;

	if (r->tear_commit) {
		vcard_apdu_process(&r->img, &r->ses, apdu, n, &resp);
		if (resp.dirty)
			vcard_image_save(r->image_path, &r->img);
	}
	run_log(r, "torn at APDU %lu (%s)", r->apdus, r->tear_commit ? "commit" : "drop");
	do_remove(r);
}

static void on_vpcd(struct run *r)
{
	uint8_t hdr[2], msg[0x10000];
	struct vcard_rapdu resp;
	size_t n;

	if (read_full(r->fd, hdr, 2)) {
		disconnect(r); /* pcscd went away; reconnect while inserted */
		return;
	}
	n = (size_t)(hdr[0] << 8 | hdr[1]);
	if (read_full(r->fd, msg, n)) {
		disconnect(r);
		return;
	}
	if (n == 1) {
		switch (msg[0]) {
		case 0x00: /* power off */
		case 0x01: /* power on */
		case 0x02: /* reset */
			vcard_session_reset(&r->ses);
			run_log(r, "control %02X", msg[0]);
			return;
		case 0x04: {
			uint8_t atr[VCARD_ATR_LEN];
			vcard_image_atr(&r->img, atr);
			r->atrs++;
			if (send_msg(r->fd, atr, sizeof atr))
				disconnect(r);
			return;
		}
		default:
			run_log(r, "unknown control %02X ignored", msg[0]);
			return;
		}
	}
	if (n == 0)
		return;
	r->apdus++;
	log_hex(r, ">>", msg, n);
	if (r->tear_in && --r->tear_in == 0) {
		tear(r, msg, n);
		return;
	}
	vcard_apdu_process(&r->img, &r->ses, msg, n, &resp);
	if (resp.dirty && vcard_image_save(r->image_path, &r->img)) {
		/* EEPROM write failed: reload what is really stored */
		vcard_image_load(r->image_path, &r->img);
		resp.len = 0;
		resp.buf[resp.len++] = 0x65;
		resp.buf[resp.len++] = 0x81;
	}
	log_hex(r, "<<", resp.buf, resp.len);
	if (send_msg(r->fd, resp.buf, resp.len))
		disconnect(r);
}

static void ctl_reply(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void ctl_reply(int fd, const char *fmt, ...)
{
	char buf[8192];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n > 0)
		write_full(fd, (const uint8_t *)buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

static void on_ctl(struct run *r)
{
	char line[4200], arg[4100], mode[16];
	unsigned long n;
	ssize_t k;
	size_t len = 0;
	int fd = accept4(r->ctl_fd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return;
	{
		/* a silent client must not stall the card */
		struct timeval tv = {.tv_sec = 2};
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	}
	/* one short line per connection; the client waits for the answer */
	while (len < sizeof line - 1) {
		k = read(fd, line + len, sizeof line - 1 - len);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		len += (size_t)k;
		if (memchr(line, '\n', len))
			break;
	}
	line[len] = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	arg[0] = '\0';
	mode[0] = '\0';
	if (!strncmp(line, "insert", 6) && (line[6] == '\0' || line[6] == ' ')) {
		sscanf(line + 6, " %4095s", arg);
		if (do_insert(r, arg))
			ctl_reply(fd, "err cannot load image\n");
		else
			ctl_reply(fd, "ok inserted %s\n", r->image_path);
	} else if (!strcmp(line, "remove")) {
		do_remove(r);
		ctl_reply(fd, "ok removed\n");
	} else if (!strcmp(line, "tear 0") || !strcmp(line, "tear off")) {
		r->tear_in = 0;
		ctl_reply(fd, "ok tear cancelled\n");
	} else if (sscanf(line, "tear %lu %15s", &n, mode) >= 1 && n > 0) {
		if (mode[0] && strcmp(mode, "commit") && strcmp(mode, "drop")) {
			ctl_reply(fd, "err mode must be commit or drop\n");
		} else {
			r->tear_in = n;
			r->tear_commit = !strcmp(mode, "commit");
			ctl_reply(fd, "ok tear at apdu %lu from now (%s)\n", n,
				  r->tear_commit ? "commit" : "drop");
		}
	} else if (!strcmp(line, "status")) {
		ctl_reply(fd, "ok inserted=%d connected=%d powered_atr=%lu apdus=%lu tear_in=%lu image=%s\n",
			  r->inserted, r->fd >= 0, r->atrs, r->apdus, r->tear_in, r->image_path);
	} else if (!strcmp(line, "quit")) {
		r->quit = 1;
		ctl_reply(fd, "ok bye\n");
	} else {
		ctl_reply(fd, "err unknown command (insert [IMAGE]|remove|tear N [commit|drop]|status|quit)\n");
	}
	close(fd);
}

static int ctl_listen(const char *path)
{
	struct sockaddr_un sa;
	int fd;

	if (strlen(path) >= sizeof sa.sun_path) {
		fprintf(stderr, "vcard: control socket path too long\n");
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) || listen(fd, 8)) {
		fprintf(stderr, "vcard: cannot listen on %s: %s\n", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int vcard_run(const struct vcard_run_opts *o)
{
	struct run r;
	struct sigaction sa;
	int rc = 1;

	memset(&r, 0, sizeof r);
	r.o = o;
	r.fd = -1;
	r.ctl_fd = -1;
	vcard_session_reset(&r.ses);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (o->ctl_path) {
		r.ctl_fd = ctl_listen(o->ctl_path);
		if (r.ctl_fd < 0)
			goto out;
	}
	if (o->image_path) {
		snprintf(r.image_path, sizeof r.image_path, "%s", o->image_path);
		if (!o->start_removed && do_insert(&r, NULL))
			goto out;
	}
	while (!run_stop && !r.quit) {
		struct pollfd p[2];
		int np = 0, ivpcd = -1, ictl = -1;

		if (r.inserted && r.fd < 0)
			try_connect(&r);
		if (r.fd >= 0) {
			p[np].fd = r.fd;
			p[np].events = POLLIN;
			ivpcd = np++;
		}
		if (r.ctl_fd >= 0) {
			p[np].fd = r.ctl_fd;
			p[np].events = POLLIN;
			ictl = np++;
		}
		if (poll(p, (nfds_t)np, 100) < 0) {
			if (errno == EINTR)
				continue;
			goto out;
		}
		if (ivpcd >= 0 && p[ivpcd].revents)
			on_vpcd(&r);
		if (ictl >= 0 && p[ictl].revents)
			on_ctl(&r);
	}
	rc = 0;
out:
	disconnect(&r);
	if (r.ctl_fd >= 0) {
		close(r.ctl_fd);
		unlink(o->ctl_path);
	}
	return rc;
}

int vcard_ctl(const char *path, const char *line)
{
	struct sockaddr_un sa;
	char buf[8192];
	ssize_t k;
	size_t len = 0;
	int fd, rc = 1;

	if (strlen(path) >= sizeof sa.sun_path)
		return 2;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 2;
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa)) {
		fprintf(stderr, "vcard: cannot reach %s: %s\n", path, strerror(errno));
		close(fd);
		return 2;
	}
	if (write_full(fd, (const uint8_t *)line, strlen(line)) ||
	    write_full(fd, (const uint8_t *)"\n", 1))
		goto out;
	while (len < sizeof buf - 1 && (k = read(fd, buf + len, sizeof buf - 1 - len)) > 0)
		len += (size_t)k;
	buf[len] = '\0';
	fputs(buf, stdout);
	rc = strncmp(buf, "ok", 2) ? 1 : 0;
out:
	close(fd);
	return rc;
}

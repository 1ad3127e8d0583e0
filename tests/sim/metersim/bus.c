/* bus: the bus threads. A pty has no baud rate, so when pacing is on the
 * thread holds each reply until request and reply would have crossed the
 * wire, plus the meter's turnaround, and keeps the line busy for t3.5
 * after it; otherwise benchmarks would beat physics. */
#include "bus.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <pty.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "pdu.h"
#include "simclock.h"

static atomic_int stop_flag;

void bus_request_stop(void)
{
	atomic_store(&stop_flag, 1);
}

static int stopping(void)
{
	return atomic_load(&stop_flag);
}

static int open_pty(struct bus *b)
{
	struct termios tio;
	char name[128];

	if (openpty(&b->mfd, &b->sfd, name, NULL, NULL) != 0)
		return -1;
	/* Raw on the slave side until the desk opens it: no echo of our own
	 * replies, no line editing of binary frames. We keep the slave open
	 * so the master never reads EIO when the desk closes its end. */
	if (tcgetattr(b->sfd, &tio) == 0) {
		cfmakeraw(&tio);
		tcsetattr(b->sfd, TCSANOW, &tio);
	}
	snprintf(b->path, sizeof(b->path), "%s", name);
	if (b->link[0]) {
		unlink(b->link);
		if (symlink(b->path, b->link) != 0)
			return -1;
	}
	return 0;
}

static int open_listener(struct bus *b)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int one = 1;

	b->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (b->lfd < 0)
		return -1;
	setsockopt(b->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)b->port);
	if (inet_pton(AF_INET, b->host, &sa.sin_addr) != 1) {
		errno = EINVAL;
		return -1;
	}
	if (bind(b->lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(b->lfd, 8) != 0 ||
	    getsockname(b->lfd, (struct sockaddr *)&sa, &sl) != 0)
		return -1;
	b->port = ntohs(sa.sin_port);
	return 0;
}

int bus_open(struct bus *b)
{
	return b->kind == BUS_RTU ? open_pty(b) : open_listener(b);
}

/* Sleeps until monotonic time t_us, waking to check for stop. */
static void sleep_until(uint64_t t_us)
{
	struct timespec ts;
	uint64_t now;

	while (!stopping() && (now = simclock_mono_us()) < t_us) {
		uint64_t d = t_us - now;

		if (d > 100000)
			d = 100000;
		ts.tv_sec = (time_t)(d / 1000000);
		ts.tv_nsec = (long)(d % 1000000) * 1000;
		nanosleep(&ts, NULL);
	}
}

static void write_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return; /* nobody listening: the frame is lost on the line */
		p += w;
		n -= (size_t)w;
	}
}

/* When the reply may leave: with pacing, the request's wire time from
 * when the line was free, the turnaround (never below t3.5), the reply's
 * wire time. */
static uint64_t reply_time(struct bus *b, uint64_t arrival_us, size_t nreq,
			   size_t nrsp, unsigned delay_ms)
{
	uint64_t t = arrival_us, t35, ta;

	if (b->pace.on) {
		t35 = bus_t35_us(&b->pace);
		ta = b->pace.ta_us > t35 ? b->pace.ta_us : t35;
		if (t < b->line_free_us)
			t = b->line_free_us;
		t += bus_char_us(&b->pace, nreq);
		if (nrsp)
			t += ta + bus_char_us(&b->pace, nrsp);
		b->line_free_us = t + t35;
	}
	return t + (uint64_t)delay_ms * 1000u;
}

static void rtu_process(struct bus *b, const uint8_t *f, size_t n,
			uint64_t arrival_us)
{
	uint8_t out[RTU_MAX];
	unsigned delay_ms;
	size_t r;
	uint64_t t;

	/* Under the lock: the control thread may change the pacing. */
	sim_lock();
	r = bus_dispatch_rtu(b, simclock_now(), f, n, out, &delay_ms);
	t = reply_time(b, arrival_us, n, r, delay_ms);
	sim_unlock();
	if (r == 0)
		return;
	sleep_until(t);
	write_all(b->mfd, out, r);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void gw_drop(struct gw_client *c);

/* Carries out a pending unplug or plug; returns 1 while the bus is down. */
static int follow_down(struct bus *b)
{
	int want = atomic_load(&b->want_down), k;

	if (want == atomic_load(&b->is_down))
		goto out;
	if (want) {
		close_fd(&b->mfd);
		close_fd(&b->sfd);
		close_fd(&b->lfd);
		for (k = 0; k < BUS_GW_CLIENTS; k++)
			if (b->cl[k].fd >= 0)
				gw_drop(&b->cl[k]);
		if (b->link[0])
			unlink(b->link);
		rtu_rx_consume(&b->rx, b->rx.len);
	} else if (bus_open(b) != 0) {
		close_fd(&b->mfd);
		close_fd(&b->sfd);
		close_fd(&b->lfd);
		goto out; /* try again on the next turn */
	}
	atomic_store(&b->is_down, want);
out:
	if (atomic_load(&b->is_down)) {
		struct timespec ts = {0, 20 * 1000 * 1000};

		nanosleep(&ts, NULL);
		return 1;
	}
	return 0;
}

int bus_set_down(struct bus *b, int down)
{
	struct timespec ts = {0, 10 * 1000 * 1000};
	int k;

	atomic_store(&b->want_down, down ? 1 : 0);
	for (k = 0; k < 200; k++) {
		if (atomic_load(&b->is_down) == (down ? 1 : 0))
			return 0;
		nanosleep(&ts, NULL);
	}
	return -1;
}

static void *rtu_thread(void *arg)
{
	struct bus *b = arg;
	uint8_t tmp[512];
	uint64_t first_us = 0;
	int idle_ms;
	size_t fl;

	sim_lock();
	idle_ms = (int)((bus_t35_us(&b->pace) + 999) / 1000);
	sim_unlock();
	if (idle_ms < 2)
		idle_ms = 2;
	while (!stopping()) {
		struct pollfd pfd;
		int rc;

		if (follow_down(b))
			continue;
		pfd.fd = b->mfd;
		pfd.events = POLLIN;
		rc = poll(&pfd, 1, b->rx.len ? idle_ms : 100);

		if (rc < 0 && errno != EINTR)
			break;
		if (rc > 0 && (pfd.revents & POLLIN)) {
			ssize_t n = read(b->mfd, tmp, sizeof(tmp));

			if (n <= 0)
				continue;
			if (b->rx.len == 0)
				first_us = simclock_mono_us();
			if (b->rx.len + (size_t)n > RTU_MAX && !b->rx.overrun) {
				sim_lock();
				b->st.overruns++;
				sim_unlock();
			}
			rtu_rx_feed(&b->rx, tmp, (size_t)n);
			while ((fl = rtu_rx_frame(&b->rx)) > 0) {
				rtu_process(b, b->rx.buf, fl, first_us);
				rtu_rx_consume(&b->rx, fl);
				first_us = simclock_mono_us();
			}
			continue;
		}
		if (rc > 0) {
			/* HUP or ERR without data: do not spin on it. */
			struct timespec ts = {0, 10 * 1000 * 1000};

			nanosleep(&ts, NULL);
			continue;
		}
		if (rc == 0 && b->rx.len) {
			/* t3.5 of silence: whatever we hold is one frame. */
			if (!b->rx.overrun)
				rtu_process(b, b->rx.buf, b->rx.len, first_us);
			rtu_rx_consume(&b->rx, b->rx.len);
		}
	}
	return NULL;
}

static void gw_drop(struct gw_client *c)
{
	close(c->fd);
	c->fd = -1;
	c->len = 0;
}

static void gw_accept(struct bus *b)
{
	int fd = accept4(b->lfd, NULL, NULL, SOCK_CLOEXEC), k;

	if (fd < 0)
		return;
	for (k = 0; k < BUS_GW_CLIENTS; k++)
		if (b->cl[k].fd < 0) {
			b->cl[k].fd = fd;
			b->cl[k].len = 0;
			return;
		}
	close(fd); /* full, like a gateway at its connection limit */
}

/* Serves every complete ADU in c's buffer; returns -1 to drop c. */
static int gw_serve(struct bus *b, struct gw_client *c, uint64_t arrival_us)
{
	uint8_t out[7 + PDU_MAX];
	unsigned delay_ms;
	size_t n, r;
	uint64_t t;

	while (c->len >= 7) {
		unsigned len = (unsigned)c->buf[4] << 8 | c->buf[5];

		/* Protocol id 0 and a length a PDU can have, or the stream is
		 * out of step and the gateway hangs up. */
		if (c->buf[2] || c->buf[3] || len < 2 || len > 1 + PDU_MAX)
			return -1;
		n = 6 + len;
		if (c->len < n)
			return 0;
		sim_lock();
		r = bus_dispatch_tcp(b, simclock_now(), c->buf, n, out,
				     &delay_ms);
		/* The serial side carries address + PDU + CRC. */
		t = reply_time(b, arrival_us, len + 2, r ? r - 7 + 3 : 0,
			       delay_ms);
		sim_unlock();
		if (r) {
			sleep_until(t);
			write_all(c->fd, out, r);
		}
		memmove(c->buf, c->buf + n, c->len - n);
		c->len -= n;
	}
	return 0;
}

static void *tcp_thread(void *arg)
{
	struct bus *b = arg;

	while (!stopping()) {
		struct pollfd pfd[1 + BUS_GW_CLIENTS];
		int map[1 + BUS_GW_CLIENTS], np = 1, k, rc;

		if (follow_down(b))
			continue;
		pfd[0].fd = b->lfd;
		pfd[0].events = POLLIN;
		for (k = 0; k < BUS_GW_CLIENTS; k++)
			if (b->cl[k].fd >= 0) {
				pfd[np].fd = b->cl[k].fd;
				pfd[np].events = POLLIN;
				map[np++] = k;
			}
		rc = poll(pfd, (nfds_t)np, 100);
		if (rc < 0 && errno != EINTR)
			break;
		if (rc <= 0)
			continue;
		if (pfd[0].revents & POLLIN)
			gw_accept(b);
		for (k = 1; k < np; k++) {
			struct gw_client *c = &b->cl[map[k]];
			ssize_t n;

			if (!(pfd[k].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
			if (n <= 0) {
				gw_drop(c);
				continue;
			}
			c->len += (size_t)n;
			if (gw_serve(b, c, simclock_mono_us()) != 0)
				gw_drop(c);
		}
	}
	return NULL;
}

int bus_start(struct bus *b)
{
	if (pthread_create(&b->thread, NULL,
			   b->kind == BUS_RTU ? rtu_thread : tcp_thread, b) != 0)
		return -1;
	b->started = 1;
	return 0;
}

void bus_close(struct bus *b)
{
	int k;

	if (b->started)
		pthread_join(b->thread, NULL);
	b->started = 0;
	if (b->mfd >= 0)
		close(b->mfd);
	if (b->sfd >= 0)
		close(b->sfd);
	if (b->lfd >= 0)
		close(b->lfd);
	for (k = 0; k < BUS_GW_CLIENTS; k++)
		if (b->cl[k].fd >= 0)
			gw_drop(&b->cl[k]);
	if (b->link[0])
		unlink(b->link);
	b->mfd = b->sfd = b->lfd = -1;
}

/* printer: sends bytes to a device, a file or a CUPS queue, never hanging
 * the desk and never letting SIGPIPE kill it. */
#include "printer.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/poll.h> /* not <poll.h>: src/poll.h, the meter poller, shadows it */
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "config.h"
#include "receipt.h"
#include "sale_int.h"   /* sale_print_doc: render by [printer] format and send */
#include "err.h"

extern char **environ;

/* lp normally finishes as soon as it has spooled the job. */
#define PRINTER_LP_WAIT_MS 10000

/* Writes all of data to the non-blocking fd, waiting at most
 * PRINTER_CHUNK_TIMEOUT_MS for each chunk and PRINTER_TOTAL_TIMEOUT_MS in
 * all. Returns 0 or -errno (-ETIMEDOUT on a timeout). SIGPIPE is blocked
 * only here and in this thread, and the one our write raised is taken
 * back, so the rest of the program keeps whatever disposition it chose. */
static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	int64_t deadline = clock_mono_ms() + PRINTER_TOTAL_TIMEOUT_MS;
	sigset_t pipe_set, old, pending;
	int rc = 0, was_pending;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	sigpending(&pending);
	was_pending = sigismember(&pending, SIGPIPE);
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		struct pollfd pfd = { fd, POLLOUT, 0 };
		int64_t left;
		int pr;

		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
			rc = n == 0 ? -EIO : -errno;
			break;
		}
		left = deadline - clock_mono_ms();
		if (left <= 0) {
			rc = -ETIMEDOUT;
			break;
		}
		pr = poll(&pfd, 1, left < PRINTER_CHUNK_TIMEOUT_MS ? (int)left : PRINTER_CHUNK_TIMEOUT_MS);
		if (pr == 0) {
			rc = -ETIMEDOUT;
			break;
		}
		if (pr < 0 && errno != EINTR) {
			rc = -errno;
			break;
		}
		/* POLLERR or POLLHUP: the next write() tells which error. */
	}
	if (rc == -EPIPE && !was_pending) {
		struct timespec zero = { 0, 0 };
		while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR)
			;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

/* Translates errno e from opening or writing path. */
static int device_error(const char *path, int e, int is_file)
{
	if (e == ENOSPC && !is_file)
		return err_set(-SD_PRINTER_PAPER, "%s reports no space (paper out)", path);
	if (e == ETIMEDOUT)
		return err_set(-SD_PRINTER_OFF, "%s took no data for %d s", path,
			       PRINTER_CHUNK_TIMEOUT_MS / 1000);
	if (e == EACCES || e == EPERM)
		return err_set(-SD_PRINTER_OFF, "%s: permission denied%s", path,
			       is_file ? "" : " (is the desk's user in group lp?)");
	return err_set(-SD_PRINTER_OFF, "%s: %s", path, strerror(e));
}

static int send_path(const char *path, int is_file, const void *data, size_t len)
{
	int flags = O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
	int fd, rc;

	if (is_file)
		flags |= O_APPEND | O_CREAT;
	fd = open(path, flags, 0600);
	if (fd < 0)
		return device_error(path, errno, is_file);
	rc = write_all(fd, data, len);
	if (close(fd) < 0 && rc == 0 && errno != EINTR)
		rc = -errno;
	return rc < 0 ? device_error(path, -rc, is_file) : 0;
}

/* Waits for pid, killing it after PRINTER_LP_WAIT_MS. Returns its wait
 * status, or -1 if it had to be killed or could not be waited for. */
static int wait_child(pid_t pid)
{
	int64_t end = clock_mono_ms() + PRINTER_LP_WAIT_MS;
	struct timespec nap = { 0, 10 * 1000 * 1000 };
	int st;

	for (;;) {
		pid_t r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			return st;
		if (r < 0 && errno != EINTR)
			return -1;
		if (clock_mono_ms() > end) {
			kill(pid, SIGKILL);
			while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
				;
			return -1;
		}
		nanosleep(&nap, NULL);
	}
}

/* Reads what lp said on stderr (its first line) for the error detail. */
static void read_message(int fd, char *msg, size_t size)
{
	ssize_t n = read(fd, msg, size - 1);
	char *nl;

	msg[n > 0 ? n : 0] = 0;
	if ((nl = strchr(msg, '\n')))
		*nl = 0;
}

static int send_cups(const char *queue, const void *data, size_t len)
{
	char *argv[] = { "lp", "-d", (char *)queue, "-o", "raw", NULL };
	int in[2] = { -1, -1 }, errp[2] = { -1, -1 }, rc, wrc, st;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t sigs;
	char msg[200];
	pid_t pid;

	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC | O_NONBLOCK) < 0) {
		rc = err_set(-SD_PRINTER_OFF, "cups:%s: cannot make a pipe: %s", queue, strerror(errno));
		goto out;
	}
	/* lp's "request id is ..." would scribble over the curses screen. */
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
	/* lp starts with default SIGPIPE and no blocked signals, whatever the
	 * desk has set for itself. */
	posix_spawnattr_init(&at);
	sigemptyset(&sigs);
	posix_spawnattr_setsigmask(&at, &sigs);
	sigaddset(&sigs, SIGPIPE);
	posix_spawnattr_setsigdefault(&at, &sigs);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawnp(&pid, "lp", &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(in[0]);
	close(errp[1]);
	in[0] = errp[1] = -1;
	if (rc != 0) {
		rc = err_set(-SD_PRINTER_OFF, rc == ENOENT
			     ? "cannot run lp for queue %s: not installed (Debian package cups-client)"
			     : "cannot run lp for queue %s: %s", queue, strerror(rc));
		goto out;
	}
	fcntl(in[1], F_SETFL, O_NONBLOCK);
	wrc = write_all(in[1], data, len);
	close(in[1]);
	in[1] = -1;
	st = wait_child(pid);
	read_message(errp[0], msg, sizeof(msg));
	if (st < 0)
		rc = err_set(-SD_PRINTER_OFF, "lp -d %s did not finish in %d s", queue,
			     PRINTER_LP_WAIT_MS / 1000);
	else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		rc = err_set(-SD_PRINTER_OFF, "lp -d %s failed (%s %d)%s%s", queue,
			     WIFEXITED(st) ? "exit status" : "signal",
			     WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st), msg[0] ? ": " : "", msg);
	else if (wrc < 0)
		rc = err_set(-SD_PRINTER_OFF, "lp -d %s did not take all the data: %s", queue,
			     strerror(-wrc));
	else
		rc = 0;
out:
	if (in[0] >= 0)
		close(in[0]);
	if (in[1] >= 0)
		close(in[1]);
	if (errp[0] >= 0)
		close(errp[0]);
	if (errp[1] >= 0)
		close(errp[1]);
	return rc;
}

int printer_send(const char *target, const void *data, size_t len)
{
	if (!target || !target[0])
		return err_set(-SD_CONFIG, "no printer is configured ([printer] device)");
	if (strncmp(target, "file:", 5) == 0) {
		if (!target[5])
			return err_set(-SD_CONFIG, "printer \"file:\" names no file");
		return send_path(target + 5, 1, data, len);
	}
	if (strncmp(target, "cups:", 5) == 0) {
		if (!target[5])
			return err_set(-SD_CONFIG, "printer \"cups:\" names no queue");
		return send_cups(target + 5, data, len);
	}
	return send_path(target, 0, data, len);
}

int printer_test_page(const struct config *cfg, int zh)
{
	struct rcpt_doc *doc;
	char when[32], ruler[81], width[16];
	int w = cfg->printer_width ? cfg->printer_width : 32, rc = 0, i;

	if (!cfg->printer[0])
		return err_set(-SD_PRINTER_OFF, "no printer is configured ([printer] device)");
	if (!(doc = calloc(1, sizeof(*doc))))
		return err_set(-SD_NOMEM, "test page");
	doc->width = w;
	for (i = 0; i < w && i < 80; i++)
		ruler[i] = (char)('0' + (i + 1) % 10);
	ruler[i] = 0;
	snprintf(width, sizeof(width), "%d", w);
	clock_format_local(clock_now(), 0, when, sizeof(when));
	if ((rc = rcpt_add(doc, RCPT_TITLE, zh ? "打印机测试" : "PRINTER TEST", NULL)) ||
	    (rc = rcpt_add(doc, RCPT_PAIR, zh ? "时间 (UTC)" : "Time (UTC)", when)) ||
	    (rc = rcpt_add(doc, RCPT_PAIR, zh ? "每行字符" : "Characters a line", width)) ||
	    (rc = rcpt_add(doc, RCPT_RULE, "", NULL)) ||
	    (rc = rcpt_add(doc, RCPT_TEXT, ruler, NULL)) ||
	    (rc = rcpt_add(doc, RCPT_TEXT, "ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789", NULL)) ||
	    (rc = rcpt_add(doc, RCPT_TEXT, "售电收据 金额大写 壹佰元整", NULL)) ||
	    (rc = rcpt_add(doc, RCPT_RULE, "", NULL)) ||
	    (rc = rcpt_add(doc, RCPT_CENTER, zh ? "测试结束" : "END OF TEST", NULL)))
		goto out;
	rc = sale_print_doc(cfg, zh, doc);
out:
	free(doc);
	return rc;
}

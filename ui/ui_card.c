/* ui_card: the card watcher — a thread with its own PC/SC context that
 * sleeps in SCardGetStatusChange (reader_wait) until a card comes or
 * goes, reads an inserted card plainly (no keys: serial, type, account;
 * 4 APDUs) and publishes what it saw under a mutex, then wakes the input
 * loop through a self-pipe so ui_getkey() returns UI_K_CARD. It never
 * keeps the card connected between reads, and it stands aside
 * (ui_card_pause) while the UI thread writes a card with a reader handle
 * of its own. When pcscd or the reader is gone it says so and tries again
 * every few seconds; the UI never waits for it. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "card.h"
#include "err.h"
#include "log.h"
#include "reader.h"
#include "sale.h"
#include "ui_int.h"

/* How long the watcher rests before trying pcscd or the reader again. */
#define RETRY_MS 3000
/* Reads tried 200 ms apart of a card pcscd says is present before it is
 * reported as not answering. */
#define READ_TRIES 10

struct ui_card {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;         /* pause/resume/stop, and the retry nap */
	int pipe[2];               /* [0] for ui_getkey, [1] written by the thread */
	char reader[128];
	struct ui_card_info info;  /* under mu */
	int stop, pause_req, paused;
	struct card_reader *waiting; /* the reader inside reader_wait, for reader_cancel */
};

/* Publishes next as the new state when it differs from the last one, and
 * wakes the input loop. */
static void publish(struct ui_card *w, const struct ui_card_info *next)
{
	int changed;

	pthread_mutex_lock(&w->mu);
	changed = next->state != w->info.state || next->blank != w->info.blank ||
		  next->user != w->info.user || next->tech != w->info.tech ||
		  strcmp(next->account, w->info.account) || strcmp(next->serial, w->info.serial) ||
		  strcmp(next->text, w->info.text);
	if (changed) {
		unsigned gen = w->info.gen + 1;
		w->info = *next;
		w->info.gen = gen;
	}
	pthread_mutex_unlock(&w->mu);
	if (changed) {
		/* A full pipe already holds a wake-up: a failed write loses nothing. */
		ssize_t n = write(w->pipe[1], "c", 1);
		(void)n;
	}
}

static void publish_state(struct ui_card *w, enum ui_card_state st, int rc)
{
	struct ui_card_info n;

	memset(&n, 0, sizeof(n));
	n.state = st;
	if (rc)
		err_text(rc, n.text, sizeof(n.text));
	publish(w, &n);
}

/* Sleeps up to ms, waking early for a stop or a pause. */
static void nap(struct ui_card *w, int ms)
{
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&w->mu);
	while (!w->stop && !w->pause_req)
		if (pthread_cond_timedwait(&w->cv, &w->mu, &until) == ETIMEDOUT)
			break;
	pthread_mutex_unlock(&w->mu);
}

/* Parks the thread while a pause is asked for. Returns 1 to stop; sets
 * *resumed when it was parked (the card may have changed meanwhile). */
static int checkpoint(struct ui_card *w, int *resumed)
{
	int stop;

	*resumed = 0;
	pthread_mutex_lock(&w->mu);
	while (w->pause_req && !w->stop) {
		w->paused = 1;
		*resumed = 1;
		pthread_cond_broadcast(&w->cv);
		pthread_cond_wait(&w->cv, &w->mu);
	}
	w->paused = 0;
	stop = w->stop;
	pthread_mutex_unlock(&w->mu);
	return stop;
}

/* Reads the card plainly and publishes it. Returns 1 when published, 0
 * when the card did not answer (not powered yet, or gone), 2 when it
 * answered wrongly (the last try publishes that, with last), or a
 * negative code when pcscd or the reader went away. */
static int read_card(struct ui_card *w, struct card_reader *r, int last)
{
	struct card_state st;
	struct ui_card_info n;
	int rc = card_read(r, NULL, 0, &st);

	/* Let go of the card at once: a sale may want it next. */
	reader_disconnect(r, 0);
	memset(&n, 0, sizeof(n));
	if (rc == -SD_NO_CARD || rc == -SD_CARD_PULLED)
		return 0;
	if (rc == -SD_PCSC_DOWN || rc == -SD_NO_READER)
		return rc;
	if (rc) {
		/* a card still settling after insertion (or after another
		 * program's reset) can answer wrongly once: read it again
		 * before telling the cashier it is unreadable */
		if (!last)
			return 2;
		n.state = UI_CARD_ERROR;
		err_text(rc, n.text, sizeof(n.text));
		log_warn("card watcher: the card in the reader cannot be read: %s", n.text);
		publish(w, &n);
		return 1;
	}
	n.state = UI_CARD_PRESENT;
	card_serial_hex(st.serial, n.serial);
	n.blank = st.blank;
	if (!st.blank && st.issued && st.info.type == CARD_USER) {
		n.user = 1;
		snprintf(n.account, sizeof(n.account), "%s", st.info.account);
	} else if (!st.blank && st.issued) {
		n.tech = 1;
	}
	publish(w, &n);
	return 1;
}

struct presence {
	const char *name;
	int present;
};

static void seen(const char *name, int card_present, void *ctx)
{
	struct presence *p = ctx;

	if (!strcmp(name, p->name))
		p->present = card_present;
}

/* Whether pcscd sees a card in r's reader: 1, 0, or a negative code. */
static int in_reader(struct card_reader *r)
{
	struct presence p = { reader_name(r), 0 };
	int rc = reader_list(seen, &p);

	return rc ? rc : p.present;
}

static enum ui_card_state state_of(int rc)
{
	return rc == -SD_PCSC_DOWN ? UI_CARD_PCSC_DOWN : rc == -SD_NO_READER ? UI_CARD_NO_READER
									  : UI_CARD_ERROR;
}

static void *watch(void *arg)
{
	struct ui_card *w = arg;
	struct card_reader *r = NULL;
	int present = -1, resumed, rc;   /* -1: not known, read the reader */
	int tries = 0;                   /* reads of a present card that got no answer */

	for (;;) {
		if (checkpoint(w, &resumed))
			break;
		if (resumed) {
			present = -1;
			tries = 0;
		}
		if (!r) {
			if ((rc = reader_open(w->reader, &r))) {
				publish_state(w, state_of(rc), rc);
				nap(w, RETRY_MS);
				continue;
			}
			present = -1;
		}
		if (present < 0) {
			/* Presence is pcscd's word, not the read's: a card just
			 * inserted (or reset by the sale) may not answer yet. */
			rc = tries ? 1 : in_reader(r);
			if (rc == 1)
				rc = read_card(w, r, tries + 1 >= READ_TRIES);
			else if (rc == 0) {
				publish_state(w, UI_CARD_NONE, 0);
				present = 0;
			}
			if (rc < 0) {
				publish_state(w, state_of(rc), rc);
				reader_free(r);
				r = NULL;
				tries = 0;
				nap(w, RETRY_MS);
				continue;
			}
			if (present == 0)
				continue;
			if ((rc == 0 || rc == 2) && ++tries < READ_TRIES) {
				nap(w, 200);
				continue;
			}
			tries = 0;
			if (rc == 0) {
				/* pcscd says a card is there but it does not answer
				 * (still powering up on a busy PC, or dead): say so,
				 * and keep trying, presence first, every second */
				publish_state(w, UI_CARD_ERROR,
					      err_set(-SD_NO_CARD, "the card does not answer: take it "
								   "out and insert it again"));
				nap(w, 1000);
				continue;
			}
			present = 1;
			continue;
		}
		pthread_mutex_lock(&w->mu);
		if (w->stop || w->pause_req) {
			pthread_mutex_unlock(&w->mu);
			continue;
		}
		w->waiting = r;
		pthread_mutex_unlock(&w->mu);
		rc = reader_wait(r, !present, -1, NULL);
		pthread_mutex_lock(&w->mu);
		w->waiting = NULL;
		pthread_mutex_unlock(&w->mu);
		if (rc == 0) {
			if (present) {
				present = 0;
				publish_state(w, UI_CARD_NONE, 0);
			} else {
				present = -1;  /* a card came: read it */
			}
		} else if (rc != -SD_CARD_CANCELLED && rc != -SD_TIMEOUT) {
			/* pcscd or the reader went away: say so, start over. */
			publish_state(w, state_of(rc), rc);
			reader_free(r);
			r = NULL;
			nap(w, RETRY_MS);
		}
	}
	reader_free(r);
	return NULL;
}

int ui_card_start(const char *reader, struct ui_card **out)
{
	struct ui_card *w = ui_xcalloc(1, sizeof(*w));
	pthread_condattr_t ca;

	*out = NULL;
	if (pipe(w->pipe)) {
		free(w);
		return err_set(-SD_IO, "no pipe for the card watcher");
	}
	fcntl(w->pipe[0], F_SETFL, O_NONBLOCK);
	fcntl(w->pipe[1], F_SETFL, O_NONBLOCK);
	fcntl(w->pipe[0], F_SETFD, FD_CLOEXEC);
	fcntl(w->pipe[1], F_SETFD, FD_CLOEXEC);
	snprintf(w->reader, sizeof(w->reader), "%s", reader ? reader : "");
	pthread_mutex_init(&w->mu, NULL);
	/* The retry nap measures monotonic time: a clock change cannot stall it. */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&w->thread, NULL, watch, w)) {
		close(w->pipe[0]);
		close(w->pipe[1]);
		pthread_cond_destroy(&w->cv);
		pthread_mutex_destroy(&w->mu);
		free(w);
		return err_set(-SD_NOMEM, "no thread for the card watcher");
	}
	*out = w;
	return 0;
}

/* Sets *flag under the lock and keeps cancelling the wait until the
 * thread acknowledges with done(w): SCardCancel only stops a wait already
 * running, so one sent just before the thread entered it would be lost. */
static void interrupt(struct ui_card *w, int *flag, int (*done)(struct ui_card *))
{
	struct timespec until;

	pthread_mutex_lock(&w->mu);
	*flag = 1;
	pthread_cond_broadcast(&w->cv);
	while (!done(w)) {
		if (w->waiting)
			reader_cancel(w->waiting);
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += 50000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&w->cv, &w->mu, &until);
	}
	pthread_mutex_unlock(&w->mu);
}

static int is_paused(struct ui_card *w)
{
	return w->paused;
}

static int not_waiting(struct ui_card *w)
{
	return w->waiting == NULL;
}

void ui_card_stop(struct ui_card *w)
{
	if (!w)
		return;
	/* With stop set under the lock the thread enters no new wait; once
	 * it is out of the current one, the join is quick. */
	interrupt(w, &w->stop, not_waiting);
	pthread_join(w->thread, NULL);
	close(w->pipe[0]);
	close(w->pipe[1]);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	free(w);
}

void ui_card_get(struct ui_card *w, struct ui_card_info *out)
{
	memset(out, 0, sizeof(*out));
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	*out = w->info;
	pthread_mutex_unlock(&w->mu);
}

void ui_card_pause(struct ui_card *w)
{
	if (w)
		interrupt(w, &w->pause_req, is_paused);
}

void ui_card_resume(struct ui_card *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->pause_req = 0;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

int ui_card_fd(const struct ui_card *w)
{
	return w ? w->pipe[0] : -1;
}

int ui_with_reader(struct ui *u, struct sale_io *io, int (*fn)(void *), void *ctx)
{
	struct card_reader *r = NULL;
	int rc;

	ui_card_pause(u->card);
	rc = reader_open(u->cfg.reader, &r);
	if (!rc) {
		io->reader = r;
		rc = fn(ctx);
	}
	io->reader = NULL;
	reader_free(r);
	ui_card_resume(u->card);
	return rc;
}

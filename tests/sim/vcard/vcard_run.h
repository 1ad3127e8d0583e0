/* vcard_run: options of the card-in-reader loop and the control client. */
#ifndef VCARD_RUN_H
#define VCARD_RUN_H

#include <stdarg.h>

struct vcard_run_opts {
	const char *image_path;  /* card image; NULL = start with no card */
	const char *ctl_path;    /* unix control socket, or NULL */
	const char *host;        /* vpcd address, default 127.0.0.1 */
	int port;                /* vpcd port, default 35963 */
	int start_removed;       /* keep the card out until "insert" */
	int verbose;             /* log controls and APDUs to stderr */
};

/* Runs the card until SIGTERM/SIGINT or "quit"; returns the exit status. */
int vcard_run(const struct vcard_run_opts *o);
/* Sends one control line to a running vcard, prints its answer; returns 0
 * when it answered "ok", 1 for "err", 2 when it cannot be reached. */
int vcard_ctl(const char *path, const char *line);

#endif

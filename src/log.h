/* log: leveled messages to stderr (and, for the service, to the journal
 * through stderr). Nothing secret is ever passed here. */
#ifndef SALEDESK_LOG_H
#define SALEDESK_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR, LOG_OFF };

/* Sets the lowest level that is written; the default is LOG_WARN, or what
 * SALEDESK_LOG (debug, info, warn, error, off) says. */
void log_set_level(enum log_level level);

/* Returns the level in force. */
enum log_level log_get_level(void);

/* Writes one line at level if it is enabled. */
void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif

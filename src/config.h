/* config: the one INI file (parsed by Debian's libinih). Nothing secret is
 * ever kept in it. Lookup: --config FILE, then $SALEDESK_CONFIG, then
 * ~/.config/saledesk/saledesk.conf, then /etc/saledesk/saledesk.conf; with
 * none, defaults under the user's data directory. --db / $SALEDESK_DB
 * override the database path. */
#ifndef SALEDESK_CONFIG_H
#define SALEDESK_CONFIG_H

#include <limits.h>

#define CONFIG_SYSTEM_PATH "/etc/saledesk/saledesk.conf"

struct config {
	char file[PATH_MAX];        /* the file read, "" if none */
	char db_path[PATH_MAX];
	char backup_dir[PATH_MAX];
	int backup_keep_daily;      /* rotation: newest backup of each of the */
	int backup_keep_weekly;     /* last N days, ISO weeks and months */
	int backup_keep_monthly;    /* (defaults 7, 4, 12; all 0: keep all) */
	int backup_daily_min;       /* [backup] daily_at: site-local minute of the
				     * day the meter-reading service takes the
				     * daily backup (default 02:30 = 150); -1 off */
	char recharge_keys[PATH_MAX]; /* [poll] recharge_keys: the service's recharge
				     * key file (keys export-service); "" = the
				     * systemd credential recharge-keys */
	char export_dir[PATH_MAX];  /* [export] dir: the daily energy export's folder; "" off */
	int export_daily_min;       /* [export] daily_at: site-local minute the service
				     * writes yesterday's file (default 00:30); -1 off */
	char printer[PATH_MAX];     /* device, "file:PATH" or "cups:QUEUE"; "" none */
	char printer_format[16];    /* "escpos" or "text" */
	int printer_width;          /* characters per line: 32 or 48 */
	int printer_drawer;         /* kick the cash drawer after a receipt */
	char reader[128];           /* PC/SC reader name; "" = the only one */
	char keys_file[PATH_MAX];   /* [keys] file: the encrypted card key file;
				     * default beside the database */
	char locale[32];            /* "" = from the environment */
	char log_level[16];         /* debug, info, warn, error */
};

/* Fills *cfg with defaults, then the config file, then the overrides.
 * file_arg and db_arg may be NULL. Returns 0 or -SD_CONFIG with a detail
 * naming the file, line and key. */
int config_load(const char *file_arg, const char *db_arg, struct config *cfg);

/* One meter of a [bus NAME] section: "unit ID = METER". */
struct config_unit {
	int unit;                   /* 1-247 */
	char meter_no[13];
	int line;                   /* in the config file, for messages */
};

/* One [bus NAME] section of the config file (docs/poll.md §1): an RTU
 * line (rtu = DEVICE) or a Modbus TCP gateway (tcp = HOST:PORT) and the
 * meters on it by unit id. */
struct config_bus {
	char name[33];
	int line;                   /* of the [bus NAME] header */
	int tcp;                    /* 0 rtu, 1 tcp */
	char device[256];           /* rtu */
	int baud;                   /* default 9600 */
	char parity;                /* 'N' (default), 'E', 'O' */
	int stop_bits;              /* default 1 */
	int rs485;                  /* ask the kernel for RS485 mode */
	char host[256];             /* tcp */
	int port;
	int turnaround_ms;          /* default 20 */
	struct config_unit *units;  /* by line order */
	int nunits;
};

/* Reads the [bus NAME] sections of the config file at path (NULL or ""
 * gives none) into a new array *out of *n buses (caller frees it with
 * config_buses_free). Other sections are skipped. Returns 0, or
 * -SD_CONFIG with a detail naming the file and line of the bad entry. */
int config_buses(const char *path, struct config_bus **out, int *n);

/* Frees what config_buses returned; NULL is fine. */
void config_buses_free(struct config_bus *v, int n);

/* Writes daily_min (from struct config) as "HH:MM", or "off" when
 * negative, into buf (caller's, at least 6 bytes); returns buf. */
char *config_daily_text(int daily_min, char *buf, unsigned len);

#endif

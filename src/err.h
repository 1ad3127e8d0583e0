/* err: the one status enum of saledesk. Every layer returns 0 or a negative
 * SD_ code; err_str() gives the sentence a user reads. The list is kept in
 * one place so a code can never lack its message. */
#ifndef SALEDESK_ERR_H
#define SALEDESK_ERR_H

#define SD_STATUS_LIST(X) \
	X(OK,              "success") \
	X(NOMEM,           "out of memory") \
	X(INVAL,           "invalid argument") \
	X(OVERFLOW,        "number too large") \
	X(IO,              "input/output error") \
	X(NOT_FOUND,       "not found") \
	X(EXISTS,          "already exists") \
	X(PERM,            "permission denied for this operator") \
	X(AUTH,            "wrong operator name or password") \
	X(LOCKED,          "operator is locked out after too many failed logins; try again later") \
	X(DISABLED,        "operator is disabled") \
	X(BUSY,            "database is busy; try again") \
	X(DB,              "database error") \
	X(DB_FOREIGN,      "not a saledesk database") \
	X(DB_NEWER,        "database was written by a newer saledesk; upgrade the program") \
	X(DB_CORRUPT,      "database is damaged; restore it from a backup") \
	X(DB_READONLY,     "database is read-only") \
	X(DB_FULL,         "disk is full") \
	X(DB_CONSTRAINT,   "the change breaks a rule of the database") \
	X(CONFIG,          "configuration error") \
	X(MONEY_SYNTAX,    "not an amount: type digits with at most two decimals, like 50 or 12.30") \
	X(MONEY_DECIMALS,  "too many decimals") \
	X(MONEY_NEGATIVE,  "amount must not be negative") \
	X(MONEY_ZERO,      "amount must be greater than zero") \
	X(MONEY_RANGE,     "amount is too large") \
	X(TARIFF,          "invalid tariff") \
	X(TARIFF_NONE,     "no tariff version is in force at that time") \
	X(AUDIT_BROKEN,    "audit chain is broken") \
	X(CRYPTO,          "cryptographic library error") \
	X(STATE,           "operation not allowed in the current state") \
	X(USAGE,           "usage error") \
	X(BACKUP_BAD,      "the backup does not verify; use another backup") \
	X(PASSPHRASE,      "wrong backup passphrase, or the encrypted file was altered") \
	X(BUS_TIMEOUT,     "the meter did not answer in time") \
	X(BUS_CRC,         "the reply from the meter was damaged (bad CRC)") \
	X(BUS_EXCEPTION,   "the meter refused the request (Modbus exception)") \
	X(BUS_FRAME,       "the reply from the meter was not the one expected") \
	X(BUS_IO,          "the serial line or gateway cannot be reached") \
	X(PCSC_DOWN,       "the smart-card service (pcscd) is not running; start it: systemctl start pcscd") \
	X(NO_READER,       "no card reader is connected") \
	X(NO_CARD,         "no card in the reader") \
	X(CARD_PULLED,     "card pulled too early (class 38): insert it again") \
	X(CARD_AUTH,       "card not from this utility or damaged (class 32)") \
	X(CARD_OTHER,      "card belongs to another meter or account (class 33)") \
	X(CARD_COUNT,      "purchases out of order (class 34): read the card at the desk") \
	X(CARD_UNCLEARED,  "card not cleared by the meter (class 35): insert it in the meter") \
	X(CARD_FORMAT,     "card not issued or unreadable (class 36)") \
	X(CARD_STACK,      "the last purchase is not yet in the meter: insert the card in the meter first") \
	X(CARD_SW,         "the card refused the command") \
	X(CARD_CANCELLED,  "waiting for a card was cancelled") \
	X(TIMEOUT,         "timed out") \
	X(KEYS_NONE,       "no card key file; an administrator runs `saledesk keys init`") \
	X(KEYS_BAD,        "wrong key-file passphrase, or the key file was altered") \
	X(PRINTER_OFF,     "the printer is off or unplugged: the sale is complete; reprint the receipt when it is back") \
	X(PRINTER_PAPER,   "the printer is out of paper: the sale is complete; load paper and reprint the receipt") \
	X(NO_SHIFT,        "no shift is open: open a shift with your cash float first") \
	X(LIMIT,           "over the configured limit") \
	X(SALE_PENDING,    "a sale is still pending: read the account's card to settle it") \
	X(CARD_LOST,       "this card was reported lost and is refused: keep it and call an administrator")

enum err {
#define SD_STATUS_ENUM(name, msg) SD_##name,
	SD_STATUS_LIST(SD_STATUS_ENUM)
#undef SD_STATUS_ENUM
	SD_COUNT
};

/* Returns the user-readable message for code (0 or a negative SD_ code);
 * static storage, never NULL. */
const char *err_str(int code);

/* Records a detail for the error about to be returned (what, where) and
 * returns code, so callers can write `return err_set(-SD_X, "...")`. The
 * detail is per thread and lasts until the next err_set() or err_clear(). */
int err_set(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Returns the detail of the last err_set() in this thread, "" if none;
 * the buffer belongs to err. */
const char *err_detail(void);

/* Forgets the detail of this thread. */
void err_clear(void);

/* Formats "message: detail" (or just the message) for code into buf and
 * returns buf. */
char *err_text(int code, char *buf, unsigned len);

#endif

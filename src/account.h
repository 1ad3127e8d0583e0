/* account: opening accounts (with their customer and meters), importing
 * them from CSV, finding and showing them. */
#ifndef SALEDESK_ACCOUNT_H
#define SALEDESK_ACCOUNT_H

#include <stdio.h>

#include "db_account.h"
#include "db_tariff.h"
#include "session.h"

struct meter_form {
	char meter_no[METER_NO_MAX + 1];
	char tariff[TARIFF_CODE_MAX + 1]; /* "" = the form's tariff */
	char mode[8];                     /* "" = the form's mode */
	int phases;                       /* 0 = 1 */
};

/* What a cashier fills in to open an account; fields are set by name with
 * account_form_set(), the same names as the CLI options and CSV columns. */
struct account_form {
	struct account_rec acc;   /* account and customer fields */
	char tariff[TARIFF_CODE_MAX + 1]; /* default for the meters */
	char mode[8];             /* default for the meters: card, remote, billed */
	int n_meters;
	struct meter_form meters[ACCOUNT_MAX_METERS];
	int alarms_set;
};

/* Empties f. */
void account_form_init(struct account_form *f);

/* Sets field name ("name", "phone", "room", "area", "meter", "alarm1",
 * ...; see docs/accounts.md) from its text. Returns 0, -SD_NOT_FOUND for an
 * unknown field, or another negative code with a detail saying what is
 * wrong with the value. */
int account_form_set(struct account_form *f, const char *name, const char *value);

/* Returns the names account_form_set() knows, NULL-terminated; static. */
const char *const *account_form_fields(void);

/* Opens the account described by f, with its customer and meters, in one
 * transaction; the number used (given or the next free one) goes to
 * account_no. Needs PERM_ACCOUNT_OPEN. */
int account_open(const struct session *s, struct account_form *f,
		 char account_no[ACCOUNT_NO_MAX + 1]);

/* Opens the account of f like account_open() but inside the caller's
 * write transaction (so a fee or a status can join it); f->acc.status
 * "pre" pre-registers it. Needs PERM_ACCOUNT_OPEN. */
int account_open_locked(const struct session *s, struct account_form *f);

/* Opens every account of a CSV file (a header row names the columns) in
 * one transaction: if any row is bad, bad_row is called for each bad row
 * with its line and reason, and nothing is imported. *imported counts the
 * accounts opened. Needs PERM_ACCOUNT_OPEN. */
int account_import(const struct session *s, FILE *in,
		   void (*bad_row)(int line, const char *why, void *ctx), void *ctx,
		   int *imported);

/* account_import(), pre-registering every account (status pre) when pre
 * is set. */
int account_import_as(const struct session *s, FILE *in, int pre,
		      void (*bad_row)(int line, const char *why, void *ctx), void *ctx,
		      int *imported);

/* Reads one account with its customer and meters. Needs PERM_ACCOUNT_VIEW. */
int account_get(const struct session *s, const char *account_no, struct account_rec *out);

/* Calls fn for each account matching f. Needs PERM_ACCOUNT_VIEW. */
int account_list(const struct session *s, const struct account_filter *f,
		 int (*fn)(const struct account_rec *, void *), void *ctx);

/* Counts the accounts matching f into *n (added for the UI's search
 * screen). Needs PERM_ACCOUNT_VIEW. */
int account_count(const struct session *s, const struct account_filter *f, int64_t *n);

#endif

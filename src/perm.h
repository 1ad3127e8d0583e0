/* perm: which role may do what. One table, checked in the domain. */
#ifndef SALEDESK_PERM_H
#define SALEDESK_PERM_H

#include "session.h"

#define A ROLE_ADMIN
#define C ROLE_CASHIER
#define T ROLE_TECHNICIAN
#define PERM_LIST(X) \
	X(OPERATOR_MANAGE, A,         "manage operators") \
	X(TARIFF_MANAGE,   A,         "manage tariffs") \
	X(TARIFF_VIEW,     A | C | T, "view tariffs") \
	X(SETTINGS,        A,         "change settings") \
	X(ACCOUNT_OPEN,    A | C,     "open accounts") \
	X(ACCOUNT_VIEW,    A | C | T, "view accounts") \
	X(ACCOUNT_CHANGE,  A | C,     "change accounts") \
	X(SALE,            C,         "sell electricity") \
	X(REFUND,          A | C,     "refund and reverse sales") \
	X(SHIFT_VIEW,      A,         "view every operator's shifts") \
	X(APPROVE,         A,         "approve large refunds, others' reversals and special operations") \
	X(TECH_CARD,       T,         "issue technician cards") \
	X(CARD_RECYCLE,    A,         "recycle cards") \
	X(METER_CONTROL,   A | T,     "control meters") \
	X(AUDIT_VIEW,      A,         "read and verify the audit log") \
	X(BACKUP,          A,         "make and restore backups") \
	X(KEYS,            A,         "manage card keys") \
	X(REPORT_FINANCE,  A | C,     "run finance reports") \
	X(REPORT_ENERGY,   A | C | T, "run energy and meter reports")

enum perm {
#define PERM_ENUM(name, roles, what) PERM_##name,
	PERM_LIST(PERM_ENUM)
#undef PERM_ENUM
	PERM_COUNT
};

/* Returns 0 if the session's roles allow p, else -SD_PERM with a detail
 * naming the operation and the roles that may do it. */
int perm_check(const struct session *s, enum perm p);

/* Returns the role bits allowed to do p. */
unsigned perm_roles(enum perm p);

/* Returns the plain-words name of p ("sell electricity"); static. */
const char *perm_name(enum perm p);

#undef A
#undef C
#undef T
#endif

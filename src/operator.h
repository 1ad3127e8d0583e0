/* operator: managing the people who use the desk. */
#ifndef SALEDESK_OPERATOR_H
#define SALEDESK_OPERATOR_H

#include "db_operator.h"
#include "session.h"

/* Adds an operator with roles and a password (checked against the
 * policy, stored only as a hash). Needs PERM_OPERATOR_MANAGE. */
int operator_add(const struct session *s, const char *login, const char *name,
		 unsigned roles, const char *password);

/* Disables or enables login; refuses to disable the last enabled
 * administrator. Needs PERM_OPERATOR_MANAGE. */
int operator_set_disabled(const struct session *s, const char *login, int disabled);

/* Replaces the roles of login; refuses to leave no enabled administrator.
 * Needs PERM_OPERATOR_MANAGE. */
int operator_set_roles(const struct session *s, const char *login, unsigned roles);

/* Sets a new password for login: an administrator for anyone, any
 * operator for themselves. Clears a lock-out. */
int operator_set_password(const struct session *s, const char *login,
			  const char *password);

/* Calls fn for every operator (the hash is blanked before fn sees it).
 * Needs PERM_OPERATOR_MANAGE. */
int operator_list(const struct session *s,
		  int (*fn)(const struct operator_rec *, void *), void *ctx);

#endif

/* perm: which role may do what. */
#include "perm.h"

#include "err.h"

#define A ROLE_ADMIN
#define C ROLE_CASHIER
#define T ROLE_TECHNICIAN
static const struct {
	unsigned roles;
	const char *what;
} perm_table[] = {
#define PERM_ROW(name, roles, what) { roles, what },
	PERM_LIST(PERM_ROW)
#undef PERM_ROW
};
#undef A
#undef C
#undef T

unsigned perm_roles(enum perm p)
{
	return (unsigned)p < PERM_COUNT ? perm_table[p].roles : 0;
}

const char *perm_name(enum perm p)
{
	return (unsigned)p < PERM_COUNT ? perm_table[p].what : "?";
}

int perm_check(const struct session *s, enum perm p)
{
	char need[64];

	if (s && (s->roles & perm_roles(p)))
		return 0;
	return err_set(-SD_PERM, "%s may not %s (needs role %s)",
		       s && s->login[0] ? s->login : "nobody", perm_name(p),
		       role_format(perm_roles(p), need, sizeof(need)));
}

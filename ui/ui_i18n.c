/* ui_i18n: English or Simplified Chinese through gettext. The language
 * comes from the config's [ui] locale, else the environment. A desk often
 * has only C.UTF-8 generated (no zh_CN.UTF-8 locale): glibc's gettext
 * still honours LANGUAGE then, so the language is put there and messages
 * run in C.UTF-8 rather than falling back to untranslated "C". */
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ui_int.h"

#ifndef SALEDESK_LOCALEDIR
#define SALEDESK_LOCALEDIR "/usr/local/share/locale"
#endif

/* The catalogs: $SALEDESK_LOCALEDIR, else build/locale beside a binary
 * run from the source tree (./saledesk or build/san/saledesk), else the
 * installed ones. */
static void find_catalogs(char *dir, size_t len)
{
	const char *env = getenv("SALEDESK_LOCALEDIR");
	static const char *const rel[] = { "/build/locale", "/../locale" };
	char exe[PATH_MAX], probe[PATH_MAX + 64];
	ssize_t n;

	if (env && *env) {
		snprintf(dir, len, "%s", env);
		return;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = 0;
	if (strrchr(exe, '/'))
		*strrchr(exe, '/') = 0;
	for (size_t i = 0; n > 0 && i < sizeof(rel) / sizeof(rel[0]); i++) {
		snprintf(probe, sizeof(probe), "%s%s/zh_CN/LC_MESSAGES/saledesk.mo", exe, rel[i]);
		if (access(probe, R_OK) == 0 &&
		    snprintf(dir, len, "%s%s", exe, rel[i]) < (int)len)
			return;
	}
	snprintf(dir, len, "%s", SALEDESK_LOCALEDIR);
}

/* The language the person asked for: "zh_CN", "en", or "" for none. */
static void wanted_language(const struct config *cfg, char *out, size_t len)
{
	static const char *const vars[] = { "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG" };

	out[0] = 0;
	if (cfg && cfg->locale[0]) {
		snprintf(out, len, "%s", cfg->locale);
		return;
	}
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *v = getenv(vars[i]);
		if (v && *v) {
			snprintf(out, len, "%s", v);
			return;
		}
	}
}

void ui_i18n_init(const struct config *cfg)
{
	char dir[PATH_MAX], lang[64], *dot;
	const char *msgs;

	wanted_language(cfg, lang, sizeof(lang));
	if (cfg && cfg->locale[0]) {
		/* The config wins over the environment; the locale itself is
		 * used when it is generated, else only the language. */
		char full[96];
		setenv("LANGUAGE", lang, 1);
		snprintf(full, sizeof(full), "%s%s", lang, strchr(lang, '.') ? "" : ".UTF-8");
		setlocale(LC_MESSAGES, full);
	}
	msgs = setlocale(LC_MESSAGES, NULL);
	if (lang[0] && (!msgs || strcmp(msgs, "C") == 0 || strcmp(msgs, "POSIX") == 0)) {
		/* The asked-for locale is not generated here: keep the language
		 * for gettext and let messages run in C.UTF-8. */
		if ((dot = strchr(lang, '.')))
			*dot = 0;
		if (strcmp(lang, "C") && strcmp(lang, "POSIX"))
			setenv("LANGUAGE", lang, 0);
		setlocale(LC_MESSAGES, "C.UTF-8");
	}
	find_catalogs(dir, sizeof(dir));
	bindtextdomain("saledesk", dir);
	bind_textdomain_codeset("saledesk", "UTF-8");
	textdomain("saledesk");
}

const char *ui_pgettext(const char *ctx_id, const char *id)
{
	const char *t = gettext(ctx_id);

	/* Untranslated, gettext hands back the key with its context. */
	return t == ctx_id ? id : t;
}

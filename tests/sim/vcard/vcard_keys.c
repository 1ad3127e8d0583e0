/* vcard_keys: master key sets. "test" and "other" are the documented,
 * test-only sets of docs/card-spec.md section 12; anything else is a file
 * of "kid=32 hex digits" lines plus "version=NN". */
#include "vcard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void builtin(struct vcard_keyset *ks, uint8_t xor)
{
	ks->key_version = 0x01;
	for (int i = 0; i < VCARD_KEYSET_N; i++)
		for (int j = 0; j < VCARD_KEY_LEN; j++)
			ks->mk[i][j] = (uint8_t)(((i << 4) | j) ^ xor);
}

static int hexbytes(const char *s, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	return s[2 * n] == '\0' || s[2 * n] == '\n' ? 0 : -1;
}

int vcard_keyset_load(const char *spec, struct vcard_keyset *ks)
{
	char line[256];
	FILE *f;
	int rc = -1, seen = 0;

	memset(ks, 0, sizeof *ks);
	if (!strcmp(spec, "test")) {
		builtin(ks, 0x00);
		return 0;
	}
	if (!strcmp(spec, "other")) {
		builtin(ks, 0xA5);
		return 0;
	}
	f = fopen(spec, "r");
	if (!f) {
		fprintf(stderr, "vcard: cannot open key set %s\n", spec);
		return -1;
	}
	ks->key_version = 1;
	while (fgets(line, sizeof line, f)) {
		int kid;
		unsigned v;
		char hex[80];
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "version=%x", &v) == 1) {
			ks->key_version = (uint8_t)v;
			continue;
		}
		if (sscanf(line, "%d=%79s", &kid, hex) != 2 || kid < 0 ||
		    kid >= VCARD_KEYSET_N || hexbytes(hex, ks->mk[kid], 16)) {
			fprintf(stderr, "vcard: bad key set line in %s\n", spec);
			goto out;
		}
		seen |= 1 << kid;
	}
	if (seen != (1 << VCARD_KEYSET_N) - 1) {
		fprintf(stderr, "vcard: key set %s lacks a key\n", spec);
		goto out;
	}
	rc = 0;
out:
	fclose(f);
	return rc;
}

int vcard_keyset_card_key(const struct vcard_keyset *ks, int kid,
			  const uint8_t serial[8], uint8_t out[16])
{
	if (kid < 0 || kid >= VCARD_KEYSET_N)
		return -1;
	return vcard_diversify(ks->mk[kid], serial, out);
}

/* vcard_image: the card's EEPROM as a text file ("key value" lines, hex
 * data), written atomically so a torn write leaves the old or the new
 * image, never a mix: the same guarantee a card's anti-tearing buffer gives
 * for one command. */
#include "vcard.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const uint16_t vcard_ef_size[VCARD_NEF + 1] = {0, 64, 64, 96, 96, 96, 192};

#define IMAGE_MAGIC "vcard-image 1"

int vcard_image_blank(struct vcard_image *img, const uint8_t serial[8],
		      const struct vcard_keyset *ks)
{
	memset(img, 0, sizeof *img);
	memcpy(img->serial, serial, 8);
	img->transport_tries = VCARD_MAX_TRIES;
	return vcard_keyset_card_key(ks, VCARD_KID_TRANSPORT, serial, img->transport_key);
}

int vcard_image_create_df(struct vcard_image *img, uint8_t key_version,
			  const uint8_t keys[VCARD_NKEYS][VCARD_KEY_LEN])
{
	img->personalised = 1;
	img->key_version = key_version;
	memcpy(img->keys, keys, sizeof img->keys);
	memset(img->keys[0], 0, VCARD_KEY_LEN);
	for (int i = 0; i < VCARD_NKEYS; i++)
		img->tries[i] = VCARD_MAX_TRIES;
	memset(img->ef, 0, sizeof img->ef);
	return 0;
}

void vcard_image_atr(const struct vcard_image *img, uint8_t atr[VCARD_ATR_LEN])
{
	/* TS=3B direct convention, T0=69: TB1 and TC1 follow, 9 historical
	 * bytes; T=0 only so no TCK. Bytes 5..12 are the serial as the State
	 * Grid meters expect; the last historical byte is our COS version. */
	atr[0] = 0x3B;
	atr[1] = 0x69;
	atr[2] = 0x00;
	atr[3] = 0x00;
	memcpy(atr + 4, img->serial, 8);
	atr[12] = 0x01;
}

static void put_hex(FILE *f, const char *name, const uint8_t *p, size_t n)
{
	fprintf(f, "%s ", name);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02X", p[i]);
	fputc('\n', f);
}

static int get_hex(const char *s, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	return (s[2 * n] == '\0' || s[2 * n] == '\n') ? 0 : -1;
}

int vcard_image_save(const char *path, const struct vcard_image *img)
{
	char tmp[4096], dir[4096];
	FILE *f = NULL;
	int fd = -1, rc = -1;

	if (snprintf(tmp, sizeof tmp, "%s.tmpXXXXXX", path) >= (int)sizeof tmp)
		return -1;
	fd = mkstemp(tmp);
	if (fd < 0)
		goto out;
	f = fdopen(fd, "w");
	if (!f)
		goto out;
	fd = -1;
	fprintf(f, "%s\n", IMAGE_MAGIC);
	put_hex(f, "serial", img->serial, 8);
	put_hex(f, "transport_key", img->transport_key, 16);
	fprintf(f, "transport_tries %u\n", img->transport_tries);
	fprintf(f, "personalised %d\n", img->personalised ? 1 : 0);
	if (img->personalised) {
		fprintf(f, "key_version %02X\n", img->key_version);
		for (int k = 1; k < VCARD_NKEYS; k++) {
			char name[16];
			snprintf(name, sizeof name, "key%02X", k);
			put_hex(f, name, img->keys[k], 16);
			fprintf(f, "tries%02X %u\n", k, img->tries[k]);
		}
		for (int e = 1; e <= VCARD_NEF; e++) {
			char name[16];
			snprintf(name, sizeof name, "ef%02X", e);
			put_hex(f, name, img->ef[e], vcard_ef_size[e]);
		}
	}
	if (fflush(f) || fsync(fileno(f)))
		goto out;
	if (fclose(f)) {
		f = NULL;
		goto out;
	}
	f = NULL;
	if (rename(tmp, path))
		goto out;
	tmp[0] = '\0';
	/* fsync the directory so the rename itself survives a power cut */
	snprintf(dir, sizeof dir, "%s", path);
	fd = open(dirname(dir), O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
		fd = -1;
	}
	rc = 0;
out:
	if (f)
		fclose(f);
	if (fd >= 0)
		close(fd);
	if (rc && tmp[0])
		unlink(tmp);
	if (rc)
		fprintf(stderr, "vcard: cannot write image %s: %s\n", path, strerror(errno));
	return rc;
}

int vcard_image_load(const char *path, struct vcard_image *img)
{
	char line[1024], key[32], val[900];
	FILE *f = fopen(path, "r");
	int rc = -1, lineno = 0;

	memset(img, 0, sizeof *img);
	if (!f) {
		fprintf(stderr, "vcard: cannot open image %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!fgets(line, sizeof line, f) || strncmp(line, IMAGE_MAGIC, strlen(IMAGE_MAGIC)))
		goto bad;
	while (fgets(line, sizeof line, f)) {
		unsigned v, k;
		lineno++;
		if (sscanf(line, "%31s %899s", key, val) != 2)
			goto bad;
		if (!strcmp(key, "serial")) {
			if (get_hex(val, img->serial, 8))
				goto bad;
		} else if (!strcmp(key, "transport_key")) {
			if (get_hex(val, img->transport_key, 16))
				goto bad;
		} else if (!strcmp(key, "transport_tries")) {
			if (sscanf(val, "%u", &v) != 1 || v > VCARD_MAX_TRIES)
				goto bad;
			img->transport_tries = (uint8_t)v;
		} else if (!strcmp(key, "personalised")) {
			img->personalised = atoi(val) != 0;
		} else if (!strcmp(key, "key_version")) {
			if (sscanf(val, "%x", &v) != 1 || v > 0xFF)
				goto bad;
			img->key_version = (uint8_t)v;
		} else if (sscanf(key, "key%2x", &k) == 1 && k >= 1 && k < VCARD_NKEYS) {
			if (get_hex(val, img->keys[k], 16))
				goto bad;
		} else if (sscanf(key, "tries%2x", &k) == 1 && k >= 1 && k < VCARD_NKEYS) {
			if (sscanf(val, "%u", &v) != 1 || v > VCARD_MAX_TRIES)
				goto bad;
			img->tries[k] = (uint8_t)v;
		} else if (sscanf(key, "ef%2x", &k) == 1 && k >= 1 && k <= VCARD_NEF) {
			if (get_hex(val, img->ef[k], vcard_ef_size[k]))
				goto bad;
		} else {
			goto bad;
		}
	}
	rc = 0;
	goto out;
bad:
	fprintf(stderr, "vcard: %s: not a valid card image (line %d)\n", path, lineno + 1);
out:
	fclose(f);
	return rc;
}

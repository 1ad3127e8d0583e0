/* The encrypted key file of cardio: round trip, versions, a wrong
 * passphrase, a tampered file, a truncated file, import parsing. Prints
 * key check values only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "err.h"
#include "keyfile.h"
#include "rkey.h"

static char dir[64], path[128];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/saledesk-keys.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/keys", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	rmdir(dir);
	return 0;
}

static void test_round_trip_and_rotation(void **state)
{
	struct card_keyring *ring = card_keys_new(), *back = NULL;
	uint8_t transport[16];
	char a[128], b[128];

	(void)state;
	memset(transport, 0x5A, 16);
	assert_int_equal(card_keys_add_version(ring, NULL, transport, 1000), 1);
	assert_int_equal(card_keys_add_version(ring, NULL, NULL, 2000), 2);
	/* the card maker's transport key survives a rotation, the rest is new */
	assert_memory_equal(ring->set[1].mk[0], transport, 16);
	assert_memory_not_equal(ring->set[0].mk[2], ring->set[1].mk[2], 16);
	assert_int_equal(card_keys_save(path, ring, "correct horse battery"), 0);
	assert_int_equal(card_keys_load(path, "correct horse battery", &back), 0);
	assert_int_equal(back->n, 2);
	assert_int_equal(card_keys_newest(back)->version, 2);
	assert_non_null(card_keys_find(back, 1));
	assert_null(card_keys_find(back, 3));
	assert_string_equal(card_keys_kcvs(&back->set[0], a, sizeof(a)),
			    card_keys_kcvs(&ring->set[0], b, sizeof(b)));
	printf("# v1 %s\n", a);
	assert_memory_equal(back->set[1].mk, ring->set[1].mk, sizeof(ring->set[1].mk));
	assert_int_equal(back->set[1].created, 2000);
	/* MK06 is made for every new version, kept, and differs between them */
	assert_true(back->set[0].has_mk06 && back->set[1].has_mk06);
	assert_memory_equal(back->set[1].mk06, ring->set[1].mk06, 16);
	assert_memory_not_equal(ring->set[0].mk06, ring->set[1].mk06, 16);
	assert_non_null(strstr(a, " MK06="));
	assert_null(strstr(a, "MK06=none"));
	card_keys_free(back);
	card_keys_free(ring);
}

static void test_wrong_passphrase_is_refused(void **state)
{
	struct card_keyring *ring = card_keys_new(), *back = (void *)1;

	(void)state;
	assert_int_equal(card_keys_add_version(ring, NULL, NULL, 1), 1);
	assert_int_equal(card_keys_save(path, ring, "the right passphrase"), 0);
	assert_int_equal(card_keys_load(path, "the wrong passphrase", &back), -SD_KEYS_BAD);
	assert_null(back);
	assert_int_equal(card_keys_save(path, ring, "short"), -SD_INVAL);
	card_keys_free(ring);
}

static void flip(long off)
{
	FILE *f = fopen(path, "r+b");
	int c;

	assert_non_null(f);
	fseek(f, off, off < 0 ? SEEK_END : SEEK_SET);
	c = fgetc(f);
	fseek(f, off, off < 0 ? SEEK_END : SEEK_SET);
	fputc(c ^ 0x01, f);
	fclose(f);
}

static void test_tampered_file_is_refused(void **state)
{
	static const long offsets[] = {0, 9, 20, 33, 44, 60, -1};
	struct card_keyring *ring = card_keys_new(), *back = NULL;

	(void)state;
	assert_int_equal(card_keys_add_version(ring, NULL, NULL, 1), 1);
	for (size_t i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
		assert_int_equal(card_keys_save(path, ring, "the right passphrase"), 0);
		flip(offsets[i]);
		assert_int_equal(card_keys_load(path, "the right passphrase", &back), -SD_KEYS_BAD);
		assert_null(back);
	}
	assert_int_equal(card_keys_save(path, ring, "the right passphrase"), 0);
	assert_int_equal(truncate(path, 50), 0);
	assert_int_equal(card_keys_load(path, "the right passphrase", &back), -SD_KEYS_BAD);
	unlink(path);
	assert_int_equal(card_keys_load(path, "the right passphrase", &back), -SD_KEYS_NONE);
	card_keys_free(ring);
}

static void test_import_format(void **state)
{
	struct card_keyset s;
	char text[512] = "# test set\nversion=01\n";

	(void)state;
	for (int i = 0; i < 6; i++) {
		char line[64];
		snprintf(line, sizeof(line), "%d=%X0%X1%X2%X3%X4%X5%X6%X7%X8%X9%XA%XB%XC%XD%XE%XF\n", i,
			 i, i, i, i, i, i, i, i, i, i, i, i, i, i, i, i);
		strcat(text, line);
	}
	assert_int_equal(card_keys_parse(text, &s), 0);
	assert_int_equal(s.version, 1);
	assert_int_equal(s.mk[3][0], 0x30);
	assert_int_equal(s.mk[5][15], 0x5F);
	assert_int_equal(s.has_mk06, 0);
	strcat(text, "6=606162636465666768696A6B6C6D6E6F\n");
	assert_int_equal(card_keys_parse(text, &s), 0);
	assert_int_equal(s.has_mk06, 1);
	assert_int_equal(s.mk06[0], 0x60);
	assert_int_equal(s.mk06[15], 0x6F);
	assert_int_equal(card_keys_parse("version=01\n7=000102030405060708090A0B0C0D0E0F\n", &s),
			 -SD_INVAL);
	assert_int_equal(card_keys_parse("version=01\n0=00\n", &s), -SD_INVAL);
	assert_int_equal(card_keys_parse("version=01\n", &s), -SD_INVAL);
}

/* K_m = HMAC-SHA256(MK06, "SDRK" || meter number)[0..15]; the expected
 * bytes come from `printf SDRK202611000017 | openssl dgst -sha256 -mac
 * HMAC -macopt hexkey:606162636465666768696a6b6c6d6e6f`. */
static void test_recharge_key_derivation(void **state)
{
	static const uint8_t want[16] = {0xc9, 0xc0, 0x74, 0x10, 0x54, 0x73, 0x2e, 0x9f,
					 0xba, 0xbb, 0x7a, 0x16, 0xb8, 0x4d, 0x37, 0x33};
	static const uint8_t want7[16] = {0x72, 0x41, 0x39, 0x33, 0xe3, 0xc6, 0xa2, 0xe6,
					  0x30, 0x41, 0x2b, 0x8f, 0xfa, 0xfa, 0x5b, 0x57};
	uint8_t mk06[16], k[16];

	(void)state;
	for (int i = 0; i < 16; i++)
		mk06[i] = (uint8_t)(0x60 + i);
	assert_int_equal(rkey_derive(mk06, "202611000017", k), 0);
	assert_memory_equal(k, want, 16);
	assert_int_equal(rkey_derive(mk06, "7", k), 0);
	assert_memory_equal(k, want7, 16);
	assert_int_equal(rkey_derive(mk06, "", k), -1);
	assert_int_equal(rkey_derive(mk06, "20261100001A", k), -1);
	assert_int_equal(rkey_derive(mk06, "123456789012345678901", k), -1);
}

/* A format-1 key file (before MK06), written here with OpenSSL directly
 * from the layout of docs/cards.md, still loads: its version has no MK06. */
static void test_format1_file_loads_without_mk06(void **state)
{
	static const char pass[] = "an old passphrase";
	uint8_t hdr[45] = "SDKEYS\0\1", plain[1 + 101], ct[sizeof(plain)], tag[16], key[32];
	uint64_t n = 65536;
	uint32_t r = 8, p = 1;
	OSSL_PARAM par[6];
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "SCRYPT", NULL);
	EVP_KDF_CTX *kctx = EVP_KDF_CTX_new(kdf);
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	struct card_keyring *back = NULL;
	char kcv[160];
	int len;
	FILE *f;

	(void)state;
	hdr[8] = 2;
	hdr[9] = 16;
	hdr[10] = 8;
	hdr[11] = 1;
	for (int i = 13; i < 41; i++)
		hdr[i] = (uint8_t)i;
	hdr[44] = sizeof(plain);
	memset(plain, 0, sizeof(plain));
	plain[0] = 1;
	plain[1] = 1;
	plain[5] = 7;  /* created 7 */
	for (int i = 0; i < 96; i++)
		plain[6 + i] = (uint8_t)i;
	par[0] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, (void *)pass,
						   strlen(pass));
	par[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, hdr + 13, 16);
	par[2] = OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n);
	par[3] = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r);
	par[4] = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p);
	par[5] = OSSL_PARAM_construct_end();
	assert_int_equal(EVP_KDF_derive(kctx, key, 32, par), 1);
	assert_int_equal(EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL), 1);
	assert_int_equal(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, 12, NULL), 1);
	assert_int_equal(EVP_EncryptInit_ex(c, NULL, NULL, key, hdr + 29), 1);
	assert_int_equal(EVP_EncryptUpdate(c, NULL, &len, hdr, 45), 1);
	assert_int_equal(EVP_EncryptUpdate(c, ct, &len, plain, sizeof(plain)), 1);
	assert_int_equal(EVP_EncryptFinal_ex(c, ct + len, &len), 1);
	assert_int_equal(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, tag), 1);
	EVP_CIPHER_CTX_free(c);
	EVP_KDF_CTX_free(kctx);
	EVP_KDF_free(kdf);
	f = fopen(path, "wb");
	assert_non_null(f);
	fwrite(hdr, 1, 45, f);
	fwrite(ct, 1, sizeof(ct), f);
	fwrite(tag, 1, 16, f);
	fclose(f);

	assert_int_equal(card_keys_load(path, pass, &back), 0);
	assert_int_equal(back->n, 1);
	assert_int_equal(back->set[0].created, 7);
	assert_int_equal(back->set[0].mk[5][15], 95);
	assert_int_equal(back->set[0].has_mk06, 0);
	assert_non_null(strstr(card_keys_kcvs(&back->set[0], kcv, sizeof(kcv)), "MK06=none"));
	/* a rotation adds a version with MK06; the old one stays without */
	assert_int_equal(card_keys_add_version(back, NULL, NULL, 8), 2);
	assert_int_equal(card_keys_save(path, back, pass), 0);
	card_keys_free(back);
	assert_int_equal(card_keys_load(path, pass, &back), 0);
	assert_int_equal(back->n, 2);
	assert_int_equal(back->set[0].has_mk06, 0);
	assert_int_equal(back->set[1].has_mk06, 1);
	assert_int_equal(back->set[0].mk[5][15], 95);
	card_keys_free(back);
}

static void write_text(const char *text, mode_t mode)
{
	FILE *f;

	unlink(path);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

/* The service's file: MK06 only, 0600, read back; versions without MK06
 * left out; group-readable, malformed, empty and missing files refused. */
static void test_service_file(void **state)
{
	struct card_keyring *ring = card_keys_new();
	struct card_rkeys rk;
	struct stat sb;
	char text[4096], *line;
	FILE *f;
	size_t n;
	int nv = -1;

	(void)state;
	assert_int_equal(card_keys_add_version(ring, NULL, NULL, 1), 1);
	assert_int_equal(card_keys_add_version(ring, NULL, NULL, 2), 2);
	assert_int_equal(card_keys_add_version(ring, NULL, NULL, 3), 3);
	ring->set[1].has_mk06 = 0; /* version 02 as if made before MK06 */
	assert_int_equal(card_rkeys_export(path, ring, &nv), 0);
	assert_int_equal(nv, 2);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = 0;
	/* no card key in it, in either case */
	for (int v = 0; v < 3; v++)
		for (int k = 0; k < CARD_NKID; k++) {
			char hex[33];
			for (int i = 0; i < 16; i++)
				snprintf(hex + 2 * i, 3, "%02X", ring->set[v].mk[k][i]);
			assert_null(strstr(text, hex));
		}
	line = strstr(text, "\n01 = ");
	assert_non_null(line);
	assert_null(strstr(text, "\n02 = "));
	assert_non_null(strstr(text, "\n03 = "));
	assert_int_equal(card_rkeys_read(path, &rk), 0);
	assert_int_equal(rk.n, 2);
	assert_memory_equal(card_rkeys_find(&rk, 1), ring->set[0].mk06, 16);
	assert_null(card_rkeys_find(&rk, 2));
	assert_memory_equal(card_rkeys_find(&rk, 3), ring->set[2].mk06, 16);

	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(card_rkeys_read(path, &rk), -SD_INVAL);
	assert_int_equal(rk.n, 0);
	assert_int_equal(chmod(path, 0604), 0);
	assert_int_equal(card_rkeys_read(path, &rk), -SD_INVAL);
	assert_int_equal(chmod(path, 0400), 0);
	assert_int_equal(card_rkeys_read(path, &rk), 0);

	write_text("# only a comment, as systemd's SetCredential= default\n", 0600);
	assert_int_equal(card_rkeys_read(path, &rk), -SD_INVAL);
	assert_non_null(strstr(err_detail(), "holds no recharge key"));
	write_text("01 = 000102030405060708090A0B0C0D0E0F\n01 = 000102030405060708090A0B0C0D0E0F\n",
		   0600);
	assert_int_equal(card_rkeys_read(path, &rk), -SD_INVAL); /* a version twice */
	assert_non_null(strstr(err_detail(), "line 2"));
	assert_null(strstr(err_detail(), "0102030405"));
	write_text("01 = 000102030405060708090A0B0C0D0E\n", 0600);
	assert_int_equal(card_rkeys_read(path, &rk), -SD_INVAL); /* short key */
	write_text("80 = 000102030405060708090A0B0C0D0E0F\n", 0600);
	assert_int_equal(card_rkeys_read(path, &rk), -SD_INVAL); /* no such version */
	write_text("7F=000102030405060708090a0b0c0d0e0f\r\n", 0600);
	assert_int_equal(card_rkeys_read(path, &rk), 0);
	assert_int_equal(rk.version[0], 0x7F);
	assert_int_equal(card_rkeys_find(&rk, 0x7F)[15], 0x0F);
	unlink(path);
	assert_int_equal(card_rkeys_read(path, &rk), -SD_NOT_FOUND);

	/* a ring with no MK06 at all writes nothing */
	for (int v = 0; v < 3; v++)
		ring->set[v].has_mk06 = 0;
	assert_int_equal(card_rkeys_export(path, ring, &nv), -SD_STATE);
	assert_int_equal(nv, 0);
	assert_int_equal(access(path, F_OK), -1);
	card_keys_free(ring);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_and_rotation),
		cmocka_unit_test(test_wrong_passphrase_is_refused),
		cmocka_unit_test(test_tampered_file_is_refused),
		cmocka_unit_test(test_import_format),
		cmocka_unit_test(test_recharge_key_derivation),
		cmocka_unit_test(test_format1_file_loads_without_mk06),
		cmocka_unit_test(test_service_file),
	};
	return cmocka_run_group_tests_name("keys_file", tests, setup, teardown);
}

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
#include <unistd.h>
#include <cmocka.h>

#include "err.h"
#include "keyfile.h"

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
	assert_int_equal(card_keys_parse("version=01\n0=00\n", &s), -SD_INVAL);
	assert_int_equal(card_keys_parse("version=01\n", &s), -SD_INVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_and_rotation),
		cmocka_unit_test(test_wrong_passphrase_is_refused),
		cmocka_unit_test(test_tampered_file_is_refused),
		cmocka_unit_test(test_import_format),
	};
	return cmocka_run_group_tests_name("keys_file", tests, setup, teardown);
}

/* money: integer fen, prices in 0.0001 yuan/kWh, energy in Wh, and the one
 * rounding rule of saledesk. No floating point anywhere in here. */
#ifndef SALEDESK_MONEY_H
#define SALEDESK_MONEY_H

#include <stddef.h>
#include <stdint.h>

/* 1 yuan = 100 fen; a price unit is 0.0001 yuan/kWh; energy is in Wh.
 * cost in fen = Wh * price / PRICE_WH_PER_FEN, before rounding. */
#define MONEY_FEN_PER_YUAN 100
#define PRICE_UNITS_PER_YUAN 10000
#define PRICE_WH_PER_FEN 100000 /* Wh * price-units per fen */

/* Largest amount the desk accepts anywhere: 99,999,999.99 yuan. */
#define MONEY_MAX_FEN INT64_C(9999999999)

/* Flags for money_parse(). */
enum money_parse_flags {
	MONEY_ALLOW_NEGATIVE = 1 << 0,
	MONEY_ALLOW_ZERO = 1 << 1,
};

/* Divides num by den (den > 0) and rounds to the nearest integer, halves
 * away from zero (四舍五入); the single rounding rule for every money and
 * energy conversion. Returns 0, or SD_OVERFLOW if the result cannot be
 * represented. */
int money_round_div(int64_t num, int64_t den, int64_t *out);

/* Same rule for a 128-bit numerator, for products like Wh * price. */
int money_round_div128(__int128 num, int64_t den, int64_t *out);

/* Parses what a cashier typed ("12", "12.3", "12.30", "¥12", full-width
 * digits, surrounding blanks) into fen. Returns 0, or a negative SD_ code
 * whose message says why (too many decimals, not a number, negative, zero,
 * too large). */
int money_parse(const char *text, unsigned flags, int64_t *fen);

/* Parses a price in yuan/kWh with up to four decimals ("0.588",
 * "0.5883") into 0.0001 yuan units. Same error codes as money_parse(). */
int price_parse(const char *text, int64_t *units);

/* Parses energy in kWh with up to three decimals into Wh. */
int energy_parse(const char *text, unsigned flags, int64_t *wh);

/* Formats fen as "1234.50" (no separators) into buf; returns buf. */
char *money_format(int64_t fen, char *buf, size_t len);

/* Formats fen for screens and receipts: "1,234.50". Returns buf. */
char *money_format_grouped(int64_t fen, char *buf, size_t len);

/* Formats a price as yuan/kWh with four decimals, "0.5883". Returns buf. */
char *price_format(int64_t units, char *buf, size_t len);

/* Formats Wh as kWh with two decimals, "12.35" (rounded by the one rule).
 * Returns buf. */
char *energy_format(int64_t wh, char *buf, size_t len);

/* Writes fen in the capital numerals of cheques and receipts (人民币大写:
 * "壹仟零伍元整", "壹元零伍分", negative with "负") into buf and returns buf;
 * 192 bytes hold any int64_t, 80 any amount up to MONEY_MAX_FEN. If the
 * text does not fit, buf is set to "". */
char *money_capital(int64_t fen, char *buf, size_t len);

/* Enough room for any formatted amount, price or energy. */
#define MONEY_BUFSZ 32

#endif

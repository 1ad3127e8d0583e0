/* reader: PC/SC-Lite, as pcsc-tools and OpenSC use it. */
#include "reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <winscard.h>

#include "err.h"
#include "log.h"

struct card_reader {
	SCARDCONTEXT ctx;
	int have_ctx;
	SCARDHANDLE h;
	int connected;
	DWORD proto;
	char want[READER_NAME_MAX];  /* as configured, "" = any single one */
	char name[READER_NAME_MAX];
	DWORD state;                 /* last dwEventState seen by reader_wait */
	unsigned long apdus, bytes;
};

static int pcsc_err(LONG rv, const char *what)
{
	switch (rv) {
	case SCARD_E_NO_SERVICE:
	case SCARD_E_SERVICE_STOPPED:
		return err_set(-SD_PCSC_DOWN, "%s: %s", what, pcsc_stringify_error(rv));
	case SCARD_E_NO_READERS_AVAILABLE:
	case SCARD_E_UNKNOWN_READER:
	case SCARD_E_READER_UNAVAILABLE:
		return err_set(-SD_NO_READER, "%s: %s; plug the reader in and check [reader] name",
			       what, pcsc_stringify_error(rv));
	case SCARD_E_NO_SMARTCARD:
		return err_set(-SD_NO_CARD, "%s: insert a card", what);
	case SCARD_W_REMOVED_CARD:
		return err_set(-SD_CARD_PULLED, "%s: the card was removed", what);
	case SCARD_E_TIMEOUT:
		return err_set(-SD_TIMEOUT, "%s", what);
	case SCARD_E_CANCELLED:
		return err_set(-SD_CARD_CANCELLED, "%s", what);
	default:
		return err_set(-SD_IO, "%s: PC/SC error 0x%08lX (%s)", what, (unsigned long)rv,
			       pcsc_stringify_error(rv));
	}
}

static int establish(struct card_reader *r)
{
	LONG rv;

	if (r->have_ctx)
		return 0;
	rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &r->ctx);
	if (rv != SCARD_S_SUCCESS)
		return pcsc_err(rv == SCARD_E_NO_SERVICE ? rv : SCARD_E_NO_SERVICE,
				"cannot reach pcscd");
	r->have_ctx = 1;
	return 0;
}

static void drop_ctx(struct card_reader *r)
{
	if (r->connected)
		SCardDisconnect(r->h, SCARD_LEAVE_CARD);
	r->connected = 0;
	if (r->have_ctx)
		SCardReleaseContext(r->ctx);
	r->have_ctx = 0;
}

/* Reads the reader list (a multi-string) into a malloc'd buffer. */
static int list_names(SCARDCONTEXT ctx, char **out)
{
	DWORD len = SCARD_AUTOALLOCATE;
	char *auto_buf = NULL, *copy;
	LONG rv = SCardListReaders(ctx, NULL, (LPSTR)&auto_buf, &len);

	*out = NULL;
	if (rv != SCARD_S_SUCCESS)
		return pcsc_err(rv, "no card reader found");
	copy = malloc(len);
	if (!copy) {
		SCardFreeMemory(ctx, auto_buf);
		return err_set(-SD_NOMEM, "reader list");
	}
	memcpy(copy, auto_buf, len);
	SCardFreeMemory(ctx, auto_buf);
	*out = copy;
	return 0;
}

static int card_in(SCARDCONTEXT ctx, const char *name)
{
	SCARD_READERSTATE st;

	memset(&st, 0, sizeof(st));
	st.szReader = name;
	st.dwCurrentState = SCARD_STATE_UNAWARE;
	if (SCardGetStatusChange(ctx, 0, &st, 1) != SCARD_S_SUCCESS)
		return 0;
	return (st.dwEventState & SCARD_STATE_PRESENT) != 0;
}

/* Chooses r->name among the readers pcscd lists. */
static int pick(struct card_reader *r)
{
	char *names = NULL, *p, *hit = NULL, *with_card = NULL;
	int n = 0, nhit = 0, ncard = 0, rc;

	if ((rc = establish(r)))
		return rc;
	if ((rc = list_names(r->ctx, &names))) {
		if (rc == -SD_PCSC_DOWN)
			drop_ctx(r);
		return rc;
	}
	for (p = names; *p; p += strlen(p) + 1) {
		n++;
		if (r->want[0]) {
			if (!strcmp(p, r->want)) {
				hit = p;
				nhit = 1;
				break;
			}
			if (!strncmp(p, r->want, strlen(r->want))) {
				hit = p;
				nhit++;
			}
		} else if (card_in(r->ctx, p)) {
			with_card = p;
			ncard++;
		}
	}
	if (!r->want[0]) {
		if (n == 1) {
			hit = names;
			nhit = 1;
		} else if (ncard == 1) {
			hit = with_card;
			nhit = 1;
		}
	}
	if (nhit != 1) {
		rc = err_set(-SD_NO_READER, r->want[0] ? "no single reader named \"%s\" among the %d "
							  "connected; check [reader] name"
							: "%s%d readers are connected; name one in [reader] name",
			     r->want, n);
		goto out;
	}
	snprintf(r->name, sizeof(r->name), "%s", hit);
	rc = 0;
out:
	free(names);
	return rc;
}

int reader_open(const char *name, struct card_reader **out)
{
	struct card_reader *r = calloc(1, sizeof(*r));
	int rc;

	*out = NULL;
	if (!r)
		return err_set(-SD_NOMEM, "reader");
	snprintf(r->want, sizeof(r->want), "%s", name ? name : "");
	r->state = SCARD_STATE_UNAWARE;
	if ((rc = pick(r))) {
		reader_free(r);
		return rc;
	}
	log_debug("reader: using \"%s\"", r->name);
	*out = r;
	return 0;
}

void reader_free(struct card_reader *r)
{
	if (!r)
		return;
	drop_ctx(r);
	free(r);
}

const char *reader_name(const struct card_reader *r)
{
	return r->name;
}

int reader_list(void (*fn)(const char *name, int card_present, void *ctx), void *ctx)
{
	SCARDCONTEXT c;
	char *names = NULL;
	LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &c);
	int rc;

	if (rv != SCARD_S_SUCCESS)
		return pcsc_err(SCARD_E_NO_SERVICE, "cannot reach pcscd");
	if (!(rc = list_names(c, &names)))
		for (char *p = names; *p; p += strlen(p) + 1)
			fn(p, card_in(c, p), ctx);
	free(names);
	SCardReleaseContext(c);
	return rc;
}

int reader_wait(struct card_reader *r, int present, int timeout_ms, unsigned *events)
{
	SCARD_READERSTATE st;
	LONG rv;
	int rc;

	if (!r->have_ctx || !r->name[0]) {
		if ((rc = pick(r)))
			return rc;
		r->state = SCARD_STATE_UNAWARE;
	}
	for (;;) {
		memset(&st, 0, sizeof(st));
		st.szReader = r->name;
		/* the counter in the upper 16 bits goes back in, so a removal
		 * and reinsertion between two calls is still reported */
		st.dwCurrentState = r->state;
		rv = SCardGetStatusChange(r->ctx, timeout_ms < 0 ? INFINITE : (DWORD)timeout_ms,
					  &st, 1);
		if (rv == SCARD_E_TIMEOUT || rv == SCARD_E_CANCELLED)
			return pcsc_err(rv, rv == SCARD_E_TIMEOUT ? "no card change" : "wait cancelled");
		if (rv != SCARD_S_SUCCESS) {
			rc = pcsc_err(rv, "waiting for a card");
			if (rc == -SD_PCSC_DOWN || rc == -SD_NO_READER || rc == -SD_IO) {
				/* start over at the next call: pcscd or the reader
				 * may come back */
				drop_ctx(r);
				r->name[0] = 0;
			}
			return rc;
		}
		r->state = st.dwEventState & ~(DWORD)SCARD_STATE_CHANGED;
		if (events)
			*events = (unsigned)(st.dwEventState >> 16) & 0xFFFFu;
		if (st.dwEventState & (SCARD_STATE_UNKNOWN | SCARD_STATE_UNAVAILABLE)) {
			drop_ctx(r);
			r->name[0] = 0;
			return err_set(-SD_NO_READER, "the reader went away; plug it in again");
		}
		if (!!(st.dwEventState & SCARD_STATE_PRESENT) == !!present)
			return 0;
	}
}

int reader_cancel(struct card_reader *r)
{
	LONG rv = r->have_ctx ? SCardCancel(r->ctx) : SCARD_S_SUCCESS;

	return rv == SCARD_S_SUCCESS ? 0 : pcsc_err(rv, "cancel");
}

int reader_connect(struct card_reader *r, uint8_t *atr, size_t *atr_len)
{
	char name[READER_NAME_MAX];
	DWORD nlen = sizeof(name), state, proto, alen = READER_ATR_MAX;
	LONG rv;
	int rc;

	if (!r->have_ctx || !r->name[0]) {
		if ((rc = pick(r)))
			return rc;
	}
	if (r->connected) {
		SCardDisconnect(r->h, SCARD_LEAVE_CARD);
		r->connected = 0;
	}
	/* A card just inserted (or left by a client that died mid-exchange)
	 * can fail its first power-up or protocol negotiation; pcscd then
	 * says "protocol mismatch" or "unresponsive" once. Try again briefly
	 * before telling the cashier anything. */
	for (int tries = 0;; tries++) {
		rv = SCardConnect(r->ctx, r->name, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0, &r->h,
				  &r->proto);
		if (tries >= 4 || (rv != SCARD_E_PROTO_MISMATCH && rv != SCARD_W_UNRESPONSIVE_CARD &&
				   rv != SCARD_W_UNPOWERED_CARD && rv != SCARD_W_RESET_CARD))
			break;
		log_debug("reader: connect: %s; trying again", pcsc_stringify_error(rv));
		nanosleep(&(struct timespec){ 0, 100000000L }, NULL);
	}
	if (rv == SCARD_E_NO_SERVICE || rv == SCARD_E_SERVICE_STOPPED) {
		drop_ctx(r);
		r->name[0] = 0;
	}
	if (rv == SCARD_W_REMOVED_CARD || rv == SCARD_E_NO_SMARTCARD)
		return err_set(-SD_NO_CARD, "no card in %s: insert a card", r->name);
	if (rv != SCARD_S_SUCCESS)
		return pcsc_err(rv, "cannot connect to the card");
	r->connected = 1;
	rv = SCardStatus(r->h, name, &nlen, &state, &proto, atr, &alen);
	if (rv != SCARD_S_SUCCESS)
		return pcsc_err(rv, "cannot read the card's ATR");
	*atr_len = alen;
	log_debug("reader: card in \"%s\", ATR %zu bytes", r->name, (size_t)alen);
	return 0;
}

void reader_disconnect(struct card_reader *r, int reset)
{
	if (r->connected)
		SCardDisconnect(r->h, reset ? SCARD_RESET_CARD : SCARD_LEAVE_CARD);
	r->connected = 0;
}

static int reconnect(struct card_reader *r)
{
	LONG rv = SCardReconnect(r->h, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0, SCARD_LEAVE_CARD,
				 &r->proto);

	log_debug("reader: card was reset, reconnect: %s", pcsc_stringify_error(rv));
	return rv == SCARD_S_SUCCESS ? 0 : pcsc_err(rv, "cannot reconnect to the card");
}

/* Tests only (SALEDESK_FAULT=reader:reset): before the process's first
 * transaction, another handle resets the card through pcscd, as another
 * program on this PC would, so the reconnect below is exercised against
 * the real stack. */
static void fault_foreign_reset(struct card_reader *r)
{
	static int done;
	const char *f = getenv("SALEDESK_FAULT");
	SCARDHANDLE h2;
	DWORD proto;

	if (done || !f || strcmp(f, "reader:reset"))
		return;
	done = 1;
	if (SCardConnect(r->ctx, r->name, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0, &h2, &proto) ==
	    SCARD_S_SUCCESS)
		SCardDisconnect(h2, SCARD_RESET_CARD);
}

int reader_begin(struct card_reader *r)
{
	LONG rv;
	int rc;

	if (!r->connected)
		return err_set(-SD_NO_CARD, "insert a card");
	fault_foreign_reset(r);
	rv = SCardBeginTransaction(r->h);
	if (rv == SCARD_W_RESET_CARD) {
		if ((rc = reconnect(r)))
			return rc;
		rv = SCardBeginTransaction(r->h);
	}
	if (rv == SCARD_W_REMOVED_CARD || rv == SCARD_E_NO_SMARTCARD)
		return err_set(-SD_NO_CARD, "the card was taken out: insert it again");
	return rv == SCARD_S_SUCCESS ? 0 : pcsc_err(rv, "cannot reserve the card");
}

void reader_end(struct card_reader *r)
{
	if (r->connected)
		SCardEndTransaction(r->h, SCARD_LEAVE_CARD);
}

/* Hex of n bytes into out, with bytes [m0, m1) shown as "**". */
static void hexmask(char *out, size_t cap, const uint8_t *p, size_t n, size_t m0, size_t m1)
{
	size_t o = 0;

	out[0] = 0;
	for (size_t i = 0; i < n && o + 3 < cap; i++)
		o += (size_t)snprintf(out + o, cap - o, i >= m0 && i < m1 ? "**" : "%02X", p[i]);
}

/* Logs one exchange at debug level. Masked: the cryptogram of EXTERNAL
 * AUTHENTICATE, the wrapped keys of PERSONALISE, the MAC at the end of
 * every secure-messaging command and MAC read, and the data of a GET
 * RESPONSE (the card's internal-auth cryptogram). */
static void log_apdu(const uint8_t *a, size_t n, const uint8_t *resp, size_t rn, uint16_t sw)
{
	char cmd[600], rsp[600];
	size_t c0 = n, c1 = n, r0 = rn, r1 = rn;

	if (log_get_level() > LOG_DEBUG)
		return;
	if (n > 5 && a[1] == 0x82)
		c0 = 5;
	else if (n > 5 && a[0] == 0x84 && a[1] == 0xE0)
		c0 = 5;
	else if (n > 13 && (a[0] == 0x04 || a[0] == 0x84))
		c0 = n - 8;
	if (rn && a[1] == 0xC0)
		r0 = 0;
	else if (rn >= 8 && a[0] == 0x04 && a[1] == 0xB0)
		r0 = rn - 8;
	hexmask(cmd, sizeof(cmd), a, n, c0, c1);
	hexmask(rsp, sizeof(rsp), resp, rn, r0, r1);
	log_debug("apdu > %s", cmd);
	log_debug("apdu < %s %04X", rsp, sw);
}

/* One SCardTransmit: raw response with its SW. */
static int xmit1(struct card_reader *r, const uint8_t *apdu, size_t n, uint8_t *resp,
		 size_t *rlen, uint16_t *sw)
{
	uint8_t buf[258 + 2];
	DWORD len = sizeof(buf);
	SCARD_IO_REQUEST recv = {0, sizeof(SCARD_IO_REQUEST)};
	LONG rv;

	if (!r->connected)
		return err_set(-SD_NO_CARD, "insert a card");
	rv = SCardTransmit(r->h, SCARD_PCI_T0, apdu, (DWORD)n, &recv, buf, &len);
	r->apdus++;
	r->bytes += n;
	if (rv == SCARD_W_RESET_CARD) {
		reconnect(r);
		return err_set(-SD_STATE, "another program reset the card; nothing was written "
					  "by this step: repeat the operation");
	}
	if (rv != SCARD_S_SUCCESS || len < 2) {
		log_debug("apdu > %02X %02X %02X %02X: no answer (%s)", apdu[0], apdu[1], apdu[2],
			  apdu[3], rv != SCARD_S_SUCCESS ? pcsc_stringify_error(rv) : "short");
		return err_set(-SD_CARD_PULLED, "no answer to %02X %02X (%s)", apdu[0], apdu[1],
			       rv != SCARD_S_SUCCESS ? pcsc_stringify_error(rv)
						     : "fewer than two bytes");
	}
	r->bytes += len;
	*sw = (uint16_t)(buf[len - 2] << 8 | buf[len - 1]);
	*rlen = len - 2;
	memcpy(resp, buf, len - 2);
	log_apdu(apdu, n, buf, len - 2, *sw);
	return 0;
}

int reader_transmit(struct card_reader *r, const uint8_t *apdu, size_t n, uint8_t *resp,
		    size_t cap, size_t *rlen, uint16_t *sw)
{
	uint8_t tmp[258], again[5 + 256];
	size_t tl = 0, total = 0;
	int rc, guard = 0;

	if (n < 4 || n > sizeof(again))
		return err_set(-SD_INVAL, "APDU of %zu bytes", n);
	if ((rc = xmit1(r, apdu, n, tmp, &tl, sw)))
		return rc;
	/* 6Cxx: the same case-2 command again with Le = xx (OpenSC's rule) */
	if ((*sw & 0xFF00) == 0x6C00 && n == 5) {
		memcpy(again, apdu, 5);
		again[4] = (uint8_t)(*sw & 0xFF);
		if ((rc = xmit1(r, again, 5, tmp, &tl, sw)))
			return rc;
	}
	if (tl > cap)
		return err_set(-SD_CARD_SW, "answer of %zu bytes, room for %zu", tl, cap);
	memcpy(resp, tmp, tl);
	total = tl;
	/* 61xx: fetch the rest with GET RESPONSE, as often as it says */
	while ((*sw & 0xFF00) == 0x6100 && guard++ < 16) {
		uint8_t gr[5] = {0x00, 0xC0, 0x00, 0x00, (uint8_t)(*sw & 0xFF)};
		if ((rc = xmit1(r, gr, 5, tmp, &tl, sw)))
			return rc;
		if ((*sw & 0xFF00) == 0x6C00) {
			gr[4] = (uint8_t)(*sw & 0xFF);
			if ((rc = xmit1(r, gr, 5, tmp, &tl, sw)))
				return rc;
		}
		if (total + tl > cap)
			return err_set(-SD_CARD_SW, "answer longer than %zu bytes", cap);
		memcpy(resp + total, tmp, tl);
		total += tl;
	}
	*rlen = total;
	return 0;
}

void reader_counters(const struct card_reader *r, unsigned long *apdus, unsigned long *bytes)
{
	*apdus = r->apdus;
	*bytes = r->bytes;
}

void reader_reset_counters(struct card_reader *r)
{
	r->apdus = 0;
	r->bytes = 0;
}

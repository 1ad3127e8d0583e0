/* peer_naive: the plain libmodbus poller the service is compared with in
 * tests/bench/bench_sites.sh (issue 7 §8). It reads each meter's live
 * values the way a straightforward script does: one FC03 per value (33
 * values of the single-phase live block, docs/meter-map.md §3.1: a
 * 32-bit value is one read of 2 registers, a 16-bit one a read of 1),
 * libmodbus's default timeouts (0.5 s response, 0.5 s byte), no
 * off-scan for silent meters. Not part of saledesk: the one place
 * besides src/bus.c that includes modbus.h, because it is the peer.
 *
 *   peer_naive rtu DEVICE BAUD FIRST LAST     (8N1)
 *   peer_naive tcp HOST PORT FIRST LAST
 *
 * Prints one line: cycle_ms= requests= errors= for one pass over the
 * unit ids FIRST..LAST. */
#include <errno.h>
#include <modbus.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Start address and width (registers) of each value of the live block. */
static const struct { int addr, n; } values[] = {
	{ 0x00, 2 }, { 0x02, 2 }, { 0x04, 2 }, { 0x06, 2 }, { 0x08, 2 },
	{ 0x0A, 1 }, { 0x0B, 1 }, { 0x0C, 1 }, { 0x0D, 1 }, { 0x0E, 1 },
	{ 0x0F, 1 }, { 0x10, 1 }, { 0x11, 1 },
	{ 0x12, 2 }, { 0x14, 2 }, { 0x16, 2 },
	{ 0x18, 1 }, { 0x19, 1 }, { 0x1A, 1 }, { 0x1B, 1 }, { 0x1C, 1 }, { 0x1D, 1 },
	{ 0x1E, 2 }, { 0x20, 2 }, { 0x22, 2 }, { 0x24, 2 }, { 0x26, 2 }, { 0x28, 2 },
	{ 0x2A, 2 }, { 0x2C, 2 },
	{ 0x2E, 1 }, { 0x2F, 1 },
	{ 0x30, 2 },
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	modbus_t *ctx;
	uint16_t regs[4];
	int first, last, unit, requests = 0, errors = 0;
	size_t k;
	int64_t t0;

	if (argc != 6 || (strcmp(argv[1], "rtu") && strcmp(argv[1], "tcp"))) {
		fprintf(stderr, "usage: peer_naive rtu DEVICE BAUD FIRST LAST | "
				"tcp HOST PORT FIRST LAST\n");
		return 2;
	}
	first = atoi(argv[4]);
	last = atoi(argv[5]);
	if (!strcmp(argv[1], "rtu"))
		ctx = modbus_new_rtu(argv[2], atoi(argv[3]), 'N', 8, 1);
	else
		ctx = modbus_new_tcp(argv[2], atoi(argv[3]));
	if (!ctx || modbus_connect(ctx) == -1) {
		fprintf(stderr, "peer_naive: %s\n", modbus_strerror(errno));
		return 1;
	}
	t0 = now_ms();
	for (unit = first; unit <= last; unit++) {
		modbus_set_slave(ctx, unit);
		for (k = 0; k < sizeof(values) / sizeof(values[0]); k++) {
			requests++;
			if (modbus_read_registers(ctx, values[k].addr, values[k].n, regs) !=
			    values[k].n)
				errors++;
		}
	}
	printf("cycle_ms=%lld requests=%d errors=%d\n", (long long)(now_ms() - t0), requests,
	       errors);
	modbus_close(ctx);
	modbus_free(ctx);
	return 0;
}

/* probe: "metersim -x TARGET [-C] [-w MS] HEX", a raw client for tests:
 * sends bytes exactly as given (malformed frames included) to a pty or a
 * TCP address, and prints what comes back and how long it took. No
 * libmodbus on purpose: a test must be able to send what libmodbus would
 * refuse to. */
#include "probe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "rtu.h"
#include "simclock.h"

#define PROBE_MAX 1024
#define PROBE_IDLE_MS 30 /* silence after the last byte that ends a reply */

static int parse_hex(const char *text, uint8_t *out, size_t *n)
{
	unsigned x;

	*n = 0;
	while (*text) {
		if (*text == ' ' || *text == ':' || *text == ',') {
			text++;
			continue;
		}
		if (*n >= PROBE_MAX - 2 || sscanf(text, "%2x", &x) != 1 ||
		    !text[1])
			return -1;
		out[(*n)++] = (uint8_t)x;
		text += 2;
	}
	return 0;
}

static int open_target(const char *target)
{
	struct sockaddr_in sa;
	char host[64];
	unsigned port;
	int fd;

	if (sscanf(target, "tcp:%63[^:]:%u", host, &port) == 2) {
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		memset(&sa, 0, sizeof(sa));
		sa.sin_family = AF_INET;
		sa.sin_port = htons((uint16_t)port);
		if (fd < 0 || inet_pton(AF_INET, host, &sa.sin_addr) != 1 ||
		    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
			if (fd >= 0)
				close(fd);
			return -1;
		}
		return fd;
	}
	fd = open(target, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd >= 0) {
		struct termios tio;

		if (tcgetattr(fd, &tio) == 0) {
			cfmakeraw(&tio);
			tcsetattr(fd, TCSANOW, &tio);
		}
		tcflush(fd, TCIOFLUSH);
	}
	return fd;
}

int probe_main(int argc, char **argv)
{
	uint8_t req[PROBE_MAX], rsp[PROBE_MAX];
	char hex[4 * PROBE_MAX];
	size_t n = 0, got = 0, k;
	const char *target = NULL;
	int wait_ms = 1000, crc = 0, opt, fd, rc = 1;
	uint64_t t0, t_last = 0;

	optind = 1;
	while ((opt = getopt(argc, argv, "x:Cw:")) != -1) {
		if (opt == 'x')
			target = optarg;
		else if (opt == 'C')
			crc = 1;
		else if (opt == 'w')
			wait_ms = atoi(optarg);
		else
			return 2;
	}
	hex[0] = '\0';
	for (k = (size_t)optind; k < (size_t)argc; k++) {
		strncat(hex, argv[k], sizeof(hex) - strlen(hex) - 1);
		strncat(hex, " ", sizeof(hex) - strlen(hex) - 1);
	}
	if (!target || parse_hex(hex, req, &n)) {
		fprintf(stderr, "usage: metersim -x DEVICE|tcp:HOST:PORT [-C] "
				"[-w MS] [HEXBYTES...]\n");
		return 2;
	}
	if (crc)
		n = rtu_seal(req, n);
	fd = open_target(target);
	if (fd < 0) {
		fprintf(stderr, "metersim: %s: %s\n", target, strerror(errno));
		return 1;
	}
	t0 = simclock_mono_us();
	if (write(fd, req, n) != (ssize_t)n)
		goto out;
	for (;;) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		int ms = got ? PROBE_IDLE_MS
			     : wait_ms - (int)((simclock_mono_us() - t0) / 1000);
		ssize_t r;

		if (ms <= 0 || poll(&pfd, 1, ms) <= 0)
			break;
		r = read(fd, rsp + got, sizeof(rsp) - got);
		if (r <= 0)
			break;
		got += (size_t)r;
		t_last = simclock_mono_us();
		if (got == sizeof(rsp))
			break;
	}
	if (got == 0) {
		printf("silence\n");
	} else {
		printf("reply ");
		for (k = 0; k < got; k++)
			printf("%02x", rsp[k]);
		printf(" us=%llu\n", (unsigned long long)(t_last - t0));
	}
	rc = 0;
out:
	close(fd);
	return rc;
}

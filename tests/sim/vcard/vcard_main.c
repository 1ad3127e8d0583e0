/* vcard: command-line entry. `vcard run` puts a card in pcscd's vpcd
 * reader; `vcard ctl` talks to a running card; `vcard image ...` creates and
 * inspects card images offline; `vcard vectors` prints the spec's test
 * vectors. */
#include "vcard.h"
#include "vcard_run.h"
#include "vcard_tool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f,
		"usage:\n"
		"  vcard run [--image FILE] [--ctl SOCKET] [--host ADDR] [--port N] [--removed] [-v]\n"
		"  vcard ctl SOCKET insert [IMAGE] | remove | tear N [commit|drop] | status | quit\n"
		"  vcard image new FILE [--serial HEX16] [--keys KEYSET]\n"
		"  vcard image personalise FILE --keys KEYSET [--type user|check|reset|clear|setting]\n"
		"        [--subtype opening|purchase|replacement] [--utility N] [--account DIGITS]\n"
		"        [--meter DIGITS]... [--time UNIX]\n"
		"  vcard image purchase FILE --keys KEYSET --seq N --amount N [--unit fen|wh]\n"
		"        [--cumulative N] [--alarms A1,A2,A3] [--credit-limit N] [--hoard-limit N] [--time UNIX]\n"
		"  vcard image order FILE --keys KEYSET [--target DIGITS] [--uses N] [--valid-until UNIX]\n"
		"        [--operator N] [--preset N] [--version N] [--alarms A1,A2,A3]\n"
		"        [--credit-limit N] [--hoard-limit N] [--power-limit W]   (reset/clear/setting cards)\n"
		"  vcard image meter-insert FILE --keys KEYSET --meter-state FILE [--meter-no DIGITS] [--time UNIX]\n"
		"  vcard image show FILE [--keys KEYSET]\n"
		"  vcard image apdu FILE HEX...    (offline exchange, one session)\n"
		"  vcard vectors\n"
		"KEYSET is \"test\", \"other\" (test-only sets of docs/card-spec.md) or a key file.\n");
}

static int cmd_run(int argc, char **argv)
{
	struct vcard_run_opts o = {.host = "127.0.0.1", .port = 35963};

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--image") && i + 1 < argc)
			o.image_path = argv[++i];
		else if (!strcmp(argv[i], "--ctl") && i + 1 < argc)
			o.ctl_path = argv[++i];
		else if (!strcmp(argv[i], "--host") && i + 1 < argc)
			o.host = argv[++i];
		else if (!strcmp(argv[i], "--port") && i + 1 < argc)
			o.port = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--removed"))
			o.start_removed = 1;
		else if (!strcmp(argv[i], "-v"))
			o.verbose = 1;
		else {
			usage(stderr);
			return 2;
		}
	}
	if (o.port <= 0 || o.port > 65535) {
		fprintf(stderr, "vcard: bad port\n");
		return 2;
	}
	return vcard_run(&o);
}

static int cmd_ctl(int argc, char **argv)
{
	char line[4200];
	size_t len = 0;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	line[0] = '\0';
	for (int i = 1; i < argc; i++) {
		int k = snprintf(line + len, sizeof line - len, "%s%s", i > 1 ? " " : "", argv[i]);
		if (k < 0 || (size_t)k >= sizeof line - len)
			return 2;
		len += (size_t)k;
	}
	return vcard_ctl(argv[0], line);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 2, argv + 2);
	if (!strcmp(argv[1], "ctl"))
		return cmd_ctl(argc - 2, argv + 2);
	if (!strcmp(argv[1], "image"))
		return vcard_tool(argc - 2, argv + 2);
	if (!strcmp(argv[1], "vectors"))
		return vcard_vectors();
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	usage(stderr);
	return 2;
}

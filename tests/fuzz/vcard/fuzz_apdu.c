/* fuzz_apdu: libFuzzer target for the vcard APDU engine. Input: one byte
 * choosing the starting state (0 blank card at MF, 1 personalised card,
 * 2 personalised and authenticated with the desk key, 3 with the meter
 * key), then APDUs as [length byte][bytes]. Every answer must end in a
 * status word and fit the response buffer. Build: see README.md. */
#include "vcard_desk.h"

#include <stdlib.h>
#include <string.h>

static struct vcard_keyset fuzz_ks;
static struct vcard_image fuzz_blank, fuzz_user;

static void fuzz_init(void)
{
	static const uint8_t serial[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	struct vcard_desk d;
	struct vcard_info info;

	vcard_keyset_load("test", &fuzz_ks);
	vcard_image_blank(&fuzz_blank, serial, &fuzz_ks);
	fuzz_user = fuzz_blank;
	memset(&info, 0, sizeof info);
	info.card_type = 1;
	info.subtype = 1;
	info.nmeters = 1;
	vcard_desk_open(&d, &fuzz_user, &fuzz_ks);
	if (vcard_desk_personalise(&d, &info))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct vcard_image img;
	struct vcard_desk d;
	struct vcard_rapdu r;
	size_t i = 1;

	if (!ready) {
		fuzz_init();
		ready = 1;
	}
	if (size < 1)
		return 0;
	img = (data[0] & 3) == 0 ? fuzz_blank : fuzz_user;
	vcard_desk_open(&d, &img, &fuzz_ks);
	if ((data[0] & 3) >= 2 &&
	    vcard_desk_auth(&d, (data[0] & 3) == 2 ? VCARD_KID_SALE : VCARD_KID_METER))
		abort();
	while (i < size) {
		size_t n = data[i++];
		if (n > size - i)
			n = size - i;
		vcard_apdu_process(&img, &d.ses, data + i, n, &r);
		if (r.len < 2 || r.len > sizeof r.buf)
			abort();
		i += n;
	}
	return 0;
}

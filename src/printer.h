/* printer: the three places a rendered receipt can go. The desk never
 * waits on a printer for long, and a printer that is off or out of paper
 * is reported, not fatal: the sale is already complete and the receipt
 * can be reprinted from the receipts table. */
#ifndef SALEDESK_PRINTER_H
#define SALEDESK_PRINTER_H

#include <stddef.h>

/* How long one chunk may wait for the printer, and all of it together. */
#define PRINTER_CHUNK_TIMEOUT_MS 5000
#define PRINTER_TOTAL_TIMEOUT_MS 30000

/* Sends len bytes to target (the caller keeps data):
 * - a device path ("/dev/usb/lp0", any path not starting with file: or
 *   cups:), opened O_NONBLOCK|O_WRONLY|O_NOCTTY and written with poll(),
 *   at most PRINTER_CHUNK_TIMEOUT_MS a chunk and PRINTER_TOTAL_TIMEOUT_MS
 *   in all, so a stalled printer cannot hang the desk;
 * - "file:PATH": appends, creating the file 0600;
 * - "cups:QUEUE": runs `lp -d QUEUE -o raw` via posix_spawnp with the data
 *   on stdin and its output discarded; exit status checked.
 * Errors: -SD_PRINTER_OFF (ENOENT, ENXIO, ENODEV, EIO, EBUSY and the like
 * on a device, a timeout, a file that cannot be written, lp missing or
 * failing; the detail names the device, file or queue), -SD_PRINTER_PAPER
 * (ENOSPC from a device: the Linux usblp driver reports paper-out as
 * ENOSPC), -SD_CONFIG for an empty target. SIGPIPE is blocked in the
 * calling thread only during the call and a SIGPIPE it raised is consumed
 * (sigtimedwait), so a dead lp or pipe cannot kill the desk. */
int printer_send(const char *target, const void *data, size_t len);

struct config;

/* Prints a test page on the configured printer ([printer] device, format
 * and width): a title, the desk's time, a ruler of the full width, a line
 * of Chinese and the character set, so a person sees the width, the
 * encoding and the cut. zh chooses the Chinese labels. Same errors as
 * printer_send(); -SD_PRINTER_OFF with a detail when no printer is
 * configured. */
int printer_test_page(const struct config *cfg, int zh);

#endif

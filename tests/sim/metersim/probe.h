/* probe: raw request/response client mode of metersim, for tests. */
#ifndef METERSIM_PROBE_H
#define METERSIM_PROBE_H

/* Runs "metersim -x TARGET [-C] [-w MS] HEX"; returns the exit status.
 * Prints "reply HEX us=N" (N: microseconds from the write to the last
 * byte read) or "silence". */
int probe_main(int argc, char **argv);

#endif

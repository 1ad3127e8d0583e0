/* simclock: the simulator's clock (site local time running accel times
 * real time, plus explicit advances) and the one lock over all model
 * state. */
#ifndef METERSIM_SIMCLOCK_H
#define METERSIM_SIMCLOCK_H

#include <stdint.h>

/* Starts the clock at local epoch start, running accel x real time. */
void simclock_init(int64_t start, unsigned accel);

/* Returns the simulator's local time in seconds (local epoch). */
int64_t simclock_now(void);

/* Changes the acceleration from now on (no jump). */
void simclock_set_accel(unsigned accel);

/* Returns the acceleration. */
unsigned simclock_accel(void);

/* Moves simulated time forward by seconds (time passes: meters consume). */
void simclock_advance(int64_t seconds);

/* Returns CLOCK_MONOTONIC in microseconds. */
uint64_t simclock_mono_us(void);

/* The lock every thread holds while it touches meters or bus counters. */
void sim_lock(void);
void sim_unlock(void);

#endif

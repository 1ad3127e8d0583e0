/* simclock: a monotonic base so wall-clock changes on the host never move
 * the simulated meters. */
#include "simclock.h"

#include <pthread.h>
#include <time.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t clock_lock = PTHREAD_MUTEX_INITIALIZER;
static int64_t base_us;    /* simulated time at mono0, in us */
static uint64_t mono0_us;
static unsigned rate = 1;

uint64_t simclock_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int64_t now_us_locked(void)
{
	return base_us + (int64_t)((simclock_mono_us() - mono0_us) * rate);
}

void simclock_init(int64_t start, unsigned accel)
{
	pthread_mutex_lock(&clock_lock);
	base_us = start * 1000000;
	mono0_us = simclock_mono_us();
	rate = accel ? accel : 1;
	pthread_mutex_unlock(&clock_lock);
}

int64_t simclock_now(void)
{
	int64_t us;

	pthread_mutex_lock(&clock_lock);
	us = now_us_locked();
	pthread_mutex_unlock(&clock_lock);
	return us / 1000000;
}

void simclock_set_accel(unsigned accel)
{
	pthread_mutex_lock(&clock_lock);
	base_us = now_us_locked();
	mono0_us = simclock_mono_us();
	rate = accel ? accel : 1;
	pthread_mutex_unlock(&clock_lock);
}

unsigned simclock_accel(void)
{
	unsigned r;

	pthread_mutex_lock(&clock_lock);
	r = rate;
	pthread_mutex_unlock(&clock_lock);
	return r;
}

void simclock_advance(int64_t seconds)
{
	pthread_mutex_lock(&clock_lock);
	base_us += seconds * 1000000;
	pthread_mutex_unlock(&clock_lock);
}

void sim_lock(void)
{
	pthread_mutex_lock(&lock);
}

void sim_unlock(void)
{
	pthread_mutex_unlock(&lock);
}

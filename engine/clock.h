/* clock.h — monotonic microseconds for the packet loops, wall-clock seconds for records. */
#ifndef AS_CLOCK_H
#define AS_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t as_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static inline double as_wall_time(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif

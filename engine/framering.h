/* framering.h — SPSC ring of whole captured frames, for the few replies (OS detection)
 * whose every field matters and which cannot be summarised on the receive thread. */
#ifndef AS_FRAMERING_H
#define AS_FRAMERING_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define AS_FRAME_CAP 400

typedef struct as_frame {
    uint64_t t_us;
    uint16_t len;
    uint8_t bytes[AS_FRAME_CAP];
} as_frame;

typedef struct as_framering {
    as_frame *slots;
    size_t mask;
    _Atomic size_t head, tail;
    _Atomic uint64_t dropped;
} as_framering;

int as_framering_init(as_framering *r, size_t capacity);
void as_framering_free(as_framering *r);
/* Copies up to AS_FRAME_CAP bytes; 0, or -1 when full (counted). */
int as_framering_push(as_framering *r, const uint8_t *bytes, size_t len, uint64_t t_us);
/* Points f at the oldest frame; as_framering_release() when done with it. */
int as_framering_peek(as_framering *r, const as_frame **f);
void as_framering_release(as_framering *r);

#endif

/* What geglu-bench (geglu_bench.c) and geglu-compare (compare.c) share: the clock, the pieces of
 * their timing loops, the random inputs, allocation, the layer shapes and the layer calls.
 *
 * The including file defines BENCH_NAME (the prefix of its messages) and a POSIX feature macro
 * (_POSIX_C_SOURCE 199309L or _GNU_SOURCE, for clock_gettime) before any include, and
 * GEGLU_IMPLEMENTATION if it wants the library's code.
 */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#ifndef BENCH_NAME
#error "define BENCH_NAME, the program's name for its messages, before including bench_util.h"
#endif

#include "../geglu.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The most timed samples per case: the size of the sample arrays. */
#define MAX_SAMPLES 101

typedef void (*bench_fn)(void *context);

typedef struct timing {
    double median, min, max; /* seconds per call */
} timing;

static inline void die(const char *what) {
    fprintf(stderr, BENCH_NAME ": %s\n", what);
    exit(1);
}

static inline double clock_seconds(clockid_t clock) {
    struct timespec t;
    clock_gettime(clock, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static inline double now_seconds(void) { return clock_seconds(CLOCK_MONOTONIC); }

/* Wall time of `calls` calls in a row. */
static inline double time_calls(bench_fn fn, void *context, long calls) {
    const double t0 = now_seconds();
    long i;
    for (i = 0; i < calls; i++) fn(context);
    return now_seconds() - t0;
}

/* How many calls in a row last at least `seconds` (doubling from one, at most max_calls), so
   that a sample of a fast case is not just the clock's resolution. */
static inline long calls_lasting(bench_fn fn, void *context, double seconds, long max_calls) {
    long calls = 1;
    while (time_calls(fn, context, calls) < seconds && calls < max_calls) calls *= 2;
    return calls;
}

static inline int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median, min and max of the samples (sorts them). */
static inline timing summarize(double *times, int samples) {
    timing result;
    qsort(times, (size_t)samples, sizeof times[0], compare_doubles);
    result.median = times[samples / 2];
    result.min = times[0];
    result.max = times[samples - 1];
    return result;
}

/* xorshift64: the same inputs on every machine and C library, for a given seed. */
static uint64_t rng_state = 0x2545f4914f6cdd1dull;

static inline void seed_random(unsigned long long seed) {
    rng_state = 0x2545f4914f6cdd1dull ^ (uint64_t)seed * 0x9e3779b97f4a7c15ull;
    if (rng_state == 0) rng_state = 1;
}

static inline float random_uniform(float lo, float hi) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return lo + (hi - lo) * (float)((rng_state >> 40) * (1.0 / 16777216.0));
}

/* 64 bytes to spare, so that a caller can align the start to a cache line. */
static inline float *alloc_floats(size_t n) {
    float *p = (float *)malloc((n ? n : 1) * sizeof(float) + 64);
    if (!p) die("out of memory");
    return p;
}

/* rows x cols elements of `bytes` each, transposed into a new array: a layer's weights as the
   other layout has them. */
static inline void *transposed_copy(const void *m, size_t rows, size_t cols, size_t bytes) {
    unsigned char *t = (unsigned char *)malloc(rows * cols * bytes);
    size_t i, j;
    if (!t) die("out of memory");
    for (i = 0; i < rows; i++)
        for (j = 0; j < cols; j++)
            memcpy(t + (j * rows + i) * bytes, (const unsigned char *)m + (i * cols + j) * bytes, bytes);
    return t;
}

typedef struct preset {
    const char *name;
    size_t d_model, d_ff;
} preset;

/* T5 v1.1 and Gemma feed-forward shapes. */
static const preset presets[] = {{"t5-base", 768, 2048},
                                 {"t5-large", 1024, 2816},
                                 {"gemma-2b", 2048, 16384},
                                 {"gemma-7b", 3072, 24576}};
#define PRESET_COUNT (sizeof presets / sizeof presets[0])

/* Weights of a layer's scale (w, v, w2: `weights` each) and inputs x (`x_count`), drawn in this
   order so that both programs time the same numbers for a seed. */
static inline void random_layer(float *w, float *v, float *w2, size_t weights, float *x,
                                size_t x_count) {
    size_t i;
    for (i = 0; i < weights; i++) {
        w[i] = random_uniform(-0.05f, 0.05f);
        v[i] = random_uniform(-0.05f, 0.05f);
        w2[i] = random_uniform(-0.03f, 0.03f);
    }
    for (i = 0; i < x_count; i++) x[i] = random_uniform(-2.0f, 2.0f);
}

/* The layer packed into *buffer (allocated here, freed by the caller). */
static inline const geglu_packed_f32 *pack_layer(const geglu_layer_f32 *layer, const char *name,
                                                 void **buffer) {
    const size_t size = geglu_packed_size_f32(layer);
    const geglu_packed_f32 *packed = NULL;
    *buffer = malloc(size);
    if (!*buffer || geglu_pack_f32(layer, *buffer, size, &packed) != GEGLU_OK) {
        fprintf(stderr, BENCH_NAME ": cannot pack the %s layer\n", name);
        exit(1);
    }
    return packed;
}

/* One call of the gate or the FFN, packed or not, as the timing loops call it (bench_fn). */
typedef struct layer_context {
    geglu_layer_f32 layer;
    const geglu_packed_f32 *packed; /* NULL: run unpacked */
    int ffn;
    const float *x;
    float *out;
    void *workspace;
    size_t tokens, workspace_size;
} layer_context;

static inline void run_layer(void *arg) {
    layer_context *c = (layer_context *)arg;
    geglu_status s;
    if (c->ffn)
        s = c->packed ? geglu_ffn_packed_f32(c->packed, c->x, c->tokens, c->out, c->workspace,
                                             c->workspace_size)
                      : geglu_ffn_f32(&c->layer, c->x, c->tokens, c->out, c->workspace,
                                      c->workspace_size);
    else
        s = c->packed ? geglu_gate_packed_f32(c->packed, c->x, c->tokens, c->out)
                      : geglu_gate_f32(&c->layer, c->x, c->tokens, c->out);
    if (s != GEGLU_OK) die(geglu_status_string(s));
}

/* The workspace the call needs at c->tokens; one byte more, so that a size of 0 is no failure. */
static inline void alloc_workspace(layer_context *c) {
    c->workspace_size = !c->ffn     ? 0
                        : c->packed ? geglu_ffn_packed_workspace_size(c->packed, c->tokens)
                                    : geglu_ffn_workspace_size(&c->layer, c->tokens);
    c->workspace = malloc(c->workspace_size + 1);
    if (!c->workspace) die("out of memory");
}

#endif /* BENCH_UTIL_H */

/* Helpers shared by the test programs: double-precision references, ULP distance, every GELU
 * path compiled into this build, deterministic random numbers and guarded buffers.
 * Include after geglu.h with GEGLU_IMPLEMENTATION, so that the per-ISA kernels are visible. */
#ifndef GEGLU_TEST_UTIL_H
#define GEGLU_TEST_UTIL_H

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Builds that look for something else than accuracy (sanitizers, valgrind, OpenMP, emulation)
   run the sweeps this many times thinner; see the Makefile. */
#ifndef TEST_SWEEP_DIVISOR
#define TEST_SWEEP_DIVISOR 1
#endif

static inline uint32_t test_bits(float f) {
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static inline float test_float(uint32_t u) {
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* GELU references in double, as the issue defines them, rounded once by the caller. */
static inline double ref_gelu_erf(double x) {
    if (isinf(x)) return x > 0 ? x : -0.0;
    return 0.5 * x * erfc(-x * 0.70710678118654752440);
}

static inline double ref_gelu_tanh(double x) {
    if (isinf(x)) return x > 0 ? x : -0.0;
    {
        double u = 0.79788456080286535588 * (x + 0.044715 * x * x * x);
        return x / (1.0 + exp(-2.0 * u));
    }
}

static inline double ref_gelu(double x, geglu_gelu kind) {
    return kind == GEGLU_GELU_TANH ? ref_gelu_tanh(x) : ref_gelu_erf(x);
}

/* Floats in one increasing integer order in which -0 and +0 are neighbours. */
static inline int64_t test_ordinal(float f) {
    uint32_t u = test_bits(f);
    return (u >> 31) ? -(int64_t)(u & 0x7fffffffu) - 1 : (int64_t)u;
}

/* ULP distance between a result and the correctly rounded reference; NaN matches only NaN. */
static inline int64_t ulp_distance(float got, float want) {
    int64_t d;
    if (isnan(got) || isnan(want)) return isnan(got) && isnan(want) ? 0 : INT64_MAX;
    d = test_ordinal(got) - test_ordinal(want);
    return d < 0 ? -d : d;
}

/* Every GELU path compiled into this build (geglu.h's own list), then the public entry points. */
typedef geglu__path test_path;

static inline void public_gelu(float *y, const float *x, size_t n, geglu_gelu kind) {
    if (geglu_gelu_f32(y, x, n, kind) != GEGLU_OK) abort();
}

static inline void public_gelu_mul(float *h, const float *a, const float *u, size_t n,
                                   geglu_gelu kind) {
    if (geglu_gelu_mul_f32(h, a, u, n, kind) != GEGLU_OK) abort();
}

#define TEST_PATH_COUNT (GEGLU__PATH_COUNT + 1)
static inline const test_path *test_path_at(size_t i) {
    static const test_path public_path = {.name = "public", .gelu = public_gelu, .gelu_mul = public_gelu_mul};
    return i < GEGLU__PATH_COUNT ? &geglu__paths[i] : &public_path;
}

/* Whether every path must agree bit for bit (the paths use FMA exactly where scalar does). */
#define TEST_PATHS_BITWISE_EQUAL GEGLU_HAS_FMA

/* splitmix64: a small, seeded, portable generator. */
typedef struct test_rng {
    uint64_t state;
} test_rng;

static inline uint64_t rng_next(test_rng *r) {
    uint64_t z = (r->state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Uniform in [lo, hi). */
static inline float rng_uniform(test_rng *r, float lo, float hi) {
    return lo + (hi - lo) * (float)((rng_next(r) >> 40) * (1.0 / 16777216.0));
}

static inline size_t rng_below(test_rng *r, size_t n) {
    return (size_t)(rng_next(r) % n);
}

/* A buffer with canary floats on both sides, so that writes outside [data, data + n) show. */
#define GUARD 16
#define CANARY 12345.678f
typedef struct guarded {
    float *base;
    float *data;
    size_t n;
} guarded;

/* data sits `misalign` floats past a 64-byte boundary. */
static inline guarded guarded_alloc(size_t n, size_t misalign) {
    guarded g;
    size_t i, total = n + 2 * GUARD + 16 + misalign;
    g.base = (float *)malloc(total * sizeof(float) + 64);
    if (!g.base) abort();
    g.data = (float *)(((uintptr_t)(g.base + GUARD) + 63) & ~(uintptr_t)63) + misalign;
    g.n = n;
    for (i = 0; i < total; i++) g.base[i] = CANARY;
    return g;
}

static inline int guarded_intact(const guarded *g) {
    const float *p;
    for (p = g->base; p < g->data; p++)
        if (test_bits(*p) != test_bits(CANARY)) return 0;
    for (p = g->data + g->n; p < g->data + g->n + GUARD; p++)
        if (test_bits(*p) != test_bits(CANARY)) return 0;
    return 1;
}

static inline void guarded_free(guarded *g) {
    free(g->base);
}

#endif

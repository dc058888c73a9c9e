/* geglu-bench: what geglu.h does on this machine.
 *
 *   geglu-bench            the default suite: element-wise GELU and GELU*u on every path compiled
 *                          in, in cache (n = 4096) and from memory (n = 16M), beside two baselines
 *                          measured in the same run (the scalar path, and the plain float formula
 *                          with libm's erff / tanhf); then the FFN of a T5 v1.1 base layer.
 *   geglu-bench --quick    the same with fewer repetitions and a smaller memory-bound case.
 *   geglu-bench --threads N   also the packed FFN on N threads, with its speed-up (-fopenmp).
 *
 * Every result is checked against the scalar path before it is timed; a wrong answer is reported
 * and no speed is printed for it. Times are medians of repeated runs, with min and max.
 */
#define _POSIX_C_SOURCE 199309L
#define GEGLU_IMPLEMENTATION
#include "../geglu.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(_OPENMP)
#include <omp.h>
#endif

/* With FMA every path must reproduce the plain order bit for bit. */
#if defined(FP_FAST_FMA) || defined(__FMA__) || defined(__ARM_FEATURE_FMA) || defined(__aarch64__)
#define BENCH_BITWISE 1
#else
#define BENCH_BITWISE 0
#endif

static double now_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct timing {
    double median, min, max; /* seconds per call */
} timing;

typedef void (*bench_fn)(void *context);

/* Median over `samples` samples, each timing enough calls to last about `sample_seconds`. */
static timing measure(bench_fn fn, void *context, int samples, double sample_seconds) {
    double times[101], t0, elapsed;
    long calls = 1, i;
    int s;
    timing result;
    if (samples > 101) samples = 101;
    fn(context); /* warm-up */
    for (;;) {
        t0 = now_seconds();
        for (i = 0; i < calls; i++) fn(context);
        elapsed = now_seconds() - t0;
        if (elapsed >= sample_seconds || calls >= (1L << 24)) break;
        calls *= 2;
    }
    for (s = 0; s < samples; s++) {
        t0 = now_seconds();
        for (i = 0; i < calls; i++) fn(context);
        times[s] = (now_seconds() - t0) / (double)calls;
    }
    qsort(times, (size_t)samples, sizeof times[0], compare_doubles);
    result.median = times[samples / 2];
    result.min = times[0];
    result.max = times[samples - 1];
    return result;
}

/* ---- element-wise ------------------------------------------------------------------------ */


/* The baseline a user writes by hand: the float formula with libm. */
static void libm_gelu(float *y, const float *x, size_t n, geglu_gelu kind) {
    size_t i;
    if (kind == GEGLU_GELU_TANH)
        for (i = 0; i < n; i++)
            y[i] = 0.5f * x[i] * (1.0f + tanhf(0.7978845608f * (x[i] + 0.044715f * x[i] * x[i] * x[i])));
    else
        for (i = 0; i < n; i++) y[i] = 0.5f * x[i] * (1.0f + erff(x[i] * 0.7071067812f));
}

static void libm_gelu_mul(float *h, const float *a, const float *u, size_t n, geglu_gelu kind) {
    size_t i;
    libm_gelu(h, a, n, kind);
    for (i = 0; i < n; i++) h[i] *= u[i];
}

/* The libm baseline first, then every path geglu.h compiled in (the one in use last). */
typedef geglu__gelu_path path;
#define PATH_COUNT (GEGLU__GELU_PATH_COUNT + 1)
static const path *path_at(size_t i) {
    static const path libm_path = {"libm", libm_gelu, libm_gelu_mul};
    return i == 0 ? &libm_path : &geglu__gelu_paths[i - 1];
}

typedef struct elementwise_context {
    const path *p;
    int with_u;
    geglu_gelu kind;
    float *y;
    const float *x, *u;
    size_t n;
} elementwise_context;

static void run_elementwise(void *arg) {
    elementwise_context *c = (elementwise_context *)arg;
    if (c->with_u) c->p->gelu_mul(c->y, c->x, c->u, c->n, c->kind);
    else c->p->gelu(c->y, c->x, c->n, c->kind);
}

static uint64_t rng_state = 0x2545f4914f6cdd1dull;
static float random_uniform(float lo, float hi) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return lo + (hi - lo) * (float)((rng_state >> 40) * (1.0 / 16777216.0));
}

static float *alloc_floats(size_t n) {
    float *p = (float *)malloc(n * sizeof(float) + 64);
    if (!p) {
        fprintf(stderr, "geglu-bench: out of memory\n");
        exit(1);
    }
    return p;
}

/* Largest ULP distance between two arrays; NaN matches only NaN. */
static long long max_ulp(const float *a, const float *b, size_t n) {
    long long worst = 0;
    size_t i;
    for (i = 0; i < n; i++) {
        int32_t ia, ib;
        long long d;
        if (isnan(a[i]) || isnan(b[i])) {
            if (!(isnan(a[i]) && isnan(b[i]))) return LLONG_MAX;
            continue;
        }
        memcpy(&ia, &a[i], 4);
        memcpy(&ib, &b[i], 4);
        if (ia < 0) ia = INT32_MIN - ia;
        if (ib < 0) ib = INT32_MIN - ib;
        d = (long long)ia - ib;
        if (d < 0) d = -d;
        if (d > worst) worst = d;
    }
    return worst;
}

static void bench_elementwise(size_t n, int samples, double sample_seconds) {
    float *x = alloc_floats(n), *u = alloc_floats(n), *y = alloc_floats(n), *ref = alloc_floats(n);
    size_t i, p;
    int op, k;
    for (i = 0; i < n; i++) {
        x[i] = random_uniform(-5.0f, 5.0f);
        u[i] = random_uniform(-2.0f, 2.0f);
    }
    for (op = 0; op < 2; op++) {
        for (k = 0; k < 2; k++) {
            geglu_gelu kind = k ? GEGLU_GELU_TANH : GEGLU_GELU_ERF;
            timing t[PATH_COUNT];
            long long ulp[PATH_COUNT];
            if (op) geglu__gelu_mul_f32_scalar(ref, x, u, n, kind);
            else geglu__gelu_f32_scalar(ref, x, n, kind);
            for (p = 0; p < PATH_COUNT; p++) {
                elementwise_context c;
                c.p = path_at(p);
                c.with_u = op;
                c.kind = kind;
                c.y = y;
                c.x = x;
                c.u = u;
                c.n = n;
                run_elementwise(&c);
                ulp[p] = max_ulp(y, ref, n);
                /* geglu's paths must agree with the scalar path before they are timed; libm is
                   the baseline and only reports its error. */
                if (p != 0 && ulp[p] != 0) continue;
                t[p] = measure(run_elementwise, &c, samples, sample_seconds);
            }
            for (p = 0; p < PATH_COUNT; p++) {
                double bytes = (op ? 12.0 : 8.0) * (double)n;
                if (p != 0 && ulp[p] != 0) {
                    printf("%-9s %-4s %9zu %-7s WRONG: %lld ULP from the scalar path, not timed\n",
                           op ? "gelu-mul" : "gelu", k ? "tanh" : "erf", n, path_at(p)->name, ulp[p]);
                    continue;
                }
                printf("%-9s %-4s %9zu %-7s %10.1f %10.1f %10.1f %8.3f %7.1f %7.2fx %7.2fx %9lld\n",
                       op ? "gelu-mul" : "gelu", k ? "tanh" : "erf", n, path_at(p)->name,
                       t[p].median * 1e6, t[p].min * 1e6, t[p].max * 1e6, n / t[p].median * 1e-9,
                       bytes / t[p].median * 1e-9, t[1].median / t[p].median,
                       t[0].median / t[p].median, ulp[p]);
            }
        }
    }
    free(x);
    free(u);
    free(y);
    free(ref);
}

/* ---- the machine: the FMA peak of the path in use, and one thread's read bandwidth ---------- */

static volatile float sink; /* keeps the measuring loops from being optimised away */

#if defined(GEGLU__AVX512)
typedef __m512 vec;
#define VEC_LANES 16
#define VEC_SET1(x) _mm512_set1_ps(x)
#define VEC_FMA(a, b, c) _mm512_fmadd_ps(a, b, c)
#define VEC_ADD(a, b) _mm512_add_ps(a, b)
#define VEC_LOAD(p) _mm512_loadu_ps(p)
#define VEC_FIRST(a) _mm512_cvtss_f32(a)
#elif defined(GEGLU__AVX2)
typedef __m256 vec;
#define VEC_LANES 8
#define VEC_SET1(x) _mm256_set1_ps(x)
#define VEC_FMA(a, b, c) _mm256_fmadd_ps(a, b, c)
#define VEC_ADD(a, b) _mm256_add_ps(a, b)
#define VEC_LOAD(p) _mm256_loadu_ps(p)
#define VEC_FIRST(a) _mm256_cvtss_f32(a)
#elif defined(GEGLU__NEON)
typedef float32x4_t vec;
#define VEC_LANES 4
#define VEC_SET1(x) vdupq_n_f32(x)
#define VEC_FMA(a, b, c) vfmaq_f32(c, a, b)
#define VEC_ADD(a, b) vaddq_f32(a, b)
#define VEC_LOAD(p) vld1q_f32(p)
#define VEC_FIRST(a) vgetq_lane_f32(a, 0)
#else
typedef float vec;
#define VEC_LANES 1
#define VEC_SET1(x) (x)
#define VEC_FMA(a, b, c) GEGLU__FMAF(a, b, c)
#define VEC_ADD(a, b) ((a) + (b))
#define VEC_LOAD(p) (*(p))
#define VEC_FIRST(a) (a)
#endif

#define TWELVE(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)

typedef struct peak_context {
    long iterations;
} peak_context;

/* Twelve independent chains of FMAs: enough to cover the latency of two FMA units. */
static void run_peak(void *arg) {
    const peak_context *c = (const peak_context *)arg;
    const vec m = VEC_SET1(0.999999f), a = VEC_SET1(1e-7f);
    long i;
#define DECLARE(r) vec acc##r = VEC_SET1((float)(r));
#define STEP(r) acc##r = VEC_FMA(acc##r, m, a);
#define FOLD(r) total = VEC_ADD(total, acc##r);
    TWELVE(DECLARE)
    vec total = VEC_SET1(0.0f);
    for (i = 0; i < c->iterations; i++) {
        TWELVE(STEP)
    }
    TWELVE(FOLD)
    sink = VEC_FIRST(total);
#undef DECLARE
#undef STEP
#undef FOLD
}

static double measure_peak_gflops(void) {
    peak_context c;
    timing t;
    c.iterations = 1L << 20;
    t = measure(run_peak, &c, 7, 0.02);
    return 12.0 * 2.0 * VEC_LANES * (double)c.iterations / t.median * 1e-9;
}

typedef struct read_context {
    const float *data;
    size_t n;
} read_context;

/* Four sequential streams at once (the quarters of the buffer), as the FFN reads its panels. */
static void run_read(void *arg) {
    const read_context *c = (const read_context *)arg;
    const size_t quarter = c->n / 4 / VEC_LANES * VEC_LANES;
    const float *p0 = c->data, *p1 = p0 + quarter, *p2 = p1 + quarter, *p3 = p2 + quarter;
    vec s0 = VEC_SET1(0.0f), s1 = s0, s2 = s0, s3 = s0;
    size_t i;
    for (i = 0; i < quarter; i += VEC_LANES) {
        s0 = VEC_ADD(s0, VEC_LOAD(p0 + i));
        s1 = VEC_ADD(s1, VEC_LOAD(p1 + i));
        s2 = VEC_ADD(s2, VEC_LOAD(p2 + i));
        s3 = VEC_ADD(s3, VEC_LOAD(p3 + i));
    }
    sink = VEC_FIRST(VEC_ADD(VEC_ADD(s0, s1), VEC_ADD(s2, s3)));
}

/* GB/s reading a buffer far larger than the caches. */
static double measure_read_bandwidth(size_t bytes) {
    read_context c;
    float *data = alloc_floats(bytes / sizeof(float));
    timing t;
    memset(data, 0, bytes);
    c.data = data;
    c.n = bytes / sizeof(float);
    t = measure(run_read, &c, 5, 0.0);
    free(data);
    return (double)bytes / t.median * 1e-9;
}

/* ---- the FFN of real layers ------------------------------------------------------------------ */

typedef struct ffn_context {
    geglu_layer_f32 layer;
    const geglu_packed_f32 *packed;
    const float *x;
    float *y;
    void *workspace;
    size_t tokens, workspace_size;
} ffn_context;

static void run_ffn(void *arg) {
    ffn_context *c = (ffn_context *)arg;
    geglu_status s = c->packed ? geglu_ffn_packed_f32(c->packed, c->x, c->tokens, c->y,
                                                      c->workspace, c->workspace_size)
                               : geglu_ffn_f32(&c->layer, c->x, c->tokens, c->y, c->workspace,
                                               c->workspace_size);
    if (s != GEGLU_OK) abort();
}

/* Row `row` of Y in the order geglu.h's contract fixes (one float accumulator per output,
   increasing index, bias after): with FMA every path must match it bit for bit. */
static void plain_ffn_row(const geglu_layer_f32 *l, const float *x, float *h, float *y) {
    size_t j, k;
    for (j = 0; j < l->d_ff; j++) {
        float a = 0.0f, u = 0.0f;
        for (k = 0; k < l->d_model; k++) {
            a = GEGLU__FMAF(x[k], l->w[k * l->d_ff + j], a);
            u = GEGLU__FMAF(x[k], l->v[k * l->d_ff + j], u);
        }
        geglu__gelu_mul_f32_scalar(&h[j], &a, &u, 1, l->gelu);
    }
    for (k = 0; k < l->d_model; k++) {
        float acc = 0.0f;
        for (j = 0; j < l->d_ff; j++) acc = GEGLU__FMAF(h[j], l->w2[j * l->d_model + k], acc);
        y[k] = acc;
    }
}

/* The largest ULP distance of the first and last rows of Y from the plain order. */
static long long check_ffn(const ffn_context *c) {
    float *h = alloc_floats(c->layer.d_ff), *want = alloc_floats(c->layer.d_model);
    size_t rows[2], i;
    long long worst = 0, d;
    rows[0] = 0;
    rows[1] = c->tokens - 1;
    for (i = 0; i < 2; i++) {
        plain_ffn_row(&c->layer, c->x + rows[i] * c->layer.d_model, h, want);
        d = max_ulp(c->y + rows[i] * c->layer.d_model, want, c->layer.d_model);
        if (d > worst) worst = d;
    }
    free(h);
    free(want);
    return worst;
}

typedef struct preset {
    const char *name;
    size_t d_model, d_ff;
} preset;

static void set_threads(int threads) {
#if defined(_OPENMP)
    omp_set_num_threads(threads);
#else
    (void)threads;
#endif
}

/* Packed and unpacked on one thread, then (threads > 1) packed on `threads` threads. */
static void bench_ffn(const preset *p, const size_t *token_list, size_t token_count, int samples,
                      double peak, double bandwidth, int threads) {
    size_t weights = p->d_model * p->d_ff, max_tokens = 0, i, t, packed_size;
    float *w = alloc_floats(weights), *v = alloc_floats(weights), *w2 = alloc_floats(weights);
    float *x, *y;
    void *packed_buffer;
    ffn_context c;
    for (t = 0; t < token_count; t++)
        if (token_list[t] > max_tokens) max_tokens = token_list[t];
    x = alloc_floats(max_tokens * p->d_model);
    y = alloc_floats(max_tokens * p->d_model);
    for (i = 0; i < weights; i++) {
        w[i] = random_uniform(-0.05f, 0.05f);
        v[i] = random_uniform(-0.05f, 0.05f);
        w2[i] = random_uniform(-0.03f, 0.03f);
    }
    for (i = 0; i < max_tokens * p->d_model; i++) x[i] = random_uniform(-2.0f, 2.0f);
    memset(&c, 0, sizeof c);
    c.layer.d_model = p->d_model;
    c.layer.d_ff = p->d_ff;
    c.layer.w = w;
    c.layer.v = v;
    c.layer.w2 = w2;
    c.layer.gelu = GEGLU_GELU_TANH;
    c.x = x;
    c.y = y;
    packed_size = geglu_packed_size_f32(&c.layer);
    packed_buffer = malloc(packed_size);
    if (!packed_buffer || geglu_pack_f32(&c.layer, packed_buffer, packed_size, &c.packed) != GEGLU_OK) {
        fprintf(stderr, "geglu-bench: cannot pack the %s layer\n", p->name);
        exit(1);
    }
    for (t = 0; t < token_count; t++) {
        double flops = 2.0 * 3.0 * (double)token_list[t] * (double)weights, unpacked_median = 0.0;
        double one_thread = 0.0;
        int mode;
        c.tokens = token_list[t];
        for (mode = 0; mode < (threads > 1 ? 3 : 2); mode++) {
            const geglu_packed_f32 *packed = c.packed;
            int used = mode == 2 ? threads : 1;
            timing tm;
            long long ulp;
            double gbs;
            set_threads(used);
            if (mode == 0) c.packed = NULL;
            c.workspace_size = c.packed ? geglu_ffn_packed_workspace_size(c.packed, c.tokens)
                                        : geglu_ffn_workspace_size(&c.layer, c.tokens);
            c.workspace = malloc(c.workspace_size + 1);
            run_ffn(&c);
            ulp = check_ffn(&c);
            if (ulp != 0 && BENCH_BITWISE) {
                printf("%-4s %-9s %6zu %-7s %7d %-8s WRONG: %lld ULP from the plain order, not "
                       "timed\n",
                       "ffn", p->name, c.tokens, geglu_isa(), used, mode ? "packed" : "unpacked",
                       ulp);
            } else {
                tm = measure(run_ffn, &c, samples, 0.02);
                gbs = 3.0 * (double)weights * sizeof(float) / tm.median * 1e-9;
                if (mode == 0) unpacked_median = tm.median;
                if (mode == 1) one_thread = tm.median;
                /* shares of one core's peak and one thread's bandwidth, so above 100% with threads */
                printf("%-4s %-9s %6zu %-7s %7d %-8s %10.3f %10.3f %10.3f %8.1f %6.1f%% %7.2f "
                       "%6.1f%% %7.2fx %7.2fx\n",
                       "ffn", p->name, c.tokens, geglu_isa(), used, mode ? "packed" : "unpacked",
                       tm.median * 1e3, tm.min * 1e3, tm.max * 1e3, flops / tm.median * 1e-9,
                       100.0 * flops / tm.median * 1e-9 / peak, gbs, 100.0 * gbs / bandwidth,
                       unpacked_median > 0.0 ? unpacked_median / tm.median : 0.0,
                       one_thread > 0.0 ? one_thread / tm.median : 1.0);
            }
            fflush(stdout);
            free(c.workspace);
            c.packed = packed;
        }
    }
    free(packed_buffer);
    free(w);
    free(v);
    free(w2);
    free(x);
    free(y);
}

static void usage(FILE *to) {
    fprintf(to, "usage: geglu-bench [--quick] [--threads N]\n"
                "  --quick      fewer repetitions, smaller shapes (a smoke run)\n"
                "  --threads N  also time the packed FFN on N threads (an OpenMP build)\n");
}

int main(int argc, char **argv) {
    static const preset presets[] = {
        {"t5-base", 768, 2048}, {"t5-large", 1024, 2816}, {"gemma-2b", 2048, 16384}};
    static const size_t tokens[] = {1, 8, 64, 256, 1024}, quick_tokens[] = {1, 64};
    double peak, bandwidth;
    int quick = 0, threads = 1, a;
    size_t i;
    for (a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--quick") == 0) {
            quick = 1;
        } else if (strcmp(argv[a], "--threads") == 0 && a + 1 < argc) {
            char *end;
            long n = strtol(argv[++a], &end, 10);
            if (*end != '\0' || n < 1 || n > 1024) {
                fprintf(stderr, "geglu-bench: --threads wants a number from 1 to 1024, not '%s'\n",
                        argv[a]);
                return 2;
            }
            threads = (int)n;
        } else if (strcmp(argv[a], "--help") == 0) {
            usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "geglu-bench: unknown argument '%s'\n", argv[a]);
            usage(stderr);
            return 2;
        }
    }
#if !defined(_OPENMP)
    if (threads > 1) {
        fprintf(stderr, "geglu-bench: --threads needs a build with -fopenmp\n");
        return 2;
    }
#endif
    set_threads(1);
    printf("geglu.h %s, ISA in use: %s, single thread\n\n", GEGLU_VERSION_STRING, geglu_isa());
    printf("%-9s %-4s %9s %-7s %10s %10s %10s %8s %7s %8s %8s %9s\n", "op", "gelu", "n", "path",
           "median us", "min us", "max us", "G elem/s", "GB/s", "x scalar", "x libm", "max ULP*");
    bench_elementwise(4096, quick ? 9 : 31, quick ? 0.002 : 0.01);
    bench_elementwise(quick ? (size_t)1 << 22 : (size_t)1 << 24, quick ? 3 : 7, 0.0);
    printf("* max ULP: largest distance from the scalar path on the benchmark's data; geglu's paths "
           "must show 0,\n  the libm formula shows its cancellation error.\n");

    peak = measure_peak_gflops();
    bandwidth = measure_read_bandwidth(quick ? (size_t)1 << 26 : (size_t)1 << 28);
    printf("\nthis core: FMA peak %.1f GFLOP/s (%s, measured), read bandwidth %.1f GB/s "
           "(one thread, measured)\n",
           peak, geglu_isa(), bandwidth);
    printf("FFN Y = (GELU_tanh(XW) (x) XV) W2, fp32; GB/s: the three weight matrices read once per "
           "call;\nt5 weights (19 and 35 MB) stay in the last-level cache, gemma-2b's (400 MB) do "
           "not\n\n");
    printf("%-4s %-9s %6s %-7s %7s %-8s %10s %10s %10s %8s %7s %7s %7s %8s %8s\n", "op", "preset",
           "tokens", "isa", "threads", "weights", "median ms", "min ms", "max ms", "GFLOP/s", "peak",
           "GB/s", "bw", "x unpkd", "x 1 thr");
    for (i = 0; i < (quick ? 1u : sizeof presets / sizeof presets[0]); i++)
        bench_ffn(&presets[i], quick ? quick_tokens : tokens,
                  quick ? 2 : sizeof tokens / sizeof tokens[0], quick ? 3 : 5, peak, bandwidth,
                  threads);
    return 0;
}

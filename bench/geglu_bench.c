/* geglu-bench: what geglu.h does on this machine.
 *
 *   geglu-bench            the default suite: element-wise GELU and GELU*u on every path compiled
 *                          in, in cache (n = 4096) and from memory (n = 16M), beside two baselines
 *                          measured in the same run (the scalar path, and the plain float formula
 *                          with libm's erff / tanhf); then the FFN of a T5 v1.1 base layer.
 *   geglu-bench --quick    the same with fewer repetitions.
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

/* ---- the FFN of one layer ---------------------------------------------------------------- */

typedef struct ffn_context {
    geglu_layer_f32 layer;
    const float *x;
    float *y;
    void *workspace;
    size_t tokens, workspace_size;
} ffn_context;

static void run_ffn(void *arg) {
    ffn_context *c = (ffn_context *)arg;
    if (geglu_ffn_f32(&c->layer, c->x, c->tokens, c->y, c->workspace, c->workspace_size) != GEGLU_OK)
        abort();
}

static void bench_ffn(const char *preset, size_t d_model, size_t d_ff, const size_t *token_list,
                      size_t token_count, int samples) {
    size_t weights = d_model * d_ff, max_tokens = 0, i, t;
    float *w = alloc_floats(weights), *v = alloc_floats(weights), *w2 = alloc_floats(weights);
    float *x, *y;
    ffn_context c;
    for (t = 0; t < token_count; t++)
        if (token_list[t] > max_tokens) max_tokens = token_list[t];
    x = alloc_floats(max_tokens * d_model);
    y = alloc_floats(max_tokens * d_model);
    for (i = 0; i < weights; i++) {
        w[i] = random_uniform(-0.05f, 0.05f);
        v[i] = random_uniform(-0.05f, 0.05f);
        w2[i] = random_uniform(-0.03f, 0.03f);
    }
    for (i = 0; i < max_tokens * d_model; i++) x[i] = random_uniform(-2.0f, 2.0f);
    memset(&c, 0, sizeof c);
    c.layer.d_model = d_model;
    c.layer.d_ff = d_ff;
    c.layer.w = w;
    c.layer.v = v;
    c.layer.w2 = w2;
    c.layer.gelu = GEGLU_GELU_TANH;
    c.x = x;
    c.y = y;
    for (t = 0; t < token_count; t++) {
        timing tm;
        double flops;
        c.tokens = token_list[t];
        c.workspace_size = geglu_ffn_workspace_size(&c.layer, c.tokens);
        c.workspace = malloc(c.workspace_size + 1);
        tm = measure(run_ffn, &c, samples, 0.05);
        flops = 2.0 * 3.0 * (double)c.tokens * (double)weights;
        printf("%-9s %-9s %6zu %-7s %12.1f %12.1f %12.1f %9.2f %9.2f\n", "ffn", preset, c.tokens,
               geglu_isa(), tm.median * 1e6, tm.min * 1e6, tm.max * 1e6, flops / tm.median * 1e-9,
               3.0 * (double)weights * sizeof(float) / tm.median * 1e-9);
        free(c.workspace);
    }
    free(w);
    free(v);
    free(w2);
    free(x);
    free(y);
}

int main(int argc, char **argv) {
    int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    static const size_t t5_tokens[] = {1, 8, 64};
    if (argc > 1 && !quick) {
        fprintf(stderr, "usage: geglu-bench [--quick]\n");
        return 2;
    }
    printf("geglu.h %s, ISA in use: %s, single thread\n\n", GEGLU_VERSION_STRING, geglu_isa());
    printf("%-9s %-4s %9s %-7s %10s %10s %10s %8s %7s %8s %8s %9s\n", "op", "gelu", "n", "path",
           "median us", "min us", "max us", "G elem/s", "GB/s", "x scalar", "x libm", "max ULP*");
    bench_elementwise(4096, quick ? 9 : 31, quick ? 0.002 : 0.01);
    bench_elementwise((size_t)1 << 24, quick ? 3 : 7, 0.0);
    printf("* max ULP: largest distance from the scalar path on the benchmark's data; geglu's paths "
           "must show 0,\n  the libm formula shows its cancellation error.\n");
    printf("\n%-9s %-9s %6s %-7s %12s %12s %12s %9s %9s\n", "op", "preset", "tokens", "isa",
           "median us", "min us", "max us", "GFLOP/s", "GB/s wts");
    bench_ffn("t5-base", 768, 2048, t5_tokens, quick ? 2 : 3, quick ? 3 : 5);
    return 0;
}

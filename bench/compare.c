/* geglu-compare: geglu.h's FFN beside OpenBLAS and oneDNN, measured in the same process.
 *
 *   geglu-compare                      T5 v1.1 base and large, Gemma 2B; 1, 8, 64, 256 tokens
 *   geglu-compare --quick              t5-base only, 1 and 64 tokens, few repetitions
 *   geglu-compare --preset t5-large    one preset (t5-base, t5-large, gemma-2b; a comma list works)
 *   geglu-compare --tokens 1,8,64      these token counts
 *   geglu-compare --samples N          timed samples per implementation (default 7, quick 3)
 *   geglu-compare --weights f32,bf16   the weights' types (default both)
 *
 * Y = (GELU_tanh(X W) (x) X V) W2, X and Y fp32, no biases, one thread, weights stored IN_OUT
 * (W, V: d_model x d_ff, W2: d_ff x d_model, row-major). With f32 weights:
 *   geglu packed    geglu_ffn_packed_f32, packed once outside the timing
 *   geglu unpacked  geglu_ffn_f32
 *   geglu out_in    geglu_ffn_f32 on the same weights transposed (GEGLU_LAYOUT_OUT_IN, as
 *                   nn.Linear and checkpoints store them; also for bf16 weights)
 *   openblas        what a careful user writes with cblas: A = X W and U = X V (sgemm, or sgemv
 *                   for one token), H = GELU_tanh(A) U with the float formula and libm's tanhf,
 *                   Y = H W2                                             (built with HAVE_OPENBLAS)
 *   onednn          matmul primitives: U = X V; H = X W with post-ops eltwise_gelu_tanh and
 *                   binary_mul(U); Y = H W2. Weights in the layout oneDNN picks (format_tag
 *                   any), reordered once outside the timing                 (built with HAVE_DNNL)
 * With bf16 weights (the f32 weights rounded to bf16; every figure of this type is for those
 * values):
 *   geglu packed    the packed layer with bf16 weights, exact products (GEGLU_PRECISION_F32)
 *   geglu bf16 prod the same with GEGLU_PRECISION_BF16: x and H rounded to bf16
 *   onednn          the same matmuls on bf16 sources and weights: X reordered to bf16 (timed,
 *                   as a caller holding fp32 activations must), U f32, H bf16 (the gate's
 *                   destination, which the down matmul takes as its source), Y f32
 * Every Y is compared with geglu packed's Y of the same weights before anything is timed (max
 * |diff| over max |y| below 1e-4 for exact products: the peers round GELU differently and sum in
 * other orders, and agree to about 2e-6, where the erf GELU in place of tanh would be 2e-4 off;
 * below 5e-2 for products of bf16-rounded activations, whose error is about 4e-3); one that
 * disagrees gets no speed, and the exit status is 1. "error" is the normwise error of Y's first
 * rows (up to 4) against a double-precision reference computed from the weights' exact values:
 * |Y - Y_ref|_2 / |Y_ref|_2.
 * The implementations are timed in turns, one sample each per round, so that load from other
 * processes falls on all of them alike; times are medians (min, max); "x packed" is an
 * implementation's median over geglu packed's median of the same weights (> 1: geglu packed is
 * faster), "x min" the same for the fastest samples (less sensitive to load from other processes).
 * "cpu/wall" is process CPU time over wall time while timing: about 1.00 means one thread ran
 * undisturbed, above 1 that more than one thread ran, below 1 that the process waited for a core.
 * OpenBLAS picks its kernels when it is loaded: set OPENBLAS_CORETYPE (and OPENBLAS_NUM_THREADS=1,
 * OMP_NUM_THREADS=1) in the environment, as `make bench-compare` does.
 */
#define _GNU_SOURCE /* OpenBLAS's cblas.h needs cpu_set_t; also clock_gettime */
#define GEGLU_IMPLEMENTATION
#define BENCH_NAME "geglu-compare"
#include "bench_util.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef HAVE_OPENBLAS
#include <cblas.h>
#endif
#ifdef HAVE_DNNL
#include <oneapi/dnnl/dnnl.h>
#if DNNL_CPU_THREADING_RUNTIME == DNNL_RUNTIME_OMP
void omp_set_num_threads(int threads); /* libgomp, which this oneDNN runs on */
int omp_get_max_threads(void);
#endif
#endif

#define MAX_IMPLS 5
#define AGREE 1e-4      /* exact products: the peers agree to ~2e-6; erf GELU for tanh is 2e-4 off */
#define AGREE_BF16 5e-2 /* products of bf16-rounded activations: errors of about 4e-3 */
#define REFERENCE_ROWS 4 /* rows of Y computed in double for "error" */
#define COMPARE_PRESETS 3 /* t5-base, t5-large, gemma-2b: the first three of presets[] */

/* One configuration: the weights as stored (arrays of `type`) and their values as floats
   (exactly; the same arrays for f32), X, and the sizes. */
typedef struct problem {
    size_t d_model, d_ff, tokens;
    geglu_dtype type;
    const void *w_stored, *v_stored, *w2_stored;
    const float *w, *v, *w2, *x;
} problem;

/* One implementation: run() computes y from the problem; ctx is its own state; agree is the
   largest max |diff| / max |y| against geglu packed that it may show. */
typedef struct impl {
    const char *name;
    bench_fn run;
    void *ctx;
    float *y;
    double agree;
} impl;

static void add_impl(impl *list, size_t *count, const char *name, bench_fn run, void *ctx,
                     float *y, double agree) {
    list[*count].name = name;
    list[*count].run = run;
    list[*count].ctx = ctx;
    list[*count].y = y;
    list[*count].agree = agree;
    (*count)++;
}

/* ---- the double-precision reference -------------------------------------------------------- */

static double gelu_tanh_double(double a) {
    return 0.5 * a * (1.0 + tanh(0.79788456080286535588 * (a + 0.044715 * a * a * a)));
}

/* Rows [0, rows) of Y in double, from the weights' exact values. */
static void reference_rows(const problem *p, size_t rows, double *y) {
    const size_t dm = p->d_model, df = p->d_ff;
    double *a = (double *)malloc(2 * df * sizeof(double)), *u = a + df;
    size_t r, j, k;
    if (!a) die("out of memory");
    for (r = 0; r < rows; r++) {
        const float *x = p->x + r * dm;
        double *out = y + r * dm;
        for (j = 0; j < df; j++) a[j] = u[j] = 0.0;
        for (k = 0; k < dm; k++) {
            const float *w = p->w + k * df, *v = p->v + k * df;
            const double xk = x[k];
            for (j = 0; j < df; j++) {
                a[j] += xk * w[j];
                u[j] += xk * v[j];
            }
        }
        for (j = 0; j < df; j++) a[j] = gelu_tanh_double(a[j]) * u[j];
        for (j = 0; j < dm; j++) out[j] = 0.0;
        for (k = 0; k < df; k++) {
            const float *w2 = p->w2 + k * dm;
            for (j = 0; j < dm; j++) out[j] += a[k] * w2[j];
        }
    }
    free(a);
}

/* |y - reference|_2 / |reference|_2 over n values. */
static double normwise_error(const float *y, const double *reference, size_t n) {
    double diff = 0.0, norm = 0.0;
    size_t i;
    for (i = 0; i < n; i++) {
        diff += (y[i] - reference[i]) * (y[i] - reference[i]);
        norm += reference[i] * reference[i];
    }
    return norm > 0.0 ? sqrt(diff / norm) : sqrt(diff);
}

/* ---- OpenBLAS ----------------------------------------------------------------------------- */
#ifdef HAVE_OPENBLAS
typedef struct blas_ctx {
    problem p;
    float *a, *u, *y; /* tokens x d_ff, tokens x d_ff, tokens x d_model */
    float *h;         /* tokens x d_ff: the breakdown's GELU pass writes here, A stays as is */
} blas_ctx;

static void blas_products(blas_ctx *c, int up, int down) {
    const int m = (int)c->p.tokens, dm = (int)c->p.d_model, df = (int)c->p.d_ff;
    if (up && m == 1) {
        cblas_sgemv(CblasRowMajor, CblasTrans, dm, df, 1.0f, c->p.w, df, c->p.x, 1, 0.0f, c->a, 1);
        cblas_sgemv(CblasRowMajor, CblasTrans, dm, df, 1.0f, c->p.v, df, c->p.x, 1, 0.0f, c->u, 1);
    } else if (up) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, df, dm, 1.0f, c->p.x, dm, c->p.w,
                    df, 0.0f, c->a, df);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, df, dm, 1.0f, c->p.x, dm, c->p.v,
                    df, 0.0f, c->u, df);
    }
    if (down && m == 1)
        cblas_sgemv(CblasRowMajor, CblasTrans, df, dm, 1.0f, c->p.w2, dm, c->a, 1, 0.0f, c->y, 1);
    else if (down)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, dm, df, 1.0f, c->a, df, c->p.w2,
                    dm, 0.0f, c->y, dm);
}

/* H = GELU_tanh(A) * U: the float formula with libm's tanhf. */
static void blas_gelu(blas_ctx *c, float *h) {
    size_t i, n = c->p.tokens * c->p.d_ff;
    for (i = 0; i < n; i++) {
        float a = c->a[i];
        h[i] = 0.5f * a * (1.0f + tanhf(0.7978845608f * (a + 0.044715f * a * a * a))) * c->u[i];
    }
}

static void run_blas(void *arg) {
    blas_ctx *c = (blas_ctx *)arg;
    blas_products(c, 1, 0);
    blas_gelu(c, c->a); /* in place */
    blas_products(c, 0, 1);
}

/* For the breakdown: the three products alone, and the GELU pass alone. */
static void run_blas_products(void *arg) { blas_products((blas_ctx *)arg, 1, 1); }
static void run_blas_gelu(void *arg) { blas_gelu((blas_ctx *)arg, ((blas_ctx *)arg)->h); }
#endif

/* ---- oneDNN ------------------------------------------------------------------------------- */
#ifdef HAVE_DNNL
#define DNNL_CHECK(call)                                                                           \
    do {                                                                                           \
        dnnl_status_t dnnl_check_status = (call);                                                  \
        if (dnnl_check_status != dnnl_success) {                                                   \
            fprintf(stderr, "geglu-compare: %s failed (%d), line %d\n", #call,                     \
                    (int)dnnl_check_status, __LINE__);                                             \
            exit(1);                                                                               \
        }                                                                                          \
    } while (0)

static dnnl_engine_t dn_engine;
static dnnl_stream_t dn_stream;
static int dn_has_bf16; /* whether oneDNN has a bf16 matmul for this CPU (see dn_probe_bf16) */

/* value: U = X V; gate: H = GELU_tanh(X W) * U; down: Y = H W2. */
enum { DN_VALUE, DN_GATE, DN_DOWN, DN_COUNT };

typedef struct dn_ctx {
    dnnl_primitive_t prim[DN_COUNT];
    dnnl_primitive_t x_reorder; /* bf16: the caller's fp32 X to bf16; NULL for f32 */
    dnnl_memory_t x_user, x, u, h, y, wts[DN_COUNT]; /* wts: in oneDNN's layout */
    char impl_name[DN_COUNT][64];
    float *y_data;
} dn_ctx;

static void dn_md(dnnl_memory_desc_t *md, size_t rows, size_t cols, dnnl_data_type_t type,
                  dnnl_format_tag_t tag) {
    dnnl_dims_t dims;
    dims[0] = (dnnl_dim_t)rows;
    dims[1] = (dnnl_dim_t)cols;
    DNNL_CHECK(dnnl_memory_desc_init_by_tag(md, 2, dims, type, tag));
}

/* Runs a reorder from one memory to another and waits. */
static void dn_reorder_run(dnnl_primitive_t reorder, dnnl_memory_t from, dnnl_memory_t to) {
    dnnl_exec_arg_t args[2];
    args[0].arg = DNNL_ARG_FROM;
    args[0].memory = from;
    args[1].arg = DNNL_ARG_TO;
    args[1].memory = to;
    DNNL_CHECK(dnnl_primitive_execute(reorder, dn_stream, 2, args));
}

static dnnl_primitive_t dn_reorder(const dnnl_memory_desc_t *from, const dnnl_memory_desc_t *to) {
    dnnl_primitive_desc_t rpd;
    dnnl_primitive_t reorder;
    DNNL_CHECK(dnnl_reorder_primitive_desc_create(&rpd, from, dn_engine, to, dn_engine, NULL));
    DNNL_CHECK(dnnl_primitive_create(&reorder, rpd));
    DNNL_CHECK(dnnl_primitive_desc_destroy(rpd));
    return reorder;
}

/* A matmul src (m x k, of `type`) times weights (k x n of `type`, stored row-major at
   `weights`) into dst (of dst_type); the weights are reordered once into the layout the
   primitive asks for. */
static void dn_matmul(dn_ctx *c, int which, size_t m, size_t k, size_t n, const void *weights,
                      dnnl_data_type_t type, dnnl_data_type_t dst_type,
                      const_dnnl_primitive_attr_t attr) {
    dnnl_memory_desc_t src, wany, dst, wplain;
    const dnnl_memory_desc_t *wchosen;
    dnnl_matmul_desc_t desc;
    dnnl_primitive_desc_t pd;
    dnnl_primitive_t reorder;
    dnnl_memory_t user;
    const char *name = NULL;
    dn_md(&src, m, k, type, dnnl_ab);
    dn_md(&wany, k, n, type, dnnl_format_tag_any);
    dn_md(&dst, m, n, dst_type, dnnl_ab);
    dn_md(&wplain, k, n, type, dnnl_ab);
    DNNL_CHECK(dnnl_matmul_desc_init(&desc, &src, &wany, NULL, &dst));
    DNNL_CHECK(dnnl_primitive_desc_create(&pd, &desc, attr, dn_engine, NULL));
    DNNL_CHECK(dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &name));
    snprintf(c->impl_name[which], sizeof c->impl_name[which], "%s", name ? name : "?");
    wchosen = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
    DNNL_CHECK(dnnl_primitive_create(&c->prim[which], pd));
    DNNL_CHECK(dnnl_memory_create(&c->wts[which], wchosen, dn_engine, DNNL_MEMORY_ALLOCATE));
    DNNL_CHECK(dnnl_memory_create(&user, &wplain, dn_engine, (void *)(uintptr_t)weights));
    reorder = dn_reorder(&wplain, wchosen);
    dn_reorder_run(reorder, user, c->wts[which]);
    DNNL_CHECK(dnnl_stream_wait(dn_stream));
    DNNL_CHECK(dnnl_primitive_destroy(reorder));
    DNNL_CHECK(dnnl_memory_destroy(user));
    DNNL_CHECK(dnnl_primitive_desc_destroy(pd));
}

static void dn_setup(dn_ctx *c, const problem *p, float *y) {
    const int bf16 = p->type == GEGLU_DTYPE_BF16;
    const dnnl_data_type_t type = bf16 ? dnnl_bf16 : dnnl_f32;
    dnnl_memory_desc_t md, md_x;
    dnnl_post_ops_t ops;
    dnnl_primitive_attr_t attr;
    memset(c, 0, sizeof *c);
    c->y_data = y;
    dn_md(&md, p->tokens, p->d_model, dnnl_f32, dnnl_ab);
    DNNL_CHECK(dnnl_memory_create(&c->x_user, &md, dn_engine, (void *)(uintptr_t)p->x));
    DNNL_CHECK(dnnl_memory_create(&c->y, &md, dn_engine, y));
    if (bf16) {
        dn_md(&md_x, p->tokens, p->d_model, dnnl_bf16, dnnl_ab);
        DNNL_CHECK(dnnl_memory_create(&c->x, &md_x, dn_engine, DNNL_MEMORY_ALLOCATE));
        c->x_reorder = dn_reorder(&md, &md_x);
    } else {
        c->x = c->x_user;
    }
    dn_md(&md, p->tokens, p->d_ff, type, dnnl_ab);
    DNNL_CHECK(dnnl_memory_create(&c->h, &md, dn_engine, DNNL_MEMORY_ALLOCATE));
    dn_md(&md, p->tokens, p->d_ff, dnnl_f32, dnnl_ab);
    DNNL_CHECK(dnnl_memory_create(&c->u, &md, dn_engine, DNNL_MEMORY_ALLOCATE));
    DNNL_CHECK(dnnl_post_ops_create(&ops));
    DNNL_CHECK(dnnl_post_ops_append_eltwise(ops, 1.0f, dnnl_eltwise_gelu_tanh, 0.0f, 0.0f));
    DNNL_CHECK(dnnl_post_ops_append_binary(ops, dnnl_binary_mul, &md));
    DNNL_CHECK(dnnl_primitive_attr_create(&attr));
    DNNL_CHECK(dnnl_primitive_attr_set_post_ops(attr, ops));
    dn_matmul(c, DN_VALUE, p->tokens, p->d_model, p->d_ff, p->v_stored, type, dnnl_f32, NULL);
    dn_matmul(c, DN_GATE, p->tokens, p->d_model, p->d_ff, p->w_stored, type, type, attr);
    dn_matmul(c, DN_DOWN, p->tokens, p->d_ff, p->d_model, p->w2_stored, type, dnnl_f32, NULL);
    DNNL_CHECK(dnnl_primitive_attr_destroy(attr));
    DNNL_CHECK(dnnl_post_ops_destroy(ops));
}

static void dn_exec(dnnl_primitive_t prim, dnnl_memory_t src, dnnl_memory_t wts,
                    dnnl_memory_t dst, dnnl_memory_t mul) {
    dnnl_exec_arg_t args[4];
    int n = 3;
    args[0].arg = DNNL_ARG_SRC;
    args[0].memory = src;
    args[1].arg = DNNL_ARG_WEIGHTS;
    args[1].memory = wts;
    args[2].arg = DNNL_ARG_DST;
    args[2].memory = dst;
    if (mul) {
        args[3].arg = DNNL_ARG_ATTR_MULTIPLE_POST_OP(1) | DNNL_ARG_SRC_1; /* post-op 1: binary_mul */
        args[3].memory = mul;
        n = 4;
    }
    DNNL_CHECK(dnnl_primitive_execute(prim, dn_stream, n, args));
}

static void run_dn(void *arg) {
    dn_ctx *c = (dn_ctx *)arg;
    if (c->x_reorder) dn_reorder_run(c->x_reorder, c->x_user, c->x);
    dn_exec(c->prim[DN_VALUE], c->x, c->wts[DN_VALUE], c->u, NULL);
    dn_exec(c->prim[DN_GATE], c->x, c->wts[DN_GATE], c->h, c->u);
    dn_exec(c->prim[DN_DOWN], c->h, c->wts[DN_DOWN], c->y, NULL);
    DNNL_CHECK(dnnl_stream_wait(dn_stream));
}

/* Whether oneDNN makes a bf16 matmul here: CPUs without AVX-512 have none in oneDNN 2.6. */
static int dn_probe_bf16(void) {
    dnnl_memory_desc_t src, wts, dst;
    dnnl_matmul_desc_t desc;
    dnnl_primitive_desc_t pd;
    dn_md(&src, 4, 64, dnnl_bf16, dnnl_ab);
    dn_md(&wts, 64, 64, dnnl_bf16, dnnl_format_tag_any);
    dn_md(&dst, 4, 64, dnnl_f32, dnnl_ab);
    DNNL_CHECK(dnnl_matmul_desc_init(&desc, &src, &wts, NULL, &dst));
    if (dnnl_primitive_desc_create(&pd, &desc, NULL, dn_engine, NULL) != dnnl_success) return 0;
    DNNL_CHECK(dnnl_primitive_desc_destroy(pd));
    return 1;
}

static void dn_teardown(dn_ctx *c) {
    int i;
    for (i = 0; i < DN_COUNT; i++) {
        DNNL_CHECK(dnnl_primitive_destroy(c->prim[i]));
        DNNL_CHECK(dnnl_memory_destroy(c->wts[i]));
    }
    if (c->x_reorder) {
        DNNL_CHECK(dnnl_primitive_destroy(c->x_reorder));
        DNNL_CHECK(dnnl_memory_destroy(c->x));
    }
    DNNL_CHECK(dnnl_memory_destroy(c->x_user));
    DNNL_CHECK(dnnl_memory_destroy(c->u));
    DNNL_CHECK(dnnl_memory_destroy(c->h));
    DNNL_CHECK(dnnl_memory_destroy(c->y));
}

static const char *dn_isa_name(dnnl_cpu_isa_t isa) {
    switch (isa) {
    case dnnl_cpu_isa_sse41: return "sse41";
    case dnnl_cpu_isa_avx: return "avx";
    case dnnl_cpu_isa_avx2: return "avx2";
    case dnnl_cpu_isa_avx2_vnni: return "avx2_vnni";
    case dnnl_cpu_isa_avx512_core: return "avx512_core";
    case dnnl_cpu_isa_avx512_core_vnni: return "avx512_core_vnni";
    case dnnl_cpu_isa_avx512_core_bf16: return "avx512_core_bf16";
    case dnnl_cpu_isa_avx512_core_amx: return "avx512_core_amx";
    default: return "other";
    }
}
#endif

/* ---- measuring ---------------------------------------------------------------------------- */

typedef struct turns_timing {
    timing t;
    double cpu_per_wall;
} turns_timing;

/* The implementations in turns: each sample of each one times enough calls to last about
   sample_seconds; one sample of every implementation per round. */
static void measure(const impl *im, size_t count, int samples, double sample_seconds,
                    turns_timing *out) {
    static double times[MAX_IMPLS][MAX_SAMPLES];
    double wall[MAX_IMPLS] = {0}, cpu[MAX_IMPLS] = {0}, c0, elapsed;
    long calls[MAX_IMPLS];
    size_t i;
    int s;
    if (samples > MAX_SAMPLES) samples = MAX_SAMPLES;
    for (i = 0; i < count; i++) {
        im[i].run(im[i].ctx); /* warm-up */
        calls[i] = calls_lasting(im[i].run, im[i].ctx, sample_seconds, 1L << 20);
    }
    for (s = 0; s < samples; s++)
        for (i = 0; i < count; i++) {
            c0 = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
            elapsed = time_calls(im[i].run, im[i].ctx, calls[i]);
            cpu[i] += clock_seconds(CLOCK_PROCESS_CPUTIME_ID) - c0;
            wall[i] += elapsed;
            times[i][s] = elapsed / (double)calls[i];
        }
    for (i = 0; i < count; i++) {
        out[i].t = summarize(times[i], samples);
        out[i].cpu_per_wall = cpu[i] / wall[i];
    }
}

/* max |a - b| / max |b|; NaN anywhere counts as total disagreement. */
static double relative_difference(const float *a, const float *b, size_t n) {
    double diff = 0.0, scale = 0.0, d;
    size_t i;
    for (i = 0; i < n; i++) {
        if (a[i] != a[i] || b[i] != b[i]) return INFINITY;
        d = fabs((double)a[i] - (double)b[i]);
        if (d > diff) diff = d;
        if (fabs((double)b[i]) > scale) scale = fabs((double)b[i]);
    }
    return scale > 0.0 ? diff / scale : diff;
}

/* ---- one preset, one type of weights ------------------------------------------------------- */

static int disagreements; /* results that failed the check: the exit status says so */

static void bench_weights(const preset *pr, problem p, const size_t *token_list,
                          size_t token_count, size_t max_tokens, int samples,
                          double sample_seconds) {
    const int bf16 = p.type == GEGLU_DTYPE_BF16;
    const size_t weights = pr->d_model * pr->d_ff;
    const size_t checked_rows = max_tokens < REFERENCE_ROWS ? max_tokens : REFERENCE_ROWS;
    double *reference = (double *)malloc(checked_rows * pr->d_model * sizeof(double));
    void *packed_buffer[2] = {NULL, NULL};
    /* geglu packed; f32: unpacked, bf16: packed with bf16 products; unpacked OUT_IN */
    layer_context ours[3];
    void *transposed[3];
    size_t i, t, n;
    if (!reference) die("out of memory");
    reference_rows(&p, checked_rows, reference);
    memset(ours, 0, sizeof ours);
    ours[0].layer.d_model = pr->d_model;
    ours[0].layer.d_ff = pr->d_ff;
    ours[0].layer.w = p.w_stored;
    ours[0].layer.v = p.v_stored;
    ours[0].layer.w2 = p.w2_stored;
    ours[0].layer.weight_type = p.type;
    ours[0].layer.gelu = GEGLU_GELU_TANH;
    ours[0].ffn = 1;
    ours[0].x = p.x;
    ours[0].packed = pack_layer(&ours[0].layer, pr->name, &packed_buffer[0]);
    ours[1] = ours[0];
    ours[1].packed = NULL;
    if (bf16) {
        ours[1].layer.precision = GEGLU_PRECISION_BF16;
        ours[1].packed = pack_layer(&ours[1].layer, pr->name, &packed_buffer[1]);
    }
    ours[2] = ours[0];
    ours[2].packed = NULL;
    ours[2].layer.layout = GEGLU_LAYOUT_OUT_IN;
    for (i = 0; i < 3; i++) {
        const size_t rows = i < 2 ? pr->d_model : pr->d_ff;
        transposed[i] = transposed_copy(i == 0 ? p.w_stored : i == 1 ? p.v_stored : p.w2_stored,
                                        rows, weights / rows, bf16 ? sizeof(uint16_t) : sizeof(float));
    }
    ours[2].layer.w = transposed[0];
    ours[2].layer.v = transposed[1];
    ours[2].layer.w2 = transposed[2];

    for (t = 0; t < token_count; t++) {
        impl im[MAX_IMPLS];
        turns_timing tm[MAX_IMPLS];
        double diff[MAX_IMPLS], error[MAX_IMPLS], flops;
        size_t count = 0, timed = 0, k;
        impl ok[MAX_IMPLS];
        size_t ok_index[MAX_IMPLS];
#ifdef HAVE_OPENBLAS
        blas_ctx blas;
#endif
#ifdef HAVE_DNNL
        dn_ctx dnn;
#endif
        p.tokens = token_list[t];
        n = p.tokens * p.d_model;
        flops = 6.0 * (double)p.tokens * (double)weights;
        for (k = 0; k < 3; k++) {
            ours[k].tokens = p.tokens;
            alloc_workspace(&ours[k]);
            ours[k].out = alloc_floats(n);
        }
        add_impl(im, &count, "geglu packed", run_layer, &ours[0], ours[0].out, AGREE);
        add_impl(im, &count, bf16 ? "geglu bf16 prod" : "geglu unpacked", run_layer, &ours[1],
                 ours[1].out, bf16 ? AGREE_BF16 : AGREE);
        add_impl(im, &count, "geglu out_in", run_layer, &ours[2], ours[2].out, AGREE);
#ifdef HAVE_OPENBLAS
        if (!bf16) {
            blas.p = p;
            blas.a = alloc_floats(p.tokens * p.d_ff);
            blas.u = alloc_floats(p.tokens * p.d_ff);
            blas.y = alloc_floats(n);
            blas.h = alloc_floats(p.tokens * p.d_ff);
            add_impl(im, &count, "openblas", run_blas, &blas, blas.y, AGREE);
        }
#endif
#ifdef HAVE_DNNL
        const int dn_runs = !bf16 || dn_has_bf16;
        if (dn_runs) {
            dn_setup(&dnn, &p, alloc_floats(n));
            add_impl(im, &count, "onednn", run_dn, &dnn, dnn.y_data, bf16 ? AGREE_BF16 : AGREE);
        }
#endif
        /* Check every result against geglu packed before timing anything. */
        for (k = 0; k < count; k++) {
            for (i = 0; i < n; i++) im[k].y[i] = NAN;
            im[k].run(im[k].ctx);
        }
        for (k = 0; k < count; k++) {
            diff[k] = relative_difference(im[k].y, im[0].y, n);
            error[k] = normwise_error(im[k].y, reference,
                                      (p.tokens < checked_rows ? p.tokens : checked_rows) * p.d_model);
            if (k == 0 || diff[k] < im[k].agree) {
                ok[timed] = im[k];
                ok_index[timed++] = k;
            }
        }
        measure(ok, timed, samples, sample_seconds, tm);
        for (k = 0; k < count; k++) {
            size_t j;
            for (j = 0; j < timed && ok_index[j] != k; j++) continue;
            if (j == timed) {
                disagreements++;
                printf("%-9s %6zu %-5s %-15s DISAGREES with geglu packed: max |diff| / max |y| = "
                       "%.3g, not timed\n",
                       pr->name, p.tokens, bf16 ? "bf16" : "f32", im[k].name, diff[k]);
                continue;
            }
            printf("%-9s %6zu %-5s %-15s %10.3f %10.3f %10.3f %8.1f %8.2fx %6.2fx %9.1e %9.1e %8.2f\n",
                   pr->name, p.tokens, bf16 ? "bf16" : "f32", im[k].name, tm[j].t.median * 1e3,
                   tm[j].t.min * 1e3, tm[j].t.max * 1e3, flops / tm[j].t.median * 1e-9,
                   tm[j].t.median / tm[0].t.median, tm[j].t.min / tm[0].t.min, diff[k], error[k],
                   tm[j].cpu_per_wall);
        }
#ifdef HAVE_DNNL
        if (dn_runs) {
            printf("%-9s %6zu %-5s onednn matmuls: value %s, gate %s, down %s\n", pr->name,
                   p.tokens, bf16 ? "bf16" : "f32", dnn.impl_name[DN_VALUE],
                   dnn.impl_name[DN_GATE], dnn.impl_name[DN_DOWN]);
            free(dnn.y_data);
            dn_teardown(&dnn);
        } else {
            printf("%-9s %6zu %-5s onednn: no bf16 matmul for this CPU, skipped\n", pr->name,
                   p.tokens, "bf16");
        }
#endif
#ifdef HAVE_OPENBLAS
        if (!bf16) {
            impl part[2];
            turns_timing pt[2];
            size_t parts = 0;
            add_impl(part, &parts, "products", run_blas_products, &blas, NULL, 0.0);
            add_impl(part, &parts, "gelu", run_blas_gelu, &blas, NULL, 0.0);
            measure(part, parts, samples, sample_seconds, pt);
            printf("%-9s %6zu %-5s openblas parts: %s %.3f ms, GELU pass with tanhf %.3f ms "
                   "(medians)\n",
                   pr->name, p.tokens, "f32", p.tokens == 1 ? "3 sgemv" : "3 sgemm",
                   pt[0].t.median * 1e3, pt[1].t.median * 1e3);
            free(blas.a);
            free(blas.h);
            free(blas.u);
            free(blas.y);
        }
#endif
        for (k = 0; k < 3; k++) {
            free(ours[k].workspace);
            free(ours[k].out);
        }
        fflush(stdout);
    }
    for (i = 0; i < 3; i++) free(transposed[i]);
    free(packed_buffer[0]);
    free(packed_buffer[1]);
    free(reference);
}

/* ---- one preset --------------------------------------------------------------------------- */

/* Rounds the n floats at p to bf16 in place (their patterns to bf16): they then hold the bf16
   weights' values exactly. */
static void round_to_bf16(float *p, uint16_t *bf16, size_t n) {
    if (geglu_f32_to_bf16(bf16, p, n) != GEGLU_OK || geglu_bf16_to_f32(p, bf16, n) != GEGLU_OK)
        die("cannot convert the weights to bf16");
}

static void bench_preset(const preset *pr, const size_t *token_list, size_t token_count,
                         const int *types, int samples, double sample_seconds) {
    size_t weights = pr->d_model * pr->d_ff, max_tokens = 0, t;
    float *w = alloc_floats(weights), *v = alloc_floats(weights), *w2 = alloc_floats(weights), *x;
    problem p;
    for (t = 0; t < token_count; t++)
        if (token_list[t] > max_tokens) max_tokens = token_list[t];
    x = alloc_floats(max_tokens * pr->d_model);
    random_layer(w, v, w2, weights, x, max_tokens * pr->d_model);
    memset(&p, 0, sizeof p);
    p.d_model = pr->d_model;
    p.d_ff = pr->d_ff;
    p.w = w;
    p.v = v;
    p.w2 = w2;
    p.x = x;
    p.w_stored = w;
    p.v_stored = v;
    p.w2_stored = w2;
    if (types[GEGLU_DTYPE_F32]) {
        p.type = GEGLU_DTYPE_F32;
        bench_weights(pr, p, token_list, token_count, max_tokens, samples, sample_seconds);
    }
    if (types[GEGLU_DTYPE_BF16]) { /* after f32: the float weights become bf16 values */
        uint16_t *halves = (uint16_t *)malloc(3 * weights * sizeof(uint16_t));
        if (!halves) die("out of memory");
        round_to_bf16(w, halves, weights);
        round_to_bf16(v, halves + weights, weights);
        round_to_bf16(w2, halves + 2 * weights, weights);
        p.type = GEGLU_DTYPE_BF16;
        p.w_stored = halves;
        p.v_stored = halves + weights;
        p.w2_stored = halves + 2 * weights;
        bench_weights(pr, p, token_list, token_count, max_tokens, samples, sample_seconds);
        free(halves);
    }
    free(w);
    free(v);
    free(w2);
    free(x);
}

/* ---- main --------------------------------------------------------------------------------- */

static int thread_count(void) {
    char line[256];
    int threads = -1;
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "Threads: %d", &threads) == 1) break;
    fclose(f);
    return threads;
}

static int usage(void) {
    fprintf(stderr, "usage: geglu-compare [--quick] [--preset t5-base|t5-large|gemma-2b[,...]] "
                    "[--tokens N[,N...]] [--samples N] [--weights f32,bf16]\n");
    return 2;
}

int main(int argc, char **argv) {
    const size_t preset_count = COMPARE_PRESETS;
    size_t tokens[16] = {1, 8, 64, 256}, token_count = 4, i;
    int chosen[COMPARE_PRESETS] = {1, 1, 1}, quick = 0, samples = 0, a;
    int tokens_given = 0, presets_given = 0;
    int types[3] = {1, 1, 0}; /* by geglu_dtype: f32 and bf16 */
    for (a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--quick") == 0) {
            quick = 1;
        } else if (strcmp(argv[a], "--preset") == 0 && a + 1 < argc) {
            char *list = argv[++a], *name;
            memset(chosen, 0, sizeof chosen);
            presets_given = 1;
            for (name = strtok(list, ","); name; name = strtok(NULL, ",")) {
                for (i = 0; i < preset_count && strcmp(name, presets[i].name) != 0; i++) continue;
                if (i == preset_count) return usage();
                chosen[i] = 1;
            }
        } else if (strcmp(argv[a], "--tokens") == 0 && a + 1 < argc) {
            char *s = argv[++a], *end;
            tokens_given = 1;
            for (token_count = 0; *s; s = end + (*end == ',')) {
                unsigned long value = strtoul(s, &end, 10);
                if (end == s || value == 0 || value > 65536 || (*end && *end != ',') ||
                    token_count == sizeof tokens / sizeof tokens[0])
                    return usage();
                tokens[token_count++] = value;
            }
            if (token_count == 0) return usage();
        } else if (strcmp(argv[a], "--weights") == 0 && a + 1 < argc) {
            char *list = argv[++a], *name;
            memset(types, 0, sizeof types);
            for (name = strtok(list, ","); name; name = strtok(NULL, ",")) {
                if (strcmp(name, "f32") == 0) types[GEGLU_DTYPE_F32] = 1;
                else if (strcmp(name, "bf16") == 0) types[GEGLU_DTYPE_BF16] = 1;
                else return usage();
            }
        } else if (strcmp(argv[a], "--samples") == 0 && a + 1 < argc) {
            samples = atoi(argv[++a]);
            if (samples < 1 || samples > MAX_SAMPLES) return usage();
        } else {
            return usage();
        }
    }
    if (quick && !presets_given) {
        chosen[1] = chosen[2] = 0;
    }
    if (quick && !tokens_given) {
        tokens[0] = 1;
        tokens[1] = 64;
        token_count = 2;
    }
    if (samples == 0) samples = quick ? 3 : 7;

    printf("geglu.h %s, ISA in use: %s%s; FFN Y = (GELU_tanh(XW) (x) XV) W2, X and Y fp32, no "
           "biases, one thread\n",
           GEGLU_VERSION_STRING, geglu_isa(),
           GEGLU__PATH_IN_USE->gate_dot_tile ? " (bf16 products on vdpbf16ps)" : "");
#ifdef HAVE_OPENBLAS
    openblas_set_num_threads(1);
    printf("OpenBLAS: core %s, %d thread(s), OPENBLAS_CORETYPE=%s; %s\n", openblas_get_corename(),
           openblas_get_num_threads(), getenv("OPENBLAS_CORETYPE") ? getenv("OPENBLAS_CORETYPE") : "(unset)",
           openblas_get_config());
#else
    printf("OpenBLAS: not built in (no cblas.h / libopenblas-dev): skipped\n");
#endif
#ifdef HAVE_DNNL
    {
        const dnnl_version_t *version = dnnl_version();
        int dnnl_threads = -1;
#if DNNL_CPU_THREADING_RUNTIME == DNNL_RUNTIME_OMP
        omp_set_num_threads(1);
        dnnl_threads = omp_get_max_threads();
#endif
        DNNL_CHECK(dnnl_engine_create(&dn_engine, dnnl_cpu, 0));
        DNNL_CHECK(dnnl_stream_create(&dn_stream, dn_engine, dnnl_stream_default_flags));
        dn_has_bf16 = dn_probe_bf16();
        printf("oneDNN %d.%d.%d: ISA %s, CPU runtime %s, %d thread(s)\n", version->major,
               version->minor, version->patch, dn_isa_name(dnnl_get_effective_cpu_isa()),
               version->cpu_runtime == DNNL_RUNTIME_OMP   ? "OpenMP"
               : version->cpu_runtime == DNNL_RUNTIME_TBB ? "TBB"
                                                          : "other",
               dnnl_threads);
    }
#else
    printf("oneDNN: not built in (no oneapi/dnnl/dnnl.h / libdnnl-dev): skipped\n");
#endif
    printf("%d samples per implementation, taken in turns; x packed: median / geglu packed's "
           "median,\nx min: min / geglu packed's min (> 1: geglu packed is faster), of the same "
           "weights;\nrel diff: max |y - geglu packed's y| / max |y|; error: normwise, of the first "
           "rows against double\n\n",
           samples);
    printf("%-9s %6s %-5s %-15s %10s %10s %10s %8s %9s %7s %9s %9s %8s\n", "preset", "tokens",
           "wts", "implementation", "median ms", "min ms", "max ms", "GFLOP/s", "x packed",
           "x min", "rel diff", "error", "cpu/wall");
    for (i = 0; i < preset_count; i++)
        if (chosen[i])
            bench_preset(&presets[i], tokens, token_count, types, samples, quick ? 0.005 : 0.02);
    printf("\nthreads in this process at the end: %d\n", thread_count());
    if (disagreements) printf("%d result(s) disagreed with geglu packed's\n", disagreements);
#ifdef HAVE_DNNL
    dnnl_stream_destroy(dn_stream);
    dnnl_engine_destroy(dn_engine);
#endif
    return disagreements != 0;
}

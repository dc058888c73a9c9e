/* Gate and FFN tests: against a double-precision reference within the error bound geglu.h states,
 * on odd and prime shapes, both layouts, every bias present or absent, both GELU kinds, with
 * guarded and misaligned buffers; the order of operations; every status code. */
#define GEGLU_IMPLEMENTATION
#include "../geglu.h"

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "test_util.h"

#define U_F32 (1.0 / 16777216.0) /* unit roundoff of float, 2^-24 */
/* sup |GELU'| is 1.1289 for both kinds (erf: at x = sqrt 2); test_gelu_slope_bound checks it. */
#define GELU_SLOPE 1.15
/* geglu_gelu_mul_f32's stated error: 2 ULP of a normal result, at most 2^-22 relative. */
#define GELU_MUL_ERROR (1.0 / 4194304.0)

static double gamma_n(size_t n) {
    return (double)n * U_F32 / (1.0 - (double)n * U_F32);
}

/* A layer with its own storage; weights are kept in IN_OUT order, `layer` may view a transpose.
   With 16-bit weights, w, v and w2 hold their exact values as floats (the references use them)
   and the *_typed arrays the 16-bit patterns the layer points to. */
typedef struct test_layer {
    size_t d_model, d_ff;
    float *w, *v, *w2, *b, *c, *b2;    /* IN_OUT storage */
    float *wt, *vt, *w2t;              /* the same weights in OUT_IN order */
    const void *w_typed, *v_typed, *w2_typed, *wt_typed, *vt_typed, *w2t_typed;
    uint16_t *halves;                  /* the 16-bit arrays, or NULL */
    geglu_layer_f32 layer;
} test_layer;

/* The weights' type and the precision of their products; BF16 changes only bf16 weights. */
typedef struct weights_kind {
    geglu_dtype type;
    geglu_precision precision;
} weights_kind;
static const weights_kind weight_kinds[] = {
    {GEGLU_DTYPE_F32, GEGLU_PRECISION_F32},  {GEGLU_DTYPE_BF16, GEGLU_PRECISION_F32},
    {GEGLU_DTYPE_F16, GEGLU_PRECISION_F32},  {GEGLU_DTYPE_BF16, GEGLU_PRECISION_BF16},
    {GEGLU_DTYPE_F16, GEGLU_PRECISION_BF16}, {GEGLU_DTYPE_F32, GEGLU_PRECISION_BF16}};
#define KINDS (sizeof weight_kinds / sizeof weight_kinds[0])
static const weights_kind f32_weights = {GEGLU_DTYPE_F32, GEGLU_PRECISION_F32};

#define U_BF16 (1.0 / 256.0) /* unit roundoff of bf16 (8 significant bits), 2^-8 */

/* Whether the layer's products round their left operand to bf16, in pairs of terms. */
static int bf16_products(const geglu_layer_f32 *l) {
    return l->weight_type == GEGLU_DTYPE_BF16 && l->precision == GEGLU_PRECISION_BF16;
}

/* Rounds the floats to values of the type, in place: they widen back exactly. */
static void quantize(float *p, size_t n, geglu_dtype type, uint16_t *scratch) {
    if (type == GEGLU_DTYPE_F32) return;
    if (type == GEGLU_DTYPE_BF16) {
        assert_int_equal(geglu_f32_to_bf16(scratch, p, n), GEGLU_OK);
        assert_int_equal(geglu_bf16_to_f32(p, scratch, n), GEGLU_OK);
    } else {
        assert_int_equal(geglu_f32_to_f16(scratch, p, n), GEGLU_OK);
        assert_int_equal(geglu_f16_to_f32(p, scratch, n), GEGLU_OK);
    }
}

/* The 16-bit patterns of floats that are values of the type, written to halves + at. */
static const void *typed(const float *p, size_t n, geglu_dtype type, uint16_t *halves, size_t at) {
    uint16_t *to;
    if (type == GEGLU_DTYPE_F32) return p;
    to = halves + at;
    if (type == GEGLU_DTYPE_BF16) assert_int_equal(geglu_f32_to_bf16(to, p, n), GEGLU_OK);
    else assert_int_equal(geglu_f32_to_f16(to, p, n), GEGLU_OK);
    return to;
}

static float *random_array(test_rng *r, size_t n, float scale) {
    float *p = (float *)malloc((n ? n : 1) * sizeof(float));
    size_t i;
    assert_non_null(p);
    for (i = 0; i < n; i++) p[i] = rng_uniform(r, -scale, scale);
    return p;
}

static float *transpose(const float *m, size_t rows, size_t cols) {
    float *t = (float *)malloc((rows * cols + 1) * sizeof(float));
    size_t i, j;
    assert_non_null(t);
    for (i = 0; i < rows; i++)
        for (j = 0; j < cols; j++) t[j * rows + i] = m[i * cols + j];
    return t;
}

static void make_layer(test_layer *t, test_rng *r, size_t d_model, size_t d_ff, int biases,
                       geglu_gelu kind, geglu_layout layout, weights_kind weights) {
    const geglu_dtype type = weights.type;
    float ws = (float)(2.0 / sqrt((double)(d_model ? d_model : 1)));
    size_t n = d_model * d_ff;
    t->d_model = d_model;
    t->d_ff = d_ff;
    t->w = random_array(r, d_model * d_ff, ws);
    t->v = random_array(r, d_model * d_ff, ws);
    t->w2 = random_array(r, d_ff * d_model, (float)(1.0 / sqrt((double)(d_ff ? d_ff : 1))));
    t->halves = type == GEGLU_DTYPE_F32 ? NULL : (uint16_t *)malloc(6 * n * sizeof(uint16_t) + 2);
    assert_true(type == GEGLU_DTYPE_F32 || t->halves != NULL);
    quantize(t->w, n, type, t->halves);
    quantize(t->v, n, type, t->halves);
    quantize(t->w2, n, type, t->halves);
    t->b = random_array(r, d_ff, 1.0f);
    t->c = random_array(r, d_ff, 1.0f);
    t->b2 = random_array(r, d_model, 1.0f);
    t->wt = transpose(t->w, d_model, d_ff);
    t->vt = transpose(t->v, d_model, d_ff);
    t->w2t = transpose(t->w2, d_ff, d_model);
    t->w_typed = typed(t->w, n, type, t->halves, 0);
    t->v_typed = typed(t->v, n, type, t->halves, n);
    t->w2_typed = typed(t->w2, n, type, t->halves, 2 * n);
    t->wt_typed = typed(t->wt, n, type, t->halves, 3 * n);
    t->vt_typed = typed(t->vt, n, type, t->halves, 4 * n);
    t->w2t_typed = typed(t->w2t, n, type, t->halves, 5 * n);
    memset(&t->layer, 0, sizeof t->layer);
    t->layer.weight_type = type;
    t->layer.precision = weights.precision;
    t->layer.d_model = d_model;
    t->layer.d_ff = d_ff;
    t->layer.gelu = kind;
    t->layer.layout = layout;
    t->layer.w = layout == GEGLU_LAYOUT_IN_OUT ? t->w_typed : t->wt_typed;
    t->layer.v = layout == GEGLU_LAYOUT_IN_OUT ? t->v_typed : t->vt_typed;
    t->layer.w2 = layout == GEGLU_LAYOUT_IN_OUT ? t->w2_typed : t->w2t_typed;
    t->layer.b = (biases & 1) ? t->b : NULL;
    t->layer.c = (biases & 2) ? t->c : NULL;
    t->layer.b2 = (biases & 4) ? t->b2 : NULL;
}

static void free_layer(test_layer *t) {
    free(t->w);
    free(t->v);
    free(t->w2);
    free(t->b);
    free(t->c);
    free(t->b2);
    free(t->wt);
    free(t->vt);
    free(t->w2t);
    free(t->halves);
}

/* Double-precision H and, per element, the bound on |H_computed - H| that geglu.h states. */
static void reference_gate(const test_layer *t, const float *x, size_t tokens, double *h,
                           double *h_bound) {
    const geglu_layer_f32 *l = &t->layer;
    size_t i, j, k;
    /* bf16 products: each term of x is off by 2^-8 relative before the sum's own error */
    double g = bf16_products(l) ? U_BF16 + gamma_n(t->d_model + 1) * (1.0 + U_BF16)
                                : gamma_n(t->d_model + 1);
    for (i = 0; i < tokens; i++) {
        for (j = 0; j < t->d_ff; j++) {
            double a = l->b ? l->b[j] : 0.0, u = l->c ? l->c[j] : 0.0;
            double a_abs = fabs(a), u_abs = fabs(u), ga, e_a, e_u, first;
            for (k = 0; k < t->d_model; k++) {
                double xk = x[i * t->d_model + k];
                a += xk * t->w[k * t->d_ff + j];
                u += xk * t->v[k * t->d_ff + j];
                a_abs += fabs(xk * t->w[k * t->d_ff + j]);
                u_abs += fabs(xk * t->v[k * t->d_ff + j]);
            }
            ga = ref_gelu(a, l->gelu);
            e_a = g * a_abs;
            e_u = g * u_abs;
            first = (fabs(ga) + GELU_SLOPE * e_a) * e_u + GELU_SLOPE * fabs(u) * e_a;
            h[i * t->d_ff + j] = ga * u;
            h_bound[i * t->d_ff + j] =
                first + 1.01 * GELU_MUL_ERROR * (fabs(ga * u) + first) + 1e-44;
        }
    }
}

static void reference_ffn(const test_layer *t, const float *x, size_t tokens, double *y,
                          double *y_bound) {
    size_t i, j, n, d_ff = t->d_ff, d_model = t->d_model;
    double *h = (double *)malloc((tokens * d_ff + 1) * sizeof(double));
    double *hb = (double *)malloc((tokens * d_ff + 1) * sizeof(double));
    double g = gamma_n(d_ff + 1);
    assert_true(h && hb);
    reference_gate(t, x, tokens, h, hb);
    for (i = 0; i < tokens; i++) {
        for (n = 0; n < d_model; n++) {
            double b2 = t->layer.b2 ? t->layer.b2[n] : 0.0;
            double acc = b2, abs_sum = fabs(b2), passed = 0.0;
            for (j = 0; j < d_ff; j++) {
                double w2 = t->w2[j * d_model + n], e = hb[i * d_ff + j];
                /* bf16 products round H to bf16: 2^-8 of the computed H more */
                if (bf16_products(&t->layer)) e = e * (1.0 + U_BF16) + U_BF16 * fabs(h[i * d_ff + j]);
                acc += h[i * d_ff + j] * w2;
                abs_sum += (fabs(h[i * d_ff + j]) + e) * fabs(w2);
                passed += e * fabs(w2);
            }
            y[i * d_model + n] = acc;
            y_bound[i * d_model + n] = g * abs_sum + passed + 1e-44;
        }
    }
    free(h);
    free(hb);
}

static void assert_within(const char *what, const float *got, const double *want,
                          const double *bound, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) {
        double err = fabs((double)got[i] - want[i]);
        if (!(err <= bound[i]))
            fail_msg("%s[%zu] = %.9g, reference %.9g, error %.3g > bound %.3g", what, i,
                     (double)got[i], want[i], err, bound[i]);
    }
}

static const size_t shapes[] = {1, 2, 3, 5, 7, 13, 16, 17, 31, 64, 65, 97};
#define SHAPE_COUNT (sizeof shapes / sizeof shapes[0])

/* Gate and FFN on many shapes, layouts, bias sets and kinds, against the reference and bound,
   with misaligned guarded buffers, and with the two layouts agreeing bit for bit. */
static void test_against_reference(void **state) {
    test_rng r = {42};
    size_t trial;
    (void)state;
    for (trial = 0; trial < 160; trial++) {
        size_t d_model = shapes[rng_below(&r, SHAPE_COUNT)], d_ff = shapes[rng_below(&r, SHAPE_COUNT)];
        size_t tokens = trial % 3 == 0 ? 1 : 1 + rng_below(&r, 19);
        int biases = (int)(trial % 8);
        geglu_gelu kind = (trial / 8) % 2 ? GEGLU_GELU_TANH : GEGLU_GELU_ERF;
        geglu_layout layout = (trial / 16) % 2 ? GEGLU_LAYOUT_OUT_IN : GEGLU_LAYOUT_IN_OUT;
        size_t misalign = trial % 4, ws_size;
        test_layer t;
        guarded x, h, y, ws;
        double *want, *bound;
        float *h_other, *y_other;
        void *ws_other;
        geglu_layer_f32 other;

        make_layer(&t, &r, d_model, d_ff, biases, kind, layout, weight_kinds[trial % KINDS]);
        x = guarded_alloc(tokens * d_model, misalign);
        h = guarded_alloc(tokens * d_ff, (misalign + 1) % 4);
        y = guarded_alloc(tokens * d_model, (misalign + 2) % 4);
        ws_size = geglu_ffn_workspace_size(&t.layer, tokens);
        ws = guarded_alloc((ws_size + 3) / 4, (misalign + 3) % 4);
        for (size_t i = 0; i < tokens * d_model; i++) x.data[i] = rng_uniform(&r, -2.0f, 2.0f);
        want = (double *)malloc((tokens * (d_ff + d_model) + 1) * sizeof(double));
        bound = (double *)malloc((tokens * (d_ff + d_model) + 1) * sizeof(double));
        assert_true(want && bound);

        assert_int_equal(geglu_gate_f32(&t.layer, x.data, tokens, h.data), GEGLU_OK);
        assert_true(guarded_intact(&h));
        reference_gate(&t, x.data, tokens, want, bound);
        assert_within("h", h.data, want, bound, tokens * d_ff);

        /* A workspace of exactly the size asked for, at an odd byte address. */
        assert_int_equal(geglu_ffn_f32(&t.layer, x.data, tokens, y.data,
                                       (char *)ws.data + 1, ws_size),
                         GEGLU_OK);
        assert_true(guarded_intact(&y));
        reference_ffn(&t, x.data, tokens, want, bound);
        assert_within("y", y.data, want, bound, tokens * d_model);

        /* The other layout, same weights transposed: bitwise the same results. */
        other = t.layer;
        other.layout = layout == GEGLU_LAYOUT_IN_OUT ? GEGLU_LAYOUT_OUT_IN : GEGLU_LAYOUT_IN_OUT;
        other.w = other.layout == GEGLU_LAYOUT_IN_OUT ? t.w_typed : t.wt_typed;
        other.v = other.layout == GEGLU_LAYOUT_IN_OUT ? t.v_typed : t.vt_typed;
        other.w2 = other.layout == GEGLU_LAYOUT_IN_OUT ? t.w2_typed : t.w2t_typed;
        h_other = (float *)malloc((tokens * d_ff + 1) * sizeof(float));
        y_other = (float *)malloc((tokens * d_model + 1) * sizeof(float));
        ws_other = malloc(geglu_ffn_workspace_size(&other, tokens) + 1);
        assert_true(h_other && y_other && ws_other);
        assert_int_equal(geglu_gate_f32(&other, x.data, tokens, h_other), GEGLU_OK);
        assert_memory_equal(h_other, h.data, tokens * d_ff * sizeof(float));
        assert_int_equal(geglu_ffn_f32(&other, x.data, tokens, y_other, ws_other,
                                       geglu_ffn_workspace_size(&other, tokens)),
                         GEGLU_OK);
        assert_memory_equal(y_other, y.data, tokens * d_model * sizeof(float));

        free(h_other);
        free(y_other);
        free(ws_other);
        free(want);
        free(bound);
        guarded_free(&x);
        guarded_free(&h);
        guarded_free(&y);
        guarded_free(&ws);
        free_layer(&t);
    }
}

/* The slope constant used in the bound really bounds |GELU'| for both kinds. */
static void test_gelu_slope_bound(void **state) {
    double x, step = 1e-4, max_slope = 0.0;
    int k;
    (void)state;
    for (k = 0; k < 2; k++)
        for (x = -12.0; x < 12.0; x += 1e-3) {
            geglu_gelu kind = k ? GEGLU_GELU_TANH : GEGLU_GELU_ERF;
            double slope = fabs(ref_gelu(x + step, kind) - ref_gelu(x - step, kind)) / (2 * step);
            if (slope > max_slope) max_slope = slope;
        }
    assert_true(max_slope > 1.12 && max_slope < GELU_SLOPE);
}

/* Y = (GELU(XW) (x) XV) W2, never GELU(XW) (x) (XV W2): with d_model == d_ff both can be formed,
   and the result must be the first and far from the second. */
static void test_order_of_operations(void **state) {
    enum { D = 8, T = 3 };
    test_rng r = {99};
    test_layer t;
    float x[T * D], y[T * D];
    static float ws[16384];
    double want[T * D], bound[T * D], far = 0.0;
    size_t i, j, k, n;
    (void)state;
    make_layer(&t, &r, D, D, 0, GEGLU_GELU_ERF, GEGLU_LAYOUT_IN_OUT, f32_weights);
    for (i = 0; i < T * D; i++) x[i] = rng_uniform(&r, -2.0f, 2.0f);
    assert_int_equal(geglu_ffn_f32(&t.layer, x, T, y, ws, sizeof ws), GEGLU_OK);
    reference_ffn(&t, x, T, want, bound);
    assert_within("y", y, want, bound, T * D);
    for (i = 0; i < T; i++)
        for (n = 0; n < D; n++) {
            double a = 0.0, xvw2 = 0.0;
            for (k = 0; k < D; k++) a += (double)x[i * D + k] * t.w[k * D + n];
            for (j = 0; j < D; j++) {
                double xv = 0.0;
                for (k = 0; k < D; k++) xv += (double)x[i * D + k] * t.v[k * D + j];
                xvw2 += xv * t.w2[j * D + n];
            }
            far += fabs(y[i * D + n] - ref_gelu_erf(a) * xvw2);
        }
    assert_true(far > 0.1);
    free_layer(&t);
}

/* d_model == 0: H = GELU(b) (x) c (zeros without biases); d_ff == 0: Y = b2 (zeros without);
   tokens == 0: nothing happens, NULL allowed. */
static void test_degenerate_sizes(void **state) {
    float b[3] = {0.5f, -1.0f, 2.0f}, c[3] = {2.0f, 3.0f, -1.0f}, b2[2] = {1.5f, -2.5f};
    float h[2 * 3], y[2 * 2], ws[8];
    geglu_layer_f32 layer;
    size_t i;
    (void)state;
    memset(&layer, 0, sizeof layer);
    layer.d_model = 0;
    layer.d_ff = 3;
    layer.b = b;
    layer.c = c;
    assert_int_equal(geglu_gate_f32(&layer, NULL, 2, h), GEGLU_OK);
    for (i = 0; i < 6; i++)
        assert_true(ulp_distance(h[i], (float)(ref_gelu_erf(b[i % 3]) * c[i % 3])) <= 1);
    layer.b = layer.c = NULL;
    assert_int_equal(geglu_gate_f32(&layer, NULL, 2, h), GEGLU_OK);
    for (i = 0; i < 6; i++) assert_true(h[i] == 0.0f);
    /* d_model == 0: Y has no element at all; nothing is required but the layer. */
    assert_int_equal(geglu_ffn_f32(&layer, NULL, 2, NULL, NULL, 0), GEGLU_OK);

    memset(&layer, 0, sizeof layer);
    layer.d_model = 2;
    layer.d_ff = 0;
    layer.b2 = b2;
    assert_int_equal(geglu_ffn_workspace_size(&layer, 2), 0);
    for (i = 0; i < 4; i++) y[i] = CANARY;
    assert_int_equal(geglu_ffn_f32(&layer, (const float *)ws, 2, y, NULL, 0), GEGLU_OK);
    for (i = 0; i < 4; i++) assert_true(y[i] == b2[i % 2]);
    layer.b2 = NULL;
    assert_int_equal(geglu_ffn_f32(&layer, (const float *)ws, 2, y, NULL, 0), GEGLU_OK);
    for (i = 0; i < 4; i++) assert_true(y[i] == 0.0f && !signbit(y[i]));
    assert_int_equal(geglu_gate_f32(&layer, (const float *)ws, 2, NULL), GEGLU_OK);

    layer.d_ff = 3; /* weights NULL, but tokens == 0 reads nothing */
    assert_int_equal(geglu_gate_f32(&layer, NULL, 0, NULL), GEGLU_OK);
    assert_int_equal(geglu_ffn_f32(&layer, NULL, 0, NULL, NULL, 0), GEGLU_OK);
    assert_int_equal(geglu_ffn_workspace_size(&layer, 0), 0);
}

static int all_equal(const float *p, size_t n, float value) {
    size_t i;
    for (i = 0; i < n; i++)
        if (test_bits(p[i]) != test_bits(value)) return 0;
    return 1;
}

/* A layer with the given sizes and weights, no biases, erf GELU, IN_OUT. */
static geglu_layer_f32 weights_only_layer(size_t d_model, size_t d_ff, const float *w,
                                          const float *v, const float *w2) {
    geglu_layer_f32 layer;
    memset(&layer, 0, sizeof layer);
    layer.d_model = d_model;
    layer.d_ff = d_ff;
    layer.w = w;
    layer.v = v;
    layer.w2 = w2;
    return layer;
}

/* Every status code, from both functions, with the outputs untouched. */
static void test_errors(void **state) {
    enum { DM = 4, DF = 6, T = 3 };
    float w[DM * DF], v[DM * DF], w2[DF * DM], x[T * DM], h[T * DF], y[T * DM];
    float big[T * DM + T * DF + DM * DF], spaced[4 * DF * DM + T * DF];
    static unsigned char ws[1 << 16];
    geglu_layer_f32 layer, bad;
    size_t i, need;
    (void)state;
    for (i = 0; i < DM * DF; i++) w[i] = v[i] = w2[i] = 0.25f;
    for (i = 0; i < T * DM; i++) x[i] = 1.0f;
    for (i = 0; i < sizeof big / sizeof big[0]; i++) big[i] = CANARY;
    layer = weights_only_layer(DM, DF, w, v, w2);
    need = geglu_ffn_workspace_size(&layer, T);
    assert_true(need >= DF * sizeof(float) && need <= sizeof ws);
    for (i = 0; i < T * DF; i++) h[i] = CANARY;
    for (i = 0; i < T * DM; i++) y[i] = CANARY;

    /* 1. NULL layer */
    assert_int_equal(geglu_gate_f32(NULL, x, T, h), GEGLU_ERROR_NULL_POINTER);
    assert_int_equal(geglu_ffn_f32(NULL, x, T, y, ws, need), GEGLU_ERROR_NULL_POINTER);
    assert_int_equal(geglu_ffn_workspace_size(NULL, T), 0);
    /* 2. unknown enum values */
    bad = layer;
    bad.gelu = (geglu_gelu)2;
    assert_int_equal(geglu_gate_f32(&bad, x, T, h), GEGLU_ERROR_INVALID_ARGUMENT);
    assert_int_equal(geglu_ffn_f32(&bad, x, T, y, ws, need), GEGLU_ERROR_INVALID_ARGUMENT);
    assert_int_equal(geglu_ffn_workspace_size(&bad, T), 0);
    bad = layer;
    bad.layout = (geglu_layout)-1;
    assert_int_equal(geglu_gate_f32(&bad, x, T, h), GEGLU_ERROR_INVALID_ARGUMENT);
    assert_int_equal(geglu_ffn_f32(&bad, x, T, y, ws, need), GEGLU_ERROR_INVALID_ARGUMENT);
    bad.layout = (geglu_layout)2;
    assert_int_equal(geglu_gate_f32(&bad, x, T, h), GEGLU_ERROR_INVALID_ARGUMENT);
    assert_int_equal(geglu_ffn_workspace_size(&bad, T), 0);
    bad = layer;
    bad.gelu = (geglu_gelu)INT_MAX;
    assert_int_equal(geglu_ffn_f32(&bad, x, T, y, ws, need), GEGLU_ERROR_INVALID_ARGUMENT);
    bad = layer;
    bad.weight_type = (geglu_dtype)3;
    assert_int_equal(geglu_gate_f32(&bad, x, T, h), GEGLU_ERROR_INVALID_ARGUMENT);
    assert_int_equal(geglu_ffn_f32(&bad, x, T, y, ws, need), GEGLU_ERROR_INVALID_ARGUMENT);
    assert_int_equal(geglu_ffn_workspace_size(&bad, T), 0);
    bad.weight_type = (geglu_dtype)-1;
    assert_int_equal(geglu_ffn_f32(&bad, x, T, y, ws, need), GEGLU_ERROR_INVALID_ARGUMENT);
    bad = layer;
    bad.precision = (geglu_precision)2;
    assert_int_equal(geglu_gate_f32(&bad, x, T, h), GEGLU_ERROR_INVALID_ARGUMENT);
    assert_int_equal(geglu_ffn_f32(&bad, x, T, y, ws, need), GEGLU_ERROR_INVALID_ARGUMENT);
    assert_int_equal(geglu_ffn_workspace_size(&bad, T), 0);
    bad.precision = (geglu_precision)-1;
    assert_int_equal(geglu_gate_f32(&bad, x, T, h), GEGLU_ERROR_INVALID_ARGUMENT);
    /* strides shorter than a row (IN_OUT: w's rows hold DF weights, w2's DM; OUT_IN the other
       way round); the gate does not look at w2_stride */
    bad = layer;
    bad.wv_stride = DF - 1;
    assert_int_equal(geglu_gate_f32(&bad, x, T, h), GEGLU_ERROR_INVALID_ARGUMENT);
    assert_int_equal(geglu_ffn_f32(&bad, x, T, y, ws, need), GEGLU_ERROR_INVALID_ARGUMENT);
    assert_int_equal(geglu_ffn_workspace_size(&bad, T), 0);
    assert_int_equal(geglu_packed_size_f32(&bad), 0);
    bad.layout = GEGLU_LAYOUT_OUT_IN;
    bad.wv_stride = DM - 1;
    assert_int_equal(geglu_ffn_f32(&bad, x, T, y, ws, need), GEGLU_ERROR_INVALID_ARGUMENT);
    bad.wv_stride = DM; /* a whole row: dense */
    bad.w2_stride = DF - 1;
    assert_int_equal(geglu_ffn_f32(&bad, x, T, y, ws, need), GEGLU_ERROR_INVALID_ARGUMENT);
    bad.layout = GEGLU_LAYOUT_IN_OUT;
    bad.wv_stride = DF;
    bad.w2_stride = DM - 1;
    assert_int_equal(geglu_ffn_f32(&bad, x, T, y, ws, need), GEGLU_ERROR_INVALID_ARGUMENT);
    {
        const geglu_packed_f32 *packed = NULL;
        assert_int_equal(geglu_pack_f32(&bad, ws, sizeof ws, &packed), GEGLU_ERROR_INVALID_ARGUMENT);
        assert_null(packed);
    }
    /* 3. sizes that overflow size_t */
    bad = layer;
    bad.d_model = SIZE_MAX / 2;
    assert_int_equal(geglu_gate_f32(&bad, x, T, h), GEGLU_ERROR_SIZE_OVERFLOW);
    assert_int_equal(geglu_ffn_f32(&bad, x, T, y, ws, need), GEGLU_ERROR_SIZE_OVERFLOW);
    assert_int_equal(geglu_ffn_workspace_size(&bad, T), 0);
    bad = layer;
    bad.d_ff = SIZE_MAX / 4 + 1; /* fits as a count, not in bytes */
    bad.d_model = 1;
    assert_int_equal(geglu_gate_f32(&bad, x, T, h), GEGLU_ERROR_SIZE_OVERFLOW);
    assert_int_equal(geglu_ffn_workspace_size(&bad, 1), 0);
    /* strides whose span overflows: (rows - 1) x stride, then in bytes, then past the top of
       the address space; w2's only for the FFN */
    bad = layer;
    bad.wv_stride = SIZE_MAX / (DM - 1); /* (DM - 1) rows of it are SIZE_MAX: the last row wraps */
    assert_int_equal(geglu_gate_f32(&bad, x, T, h), GEGLU_ERROR_SIZE_OVERFLOW);
    bad.wv_stride = SIZE_MAX / 2;
    assert_int_equal(geglu_gate_f32(&bad, x, T, h), GEGLU_ERROR_SIZE_OVERFLOW);
    assert_int_equal(geglu_packed_size_f32(&bad), 0);
    bad.wv_stride = SIZE_MAX / (4 * (DM - 1)) + 1;
    assert_int_equal(geglu_ffn_f32(&bad, x, T, y, ws, need), GEGLU_ERROR_SIZE_OVERFLOW);
    bad.wv_stride = (UINTPTR_MAX - (uintptr_t)w) / 4 / (DM - 1) + 1;
    assert_int_equal(geglu_gate_f32(&bad, x, T, h), GEGLU_ERROR_SIZE_OVERFLOW);
    bad = layer;
    bad.w2_stride = SIZE_MAX / 3;
    assert_int_equal(geglu_gate_f32(&bad, x, T, h), GEGLU_OK);
    assert_int_equal(geglu_ffn_f32(&bad, x, T, y, ws, need), GEGLU_ERROR_SIZE_OVERFLOW);
    assert_int_equal(geglu_ffn_workspace_size(&bad, T), 0);
    for (i = 0; i < T * DF; i++) h[i] = CANARY;
    /* Tokens whose x or y overflows: the workspace size is 0, and the calls report the
       overflow; one token fewer still has a size. */
    assert_int_equal(geglu_ffn_workspace_size(&layer, SIZE_MAX), 0);
    assert_int_equal(geglu_ffn_workspace_size(&layer, SIZE_MAX / (DM * sizeof(float)) + 1), 0);
    assert_true(geglu_ffn_workspace_size(&layer, SIZE_MAX / (DM * sizeof(float))) >= need);
    assert_int_equal(geglu_gate_f32(&layer, x, SIZE_MAX, h), GEGLU_ERROR_SIZE_OVERFLOW);
    assert_int_equal(geglu_ffn_f32(&layer, x, SIZE_MAX, y, ws, need), GEGLU_ERROR_SIZE_OVERFLOW);
    assert_int_equal(geglu_ffn_f32(&layer, x, T, y, (void *)(UINTPTR_MAX - 8), 64),
                     GEGLU_ERROR_SIZE_OVERFLOW);
    /* Found by the fuzzer: a wrapping workspace is check 3, so it wins over a NULL y (check 4). */
    assert_int_equal(geglu_ffn_f32(&layer, x, T, NULL, (void *)(UINTPTR_MAX - 8), 64),
                     GEGLU_ERROR_SIZE_OVERFLOW);
    assert_int_equal(geglu_ffn_f32(&layer, NULL, T, y, (void *)(UINTPTR_MAX - 8), 64),
                     GEGLU_ERROR_SIZE_OVERFLOW);
    /* 4. required pointers */
    assert_int_equal(geglu_gate_f32(&layer, NULL, T, h), GEGLU_ERROR_NULL_POINTER);
    assert_int_equal(geglu_gate_f32(&layer, x, T, NULL), GEGLU_ERROR_NULL_POINTER);
    bad = layer;
    bad.w = NULL;
    assert_int_equal(geglu_gate_f32(&bad, x, T, h), GEGLU_ERROR_NULL_POINTER);
    bad = layer;
    bad.v = NULL;
    assert_int_equal(geglu_ffn_f32(&bad, x, T, y, ws, need), GEGLU_ERROR_NULL_POINTER);
    bad = layer;
    bad.w2 = NULL;
    assert_int_equal(geglu_ffn_f32(&bad, x, T, y, ws, need), GEGLU_ERROR_NULL_POINTER);
    assert_int_equal(geglu_ffn_f32(&layer, x, T, NULL, ws, need), GEGLU_ERROR_NULL_POINTER);
    assert_int_equal(geglu_ffn_f32(&layer, x, T, y, NULL, need), GEGLU_ERROR_NULL_POINTER);
    /* 5. workspace one byte too small */
    assert_int_equal(geglu_ffn_f32(&layer, x, T, y, ws, need - 1), GEGLU_ERROR_WORKSPACE_TOO_SMALL);
    assert_int_equal(geglu_ffn_f32(&layer, x, T, y, ws, 0), GEGLU_ERROR_WORKSPACE_TOO_SMALL);
    /* 6. overlaps: h or y with an input, y with the workspace, the workspace with an input */
    memcpy(big, x, sizeof x);
    assert_int_equal(geglu_gate_f32(&layer, big, T, big + 4), GEGLU_ERROR_OVERLAP);
    bad = layer;
    bad.w = big + T * DM + T * DF;
    assert_int_equal(geglu_gate_f32(&bad, x, T, big + T * DM + T * DF - 1), GEGLU_ERROR_OVERLAP);
    assert_int_equal(geglu_ffn_f32(&layer, big, T, big + T * DM - 1, ws, need), GEGLU_ERROR_OVERLAP);
    assert_int_equal(geglu_ffn_f32(&layer, x, T, (float *)ws, ws + 4, need), GEGLU_ERROR_OVERLAP);
    assert_int_equal(geglu_ffn_f32(&layer, big, T, y, big + 2, need), GEGLU_ERROR_OVERLAP);
    bad = layer;
    bad.w2 = (const float *)ws;
    assert_int_equal(geglu_ffn_f32(&bad, x, T, y, ws + 16, need), GEGLU_ERROR_OVERLAP);
    /* a strided matrix spans from its first weight to the end of its last row (DM rows of DF
       weights, 4 DF apart): an output in a gap between rows or on the last weight overlaps it,
       one just after it does not */
    bad = layer;
    bad.w = bad.v = spaced;
    bad.wv_stride = 4 * DF;
    for (i = 0; i < sizeof spaced / sizeof spaced[0]; i++) spaced[i] = 0.5f;
    assert_int_equal(geglu_gate_f32(&bad, x, T, spaced + DF), GEGLU_ERROR_OVERLAP);
    assert_int_equal(geglu_gate_f32(&bad, x, T, spaced + 4 * DF * (DM - 1) + DF - 1), GEGLU_ERROR_OVERLAP);
    assert_true(all_equal(spaced, sizeof spaced / sizeof spaced[0], 0.5f));
    assert_int_equal(geglu_gate_f32(&bad, x, T, spaced + 4 * DF * (DM - 1) + DF), GEGLU_OK);

    assert_true(all_equal(h, T * DF, CANARY));
    assert_true(all_equal(y, T * DM, CANARY));
    assert_true(all_equal(big + T * DM, T * DF + DM * DF, CANARY));

    /* The gate does not need w2; biases are optional; the same buffers now succeed. */
    bad = layer;
    bad.w2 = NULL;
    assert_int_equal(geglu_gate_f32(&bad, x, T, h), GEGLU_OK);
    assert_int_equal(geglu_ffn_f32(&layer, x, T, y, ws, need), GEGLU_OK);
    assert_false(all_equal(y, T * DM, CANARY));
}

/* NaN and Inf in weights and inputs reach exactly the outputs that depend on them. */
static void test_nonfinite_propagation(void **state) {
    enum { DM = 5, DF = 7, T = 4 };
    test_rng r = {5};
    test_layer t;
    float x[T * DM], h0[T * DF], h1[T * DF], y0[T * DM], y1[T * DM];
    static unsigned char ws[1 << 16];
    size_t i, j;
    (void)state;
    make_layer(&t, &r, DM, DF, 7, GEGLU_GELU_TANH, GEGLU_LAYOUT_IN_OUT, f32_weights);
    for (i = 0; i < T * DM; i++) x[i] = rng_uniform(&r, -1.0f, 1.0f);
    assert_int_equal(geglu_gate_f32(&t.layer, x, T, h0), GEGLU_OK);
    assert_int_equal(geglu_ffn_f32(&t.layer, x, T, y0, ws, sizeof ws), GEGLU_OK);

    /* NaN in W[2][3]: column 3 of H is NaN for every token, and so is every output of Y. */
    t.w[2 * DF + 3] = NAN;
    assert_int_equal(geglu_gate_f32(&t.layer, x, T, h1), GEGLU_OK);
    for (i = 0; i < T; i++)
        for (j = 0; j < DF; j++)
            if (j == 3) assert_true(isnan(h1[i * DF + j]));
            else assert_int_equal(test_bits(h1[i * DF + j]), test_bits(h0[i * DF + j]));
    assert_int_equal(geglu_ffn_f32(&t.layer, x, T, y1, ws, sizeof ws), GEGLU_OK);
    for (i = 0; i < T * DM; i++) assert_true(isnan(y1[i]));
    t.w[2 * DF + 3] = 0.5f;
    assert_int_equal(geglu_gate_f32(&t.layer, x, T, h0), GEGLU_OK);
    assert_int_equal(geglu_ffn_f32(&t.layer, x, T, y0, ws, sizeof ws), GEGLU_OK);

    /* NaN in W2[1][4]: column 4 of Y only. */
    t.w2[1 * DM + 4] = NAN;
    assert_int_equal(geglu_ffn_f32(&t.layer, x, T, y1, ws, sizeof ws), GEGLU_OK);
    for (i = 0; i < T; i++)
        for (j = 0; j < DM; j++)
            if (j == 4) assert_true(isnan(y1[i * DM + j]));
            else assert_int_equal(test_bits(y1[i * DM + j]), test_bits(y0[i * DM + j]));
    t.w2[1 * DM + 4] = 0.25f;

    /* +Inf in x[2][1]: only token 2 is affected, and it is not finite. */
    x[2 * DM + 1] = INFINITY;
    assert_int_equal(geglu_gate_f32(&t.layer, x, T, h1), GEGLU_OK);
    for (i = 0; i < T; i++)
        for (j = 0; j < DF; j++)
            if (i != 2) assert_int_equal(test_bits(h1[i * DF + j]), test_bits(h0[i * DF + j]));
    {
        int nonfinite = 0;
        for (j = 0; j < DF; j++) nonfinite += !isfinite(h1[2 * DF + j]);
        assert_true(nonfinite > 0);
    }
    free_layer(&t);
}

/* The gate and FFN as geglu.h's contract defines their arithmetic, written plainly: one float
   accumulator per output, FMA per term in increasing order, bias after, GELU(a) * u rounded as
   the scalar path rounds it. With FMA every path must reproduce it bit for bit.
   With bf16 products each term of the left operand is rounded to bf16 (as geglu_f32_to_bf16
   rounds) and the terms go as a bf16 dot product (vdpbf16ps) takes them: 1, 0, 3, 2, ..., and
   an odd last one after adding +0. */
static float plain_dot(const float *a, const float *w, size_t w_step, size_t n, int bf16) {
    float acc = 0.0f;
    size_t k;
    for (k = 0; k < n; k++) {
        size_t term = bf16 && (k ^ 1) < n ? k ^ 1 : k;
        float left = a[term];
        if (bf16) {
            uint16_t half;
            if (term == k) acc += 0.0f;
            assert_int_equal(geglu_f32_to_bf16(&half, &left, 1), GEGLU_OK);
            assert_int_equal(geglu_bf16_to_f32(&left, &half, 1), GEGLU_OK);
        }
        acc = GEGLU__FMAF(left, w[term * w_step], acc);
    }
    return acc;
}

static void plain_gate(const test_layer *t, const float *x, size_t tokens, float *h) {
    const geglu_layer_f32 *l = &t->layer;
    size_t i, j;
    for (i = 0; i < tokens; i++)
        for (j = 0; j < t->d_ff; j++) {
            float a = plain_dot(x + i * t->d_model, t->w + j, t->d_ff, t->d_model, bf16_products(l));
            float u = plain_dot(x + i * t->d_model, t->v + j, t->d_ff, t->d_model, bf16_products(l));
            if (l->b) a += l->b[j];
            if (l->c) u += l->c[j];
            geglu__gelu_mul_f32_scalar(&h[i * t->d_ff + j], &a, &u, 1, l->gelu);
        }
}

static void plain_ffn(const test_layer *t, const float *x, size_t tokens, float *y) {
    size_t i, n;
    float *h = (float *)malloc((tokens * t->d_ff + 1) * sizeof(float));
    assert_non_null(h);
    plain_gate(t, x, tokens, h);
    for (i = 0; i < tokens; i++)
        for (n = 0; n < t->d_model; n++) {
            float acc = plain_dot(h + i * t->d_ff, t->w2 + n, t->d_model, t->d_ff,
                                  bf16_products(&t->layer));
            y[i * t->d_model + n] = t->layer.b2 ? acc + t->layer.b2[n] : acc;
        }
    free(h);
}

static void assert_same_bits(const char *what, const float *got, const float *want, size_t n) {
    size_t i;
    if (!TEST_PATHS_BITWISE_EQUAL) return;
    for (i = 0; i < n; i++)
        if (test_bits(got[i]) != test_bits(want[i]))
            fail_msg("%s[%zu] = %.9g (0x%08x), plain order gives %.9g (0x%08x)", what, i,
                     (double)got[i], test_bits(got[i]), (double)want[i], test_bits(want[i]));
}

/* `rows` rows of `length` weights of `size` bytes from `from` (dense) into `to`, `stride` weights
   apart; `to` was filled with NaN patterns, which stay between the rows. */
static void spread_rows(unsigned char *to, const void *from, size_t rows, size_t length,
                        size_t stride, size_t size) {
    size_t i;
    for (i = 0; i < rows; i++)
        memcpy(to + i * stride * size, (const unsigned char *)from + i * length * size, length * size);
}

/* The layer's weights as checkpoints fuse them, NaN between the rows: w and v as the two halves
   of each row of one matrix (`gap` weights after each half), W2's rows 1 + gap weights apart.
   Every entry point must give bitwise the results of the dense layer: h_dense, y_dense from
   the unpacked calls, h_packed, y_packed from the packed ones. */
static void check_strided(const test_layer *t, const float *x, size_t tokens, size_t gap,
                          const float *h_dense, const float *y_dense, const float *h_packed,
                          const float *y_packed) {
    const geglu_layer_f32 *dense = &t->layer;
    const int in_out = dense->layout == GEGLU_LAYOUT_IN_OUT;
    const size_t size = dense->weight_type == GEGLU_DTYPE_F32 ? 4 : 2;
    const size_t rows = in_out ? t->d_model : t->d_ff, length = in_out ? t->d_ff : t->d_model;
    const size_t down_rows = in_out ? t->d_ff : t->d_model, down_length = in_out ? t->d_model : t->d_ff;
    const size_t stride = 2 * (length + gap), down_stride = down_length + 1 + gap;
    /* each matrix ends with its last row: no padding after it */
    const size_t fused_bytes = ((rows - 1) * stride + 2 * length + gap) * size;
    const size_t down_bytes = ((down_rows - 1) * down_stride + down_length) * size;
    unsigned char *fused = (unsigned char *)malloc(fused_bytes), *down = (unsigned char *)malloc(down_bytes);
    float *h = (float *)malloc((tokens * t->d_ff + 1) * sizeof(float));
    float *y = (float *)malloc((tokens * t->d_model + 1) * sizeof(float));
    geglu_layer_f32 l = *dense;
    size_t ws_size, pk_size;
    void *ws, *pk;
    const geglu_packed_f32 *packed = NULL;
    assert_true(fused && down && h && y);
    memset(fused, 0xff, fused_bytes);
    memset(down, 0xff, down_bytes);
    spread_rows(fused, dense->w, rows, length, stride, size);
    spread_rows(fused + (length + gap) * size, dense->v, rows, length, stride, size);
    spread_rows(down, dense->w2, down_rows, down_length, down_stride, size);
    l.w = fused;
    l.v = fused + (length + gap) * size;
    l.wv_stride = stride;
    l.w2 = down;
    l.w2_stride = down_stride;

    assert_int_equal(geglu_gate_f32(&l, x, tokens, h), GEGLU_OK);
    assert_memory_equal(h, h_dense, tokens * t->d_ff * sizeof(float));
    ws_size = geglu_ffn_workspace_size(&l, tokens);
    assert_int_equal(ws_size, geglu_ffn_workspace_size(dense, tokens));
    ws = malloc(ws_size + 1);
    assert_non_null(ws);
    assert_int_equal(geglu_ffn_f32(&l, x, tokens, y, ws, ws_size), GEGLU_OK);
    assert_memory_equal(y, y_dense, tokens * t->d_model * sizeof(float));
    pk_size = geglu_packed_size_f32(&l);
    assert_int_equal(pk_size, geglu_packed_size_f32(dense));
    pk = malloc(pk_size);
    assert_non_null(pk);
    assert_int_equal(geglu_pack_f32(&l, pk, pk_size, &packed), GEGLU_OK);
    assert_int_equal(geglu_gate_packed_f32(packed, x, tokens, h), GEGLU_OK);
    assert_memory_equal(h, h_packed, tokens * t->d_ff * sizeof(float));
    free(ws);
    ws_size = geglu_ffn_packed_workspace_size(packed, tokens);
    ws = malloc(ws_size + 1);
    assert_non_null(ws);
    assert_int_equal(geglu_ffn_packed_f32(packed, x, tokens, y, ws, ws_size), GEGLU_OK);
    assert_memory_equal(y, y_packed, tokens * t->d_model * sizeof(float));
    free(ws);
    free(pk);
    free(fused);
    free(down);
    free(h);
    free(y);
}

static unsigned strided_turn; /* check_all_entry_points' calls so far */

/* One shape through every entry point: unpacked and packed, gate and FFN, misaligned guarded
   buffers, a packed buffer and a workspace at odd byte addresses and of exactly the size asked;
   then strided (check_strided). */
static void check_all_entry_points(test_rng *r, size_t d_model, size_t d_ff, size_t tokens,
                                   int biases, geglu_gelu kind, geglu_layout layout,
                                   weights_kind type, size_t misalign) {
    test_layer t;
    guarded x, h, y, ws, pk;
    size_t i, ws_size, pk_size, pws_size;
    float *h_plain, *y_plain, *h_dense, *y_dense;
    double *want, *bound;
    const geglu_packed_f32 *packed = NULL;

    make_layer(&t, r, d_model, d_ff, biases, kind, layout, type);
    x = guarded_alloc(tokens * d_model, misalign);
    h = guarded_alloc(tokens * d_ff, (misalign + 1) % 4);
    y = guarded_alloc(tokens * d_model, (misalign + 2) % 4);
    for (i = 0; i < tokens * d_model; i++) x.data[i] = rng_uniform(r, -2.0f, 2.0f);
    h_plain = (float *)malloc((tokens * d_ff + 1) * sizeof(float));
    y_plain = (float *)malloc((tokens * d_model + 1) * sizeof(float));
    want = (double *)malloc((tokens * (d_ff + d_model) + 1) * sizeof(double));
    bound = (double *)malloc((tokens * (d_ff + d_model) + 1) * sizeof(double));
    h_dense = (float *)malloc((tokens * d_ff + 1) * sizeof(float));
    y_dense = (float *)malloc((tokens * d_model + 1) * sizeof(float));
    assert_true(h_plain && y_plain && want && bound && h_dense && y_dense);
    plain_gate(&t, x.data, tokens, h_plain);
    plain_ffn(&t, x.data, tokens, y_plain);

    assert_int_equal(geglu_gate_f32(&t.layer, x.data, tokens, h.data), GEGLU_OK);
    assert_true(guarded_intact(&h));
    assert_same_bits("h", h.data, h_plain, tokens * d_ff);
    reference_gate(&t, x.data, tokens, want, bound);
    assert_within("h", h.data, want, bound, tokens * d_ff);
    memcpy(h_dense, h.data, tokens * d_ff * sizeof(float));

    ws_size = geglu_ffn_workspace_size(&t.layer, tokens);
    ws = guarded_alloc((ws_size + 3) / 4 + 1, 0);
    memset(ws.data, 0xff, ws.n * sizeof *ws.data); /* NaN: padding the FFN leaves unset shows */
    assert_int_equal(geglu_ffn_f32(&t.layer, x.data, tokens, y.data, (char *)ws.data + 1, ws_size),
                     GEGLU_OK);
    assert_true(guarded_intact(&y));
    assert_same_bits("y", y.data, y_plain, tokens * d_model);
    reference_ffn(&t, x.data, tokens, want, bound);
    assert_within("y", y.data, want, bound, tokens * d_model);
    memcpy(y_dense, y.data, tokens * d_model * sizeof(float));
    guarded_free(&ws);

    pk_size = geglu_packed_size_f32(&t.layer);
    assert_true(pk_size > 0);
    pk = guarded_alloc((pk_size + 3) / 4 + 1, 0);
    memset(pk.data, 0xff, pk.n * sizeof *pk.data); /* NaN: padding left unset would show */
    assert_int_equal(geglu_pack_f32(&t.layer, (char *)pk.data + 3, pk_size, &packed), GEGLU_OK);
    assert_true(guarded_intact(&pk));
    for (i = 0; i < tokens * d_ff; i++) h.data[i] = CANARY;
    assert_int_equal(geglu_gate_packed_f32(packed, x.data, tokens, h.data), GEGLU_OK);
    assert_true(guarded_intact(&h));
    assert_same_bits("packed h", h.data, h_plain, tokens * d_ff);
    for (i = 0; i < tokens * d_model; i++) y.data[i] = CANARY;
    pws_size = geglu_ffn_packed_workspace_size(packed, tokens);
    ws = guarded_alloc((pws_size + 3) / 4 + 1, 0);
    assert_int_equal(geglu_ffn_packed_f32(packed, x.data, tokens, y.data, (char *)ws.data + 2,
                                          pws_size),
                     GEGLU_OK);
    assert_true(guarded_intact(&y) && guarded_intact(&ws) && guarded_intact(&pk));
    assert_same_bits("packed y", y.data, y_plain, tokens * d_model);
    assert_within("packed y", y.data, want, bound, tokens * d_model);
    if (strided_turn++ % TEST_SWEEP_DIVISOR == 0) /* slow builds: one shape in so many */
        check_strided(&t, x.data, tokens, misalign, h_dense, y_dense, h.data, y.data);

    guarded_free(&ws);
    guarded_free(&pk);
    free(h_plain);
    free(y_plain);
    free(h_dense);
    free(y_dense);
    free(want);
    free(bound);
    guarded_free(&x);
    guarded_free(&h);
    guarded_free(&y);
    free_layer(&t);
}

/* Every dimension through 1..33 (the others drawn at random), then shapes that cross the
   blocks of tokens and of d_ff, primes among them. */
static void test_every_entry_point(void **state) {
    static const size_t small[] = {1, 2, 5, 8, 13, 17, 32, 33};
    static const size_t large[][3] = {{3, 600, 7}, {70, 513, 13}, {41, 519, 300}, {97, 33, 1},
                                      {129, 517, 12}, {1, 1, 260}};
    test_rng r = {2024};
    size_t d, dim, trial = 0, i;
    (void)state;
    for (dim = 0; dim < 3; dim++)
        for (d = 1; d <= 33; d++, trial++) {
            size_t shape[3];
            shape[0] = small[rng_below(&r, 8)];
            shape[1] = small[rng_below(&r, 8)];
            shape[2] = small[rng_below(&r, 8)];
            shape[dim] = d;
            check_all_entry_points(&r, shape[0], shape[1], shape[2], (int)(trial % 8),
                                   trial % 3 ? GEGLU_GELU_ERF : GEGLU_GELU_TANH,
                                   trial % 2 ? GEGLU_LAYOUT_OUT_IN : GEGLU_LAYOUT_IN_OUT,
                                   weight_kinds[trial / 3 % KINDS], trial % 4);
        }
    for (i = 0; i < sizeof large / sizeof large[0]; i++)
        check_all_entry_points(&r, large[i][0] / TEST_SWEEP_DIVISOR + 1, large[i][1], large[i][2],
                               (int)(7 - i % 8), i % 2 ? GEGLU_GELU_ERF : GEGLU_GELU_TANH,
                               i % 3 ? GEGLU_LAYOUT_IN_OUT : GEGLU_LAYOUT_OUT_IN,
                               weight_kinds[i % KINDS], i % 4);
    /* Decoding on plain weights (geglu__stream_sums): terms in chunks (an odd last one),
       groups of columns and a hidden block crossed, columns past the last whole width, every
       weight type in both layouts. */
    for (i = 0; i < 2 * KINDS; i++)
        check_all_entry_points(&r, 2 * GEGLU__STREAM_DEPTH + 5, GEGLU__HIDDEN_BLOCK + 18,
                               1 + i % GEGLU__DECODE_ROWS, (int)(i % 8), GEGLU_GELU_TANH,
                               i % 2 ? GEGLU_LAYOUT_OUT_IN : GEGLU_LAYOUT_IN_OUT,
                               weight_kinds[i / 2], i % 4);
    check_all_entry_points(&r, GEGLU__STREAM_GROUP + 21, 37, 2, 7, GEGLU_GELU_ERF,
                           GEGLU_LAYOUT_IN_OUT, weight_kinds[0], 1);
    /* The plain call packing its weights a part at a time (GEGLU__PART_COLUMNS of the gate by
       GEGLU__PART_DEPTH of d_model, an odd last part of d_model; OUT_IN W2 GEGLU__DOWN_COLUMNS
       at a time), past the last whole part in each, both layouts, bf16 products too. */
    for (i = 0; i < 4; i += TEST_SWEEP_DIVISOR > 1 ? 3 : 1) /* slow builds: the first and last */
        check_all_entry_points(&r, GEGLU__PART_DEPTH + 45 + i, GEGLU__HIDDEN_BLOCK + GEGLU__PART_COLUMNS + 19,
                               20 + i, (int)(3 + i), GEGLU_GELU_ERF,
                               i % 2 ? GEGLU_LAYOUT_OUT_IN : GEGLU_LAYOUT_IN_OUT,
                               weight_kinds[i < 2 ? 1 : 3], i);
    /* bf16 products over more terms than a microkernel rounds at a time from floats
       (GEGLU__PAIR_CHUNK pairs: the gate alone, the parts), an odd number of them */
    for (i = 0; i < 2; i++)
        check_all_entry_points(&r, 4 * GEGLU__PAIR_CHUNK + 45, 37, i ? 13 : 1, (int)i * 7,
                               GEGLU_GELU_TANH, i ? GEGLU_LAYOUT_OUT_IN : GEGLU_LAYOUT_IN_OUT,
                               weight_kinds[3], i);
}

/* bf16 layers pack into pair panels exactly where the path has pair microkernels (every vector
   path), other types never; pair panels have an even number of rows, so an odd d_model packs
   into more bytes than the same layer of f16. The builds that expect the bf16 dot-product
   microkernels (vdpbf16ps) say so. */
static void test_pair_panels(void **state) {
    const int has_pairs = GEGLU__PATH_IN_USE->gate_pair_tile != NULL;
    test_rng r = {77};
    size_t i;
    (void)state;
#if defined(EXPECT_DOT_TILES)
    assert_non_null(GEGLU__PATH_IN_USE->gate_dot_tile);
#endif
    assert_int_equal(has_pairs, strcmp(geglu_isa(), "scalar") != 0);
    for (i = 0; i < KINDS; i++) {
        test_layer t;
        geglu_layer_f32 f16;
        size_t size;
        void *buffer;
        const geglu_packed_f32 *packed = NULL;
        make_layer(&t, &r, 7, 9, 7, GEGLU_GELU_TANH, GEGLU_LAYOUT_OUT_IN, weight_kinds[i]);
        size = geglu_packed_size_f32(&t.layer);
        buffer = malloc(size);
        assert_non_null(buffer);
        assert_int_equal(geglu_pack_f32(&t.layer, buffer, size, &packed), GEGLU_OK);
        assert_int_equal(packed->pairs, has_pairs && t.layer.weight_type == GEGLU_DTYPE_BF16);
        f16 = t.layer;
        f16.weight_type = GEGLU_DTYPE_F16;
        if (packed->pairs) assert_true(size > geglu_packed_size_f32(&f16));
        else if (t.layer.weight_type != GEGLU_DTYPE_F32) assert_int_equal(size, geglu_packed_size_f32(&f16));
        free(buffer);
        free_layer(&t);
    }
}

/* The packed entry points: each check with its status, outputs untouched on error. */
static void test_packed_errors(void **state) {
    enum { DM = 5, DF = 9, T = 3 };
    float w[DM * DF], v[DM * DF], w2[DF * DM], x[T * DM], h[T * DF], y[T * DM];
    static unsigned char buffer[1 << 16], ws[1 << 16];
    geglu_layer_f32 layer, bad;
    const geglu_packed_f32 *packed = NULL;
    size_t i, need, need_ws;
    (void)state;
    for (i = 0; i < DM * DF; i++) w[i] = v[i] = w2[i] = 0.5f;
    for (i = 0; i < T * DM; i++) x[i] = 1.0f;
    layer = weights_only_layer(DM, DF, w, v, w2);
    need = geglu_packed_size_f32(&layer);
    assert_true(need > 0 && need <= sizeof buffer);
    assert_int_equal(geglu_packed_size_f32(NULL), 0);

    assert_int_equal(geglu_pack_f32(NULL, buffer, need, &packed), GEGLU_ERROR_NULL_POINTER);
    bad = layer;
    bad.gelu = (geglu_gelu)7;
    assert_int_equal(geglu_pack_f32(&bad, buffer, need, &packed), GEGLU_ERROR_INVALID_ARGUMENT);
    bad.gelu = layer.gelu;
    bad.weight_type = (geglu_dtype)5;
    assert_int_equal(geglu_packed_size_f32(&bad), 0);
    assert_int_equal(geglu_pack_f32(&bad, buffer, need, &packed), GEGLU_ERROR_INVALID_ARGUMENT);
    bad.weight_type = GEGLU_DTYPE_F32;
    bad.precision = (geglu_precision)3;
    assert_int_equal(geglu_packed_size_f32(&bad), 0);
    assert_int_equal(geglu_pack_f32(&bad, buffer, need, &packed), GEGLU_ERROR_INVALID_ARGUMENT);
    bad.precision = GEGLU_PRECISION_F32;
    bad.weight_type = GEGLU_DTYPE_BF16; /* 16-bit weights pack into fewer bytes */
    assert_true(geglu_packed_size_f32(&bad) > 0 && geglu_packed_size_f32(&bad) < need);
    bad = layer;
    bad.d_ff = SIZE_MAX / 2;
    assert_int_equal(geglu_packed_size_f32(&bad), 0);
    assert_int_equal(geglu_pack_f32(&bad, buffer, need, &packed), GEGLU_ERROR_SIZE_OVERFLOW);
    bad = layer;
    bad.w2 = NULL;
    assert_int_equal(geglu_pack_f32(&bad, buffer, need, &packed), GEGLU_ERROR_NULL_POINTER);
    assert_int_equal(geglu_pack_f32(&layer, NULL, need, &packed), GEGLU_ERROR_NULL_POINTER);
    assert_int_equal(geglu_pack_f32(&layer, buffer, need, NULL), GEGLU_ERROR_NULL_POINTER);
    assert_int_equal(geglu_pack_f32(&layer, buffer, need - 1, &packed),
                     GEGLU_ERROR_WORKSPACE_TOO_SMALL);
    assert_int_equal(geglu_pack_f32(&layer, (unsigned char *)w2 + 4, need, &packed),
                     GEGLU_ERROR_OVERLAP);
    assert_null(packed);

    assert_int_equal(geglu_pack_f32(&layer, buffer + 1, need, &packed), GEGLU_OK);
    assert_non_null(packed);
    need_ws = geglu_ffn_packed_workspace_size(packed, T);
    assert_true(need_ws > 0 && need_ws <= sizeof ws);
    assert_int_equal(geglu_ffn_packed_workspace_size(NULL, T), 0);
    assert_int_equal(geglu_ffn_packed_workspace_size(packed, 0), 0);
    assert_int_equal(geglu_ffn_packed_workspace_size(packed, SIZE_MAX), 0);
    assert_int_equal(geglu_ffn_packed_workspace_size(packed, SIZE_MAX / (DM * sizeof(float)) + 1), 0);
    assert_true(geglu_ffn_packed_workspace_size(packed, SIZE_MAX / (DM * sizeof(float))) >= need_ws);
    assert_non_null(strstr(geglu_status_string(GEGLU_ERROR_WORKSPACE_TOO_SMALL), "buffer or workspace"));
    /* A workspace sized for some tokens serves every smaller count. */
    for (i = 1; i < 600; i++) {
        assert_true(geglu_ffn_workspace_size(&layer, i) <= geglu_ffn_workspace_size(&layer, i + 1));
        assert_true(geglu_ffn_packed_workspace_size(packed, i) <=
                    geglu_ffn_packed_workspace_size(packed, i + 1));
    }

    for (i = 0; i < T * DF; i++) h[i] = CANARY;
    for (i = 0; i < T * DM; i++) y[i] = CANARY;
    assert_int_equal(geglu_gate_packed_f32(NULL, x, T, h), GEGLU_ERROR_NULL_POINTER);
    assert_int_equal(geglu_gate_packed_f32((const geglu_packed_f32 *)(const void *)x, x, T, h),
                     GEGLU_ERROR_INVALID_ARGUMENT);
    assert_int_equal(geglu_gate_packed_f32(packed, x, SIZE_MAX, h), GEGLU_ERROR_SIZE_OVERFLOW);
    assert_int_equal(geglu_gate_packed_f32(packed, NULL, T, h), GEGLU_ERROR_NULL_POINTER);
    assert_int_equal(geglu_gate_packed_f32(packed, x, T, NULL), GEGLU_ERROR_NULL_POINTER);
    assert_int_equal(geglu_gate_packed_f32(packed, x, T, (float *)(void *)(buffer + 65)),
                     GEGLU_ERROR_OVERLAP);
    assert_int_equal(geglu_ffn_packed_f32(NULL, x, T, y, ws, need_ws), GEGLU_ERROR_NULL_POINTER);
    assert_int_equal(geglu_ffn_packed_f32(packed, x, T, y, NULL, need_ws),
                     GEGLU_ERROR_NULL_POINTER);
    assert_int_equal(geglu_ffn_packed_f32(packed, x, T, y, ws, need_ws - 1),
                     GEGLU_ERROR_WORKSPACE_TOO_SMALL);
    assert_int_equal(geglu_ffn_packed_f32(packed, x, T, y, (void *)x, need_ws),
                     GEGLU_ERROR_OVERLAP);
    assert_int_equal(geglu_ffn_packed_f32(packed, x, T, x, ws, need_ws), GEGLU_ERROR_OVERLAP);
    assert_int_equal(geglu_ffn_packed_f32(packed, x, T, y, buffer + 64, need_ws),
                     GEGLU_ERROR_OVERLAP);
    for (i = 0; i < T * DF; i++) assert_int_equal(test_bits(h[i]), test_bits(CANARY));
    for (i = 0; i < T * DM; i++) assert_int_equal(test_bits(y[i]), test_bits(CANARY));

    /* tokens == 0: nothing is read or written, NULL data allowed. */
    assert_int_equal(geglu_gate_packed_f32(packed, NULL, 0, NULL), GEGLU_OK);
    assert_int_equal(geglu_ffn_packed_f32(packed, NULL, 0, NULL, NULL, 0), GEGLU_OK);
    /* All ones: h = GELU(2.5) * 2.5 and y = 9 * h * 0.5, well away from any rounding doubt. */
    assert_int_equal(geglu_ffn_packed_f32(packed, x, T, y, ws, need_ws), GEGLU_OK);
    for (i = 0; i < T * DM; i++)
        assert_true(fabs(y[i] - 4.5 * ref_gelu_erf(2.5) * 2.5) < 1e-5 * y[i]);
}

/* Leaves a different pattern on the stack below the caller, where the next call's frame goes. */
static void scribble_stack(unsigned char pattern) {
    volatile unsigned char junk[8192];
    size_t i;
    for (i = 0; i < sizeof junk; i++) junk[i] = (unsigned char)(pattern + i);
}

/* Every byte of a packed layer is defined by the layer (none comes from the caller's buffer or
   the stack), and a packed layer whose geometry fields differ from this build's is refused. */
static void test_packed_bytes(void **state) {
    enum { DM = 5, DF = 9, T = 2 };
    float w[DM * DF], v[DM * DF], w2[DF * DM], b[DF], x[T * DM], h[T * DF];
    static unsigned char first[1 << 16], second[1 << 16], copy[1 << 16];
    geglu_layer_f32 layer;
    const geglu_packed_f32 *p1 = NULL, *p2 = NULL;
    struct geglu_packed_f32 *tampered;
    size_t i, need;
    (void)state;
    for (i = 0; i < DM * DF; i++) w[i] = v[i] = w2[i] = (float)i / 8.0f;
    for (i = 0; i < DF; i++) b[i] = -(float)i;
    for (i = 0; i < T * DM; i++) x[i] = 0.5f;
    layer = weights_only_layer(DM, DF, w, v, w2);
    layer.b = b;
    need = geglu_packed_size_f32(&layer);
    assert_true(need > 0 && need <= sizeof first);
    memset(first, 0x00, sizeof first);
    memset(second, 0xff, sizeof second);
    scribble_stack(0x11);
    assert_int_equal(geglu_pack_f32(&layer, first, need, &p1), GEGLU_OK);
    scribble_stack(0xa5);
    assert_int_equal(geglu_pack_f32(&layer, second, need, &p2), GEGLU_OK);
    assert_int_equal(memcmp(p1, p2, p1->bytes), 0);

    /* The same packed layer at the same alignment is accepted; with a field changed, refused. */
    tampered = (struct geglu_packed_f32 *)(void *)(copy + (64 - (uintptr_t)copy % 64) % 64);
    memcpy(tampered, p1, p1->bytes);
    assert_int_equal(geglu_gate_packed_f32(tampered, x, T, h), GEGLU_OK);
    tampered->tile_rows++;
    assert_int_equal(geglu_gate_packed_f32(tampered, x, T, h), GEGLU_ERROR_INVALID_ARGUMENT);
    tampered->tile_rows--;
    tampered->hidden_block++;
    assert_int_equal(geglu_gate_packed_f32(tampered, x, T, h), GEGLU_ERROR_INVALID_ARGUMENT);
    tampered->hidden_block--;
    tampered->panel_width++;
    assert_int_equal(geglu_gate_packed_f32(tampered, x, T, h), GEGLU_ERROR_INVALID_ARGUMENT);
}

#if defined(_OPENMP)
#include <omp.h>
#endif

/* The FFN as a caller with its own threads runs it: every part of the gate, then every part of
   the down projection, for 1, 2, 3 and 7 parts (with OpenMP, each part on its own thread of
   the caller's team), and with OpenMP the whole calls on 1, 2, 3 and 7 threads: bitwise the
   same H and Y every time. */
static void test_partitions_and_threads(void **state) {
    static const size_t shapes[][3] = {{33, 70, 13}, {5, 5, 1}, {64, 560, 29}, {17, 40, 260}};
    static const int counts[] = {1, 2, 3, 7};
    test_rng r = {77};
    size_t s;
    (void)state;
    for (s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        size_t d_model = shapes[s][0], d_ff = shapes[s][1], tokens = shapes[s][2];
        size_t packed_size, ws_size, i;
        test_layer t;
        float *x, *h0, *y0, *h, *y;
        void *buffer, *ws;
        const geglu_packed_f32 *packed = NULL;
        int c;
        make_layer(&t, &r, d_model, d_ff, (int)(s * 3 % 8), s % 2 ? GEGLU_GELU_ERF : GEGLU_GELU_TANH,
                   s % 2 ? GEGLU_LAYOUT_IN_OUT : GEGLU_LAYOUT_OUT_IN, weight_kinds[s % KINDS]);
        x = random_array(&r, tokens * d_model, 2.0f);
        h0 = random_array(&r, tokens * d_ff, 1.0f);
        h = random_array(&r, tokens * d_ff, 1.0f);
        y0 = random_array(&r, tokens * d_model, 1.0f);
        y = random_array(&r, tokens * d_model, 1.0f);
        packed_size = geglu_packed_size_f32(&t.layer);
        buffer = malloc(packed_size);
        assert_non_null(buffer);
        assert_int_equal(geglu_pack_f32(&t.layer, buffer, packed_size, &packed), GEGLU_OK);
        ws_size = geglu_ffn_packed_workspace_size(packed, tokens);
        ws = malloc(ws_size + 1);
        assert_non_null(ws);
        assert_int_equal(geglu_gate_packed_f32(packed, x, tokens, h0), GEGLU_OK);
        assert_int_equal(geglu_ffn_packed_f32(packed, x, tokens, y0, ws, ws_size), GEGLU_OK);
        for (c = 0; c < 4; c++) {
            int parts = counts[c], part;
            for (i = 0; i < tokens * d_ff; i++) h[i] = CANARY;
            for (i = 0; i < tokens * d_model; i++) y[i] = CANARY;
#if defined(_OPENMP)
#pragma omp parallel for num_threads(parts) schedule(static, 1)
#endif
            for (part = 0; part < parts; part++)
                if (geglu_gate_packed_part_f32(packed, x, tokens, h, (size_t)part, (size_t)parts) !=
                    GEGLU_OK)
                    abort();
#if defined(_OPENMP)
#pragma omp parallel for num_threads(parts) schedule(static, 1)
#endif
            for (part = 0; part < parts; part++)
                if (geglu_down_packed_part_f32(packed, h, tokens, y, (size_t)part, (size_t)parts) !=
                    GEGLU_OK)
                    abort();
            assert_memory_equal(h, h0, tokens * d_ff * sizeof(float));
            assert_memory_equal(y, y0, tokens * d_model * sizeof(float));
#if defined(_OPENMP)
            omp_set_num_threads(parts);
            for (i = 0; i < tokens * d_model; i++) y[i] = CANARY;
            assert_int_equal(geglu_ffn_packed_f32(packed, x, tokens, y, ws, ws_size), GEGLU_OK);
            assert_memory_equal(y, y0, tokens * d_model * sizeof(float));
            assert_int_equal(geglu_gate_f32(&t.layer, x, tokens, h), GEGLU_OK);
            assert_memory_equal(h, h0, tokens * d_ff * sizeof(float));
            {
                size_t uws_size = geglu_ffn_workspace_size(&t.layer, tokens);
                void *uws = malloc(uws_size + 1);
                assert_non_null(uws);
                for (i = 0; i < tokens * d_model; i++) y[i] = CANARY;
                assert_int_equal(geglu_ffn_f32(&t.layer, x, tokens, y, uws, uws_size), GEGLU_OK);
                assert_memory_equal(y, y0, tokens * d_model * sizeof(float));
                free(uws);
            }
            omp_set_num_threads(1);
#endif
        }
        /* Bad part numbers; outputs untouched. */
        for (i = 0; i < tokens * d_ff; i++) h[i] = CANARY;
        assert_int_equal(geglu_gate_packed_part_f32(packed, x, tokens, h, 3, 3),
                         GEGLU_ERROR_INVALID_ARGUMENT);
        assert_int_equal(geglu_down_packed_part_f32(packed, h0, tokens, y, 0, 0),
                         GEGLU_ERROR_INVALID_ARGUMENT);
        assert_int_equal(geglu_down_packed_part_f32(packed, h0, tokens, h0, 0, 1), GEGLU_ERROR_OVERLAP);
        assert_int_equal(geglu_down_packed_part_f32(NULL, h0, tokens, y, 0, 1),
                         GEGLU_ERROR_NULL_POINTER);
        for (i = 0; i < tokens * d_ff; i++) assert_int_equal(test_bits(h[i]), test_bits(CANARY));
        free(ws);
        free(buffer);
        free(x);
        free(h0);
        free(h);
        free(y0);
        free(y);
        free_layer(&t);
    }
}

/* One NaN, +Inf or -Inf at a time in each of x, W, V, b, c, W2 and b2, at a few positions: every
   output that depends on a NaN is NaN, and every output that does not depend on the poked value
   is bit for bit what it was without it (nothing else is corrupted). */
enum { NF_DM = 5, NF_DF = 7, NF_T = 3 };
typedef struct nf_target {
    const char *name;
    size_t rows, cols; /* the array's shape (IN_OUT storage) */
    int h_rule, y_rule; /* which outputs depend on element (r, c): -1 none, 0 all, 1 those of
                           token r, 2 those of column c */
} nf_target;

static int nf_depends(int rule, size_t token, size_t column, size_t r, size_t c) {
    switch (rule) {
    case 0: return 1;
    case 1: return token == r;
    case 2: return column == c;
    default: return 0;
    }
}

static void test_nonfinite_everywhere(void **state) {
    static const nf_target targets[] = {
        {"x", NF_T, NF_DM, 1, 1},  {"w", NF_DM, NF_DF, 2, 0},   {"v", NF_DM, NF_DF, 2, 0},
        {"b", 1, NF_DF, 2, 0},     {"c", 1, NF_DF, 2, 0},       {"w2", NF_DF, NF_DM, -1, 2},
        {"b2", 1, NF_DM, -1, 2},
    };
    const float specials[3] = {NAN, INFINITY, -INFINITY};
    test_rng r = {77};
    test_layer t;
    float x[NF_T * NF_DM], h0[NF_T * NF_DF], y0[NF_T * NF_DM], h1[NF_T * NF_DF], y1[NF_T * NF_DM];
    static unsigned char ws[1 << 16];
    size_t target, s, pos, i, j;
    (void)state;
    make_layer(&t, &r, NF_DM, NF_DF, 7, GEGLU_GELU_ERF, GEGLU_LAYOUT_IN_OUT, f32_weights);
    for (i = 0; i < NF_T * NF_DM; i++) x[i] = rng_uniform(&r, -1.0f, 1.0f);
    assert_int_equal(geglu_gate_f32(&t.layer, x, NF_T, h0), GEGLU_OK);
    assert_int_equal(geglu_ffn_f32(&t.layer, x, NF_T, y0, ws, sizeof ws), GEGLU_OK);
    for (target = 0; target < sizeof targets / sizeof targets[0]; target++) {
        const nf_target *tg = &targets[target];
        float *array = target == 0 ? x : target == 1 ? t.w : target == 2 ? t.v : target == 3 ? t.b
                     : target == 4 ? t.c : target == 5 ? t.w2 : t.b2;
        for (s = 0; s < 3; s++) {
            for (pos = 0; pos < tg->rows * tg->cols; pos += 3) {
                size_t pr = pos / tg->cols, pc = pos % tg->cols;
                float saved = array[pos];
                array[pos] = specials[s];
                assert_int_equal(geglu_gate_f32(&t.layer, x, NF_T, h1), GEGLU_OK);
                assert_int_equal(geglu_ffn_f32(&t.layer, x, NF_T, y1, ws, sizeof ws), GEGLU_OK);
                array[pos] = saved;
                for (i = 0; i < NF_T; i++) {
                    for (j = 0; j < NF_DF; j++) {
                        int dep = nf_depends(tg->h_rule, i, j, pr, pc);
                        float got = h1[i * NF_DF + j];
                        if (dep && isnan(specials[s]) && !isnan(got))
                            fail_msg("NaN in %s[%zu]: h[%zu][%zu] = %g", tg->name, pos, i, j, (double)got);
                        if (!dep && test_bits(got) != test_bits(h0[i * NF_DF + j]))
                            fail_msg("%g in %s[%zu] changed h[%zu][%zu]", (double)specials[s], tg->name,
                                     pos, i, j);
                    }
                    for (j = 0; j < NF_DM; j++) {
                        int dep = nf_depends(tg->y_rule, i, j, pr, pc);
                        float got = y1[i * NF_DM + j];
                        if (dep && isnan(specials[s]) && !isnan(got))
                            fail_msg("NaN in %s[%zu]: y[%zu][%zu] = %g", tg->name, pos, i, j, (double)got);
                        if (!dep && test_bits(got) != test_bits(y0[i * NF_DM + j]))
                            fail_msg("%g in %s[%zu] changed y[%zu][%zu]", (double)specials[s], tg->name,
                                     pos, i, j);
                    }
                }
            }
        }
    }
    free_layer(&t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gelu_slope_bound),
        cmocka_unit_test(test_pair_panels),
        cmocka_unit_test(test_against_reference),
        cmocka_unit_test(test_order_of_operations),
        cmocka_unit_test(test_degenerate_sizes),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_nonfinite_propagation),
        cmocka_unit_test(test_every_entry_point),
        cmocka_unit_test(test_packed_errors),
        cmocka_unit_test(test_packed_bytes),
        cmocka_unit_test(test_partitions_and_threads),
        cmocka_unit_test(test_nonfinite_everywhere),
    };
    return cmocka_run_group_tests_name(geglu_isa(), tests, NULL, NULL);
}

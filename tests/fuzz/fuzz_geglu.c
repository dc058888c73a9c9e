/* libFuzzer target for every public function of geglu.h (make fuzz).
 *
 * Each input is a short program: up to FUZZ_MAX_OPS operations, each chosen by one byte and then
 * decoded from the bytes that follow (a missing byte reads as 0). An operation decodes sizes
 * (small ones, or huge ones whose products overflow size_t), enum values (valid and invalid),
 * where each buffer lives (NULL, fresh space in an arena, an alias of an earlier buffer with a
 * small shift, or a wild address near the top of the address space) and the float data (raw
 * bits, "nice" values, or nice values mixed with NaN, infinities, -0, FLT_MAX and subnormals).
 *
 * Every call is checked three ways:
 *   - its status against an oracle written here from the contract in geglu.h's top comment
 *     (the checks in their documented order), and against the scalar copy (fuzz_reference.c);
 *   - on an error: the arena, inputs and outputs alike, is bit for bit as it was;
 *   - on success: every float in the arena equals what the scalar copy left in its own copy of
 *     the arena (NaN matching NaN; the workspace excepted), nothing outside the outputs changed,
 *     and the outputs are within the stated bound of a double-precision reference: 2 ULP of
 *     the rounded reference for GELU (geglu.h promises 1 ULP from the correctly rounded value),
 *     and for the gate and FFN the bound tests/test_layer.c derives, plus an allowance for
 *     subnormal results, wherever every input an output depends on is a nice value; an output
 *     that depends on a NaN must be NaN.
 * A call the oracle expects to succeed is made only when all of its buffers lie in the arena.
 *
 * To add a public function: a wrapper in fuzz_reference.[ch], an op_* function below (decode,
 * oracle, call both copies, compare; the helpers do most of it) and a row in `ops`. Append new
 * rows at the end so the committed corpus keeps meaning what it meant.
 */
#define _POSIX_C_SOURCE 200112L /* posix_memalign */
#define GEGLU_IMPLEMENTATION
#include "../../geglu.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../test_util.h"
#include "fuzz_reference.h"

#define FUZZ_MAX_OPS 6
#define ARENA_FLOATS 16384
#define MAX_DIM 40    /* d_model, d_ff */
#define MAX_TOKENS 6
#define MAX_N 160     /* element-wise lengths: several AVX-512 vectors and every tail */
#define MAX_BUFFERS 12

/* ---- failure ---------------------------------------------------------------------------------- */
static const char *current_op = "";

static void fail(const char *format, ...) __attribute__((format(printf, 1, 2), noreturn));
static void fail(const char *format, ...) {
    va_list args;
    fprintf(stderr, "fuzz_geglu: %s: ", current_op);
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
    fputc('\n', stderr);
    abort();
}

/* ---- decoding ---------------------------------------------------------------------------------- */
typedef struct fuzz_input {
    const uint8_t *data;
    size_t size;
} fuzz_input;

static uint8_t take_byte(fuzz_input *in) {
    if (in->size == 0) return 0;
    in->size--;
    return *in->data++;
}

static uint32_t take_u32(fuzz_input *in) {
    uint32_t v = 0;
    int i;
    for (i = 0; i < 4; i++) v |= (uint32_t)take_byte(in) << (8 * i);
    return v;
}

/* Below 0xF0: a small size, 0..max. From 0xF0: a size that overflows in bytes or in a product. */
static size_t take_size(fuzz_input *in, size_t max) {
    static const size_t huge[16] = {
        SIZE_MAX,          SIZE_MAX - 1,          SIZE_MAX / 2,           SIZE_MAX / 2 + 1,
        SIZE_MAX / 4,      SIZE_MAX / 4 + 1,      SIZE_MAX / 8 + 1,       SIZE_MAX / 3,
        (SIZE_MAX >> 32) + 1, (SIZE_MAX >> 33) + 1, (SIZE_MAX >> 16) + 1, SIZE_MAX / 64,
        ARENA_FLOATS + 1,  1000003,               SIZE_MAX / 4 - 15,      SIZE_MAX / 16};
    uint8_t b = take_byte(in);
    return b >= 0xF0 ? huge[b & 15] : (size_t)b % (max + 1);
}

/* Mostly the valid values; from 0xC0 an invalid one. */
static int take_enum(fuzz_input *in) {
    static const int invalid[8] = {2, 3, -1, INT_MAX, INT_MIN, 255, 65536, 7};
    uint8_t b = take_byte(in);
    return b >= 0xC0 ? invalid[b & 7] : b & 1;
}

/* A weight type: mostly f32, bf16, f16; from 0xF0 an invalid one (an exhausted input: f32). */
static int take_dtype(fuzz_input *in) {
    static const int invalid[4] = {3, -1, INT_MAX, 255};
    uint8_t b = take_byte(in);
    return b >= 0xF0 ? invalid[b & 3] : b % 3;
}

/* A precision: mostly F32 or BF16; from 0xF0 an invalid one (an exhausted input: F32). */
static int take_precision(fuzz_input *in) {
    static const int invalid[4] = {2, -1, INT_MAX, 255};
    uint8_t b = take_byte(in);
    return b >= 0xF0 ? invalid[b & 3] : b & 1;
}

/* A weight stride for rows of `length` weights: mostly 0 (dense); else a whole row plus a gap
   of 0..3 or more, one or two weights short of a row (refused unless the row is that short), or
   huge (a span that overflows, unless there is a single row). */
static size_t take_stride(fuzz_input *in, size_t length) {
    uint8_t b = take_byte(in);
    switch (b % 8) {
    case 4: return length + b / 8 % 4;
    case 5: return length + 1 + b / 8;
    case 6: return length - 1 - b / 8 % 2;
    case 7: return SIZE_MAX / (1 + b / 8);
    default: return 0;
    }
}

/* Float data. RAW: any bit pattern. NICE: k * 2^e with |k| < 128 and one e per buffer, small
   enough that no sum can overflow or lose precision to underflow. MIXED: nice values with NaN,
   infinities, -0, FLT_MAX and subnormals among them. */
enum { DATA_RAW, DATA_NICE, DATA_MIXED, DATA_MODES };

static float take_float(fuzz_input *in, int mode, float scale) {
    static const uint32_t special[8] = {0x7fc00000u, 0xffc00001u, 0x7f800000u, 0xff800000u,
                                        0x80000000u, 0x7f7fffffu, 0x00000001u, 0x807fffffu};
    uint8_t b;
    if (mode == DATA_RAW) return test_float(take_u32(in));
    b = take_byte(in);
    if (mode == DATA_MIXED && b >= 0xF8) return test_float(special[b & 7]);
    return (float)(int8_t)b * scale;
}

static float take_scale(fuzz_input *in) {
    return ldexpf(1.0f, (int)(take_byte(in) % 17) - 10); /* 2^-10 .. 2^6 */
}

/* Finite and within the range the nice values come from: the bound below applies. */
static int nice(float v) {
    return isfinite(v) && fabsf(v) <= 8192.0f && (v == 0.0f || fabsf(v) >= 1.0f / 1024.0f);
}

/* ---- the arena: every buffer of a call lives here, or is NULL, or is wild -------------------- */
static float *arena, *snapshot, *ref_arena;

typedef struct fuzz_buffer {
    const char *name;
    float *p;         /* what the call gets */
    int in_arena;     /* p == arena + offset */
    size_t offset;    /* in floats */
    size_t rows, cols; /* its shape as the contract sees it */
} fuzz_buffer;

typedef struct fuzz_call {
    fuzz_buffer buf[MAX_BUFFERS];
    int count;
    size_t cursor; /* first free float in the arena */
} fuzz_call;

static void call_begin(fuzz_call *c) {
    size_t i;
    c->count = 0;
    c->cursor = 0;
    for (i = 0; i < ARENA_FLOATS; i++) arena[i] = CANARY;
}

/* Places a buffer of rows x cols floats, as the next bytes say. */
static fuzz_buffer *place(fuzz_call *c, fuzz_input *in, const char *name, size_t rows, size_t cols) {
    fuzz_buffer *b = &c->buf[c->count++];
    uint8_t how = take_byte(in);
    b->name = name;
    b->rows = rows;
    b->cols = cols;
    b->in_arena = 1;
    b->offset = c->cursor;
    if (how % 10 == 0) {
        b->in_arena = 0;
        b->p = NULL;
        return b;
    }
    if (how % 10 == 1) { /* wild: near the top of the address space, float-aligned */
        b->in_arena = 0;
        b->p = (float *)(UINTPTR_MAX - 4 * (uintptr_t)take_byte(in) - 3);
        return b;
    }
    if (how % 10 <= 4 && c->count > 1) { /* an alias of an earlier buffer, shifted a little */
        const fuzz_buffer *other = &c->buf[take_byte(in) % (c->count - 1)];
        long shift = how % 10 == 4 ? 0 : (long)(int8_t)take_byte(in);
        long at = (long)(other->in_arena ? other->offset : c->cursor) + shift;
        b->offset = at < 0 ? 0 : at > ARENA_FLOATS ? ARENA_FLOATS : (size_t)at;
    } else { /* fresh space after what is used, with a gap of 0..3 floats */
        size_t count = rows * cols; /* only used when it fits */
        b->offset = c->cursor + take_byte(in) % 4;
        if (b->offset > ARENA_FLOATS) b->offset = ARENA_FLOATS;
        if (rows <= ARENA_FLOATS && cols <= ARENA_FLOATS && count <= ARENA_FLOATS - b->offset)
            c->cursor = b->offset + count;
    }
    b->p = arena + b->offset;
    return b;
}

/* The number of floats in a buffer, or SIZE_MAX when that overflows. */
static size_t floats_of(const fuzz_buffer *b) {
    if (b->rows != 0 && b->cols > SIZE_MAX / b->rows) return SIZE_MAX;
    return b->rows * b->cols;
}

static int fits(const fuzz_buffer *b) {
    size_t n = floats_of(b);
    return n == 0 || (b->in_arena && n <= ARENA_FLOATS - b->offset);
}

/* Fills an input buffer (as much of it as lies in the arena) with decoded floats. */
static void fill(fuzz_input *in, const fuzz_buffer *b, int mode) {
    size_t i, n = floats_of(b);
    float scale = take_scale(in);
    if (!b->in_arena) return;
    if (n > ARENA_FLOATS - b->offset) n = ARENA_FLOATS - b->offset;
    for (i = 0; i < n; i++) b->p[i] = take_float(in, mode, scale);
}

/* The same pointer in another copy of the arena (snapshot or ref_arena). */
static float *in_copy(const float *p, float *copy) {
    if (p == NULL || (uintptr_t)p < (uintptr_t)arena || (uintptr_t)p > (uintptr_t)(arena + ARENA_FLOATS))
        return (float *)(uintptr_t)p;
    return copy + (p - arena);
}

static const float *in_copy_c(const float *p, float *copy) {
    return in_copy(p, copy);
}

/* ---- the oracle: the contract's byte ranges ---------------------------------------------------- */
typedef struct span {
    uintptr_t address;
    size_t bytes;
    int overflows; /* the size in bytes overflows size_t, or the range wraps the address space */
} span;

static span span_of(const void *p, size_t rows, size_t cols) {
    span s;
    s.address = (uintptr_t)p;
    s.bytes = 0;
    s.overflows = 0;
    if ((rows != 0 && cols > SIZE_MAX / rows) || (rows * cols > SIZE_MAX / sizeof(float)))
        s.overflows = 1;
    else
        s.bytes = rows * cols * sizeof(float);
    if (!s.overflows && s.bytes > UINTPTR_MAX - s.address) s.overflows = 1;
    return s;
}

static span span_bytes(const void *p, size_t bytes) {
    span s;
    s.address = (uintptr_t)p;
    s.bytes = bytes;
    s.overflows = bytes > UINTPTR_MAX - s.address;
    return s;
}

/* n elements of `size` bytes. */
static span span_elements(const void *p, size_t n, size_t size) {
    span s;
    if (n > SIZE_MAX / size) {
        s.address = (uintptr_t)p;
        s.bytes = 0;
        s.overflows = 1;
        return s;
    }
    return span_bytes(p, n * size);
}

static int missing(const void *p, span s) { return p == NULL && s.bytes != 0; }

static int overlap(span a, span b) {
    return a.bytes != 0 && b.bytes != 0 && a.address < b.address + b.bytes &&
           b.address < a.address + a.bytes;
}

static int valid_gelu(int k) { return k == GEGLU_GELU_ERF || k == GEGLU_GELU_TANH; }
static int valid_layout(int l) { return l == GEGLU_LAYOUT_IN_OUT || l == GEGLU_LAYOUT_OUT_IN; }
static int valid_dtype(int t) { return t >= GEGLU_DTYPE_F32 && t <= GEGLU_DTYPE_F16; }
static int valid_precision(int p) { return p == GEGLU_PRECISION_F32 || p == GEGLU_PRECISION_BF16; }

/* The rows and the length of a row of w and v (of w2 when `down`) in the layer's layout, and
   the weights from one row to the next. */
static size_t rows_of(const geglu_layer_f32 *l, int down) {
    return (l->layout == GEGLU_LAYOUT_IN_OUT) != down ? l->d_model : l->d_ff;
}
static size_t length_of(const geglu_layer_f32 *l, int down) {
    return (l->layout == GEGLU_LAYOUT_IN_OUT) != down ? l->d_ff : l->d_model;
}
static size_t stride_of(const geglu_layer_f32 *l, int down) {
    size_t stride = down ? l->w2_stride : l->wv_stride;
    return stride ? stride : length_of(l, down);
}

/* The weights from the first of w (v; w2 when `down`) to the last of its last row, SIZE_MAX when
   that overflows size_t. */
static size_t weights_spanned(const geglu_layer_f32 *l, int down) {
    size_t rows = rows_of(l, down), length = length_of(l, down), stride = stride_of(l, down);
    if (rows == 0 || length == 0) return 0;
    if (stride != 0 && rows - 1 > SIZE_MAX / stride) return SIZE_MAX;
    if ((rows - 1) * stride > SIZE_MAX - length) return SIZE_MAX;
    return (rows - 1) * stride + length;
}

/* w and v (w2 when `down`) of the layer's type (4 bytes for an invalid one: it is refused
   first). */
static span span_weights(const geglu_layer_f32 *l, const void *p, int down) {
    size_t n = weights_spanned(l, down);
    if (n == SIZE_MAX) return span_elements(p, SIZE_MAX, 4);
    return span_elements(p, n, l->weight_type == GEGLU_DTYPE_BF16 || l->weight_type == GEGLU_DTYPE_F16 ? 2 : 4);
}

/* A weight buffer now holds the matrix's span (the floats it reaches into). */
static void spread(fuzz_buffer *b, const geglu_layer_f32 *l, int down) {
    size_t n = weights_spanned(l, down);
    int halves = l->weight_type == GEGLU_DTYPE_BF16 || l->weight_type == GEGLU_DTYPE_F16;
    b->rows = 1;
    b->cols = n == SIZE_MAX || !halves ? n : n / 2 + n % 2;
}

/* Whether a stride is shorter than a row (contract check 2). */
static int stride_too_short(const geglu_layer_f32 *l, int down) {
    size_t stride = down ? l->w2_stride : l->wv_stride;
    return stride != 0 && stride < length_of(l, down);
}

/* ---- comparisons ------------------------------------------------------------------------------ */
static int same_float(float a, float b) {
    return test_bits(a) == test_bits(b) || (isnan(a) && isnan(b));
}

static void expect_status(geglu_status got, geglu_status ref, geglu_status want) {
    if (got != want || ref != want)
        fail("status %d (%s), scalar copy %d, contract says %d (%s)", (int)got,
             geglu_status_string(got), (int)ref, (int)want, geglu_status_string(want));
}

static void expect_arena_untouched(void) {
    if (memcmp(arena, snapshot, ARENA_FLOATS * sizeof(float)) != 0 ||
        memcmp(ref_arena, snapshot, ARENA_FLOATS * sizeof(float)) != 0)
        fail("a failed call changed memory");
}

/* After a successful call: the arena matches the scalar copy's, and only [out, out + n) and the
   workspace bytes [ws_begin, ws_end) changed. */
static void expect_only_outputs_changed(const float *out, size_t n, uintptr_t ws_begin,
                                        uintptr_t ws_end) {
    size_t i, first = n ? (size_t)(out - arena) : 0, last = n ? first + n : 0;
    for (i = 0; i < ARENA_FLOATS; i++) {
        uintptr_t a = (uintptr_t)(arena + i);
        int in_ws = a + sizeof(float) > ws_begin && a < ws_end;
        if (in_ws) continue;
        if (i >= first && i < last) {
            if (!same_float(arena[i], ref_arena[i]))
                fail("output[%zu] = %a, scalar path %a", i - first, (double)arena[i],
                     (double)ref_arena[i]);
        } else if (test_bits(arena[i]) != test_bits(snapshot[i]) ||
                   test_bits(ref_arena[i]) != test_bits(snapshot[i])) {
            fail("arena[%zu] changed outside the outputs: %a -> %a", i, (double)snapshot[i],
                 (double)arena[i]);
        }
    }
}

static void take_snapshot(void) {
    memcpy(snapshot, arena, ARENA_FLOATS * sizeof(float));
    memcpy(ref_arena, arena, ARENA_FLOATS * sizeof(float));
}

/* ---- operations --------------------------------------------------------------------------------- */
static void op_status_string(fuzz_input *in) {
    uint8_t b = take_byte(in);
    int value = b & 0x80 ? (int)take_u32(in) : (int)(b % 16) - 8;
    const char *s, *r;
    s = geglu_status_string((geglu_status)value);
    r = ref_status_string((geglu_status)value);
    if (s == NULL || s[0] == '\0' || strcmp(s, r) != 0) fail("status %d: \"%s\"", value, s ? s : "NULL");
    if ((value <= 0 && value >= -5) == (strcmp(s, "unknown status") == 0))
        fail("status %d: \"%s\"", value, s);
}

static void op_isa(fuzz_input *in) {
    const char *isa = geglu_isa();
    (void)in;
    if (strcmp(ref_isa(), "scalar") != 0) fail("the GEGLU_NO_SIMD copy says %s", ref_isa());
    if (strcmp(isa, GEGLU__PATH_IN_USE->name) != 0 ||
        (strcmp(isa, "scalar") && strcmp(isa, "avx2") && strcmp(isa, "avx512") && strcmp(isa, "neon")))
        fail("geglu_isa() = %s", isa);
}

/* GELU and GELU-times-u, checked against the double reference and every compiled path. */
static void check_elementwise(const float *out, const float *a, const float *u, size_t n,
                              geglu_gelu kind) {
    static float path_out[MAX_N];
    size_t i, p;
    for (i = 0; i < n; i++) {
        double g = ref_gelu(a[i], kind);
        /* GELU(a) underflows in double, so the reference has 0 * inf = NaN where the kernels,
           which keep a tiny nonzero GELU(a), give +-inf: both are defensible. */
        if (u && isinf(u[i]) && g == 0.0) continue;
        float want = (float)(u ? g * (double)u[i] : g);
        if (ulp_distance(out[i], want) > 2)
            fail("GELU(%a)%s = %a, reference %a", (double)a[i], u ? " * u" : "", (double)out[i],
                 (double)want);
    }
    for (p = 0; p < GEGLU__PATH_COUNT && n <= MAX_N; p++) {
        if (u) geglu__paths[p].gelu_mul(path_out, a, u, n, kind);
        else geglu__paths[p].gelu(path_out, a, n, kind);
        for (i = 0; i < n; i++)
            if (TEST_PATHS_BITWISE_EQUAL && !same_float(path_out[i], out[i]))
                fail("path %s: %a, public %a", geglu__paths[p].name, (double)path_out[i],
                     (double)out[i]);
    }
}

static void op_gelu(fuzz_input *in) {
    fuzz_call c;
    geglu_gelu kind = (geglu_gelu)take_enum(in);
    size_t n = take_size(in, MAX_N);
    int mode = take_byte(in) % DATA_MODES;
    fuzz_buffer *x, *y;
    span sx, sy;
    geglu_status want, got, ref;
    call_begin(&c);
    x = place(&c, in, "x", n, 1);
    y = place(&c, in, "y", n, 1);
    fill(in, x, mode);
    sx = span_of(x->p, n, 1);
    sy = span_of(y->p, n, 1);
    want = !valid_gelu(kind)                          ? GEGLU_ERROR_INVALID_ARGUMENT
           : sx.overflows || sy.overflows             ? GEGLU_ERROR_SIZE_OVERFLOW
           : missing(x->p, sx) || missing(y->p, sy)   ? GEGLU_ERROR_NULL_POINTER
           : y->p != x->p && overlap(sx, sy)          ? GEGLU_ERROR_OVERLAP
                                                      : GEGLU_OK;
    if (want == GEGLU_OK && !(fits(x) && fits(y))) return;
    take_snapshot();
    got = geglu_gelu_f32(y->p, x->p, n, kind);
    ref = ref_gelu_f32(in_copy(y->p, ref_arena), in_copy_c(x->p, ref_arena), n, kind);
    expect_status(got, ref, want);
    if (want != GEGLU_OK) {
        expect_arena_untouched();
        return;
    }
    expect_only_outputs_changed(y->p, n, 0, 0);
    if (n) check_elementwise(y->p, in_copy_c(x->p, snapshot), NULL, n, kind);
}

static void op_gelu_mul(fuzz_input *in) {
    fuzz_call c;
    geglu_gelu kind = (geglu_gelu)take_enum(in);
    size_t n = take_size(in, MAX_N);
    int mode = take_byte(in) % DATA_MODES;
    fuzz_buffer *a, *u, *h;
    span sa, su, sh;
    geglu_status want, got, ref;
    call_begin(&c);
    a = place(&c, in, "a", n, 1);
    u = place(&c, in, "u", n, 1);
    h = place(&c, in, "h", n, 1);
    fill(in, a, mode);
    fill(in, u, mode);
    sa = span_of(a->p, n, 1);
    su = span_of(u->p, n, 1);
    sh = span_of(h->p, n, 1);
    want = !valid_gelu(kind)                                          ? GEGLU_ERROR_INVALID_ARGUMENT
           : sa.overflows || su.overflows || sh.overflows             ? GEGLU_ERROR_SIZE_OVERFLOW
           : missing(a->p, sa) || missing(u->p, su) || missing(h->p, sh) ? GEGLU_ERROR_NULL_POINTER
           : (h->p != a->p && overlap(sh, sa)) || (h->p != u->p && overlap(sh, su))
               ? GEGLU_ERROR_OVERLAP
               : GEGLU_OK;
    if (want == GEGLU_OK && !(fits(a) && fits(u) && fits(h))) return;
    take_snapshot();
    got = geglu_gelu_mul_f32(h->p, a->p, u->p, n, kind);
    ref = ref_gelu_mul_f32(in_copy(h->p, ref_arena), in_copy_c(a->p, ref_arena),
                           in_copy_c(u->p, ref_arena), n, kind);
    expect_status(got, ref, want);
    if (want != GEGLU_OK) {
        expect_arena_untouched();
        return;
    }
    expect_only_outputs_changed(h->p, n, 0, 0);
    if (n)
        check_elementwise(h->p, in_copy_c(a->p, snapshot), in_copy_c(u->p, snapshot), n, kind);
}

/* ---- the gate and the FFN ---------------------------------------------------------------------- */
typedef struct fuzz_layer {
    int null_layer;
    geglu_layer_f32 layer;
    size_t tokens;
    int mode;
    fuzz_buffer *x, *w, *v, *b, *c, *w2, *b2, *out, *ws;
} fuzz_layer;

/* Decodes a layer, its input and its output; `down` says whether W2, b2 belong to the call. */
static void take_layer(fuzz_call *call, fuzz_input *in, fuzz_layer *f, int down) {
    geglu_layer_f32 *l = &f->layer;
    uint8_t biases;
    size_t dm, dff;
    memset(f, 0, sizeof *f);
    f->null_layer = take_byte(in) % 16 == 15;
    l->gelu = (geglu_gelu)take_enum(in);
    l->layout = (geglu_layout)take_enum(in);
    dm = l->d_model = take_size(in, MAX_DIM);
    dff = l->d_ff = take_size(in, MAX_DIM);
    f->tokens = take_size(in, MAX_TOKENS);
    biases = take_byte(in);
    f->mode = take_byte(in) % DATA_MODES;
    call_begin(call);
    f->w = place(call, in, "w", dm, dff);
    f->v = place(call, in, "v", dm, dff);
    f->b = place(call, in, "b", 1, dff);
    f->c = place(call, in, "c", 1, dff);
    f->w2 = place(call, in, "w2", dff, dm);
    f->b2 = place(call, in, "b2", 1, dm);
    f->x = place(call, in, "x", f->tokens, dm);
    f->out = place(call, in, down ? "y" : "h", f->tokens, down ? dm : dff);
    /* Biases are mostly absent or present; the bytes above may also have made them NULL. */
    if (!(biases & 1)) f->b->p = NULL, f->b->in_arena = 0;
    if (!(biases & 2)) f->c->p = NULL, f->c->in_arena = 0;
    if (!(biases & 4)) f->b2->p = NULL, f->b2->in_arena = 0;
    fill(in, f->w, f->mode);
    fill(in, f->v, f->mode);
    fill(in, f->b, f->mode);
    fill(in, f->c, f->mode);
    fill(in, f->w2, f->mode);
    fill(in, f->b2, f->mode);
    fill(in, f->x, f->mode);
    /* Last, so that inputs made before 16-bit weights keep their meaning. The weights' places
       hold rows x cols floats, room for as many 16-bit weights too; their patterns are the
       floats' halves. The precision comes after them, for the same reason. */
    l->weight_type = (geglu_dtype)take_dtype(in);
    l->precision = (geglu_precision)take_precision(in);
    /* Strides last too. A strided matrix spans more than its place: it reaches over the
       buffers placed after it (inputs may overlap) and the call is made only when the span
       lies in the arena. */
    if (valid_layout((int)l->layout)) {
        l->wv_stride = take_stride(in, length_of(l, 0));
        l->w2_stride = take_stride(in, length_of(l, 1));
        if (l->wv_stride) spread(f->w, l, 0), spread(f->v, l, 0);
        if (l->w2_stride) spread(f->w2, l, 1);
    }
    l->w = f->w->p;
    l->v = f->v->p;
    l->b = f->b->p;
    l->c = f->c->p;
    l->w2 = f->w2->p;
    l->b2 = f->b2->p;
}

/* The layer's arrays in the snapshot or the scalar copy's arena. */
static geglu_layer_f32 layer_in(const geglu_layer_f32 *l, float *copy) {
    geglu_layer_f32 r = *l;
    r.w = in_copy_c(l->w, copy);
    r.v = in_copy_c(l->v, copy);
    r.b = in_copy_c(l->b, copy);
    r.c = in_copy_c(l->c, copy);
    r.w2 = in_copy_c(l->w2, copy);
    r.b2 = in_copy_c(l->b2, copy);
    return r;
}

/* Steps 1-4 of the contract for the gate (down = 0) or the FFN (down = 1), the workspace aside;
   *ranges gets the spans of x, w, v, b, c, [w2, b2] (empty when tokens == 0) for step 6. */
static geglu_status layer_oracle(const fuzz_layer *f, int down, span *ranges, int *count,
                                 span *out, int workspace_overflows) {
    const geglu_layer_f32 *l = &f->layer;
    span s[8];
    const void *p[8];
    int n = 0, i, overflows = workspace_overflows;
    if (f->null_layer) return GEGLU_ERROR_NULL_POINTER;
    if (!valid_gelu((int)l->gelu) || !valid_layout((int)l->layout) ||
        !valid_dtype((int)l->weight_type) || !valid_precision((int)l->precision))
        return GEGLU_ERROR_INVALID_ARGUMENT;
    p[n] = f->x->p, s[n++] = span_of(f->x->p, f->tokens, l->d_model);
    if (stride_too_short(l, 0) || (down && stride_too_short(l, 1))) return GEGLU_ERROR_INVALID_ARGUMENT;
    p[n] = l->w, s[n++] = span_weights(l, l->w, 0);
    p[n] = l->v, s[n++] = span_weights(l, l->v, 0);
    p[n] = l->b, s[n++] = span_of(l->b, l->b ? 1 : 0, l->d_ff);
    p[n] = l->c, s[n++] = span_of(l->c, l->c ? 1 : 0, l->d_ff);
    if (down) {
        p[n] = l->w2, s[n++] = span_weights(l, l->w2, 1);
        p[n] = l->b2, s[n++] = span_of(l->b2, l->b2 ? 1 : 0, l->d_model);
    }
    *out = span_of(f->out->p, f->tokens, down ? l->d_model : l->d_ff);
    for (i = 0; i < n; i++) overflows |= s[i].overflows;
    if (overflows || out->overflows) return GEGLU_ERROR_SIZE_OVERFLOW;
    if (f->tokens == 0) { /* nothing is read or written */
        for (i = 0; i < n; i++) s[i].bytes = 0;
        out->bytes = 0;
    }
    for (i = 0; i < n; i++)
        if (missing(p[i], s[i])) return GEGLU_ERROR_NULL_POINTER;
    if (missing(f->out->p, *out)) return GEGLU_ERROR_NULL_POINTER;
    for (i = 0; i < n; i++) ranges[i] = s[i];
    *count = n;
    return GEGLU_OK;
}

static int layer_fits(const fuzz_layer *f, int down) {
    if (f->tokens == 0) return 1;
    return fits(f->x) && fits(f->w) && fits(f->v) && (!f->layer.b || fits(f->b)) &&
           (!f->layer.c || fits(f->c)) && fits(f->out) &&
           (!down || (fits(f->w2) && (!f->layer.b2 || fits(f->b2))));
}

/* W(k, j) in either layout and any weight type, widened by the formats' definitions; for W2
   (`down`), k < d_ff and j < d_model. */
static float weight(const geglu_layer_f32 *l, const void *w, size_t k, size_t j, int down) {
    size_t i = l->layout == GEGLU_LAYOUT_IN_OUT ? k * stride_of(l, down) + j : j * stride_of(l, down) + k;
    uint16_t h, exponent, mantissa;
    double magnitude;
    if (l->weight_type == GEGLU_DTYPE_F32) return ((const float *)w)[i];
    h = ((const uint16_t *)w)[i];
    if (l->weight_type == GEGLU_DTYPE_BF16) return test_float((uint32_t)h << 16);
    exponent = (uint16_t)((h >> 10) & 31);
    mantissa = (uint16_t)(h & 1023);
    magnitude = exponent == 31 ? (mantissa ? NAN : INFINITY)
                : exponent == 0 ? ldexp(mantissa, -24)
                                : ldexp(mantissa + 1024.0, exponent - 25);
    return (float)((h & 0x8000) ? -magnitude : magnitude);
}

#define U_F32 (1.0 / 16777216.0)
#define GELU_SLOPE 1.15
#define GELU_MUL_ERROR (1.0 / 4194304.0) /* 2 ULP of a normal GELU(a)*u */
#define UNDERFLOW (1.0 / 1427247692705959881058285969449495136382746624.0) /* 2^-150 */

#define U_BF16 (1.0 / 256.0)

static double gamma_n(size_t n) { return (double)n * U_F32 / (1.0 - (double)n * U_F32); }

/* Whether the products round their left operand to bf16 (tests/test_layer.c derives the bound:
   2^-8 relative on each term of x before the sum's error, and on H before the second sum). */
static int bf16_products(const geglu_layer_f32 *l) {
    return l->weight_type == GEGLU_DTYPE_BF16 && l->precision == GEGLU_PRECISION_BF16;
}

/* The sum's bound factor over n terms (and a bias). */
static double sum_factor(const geglu_layer_f32 *l, size_t n) {
    return bf16_products(l) ? U_BF16 + gamma_n(n) * (1.0 + U_BF16) : gamma_n(n);
}

/* One token's H in double, its bound, and per element whether every input is nice / any is NaN.
   The bound is tests/test_layer.c's, plus UNDERFLOW per rounding for subnormal results. */
static void reference_gate_row(const geglu_layer_f32 *l, const float *x, double *h, double *bound,
                               int *is_nice, int *has_nan) {
    size_t j, k, dm = l->d_model, dff = l->d_ff;
    double g = sum_factor(l, dm + 1);
    for (j = 0; j < dff; j++) {
        double a = l->b ? l->b[j] : 0.0, u = l->c ? l->c[j] : 0.0;
        double a_abs = fabs(a), u_abs = fabs(u), ga, e_a, e_u, first;
        int ok = (!l->b || nice(l->b[j])) && (!l->c || nice(l->c[j]));
        int nan = (l->b && isnan(l->b[j])) || (l->c && isnan(l->c[j]));
        for (k = 0; k < dm; k++) {
            float wk = weight(l, l->w, k, j, 0), vk = weight(l, l->v, k, j, 0);
            ok &= nice(x[k]) && nice(wk) && nice(vk);
            nan |= isnan(x[k]) || isnan(wk) || isnan(vk);
            a += (double)x[k] * wk;
            u += (double)x[k] * vk;
            a_abs += fabs((double)x[k] * wk);
            u_abs += fabs((double)x[k] * vk);
        }
        ga = ref_gelu(a, l->gelu);
        e_a = g * a_abs + (double)(dm + 1) * UNDERFLOW;
        e_u = g * u_abs + (double)(dm + 1) * UNDERFLOW;
        first = (fabs(ga) + GELU_SLOPE * e_a) * e_u + GELU_SLOPE * fabs(u) * e_a;
        h[j] = ga * u;
        bound[j] = first + 1.01 * GELU_MUL_ERROR * (fabs(ga * u) + first) + 2 * UNDERFLOW;
        is_nice[j] = ok;
        has_nan[j] = nan;
    }
}

static void check_value(const char *what, size_t t, size_t j, float got, double want, double bound,
                        int is_nice, int has_nan) {
    if (has_nan && !isnan(got)) fail("%s[%zu][%zu] = %a, but an input it depends on is NaN", what, t, j, (double)got);
    if (is_nice && !(fabs((double)got - want) <= bound))
        fail("%s[%zu][%zu] = %.9g, reference %.9g, error %.3g > bound %.3g", what, t, j,
             (double)got, want, fabs((double)got - want), bound);
}

static double h_ref[MAX_DIM], h_bound[MAX_DIM];
static int h_nice[MAX_DIM], h_nan[MAX_DIM];

static void check_gate(const geglu_layer_f32 *l, const float *x, size_t tokens, const float *h) {
    size_t t, j;
    if (l->d_ff == 0) return; /* H has no element, however many tokens */
    if (tokens && l->d_ff > MAX_DIM) fail("d_ff %zu: a successful call with buffers in the arena?", l->d_ff);
    for (t = 0; t < tokens; t++) {
        reference_gate_row(l, x ? x + t * l->d_model : x, h_ref, h_bound, h_nice, h_nan);
        for (j = 0; j < l->d_ff; j++)
            check_value("h", t, j, h[t * l->d_ff + j], h_ref[j], h_bound[j], h_nice[j], h_nan[j]);
    }
}

static void check_ffn(const geglu_layer_f32 *l, const float *x, size_t tokens, const float *y) {
    size_t t, j, n, dm = l->d_model, dff = l->d_ff;
    double g = sum_factor(l, dff + 1);
    if (dm == 0) return; /* Y has no element; H is not computed at all */
    if (tokens && dff > MAX_DIM) fail("d_ff %zu: a successful call with buffers in the arena?", dff);
    for (t = 0; t < tokens; t++) {
        int row_nice = 1;
        reference_gate_row(l, x ? x + t * dm : x, h_ref, h_bound, h_nice, h_nan);
        for (j = 0; j < dff; j++) row_nice &= h_nice[j];
        for (n = 0; n < dm; n++) {
            double b2 = l->b2 ? l->b2[n] : 0.0, acc = b2, abs_sum = fabs(b2), passed = 0.0;
            int ok = row_nice && (!l->b2 || nice(l->b2[n])), nan = l->b2 && isnan(l->b2[n]);
            for (j = 0; j < dff; j++) {
                float w2 = weight(l, l->w2, j, n, 1);
                ok &= nice(w2);
                nan |= h_nan[j] || isnan(w2);
                double e = bf16_products(l) ? h_bound[j] * (1.0 + U_BF16) + U_BF16 * fabs(h_ref[j])
                                            : h_bound[j];
                acc += h_ref[j] * w2;
                abs_sum += (fabs(h_ref[j]) + e) * fabs((double)w2);
                passed += e * fabs((double)w2);
            }
            check_value("y", t, n, y[t * dm + n], acc,
                        g * abs_sum + passed + (double)(dff + 1) * UNDERFLOW, ok, nan);
        }
    }
}

static void op_gate(fuzz_input *in) {
    fuzz_call call;
    fuzz_layer f;
    span ranges[8], out;
    int count = 0, i;
    geglu_status want, got, ref;
    geglu_layer_f32 ref_layer;
    take_layer(&call, in, &f, 0);
    want = layer_oracle(&f, 0, ranges, &count, &out, 0);
    for (i = 0; want == GEGLU_OK && i < count; i++)
        if (overlap(ranges[i], out)) want = GEGLU_ERROR_OVERLAP;
    if (want == GEGLU_OK && !layer_fits(&f, 0)) return;
    take_snapshot();
    ref_layer = layer_in(&f.layer, ref_arena);
    got = geglu_gate_f32(f.null_layer ? NULL : &f.layer, f.x->p, f.tokens, f.out->p);
    ref = ref_gate_f32(f.null_layer ? NULL : &ref_layer, in_copy_c(f.x->p, ref_arena), f.tokens,
                       in_copy(f.out->p, ref_arena));
    expect_status(got, ref, want);
    if (want != GEGLU_OK) {
        expect_arena_untouched();
        return;
    }
    expect_only_outputs_changed(f.out->p, f.tokens * f.layer.d_ff, 0, 0);
    {
        geglu_layer_f32 before = layer_in(&f.layer, snapshot);
        check_gate(&before, in_copy_c(f.x->p, snapshot), f.tokens, f.out->p);
    }
}

#define HUGE_D_MODEL (SIZE_MAX / 4096)

/* geglu_ffn_workspace_size: 0 exactly in the documented cases, as for the scalar copy (the
   sizes themselves differ: they follow each instruction set's tiles and panels). */
static size_t checked_workspace_size(const fuzz_layer *f) {
    const geglu_layer_f32 *l = &f->layer;
    size_t got = geglu_ffn_workspace_size(f->null_layer ? NULL : l, f->tokens), ref;
    geglu_layer_f32 ref_layer = layer_in(l, ref_arena);
    int zero;
    ref = ref_ffn_workspace_size(f->null_layer ? NULL : &ref_layer, f->tokens);
    if ((got == 0) != (ref == 0)) fail("workspace size %zu, scalar copy %zu", got, ref);
    /* "0 when the layer is NULL, invalid or its sizes overflow": the layer's own arrays, and x
       and y (tokens x d_model). */
    zero = f->null_layer || !valid_gelu((int)l->gelu) || !valid_layout((int)l->layout) ||
           !valid_dtype((int)l->weight_type) || !valid_precision((int)l->precision) ||
           stride_too_short(l, 0) || stride_too_short(l, 1) ||
           span_weights(l, l->w, 0).overflows || span_weights(l, l->v, 0).overflows ||
           span_of(l->b, l->b ? 1 : 0, l->d_ff).overflows || span_of(l->c, l->c ? 1 : 0, l->d_ff).overflows ||
           span_weights(l, l->w2, 1).overflows ||
           span_of(l->b2, l->b2 ? 1 : 0, l->d_model).overflows ||
           span_of(NULL, f->tokens, l->d_model).overflows || f->tokens == 0 || l->d_model == 0 ||
           l->d_ff == 0;
    /* Otherwise the size is not 0 (it holds a block of H), unless the scratch it would describe
       overflows size_t, which takes a d_model near SIZE_MAX / 4096. */
    if (zero ? got != 0 : got == 0 && l->d_model <= HUGE_D_MODEL)
        fail("workspace size %zu for d_model %zu, d_ff %zu, tokens %zu", got, l->d_model, l->d_ff,
             f->tokens);
    return got;
}

static void op_workspace_size(fuzz_input *in) {
    fuzz_call call;
    fuzz_layer f;
    take_layer(&call, in, &f, 1);
    memcpy(ref_arena, arena, ARENA_FLOATS * sizeof(float));
    checked_workspace_size(&f);
}

static void op_ffn(fuzz_input *in) {
    fuzz_call call;
    fuzz_layer f;
    span ranges[8], out, sws;
    int count = 0, i;
    size_t needed, ws_size, ws_fit;
    uint8_t ws_how, ws_misalign;
    void *ws;
    geglu_status want, got, ref;
    geglu_layer_f32 ref_layer;
    take_layer(&call, in, &f, 1);
    memcpy(ref_arena, arena, ARENA_FLOATS * sizeof(float));
    needed = checked_workspace_size(&f);
    if (needed == 0 && f.tokens != 0 && f.layer.d_model > HUGE_D_MODEL)
        return; /* the call reports SIZE_OVERFLOW for its scratch: no oracle models that */
    /* The workspace: its place, a byte misalignment, and a size around the one asked for. */
    f.ws = place(&call, in, "workspace", 1, needed / sizeof(float) + 1);
    ws_misalign = take_byte(in) % 4;
    ws = f.ws->p && f.ws->in_arena ? (void *)((char *)f.ws->p + ws_misalign) : (void *)f.ws->p;
    ws_how = take_byte(in);
    switch (ws_how % 6) {
    case 0: ws_size = needed; break;
    case 1: ws_size = needed ? needed - 1 : 0; break;
    case 2: ws_size = 0; break;
    case 3: ws_size = needed + take_byte(in); break;
    case 4: ws_size = take_size(in, 255); break;
    default: ws_size = take_size(in, 64) * sizeof(float); break;
    }
    sws = span_bytes(ws, ws_size);
    want = layer_oracle(&f, 1, ranges, &count, &out, sws.overflows);
    if (want == GEGLU_OK && needed != 0 && ws == NULL) want = GEGLU_ERROR_NULL_POINTER;
    if (want == GEGLU_OK && ws_size < needed) want = GEGLU_ERROR_WORKSPACE_TOO_SMALL;
    for (i = 0; want == GEGLU_OK && i < count; i++)
        if (overlap(ranges[i], out) || overlap(ranges[i], sws)) want = GEGLU_ERROR_OVERLAP;
    if (want == GEGLU_OK && overlap(out, sws)) want = GEGLU_ERROR_OVERLAP;
    /* The call writes at most `needed` bytes of the workspace. */
    ws_fit = f.ws->in_arena ? (ARENA_FLOATS - f.ws->offset) * sizeof(float) - ws_misalign : 0;
    if (want == GEGLU_OK && !(layer_fits(&f, 1) && (needed == 0 || (f.ws->in_arena && needed <= ws_fit))))
        return;
    take_snapshot();
    ref_layer = layer_in(&f.layer, ref_arena);
    got = geglu_ffn_f32(f.null_layer ? NULL : &f.layer, f.x->p, f.tokens, f.out->p, ws, ws_size);
    if (want == GEGLU_OK && needed != 0) {
        /* The scalar copy needs a workspace of its own size: it gets one outside the arena. */
        size_t ref_needed = ref_ffn_workspace_size(&ref_layer, f.tokens);
        void *ref_ws = malloc(ref_needed);
        if (!ref_ws) abort();
        ref = ref_ffn_f32(&ref_layer, in_copy_c(f.x->p, ref_arena), f.tokens,
                          in_copy(f.out->p, ref_arena), ref_ws, ref_needed);
        free(ref_ws);
    } else if (want == GEGLU_ERROR_WORKSPACE_TOO_SMALL) {
        ref = want; /* the copies need different sizes: only this one's is judged */
    } else {
        ref = ref_ffn_f32(f.null_layer ? NULL : &ref_layer, in_copy_c(f.x->p, ref_arena), f.tokens,
                          in_copy(f.out->p, ref_arena),
                          ws && f.ws->in_arena ? (char *)in_copy(f.ws->p, ref_arena) + ws_misalign
                                               : ws,
                          ws_size);
        if (ref == GEGLU_ERROR_WORKSPACE_TOO_SMALL) ref = want; /* it may need more than we do */
    }
    expect_status(got, ref, want);
    if (want != GEGLU_OK) {
        expect_arena_untouched();
        return;
    }
    expect_only_outputs_changed(f.out->p, f.tokens * f.layer.d_model, (uintptr_t)ws,
                                needed ? (uintptr_t)ws + needed : 0);
    {
        geglu_layer_f32 before = layer_in(&f.layer, snapshot);
        check_ffn(&before, in_copy_c(f.x->p, snapshot), f.tokens, f.out->p);
    }
}

/* The 16-bit conversions, by a byte: f32 to bf16, bf16 to f32, f32 to f16, f16 to f32. The 16-bit
   side of n elements takes (n + 1) / 2 floats of the arena. */
static void op_convert(fuzz_input *in) {
    fuzz_call c;
    const int direction = take_byte(in) % 4, narrow = direction % 2 == 0;
    size_t n = take_size(in, MAX_N), halves_floats;
    int mode = take_byte(in) % DATA_MODES;
    fuzz_buffer *x, *y;
    span sx, sy;
    geglu_status want, got = GEGLU_OK, ref = GEGLU_OK;
    halves_floats = n / 2 + n % 2;
    call_begin(&c);
    x = place(&c, in, "x", narrow ? n : halves_floats, 1);
    y = place(&c, in, "y", narrow ? halves_floats : n, 1);
    fill(in, x, mode);
    /* the contract's ranges: n elements of 4 or 2 bytes */
    sx = span_elements(x->p, n, narrow ? 4 : 2);
    sy = span_elements(y->p, n, narrow ? 2 : 4);
    want = sx.overflows || sy.overflows               ? GEGLU_ERROR_SIZE_OVERFLOW
           : missing(x->p, sx) || missing(y->p, sy)   ? GEGLU_ERROR_NULL_POINTER
           : overlap(sx, sy)                          ? GEGLU_ERROR_OVERLAP
                                                      : GEGLU_OK;
    if (want == GEGLU_OK && !(fits(x) && fits(y))) return;
    take_snapshot();
    {
        void *yp = y->p, *ref_y = in_copy(y->p, ref_arena);
        const void *xp = x->p, *ref_x = in_copy_c(x->p, ref_arena);
        switch (direction) {
        case 0:
            got = geglu_f32_to_bf16((uint16_t *)yp, (const float *)xp, n);
            ref = ref_f32_to_bf16((uint16_t *)ref_y, (const float *)ref_x, n);
            break;
        case 1:
            got = geglu_bf16_to_f32((float *)yp, (const uint16_t *)xp, n);
            ref = ref_bf16_to_f32((float *)ref_y, (const uint16_t *)ref_x, n);
            break;
        case 2:
            got = geglu_f32_to_f16((uint16_t *)yp, (const float *)xp, n);
            ref = ref_f32_to_f16((uint16_t *)ref_y, (const float *)ref_x, n);
            break;
        default:
            got = geglu_f16_to_f32((float *)yp, (const uint16_t *)xp, n);
            ref = ref_f16_to_f32((float *)ref_y, (const uint16_t *)ref_x, n);
            break;
        }
    }
    expect_status(got, ref, want);
    if (want != GEGLU_OK) {
        expect_arena_untouched();
        return;
    }
    /* bit for bit the scalar copy's (16-bit pairs may look like NaNs, which same_float equates) */
    if (n != 0 && memcmp(y->p, in_copy(y->p, ref_arena), n * (narrow ? 2 : 4)) != 0)
        fail("the conversion differs from the scalar path's");
    expect_only_outputs_changed(y->p, narrow ? halves_floats : n, 0, 0);
}

/* ---- the table of operations and the entry point -------------------------------------------- */
typedef struct fuzz_op {
    const char *name;
    void (*run)(fuzz_input *in);
} fuzz_op;

static const fuzz_op ops[] = {
    {"geglu_status_string", op_status_string},
    {"geglu_isa", op_isa},
    {"geglu_gelu_f32", op_gelu},
    {"geglu_gelu_mul_f32", op_gelu_mul},
    {"geglu_gate_f32", op_gate},
    {"geglu_ffn_workspace_size", op_workspace_size},
    {"geglu_ffn_f32", op_ffn},
    {"geglu_f32_to_bf16 and the other conversions", op_convert},
};
#define OP_COUNT (sizeof ops / sizeof ops[0])

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_input in;
    int i;
    if (!arena) {
        void *p[3];
        for (i = 0; i < 3; i++)
            if (posix_memalign(&p[i], 64, ARENA_FLOATS * sizeof(float)) != 0) abort();
        arena = (float *)p[0];
        snapshot = (float *)p[1];
        ref_arena = (float *)p[2];
    }
    in.data = data;
    in.size = size;
    for (i = 0; i < FUZZ_MAX_OPS && in.size > 0; i++) {
        const fuzz_op *op = &ops[take_byte(&in) % OP_COUNT];
        current_op = op->name;
        op->run(&in);
    }
    return 0;
}

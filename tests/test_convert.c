/* The 16-bit conversions (geglu_f32_to_bf16, geglu_bf16_to_f32, geglu_f32_to_f16,
 * geglu_f16_to_f32) on every path this build compiles and through the public functions: every
 * 16-bit pattern widened, a sweep of the float line and the hard cases narrowed, each against a
 * reference written here from the formats' definitions, on every tail length and unaligned. */
#define GEGLU_IMPLEMENTATION
#include "../geglu.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "test_util.h"

/* One format: its name, the pattern of +inf, and where the exponent field starts. */
typedef struct format {
    const char *name;
    uint16_t inf;      /* 0x7f80 (bf16) or 0x7c00 (f16); patterns above it, below 0x8000, are NaN */
    int mantissa_bits; /* 7 or 10 */
    int bias;          /* 127 or 15 */
} format;

static const format bf16 = {"bf16", 0x7f80, 7, 127};
static const format f16 = {"f16", 0x7c00, 10, 15};

/* The value of a finite, non-negative pattern (below inf), from the definition. */
static double ref_value(const format *f, uint16_t pattern) {
    int exponent = pattern >> f->mantissa_bits;
    double mantissa = pattern & ((1u << f->mantissa_bits) - 1);
    if (exponent == 0) return ldexp(mantissa, 1 - f->bias - f->mantissa_bits);
    return ldexp(mantissa + ldexp(1.0, f->mantissa_bits), exponent - f->bias - f->mantissa_bits);
}

/* A NaN keeps its sign and top payload bits and becomes quiet. */
static uint16_t ref_nan(const format *f, float x) {
    uint32_t bits = test_bits(x);
    uint16_t sign = (uint16_t)((bits >> 16) & 0x8000u);
    uint16_t payload = (uint16_t)((bits & 0x7fffffu) >> (23 - f->mantissa_bits));
    return (uint16_t)(sign | f->inf | payload | (1u << (f->mantissa_bits - 1)));
}

/* x rounded to the nearest pattern, ties to the even pattern, by bisection over the ordered
   non-negative patterns; inf counts as the value one step past the largest finite one, so that
   x overflows where IEEE rounding says it does. */
static uint16_t ref_narrow(const format *f, float x) {
    uint16_t sign = (uint16_t)((test_bits(x) >> 16) & 0x8000u), lo = 0, hi = f->inf;
    double a = fabs((double)x), top = ldexp(1.0, (int)((f->inf >> f->mantissa_bits) - f->bias));
    double v_lo, v_hi;
    if (isnan(x)) return ref_nan(f, x);
    if (a >= top) return (uint16_t)(sign | f->inf);
    while (hi - lo > 1) { /* ref_value(lo) <= a < value(hi) */
        uint16_t mid = (uint16_t)((lo + hi) / 2);
        if (ref_value(f, mid) <= a) lo = mid;
        else hi = mid;
    }
    v_lo = ref_value(f, lo);
    v_hi = hi == f->inf ? top : ref_value(f, hi);
    if (a - v_lo < v_hi - a || (a - v_lo == v_hi - a && !(lo & 1))) return (uint16_t)(sign | lo);
    return (uint16_t)(sign | hi);
}

/* The exact float of a pattern, or its NaN made quiet. */
static float ref_widen(const format *f, uint16_t h) {
    uint16_t a = h & 0x7fffu;
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    if (a > f->inf) {
        uint32_t payload = (uint32_t)(a & ((1u << f->mantissa_bits) - 1)) << (23 - f->mantissa_bits);
        return test_float(sign | 0x7f800000u | payload | 0x400000u);
    }
    if (a == f->inf) return test_float(sign | 0x7f800000u);
    return test_float(sign | test_bits((float)ref_value(f, a)));
}

/* bf16 widening is a shift and keeps a signaling NaN signaling; f16 widening makes it quiet, as
   the F16C and NEON instructions do. Both keep every other bit. */
static uint32_t widen_expected_bits(const format *f, uint16_t h) {
    if (f == &bf16) return (uint32_t)h << 16;
    return test_bits(ref_widen(f, h));
}

/* The kernels under test: every compiled path's, then the public function's. */
typedef struct converters {
    const char *name;
    void (*narrow_bf16)(uint16_t *, const float *, size_t);
    void (*narrow_f16)(uint16_t *, const float *, size_t);
    void (*widen_bf16)(float *, const uint16_t *, size_t);
    void (*widen_f16)(float *, const uint16_t *, size_t);
} converters;

static void public_narrow_bf16(uint16_t *y, const float *x, size_t n) {
    assert_int_equal(geglu_f32_to_bf16(y, x, n), GEGLU_OK);
}
static void public_narrow_f16(uint16_t *y, const float *x, size_t n) {
    assert_int_equal(geglu_f32_to_f16(y, x, n), GEGLU_OK);
}
static void public_widen_bf16(float *y, const uint16_t *x, size_t n) {
    assert_int_equal(geglu_bf16_to_f32(y, x, n), GEGLU_OK);
}
static void public_widen_f16(float *y, const uint16_t *x, size_t n) {
    assert_int_equal(geglu_f16_to_f32(y, x, n), GEGLU_OK);
}

#define CONVERTER_COUNT (GEGLU__PATH_COUNT + 1)
static converters converters_at(size_t i) {
    converters c;
    if (i < GEGLU__PATH_COUNT) {
        const geglu__path *p = &geglu__paths[i];
        c.name = p->name;
        c.narrow_bf16 = p->f32_to_bf16;
        c.narrow_f16 = p->f32_to_f16;
        c.widen_bf16 = p->bf16_to_f32;
        c.widen_f16 = p->f16_to_f32;
    } else {
        c.name = "public";
        c.narrow_bf16 = public_narrow_bf16;
        c.narrow_f16 = public_narrow_f16;
        c.widen_bf16 = public_widen_bf16;
        c.widen_f16 = public_widen_f16;
    }
    return c;
}

#define PATTERNS 65536

/* Every pattern, from an odd address (unaligned for every vector load), then every length up to
   70 at the start of the array (each tail), with the element after the range left untouched. */
static void test_widen_every_pattern(void **state) {
    static uint16_t patterns[PATTERNS + 1];
    static float out[PATTERNS + 2];
    size_t path, i, n;
    int which;
    (void)state;
    for (i = 0; i < PATTERNS; i++) patterns[i + 1] = (uint16_t)i;
    for (path = 0; path < CONVERTER_COUNT; path++)
        for (which = 0; which < 2; which++) {
            const converters c = converters_at(path);
            const format *f = which ? &f16 : &bf16;
            void (*widen)(float *, const uint16_t *, size_t) = which ? c.widen_f16 : c.widen_bf16;
            widen(out + 1, patterns + 1, PATTERNS);
            for (i = 0; i < PATTERNS; i++)
                if (test_bits(out[i + 1]) != widen_expected_bits(f, (uint16_t)i))
                    fail_msg("%s %s: pattern %04x gave %08x, want %08x", c.name, f->name,
                             (unsigned)i, (unsigned)test_bits(out[i + 1]),
                             (unsigned)widen_expected_bits(f, (uint16_t)i));
            for (n = 0; n <= 70; n++) {
                for (i = 0; i <= n; i++) out[i] = CANARY;
                widen(out, patterns + 0x3c00 - 35, n);
                for (i = 0; i < n; i++)
                    assert_int_equal(test_bits(out[i]),
                                     widen_expected_bits(f, (uint16_t)(0x3c00 - 35 + i - 1)));
                assert_int_equal(test_bits(out[n]), test_bits(CANARY));
            }
        }
}

/* Floats every format must get right: ties to even and odd, the halfway points at the top of
   each range (65520 is f16's overflow threshold), subnormal ties, zeros, infinities, NaNs with
   payloads, float subnormals. */
static size_t hard_floats(float *x) {
    static const uint32_t bits[] = {
        0x00000000u, 0x80000000u, 0x7f800000u, 0xff800000u, 0x7fc00000u, 0xffc00000u,
        0x7f800001u, 0xff800001u, 0x7fa00000u, 0x7fbfffffu, 0x7fffffffu, 0x7fc0e000u,
        0x00000001u, 0x807fffffu, 0x00800000u, 0x7f7fffffu, 0xff7fffffu,
        0x3f808000u, 0x3f818000u, 0x3f807fffu, 0x3f808001u, /* bf16 ties, even and odd */
        0x7f7f7fffu, 0x7f7f8000u, 0x7f7f8001u, 0x7f7effffu,  /* bf16's overflow edge */
        0x3f801000u, 0x3f803000u, 0x3f800fffu, 0x3f801001u, /* f16 ties near 1 */
        0x477fe000u, 0x477fefffu, 0x477ff000u, 0x477ff001u, 0x47800000u, /* 65504 .. 65536 */
        0x38800000u, 0x387fe000u, 0x387ff000u, 0x387fffffu, /* f16's smallest normal */
        0x33000000u, 0x33000001u, 0x32ffffffu, 0x33c00000u, 0x33a00000u, /* 2^-25 ties */
        0x33800000u, 0x34000000u, 0x34400000u, 0xb3000000u, 0xb3c00000u};
    size_t i, n = sizeof bits / sizeof bits[0];
    for (i = 0; i < n; i++) x[i] = test_float(bits[i]);
    return n;
}

/* Every converter narrows x[0, n) as the reference does (want: bf16 then f16, n each). */
static void check_narrow(const float *x, size_t n, const uint16_t *want, uint16_t *y) {
    size_t path, i;
    int which;
    for (path = 0; path < CONVERTER_COUNT; path++)
        for (which = 0; which < 2; which++) {
            const converters c = converters_at(path);
            const format *f = which ? &f16 : &bf16;
            (which ? c.narrow_f16 : c.narrow_bf16)(y, x, n);
            for (i = 0; i < n; i++)
                if (y[i] != want[which * n + i])
                    fail_msg("%s %s: %08x (%a) gave %04x, want %04x", c.name, f->name,
                             (unsigned)test_bits(x[i]), (double)x[i], y[i], want[which * n + i]);
        }
}

static void reference_narrow(const float *x, size_t n, uint16_t *want) {
    size_t i;
    for (i = 0; i < n; i++) {
        want[i] = ref_narrow(&bf16, x[i]);
        want[n + i] = ref_narrow(&f16, x[i]);
    }
}

/* The hard cases and their negatives at every length, then a sweep of the float line (for each
   of 2^16 / TEST_SWEEP_DIVISOR exponent-and-top-mantissa patterns, low halves that round down,
   up and to even for both formats), each converter against the reference. */
static void test_narrow(void **state) {
    enum { SWEEP = 1 << 16, HARD = 128 };
    static float x[SWEEP * 4 + HARD];
    static uint16_t want[2 * (SWEEP * 4 + HARD)], y[SWEEP * 4 + HARD];
    size_t i, length, n = hard_floats(x + 1);
    (void)state;
    for (i = 0; i < n; i++) x[1 + n + i] = -x[1 + i];
    n *= 2;
    for (length = 0; length <= n; length++) { /* x + 1, y + 1: unaligned */
        reference_narrow(x + 1, length, want);
        check_narrow(x + 1, length, want, y + 1);
    }
    for (i = 0; i < SWEEP / TEST_SWEEP_DIVISOR; i++) {
        uint32_t base = (uint32_t)(i * TEST_SWEEP_DIVISOR) << 16;
        x[4 * i] = test_float(base | (uint32_t)(i * 0x9e37u & 0xffffu));
        x[4 * i + 1] = test_float(base | 0x8000u);
        x[4 * i + 2] = test_float(base | 0x1000u | (uint32_t)(i & 1) << 13);
        x[4 * i + 3] = test_float(base | 0x0fffu);
    }
    n = 4 * (SWEEP / TEST_SWEEP_DIVISOR);
    reference_narrow(x, n, want);
    check_narrow(x, n, want, y);
}

/* Each status, and that nothing is written when one is returned. */
static void test_convert_errors(void **state) {
    float x[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    uint16_t h[8] = {0};
    (void)state;
    assert_int_equal(geglu_f32_to_bf16(NULL, NULL, 0), GEGLU_OK);
    assert_int_equal(geglu_bf16_to_f32(NULL, NULL, 0), GEGLU_OK);
    assert_int_equal(geglu_f32_to_bf16(NULL, x, 1), GEGLU_ERROR_NULL_POINTER);
    assert_int_equal(geglu_f32_to_f16(h, NULL, 1), GEGLU_ERROR_NULL_POINTER);
    assert_int_equal(geglu_bf16_to_f32(NULL, h, 1), GEGLU_ERROR_NULL_POINTER);
    assert_int_equal(geglu_f16_to_f32(x, NULL, 1), GEGLU_ERROR_NULL_POINTER);
    assert_int_equal(geglu_f32_to_f16(h, x, SIZE_MAX / 2), GEGLU_ERROR_SIZE_OVERFLOW);
    assert_int_equal(geglu_f16_to_f32(x, h, SIZE_MAX / 3), GEGLU_ERROR_SIZE_OVERFLOW);
    /* y inside x, and x inside y */
    assert_int_equal(geglu_f32_to_bf16((uint16_t *)(void *)(x + 2), x, 4), GEGLU_ERROR_OVERLAP);
    assert_int_equal(geglu_f16_to_f32((float *)(void *)h, h + 3, 2), GEGLU_ERROR_OVERLAP);
    assert_int_equal(test_bits(x[2]), test_bits(3.0f));
    assert_int_equal(h[0], 0);
    /* adjacent is not overlapping */
    assert_int_equal(geglu_f32_to_bf16((uint16_t *)(void *)(x + 4), x, 4), GEGLU_OK);
    assert_int_equal(((uint16_t *)(void *)(x + 4))[0], 0x3f80);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_widen_every_pattern),
        cmocka_unit_test(test_narrow),
        cmocka_unit_test(test_convert_errors),
    };
    return cmocka_run_group_tests_name(geglu_isa(), tests, NULL, NULL);
}

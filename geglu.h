/* geglu.h - v0.1.0 - GeGLU feed-forward kernels for CPUs, in one C99 header.
 * No dependencies beyond the C99 standard library. MIT license at the end of this file.
 *
 * In exactly one C or C++ file of your program, write
 *
 *     #define GEGLU_IMPLEMENTATION
 *     #include "geglu.h"
 *
 * and include "geglu.h" without the #define wherever else you call it.
 *
 * WHAT IT COMPUTES
 *   GELU(z)       = z * Phi(z) = z/2 * (1 + erf(z/sqrt 2))                    (GEGLU_GELU_ERF)
 *                   z/2 * (1 + tanh(sqrt(2/pi) * (z + 0.044715 z^3)))          (GEGLU_GELU_TANH)
 *   gate:   H = GELU(X*W + b) (x) (X*V + c)        X: tokens x d_model, H: tokens x d_ff
 *   FFN:    Y = H * W2 + b2                        Y: tokens x d_model
 *   (x) is the element-wise product; b, c and b2 are optional.
 *
 * OPTIONS (define before including the implementation)
 *   GEGLU_IMPLEMENTATION  compile the implementation into this translation unit
 *   GEGLU_STATIC          make every function static: a private copy for this translation unit
 *                         (define it together with GEGLU_IMPLEMENTATION)
 *   GEGLU_API             storage class of the public functions (default: extern, or static)
 *   GEGLU_NO_SIMD         use the portable scalar code only
 *   GEGLU_NO_AVX512       do not use AVX-512 even when the compiler targets it
 *   GEGLU_NO_AVX2         do not use AVX2+FMA even when the compiler targets it
 *   GEGLU_NO_NEON         do not use NEON even when the compiler targets it
 *   The instruction set is chosen when the implementation is compiled, from the compiler's own
 *   macros (__AVX512F__; __AVX2__ with __FMA__; __ARM_NEON on aarch64): build with -march=native,
 *   or -mavx2 -mfma, to get the vector code. geglu_isa() names the path in use.
 *   The header refuses -ffast-math (it would break NaN and infinity handling) with an #error.
 *
 * CONTRACT (every public function)
 *   - Arguments are checked before anything is read or written. On any error the function
 *     returns the status and leaves every output untouched. It never allocates, never keeps
 *     state between calls, and is safe to call from many threads at once.
 *   - Matrices are row-major with contiguous rows. A pointer may be NULL exactly when the
 *     buffer it describes has no element (n == 0, tokens == 0, d_model == 0 or d_ff == 0);
 *     the optional biases b, c, b2 may always be NULL, meaning "no bias".
 *   - Checks, in this order, each with its status:
 *       1. layer is NULL                                       GEGLU_ERROR_NULL_POINTER
 *       2. unknown geglu_gelu or geglu_layout value            GEGLU_ERROR_INVALID_ARGUMENT
 *       3. a buffer's size in bytes overflows size_t, or the   GEGLU_ERROR_SIZE_OVERFLOW
 *          buffer would wrap around the address space
 *       4. a required pointer is NULL                          GEGLU_ERROR_NULL_POINTER
 *       5. the workspace is smaller than asked for             GEGLU_ERROR_WORKSPACE_TOO_SMALL
 *       6. an output overlaps an input or the workspace        GEGLU_ERROR_OVERLAP
 *          (except the in-place cases stated below); inputs may overlap each other
 *   - d_model == 0 or d_ff == 0 give the mathematically right answer: with d_model == 0,
 *     H = GELU(b) (x) c (zeros without biases); with d_ff == 0, Y = b2 (zeros without b2).
 *
 * FUNCTIONS
 *   const char *geglu_status_string(geglu_status s)
 *       A short English description; never NULL, also for unknown values.
 *   const char *geglu_isa(void)
 *       "scalar", "avx2", "avx512" or "neon": the code path this build uses.
 *   geglu_status geglu_gelu_f32(float *y, const float *x, size_t n, geglu_gelu kind)
 *       y[i] = GELU(x[i]). y == x is allowed (in place); any other overlap is an error.
 *   geglu_status geglu_gelu_mul_f32(float *h, const float *a, const float *u, size_t n,
 *                                   geglu_gelu kind)
 *       h[i] = GELU(a[i]) * u[i]. h may equal a or u; any other overlap of h is an error.
 *   geglu_status geglu_gate_f32(const geglu_layer_f32 *layer, const float *x, size_t tokens,
 *                               float *h)
 *       H = GELU(X*W + b) (x) (X*V + c). h must not overlap x or the layer's arrays.
 *   size_t geglu_ffn_workspace_size(const geglu_layer_f32 *layer, size_t tokens)
 *       Bytes of scratch memory geglu_ffn_f32 needs for this layer and token count (any
 *       alignment will do); 0 when it needs none (tokens, d_model or d_ff is 0), and 0 when
 *       the layer is NULL, invalid or its sizes overflow: the FFN call then reports why.
 *   geglu_status geglu_ffn_f32(const geglu_layer_f32 *layer, const float *x, size_t tokens,
 *                              float *y, void *workspace, size_t workspace_size)
 *       Y = (GELU(X*W + b) (x) (X*V + c)) * W2 + b2, using the caller's workspace.
 *       y and the workspace must not overlap each other, x or the layer's arrays.
 *
 * THE LAYER
 *   A zeroed geglu_layer_f32 plus the two sizes and the three weight pointers is a valid layer:
 *   NULL biases mean no bias, gelu 0 is GEGLU_GELU_ERF, layout 0 is GEGLU_LAYOUT_IN_OUT.
 *     GEGLU_LAYOUT_IN_OUT  w, v: d_model x d_ff, w2: d_ff x d_model  (the paper's x*W)
 *     GEGLU_LAYOUT_OUT_IN  w, v: d_ff x d_model, w2: d_model x d_ff  (torch nn.Linear.weight)
 *
 * ACCURACY
 *   GELU is evaluated by a float core per kind, the same operations in the same order on every
 *   path (the comments at geglu__gelu_erf_f32 and geglu__gelu_tanh_f32 derive them and their
 *   error budgets; tools/fit_gelu.py derives the constants). The deep negative tail (x < -13
 *   erf, x < -9 tanh) and NaN go to a double-precision core that rounds once. Bound, every
 *   float input, both kinds, every path: at most 2 ULP from the correctly rounded value, at
 *   most 1 ULP where that value is subnormal. Measured over all 2^32 inputs (make
 *   test-exhaustive): erf at most 1 ULP (1.43 ULP from the exact value; 2.2% of the inputs not
 *   correctly rounded), tanh at most 2 ULP (1.65 ULP from exact; 1.6% not correctly rounded).
 *   GELU(+inf) = +inf, GELU(-inf) = -0, GELU(-0) = -0, a zero result has the sign of x, NaN
 *   gives NaN, no spurious overflow or underflow. geglu_gelu_mul_f32 multiplies the float
 *   GELU(a) by u, a second rounding (at most 2 ULP on 2e8 random pairs, 2 ULP is not a proven
 *   bound); where GELU(a) could be subnormal (0 < |a| < 2^-100) and in the tail it rounds
 *   GELU(a)*u once, in double.
 *   The matrix products accumulate in float, one accumulator per output element, in
 *   increasing order of the summed index, each step one fused multiply-add (fmaf) where the
 *   target has FMA; the bias is added after the sum. The error of each pre-activation is then
 *   at most gamma(d_model) * sum |x_k * w_k| + |bias| * u, with u = 2^-24 and
 *   gamma(n) = n*u / (1 - n*u); the FFN's output carries the same bound over d_ff on top of
 *   the error that the gate passes through W2 (tests/test_layer.c checks this bound).
 *   When the target has FMA, every path gives bitwise identical results.
 *   Denormals-are-zero / flush-to-zero modes set by the caller change subnormal results.
 */
#ifndef GEGLU_H
#define GEGLU_H

#include <stddef.h>

#define GEGLU_VERSION_MAJOR 0
#define GEGLU_VERSION_MINOR 1
#define GEGLU_VERSION_PATCH 0
#define GEGLU_VERSION_STRING "0.1.0"

#ifndef GEGLU_API
#  ifdef GEGLU_STATIC
#    if defined(__GNUC__) || defined(__clang__)
#      define GEGLU_API static __attribute__((unused))
#    else
#      define GEGLU_API static
#    endif
#  else
#    define GEGLU_API extern
#  endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* X(name, value, description): the one list the enum and geglu_status_string are made from. */
#define GEGLU_STATUS_LIST(X)                                                                    \
    X(GEGLU_OK, 0, "success")                                                                   \
    X(GEGLU_ERROR_NULL_POINTER, -1, "a required pointer is NULL")                               \
    X(GEGLU_ERROR_INVALID_ARGUMENT, -2, "an argument has an invalid value")                     \
    X(GEGLU_ERROR_SIZE_OVERFLOW, -3, "a size or index computation would overflow size_t")       \
    X(GEGLU_ERROR_OVERLAP, -4, "an output overlaps an input where that is not allowed")         \
    X(GEGLU_ERROR_WORKSPACE_TOO_SMALL, -5, "the workspace is smaller than required")

#define GEGLU__STATUS_ENUMERATOR(name, value, description) name = value,
typedef enum geglu_status { GEGLU_STATUS_LIST(GEGLU__STATUS_ENUMERATOR) } geglu_status;
#undef GEGLU__STATUS_ENUMERATOR

typedef enum geglu_gelu { GEGLU_GELU_ERF = 0, GEGLU_GELU_TANH = 1 } geglu_gelu;

typedef enum geglu_layout {
    GEGLU_LAYOUT_IN_OUT = 0, /* w, v: d_model x d_ff; w2: d_ff x d_model (the paper's x*W) */
    GEGLU_LAYOUT_OUT_IN = 1  /* w, v: d_ff x d_model; w2: d_model x d_ff (nn.Linear.weight) */
} geglu_layout;

/* One GeGLU feed-forward layer; a zeroed struct plus sizes and weight pointers is valid. */
typedef struct geglu_layer_f32 {
    size_t d_model, d_ff;
    const float *w, *v; /* gate and value weights */
    const float *b, *c; /* gate and value biases, d_ff entries each, or NULL */
    const float *w2;    /* down projection */
    const float *b2;    /* output bias, d_model entries, or NULL */
    geglu_gelu gelu;
    geglu_layout layout;
} geglu_layer_f32;

GEGLU_API const char *geglu_status_string(geglu_status status);
GEGLU_API const char *geglu_isa(void);
GEGLU_API geglu_status geglu_gelu_f32(float *y, const float *x, size_t n, geglu_gelu kind);
GEGLU_API geglu_status geglu_gelu_mul_f32(float *h, const float *a, const float *u, size_t n,
                                          geglu_gelu kind);
GEGLU_API geglu_status geglu_gate_f32(const geglu_layer_f32 *layer, const float *x, size_t tokens,
                                      float *h);
GEGLU_API size_t geglu_ffn_workspace_size(const geglu_layer_f32 *layer, size_t tokens);
GEGLU_API geglu_status geglu_ffn_f32(const geglu_layer_f32 *layer, const float *x, size_t tokens,
                                     float *y, void *workspace, size_t workspace_size);

#ifdef __cplusplus
}
#endif
#endif /* GEGLU_H */

/* ============================================================================================ */
/*                                        IMPLEMENTATION                                        */
/* ============================================================================================ */
#if defined(GEGLU_IMPLEMENTATION) && !defined(GEGLU__IMPLEMENTATION_DONE)
#define GEGLU__IMPLEMENTATION_DONE

#if defined(__FAST_MATH__)
#error "geglu.h: -ffast-math breaks NaN and infinity handling; compile the file that defines GEGLU_IMPLEMENTATION without it"
#endif

#include <math.h>
#include <stdint.h>
#include <string.h>

/* g++ 12 at -O2 warns about its own AVX-512 headers (GCC bug 105593, "__Y = __Y" in
   _mm512_undefined_*): silence that one warning for the implementation only. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__cplusplus)
#  pragma GCC diagnostic push
#  pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#  define GEGLU__POP_DIAGNOSTICS 1
#endif

/* ---- configuration: which instruction sets this translation unit compiles -------------------- */
#if !defined(GEGLU_NO_SIMD) && !defined(GEGLU_NO_AVX2) && defined(__AVX2__) && defined(__FMA__)
#  define GEGLU__AVX2 1
#endif
#if !defined(GEGLU_NO_SIMD) && !defined(GEGLU_NO_AVX512) && defined(__AVX512F__)
#  define GEGLU__AVX512 1
#endif
#if !defined(GEGLU_NO_SIMD) && !defined(GEGLU_NO_NEON) && defined(__ARM_NEON) && defined(__aarch64__)
#  define GEGLU__NEON 1
#endif
#if defined(GEGLU__AVX2) || defined(GEGLU__AVX512)
#  include <immintrin.h>
#endif
#if defined(GEGLU__NEON)
#  include <arm_neon.h>
#endif

/* With hardware FMA, every multiply-add is written as one fused operation in every path, so
   that compilers that contract a*b+c on their own cannot make the paths disagree. */
/* GEGLU__FMAF_EXACT(a, b, c) is float(a*b + c) rounded once where the float cores need that
   (an exact product error or division residual): an FMA, or without one the same value from
   double, where a*b of two floats is exact. */
#if defined(FP_FAST_FMA) || defined(__FMA__) || defined(__ARM_FEATURE_FMA) || defined(__aarch64__)
#  define GEGLU__FMA(a, b, c) fma((a), (b), (c))
#  define GEGLU__FMAF(a, b, c) fmaf((a), (b), (c))
#  define GEGLU__FMAF_EXACT(a, b, c) fmaf((a), (b), (c))
#else
#  define GEGLU__FMA(a, b, c) ((a) * (b) + (c))
#  define GEGLU__FMAF(a, b, c) ((a) * (b) + (c))
#  define GEGLU__FMAF_EXACT(a, b, c) ((float)((double)(a) * (double)(b) + (double)(c)))
#endif

#if defined(__GNUC__) || defined(__clang__)
#  define GEGLU__PRIVATE static __attribute__((unused))
#  define GEGLU__INLINE static inline __attribute__((always_inline))
#else
#  define GEGLU__PRIVATE static
#  define GEGLU__INLINE static inline
#endif
#ifdef __cplusplus
#  define GEGLU__RESTRICT __restrict
#else
#  define GEGLU__RESTRICT restrict
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* GEGLU__CONSTANTS begin: generated by tools/fit_gelu.py, do not edit */
#define GEGLU__LOG2E 1.4426950408889634
#define GEGLU__LN2_HI 0.69314670562744141
#define GEGLU__LN2_LO 4.7493250390316726e-07
/* exp(r) = 1 + r + r^2 * P(r) on |r| <= ln(2)/2: relative error 2.04e-10 (2^-32.2) */
#define GEGLU__EXP_P0 0.50000000134027622
#define GEGLU__EXP_P1 0.16666666532134333
#define GEGLU__EXP_P2 0.041666465294743521
#define GEGLU__EXP_P3 0.0083333607460203407
#define GEGLU__EXP_P4 0.0013933623480378871
#define GEGLU__EXP_P5 0.00019857809209463491
/* M(a) = N(a) / D(a) on [0, 14.5]: relative error 5.92e-09 (2^-27.3) */
#define GEGLU__ERF_A_MAX 14.5
#define GEGLU__ERF_N0 0.50000000295356239
#define GEGLU__ERF_N1 0.43829451892854648
#define GEGLU__ERF_N2 0.18323476690657958
#define GEGLU__ERF_N3 0.040633087113986235
#define GEGLU__ERF_N4 0.004116284553459415
#define GEGLU__ERF_D1 1.6744740190183565
#define GEGLU__ERF_D2 1.2025017116746937
#define GEGLU__ERF_D3 0.46946963959581717
#define GEGLU__ERF_D4 0.10185849202151032
#define GEGLU__ERF_D5 0.010317875507360325
#define GEGLU__TANH_C1 1.5957691216057308
#define GEGLU__TANH_C2 0.071354816272600249
/* Float core of the erf kind, for x >= -13 (see geglu__gelu_erf_f32). */
#define GEGLU__ERF_F_X_MIN -13.0f
#define GEGLU__ERF_F_A_MAX 13.0f
#define GEGLU__F_LOG2E 1.44269502f
#define GEGLU__F_LN2_HI 0.693145752f
#define GEGLU__F_LN2_LO 1.42860677e-06f
/* exp(r) = 1 + r + r^2 (1/2 + r P(r)) on |r| <= ln(2)/2: relative error 3.65e-09 (2^-28.0) */
#define GEGLU__F_EXP_P1 0.166665345f
#define GEGLU__F_EXP_P2 0.0416672416f
#define GEGLU__F_EXP_P3 0.00836743135f
#define GEGLU__F_EXP_P4 0.00138634059f
/* G(a) = c0 + d h(d), d = a - c, on the 8 intervals [0,.5) [.5,1) [1,2) [2,3) [3,5) [5,7)
   [7,11) [11,13]: relative error 1.04e-09 (2^-29.8). Rows: c, c0, h0 .. h7. */
#define GEGLU__ERF_F_ROWS 10
static const float geglu__erf_f_table[GEGLU__ERF_F_ROWS][8] = {
    {0.0f, 0.749995649f, 1.50001478f, 2.50011206f, 4.00024986f, 6.00008821f, 8.99978542f, 12.0000782f},
    {0.0f, 0.225173607f, 0.308672041f, 0.353331387f, 0.377644867f, 0.388676167f, 0.394188881f, 0.396227688f},
    {0.5f, 0.169907466f, 0.0703726336f, 0.0272938758f, 0.00921034068f, 0.00318082003f, 0.00102023291f, 0.000443432946f},
    {-0.398942262f, -0.110053748f, -0.0374902375f, -0.0114920186f, -0.00287557533f, -0.000723513542f, -0.000162457873f, -5.39776374e-05f},
    {0.249999091f, 0.0574410148f, 0.016441239f, 0.00406983262f, 0.000770865183f, 0.000143361292f, 2.27560595e-05f, 5.80361439e-06f},
    {-0.13296549f, -0.0259138998f, -0.00633137068f, -0.00128692971f, -0.000187657875f, -2.61269961e-05f, -2.95785435e-06f, -5.82358496e-07f},
    {0.0623769164f, 0.010454705f, 0.00220817165f, 0.000373838091f, 4.24563841e-05f, 4.48602077e-06f, 3.63521167e-07f, 5.57717605e-08f},
    {-0.0260561891f, -0.00389259867f, -0.000712951529f, -0.000101471727f, -9.10750168e-06f, -7.35319759e-07f, -4.31547811e-08f, -3.65352459e-09f},
    {0.00907438528f, 0.00150824629f, 0.000227265336f, 2.68476888e-05f, 2.03814443e-06f, 1.21462278e-07f, 5.61646729e-09f, 3.38537004e-10f},
    {-0.00194681156f, -0.000270082877f, -6.41276129e-05f, -6.64182789e-06f, -4.05018568e-07f, -1.91014209e-08f, -6.43263998e-10f, -7.52356566e-10f},
};
/* Float core of the tanh kind, for -9 <= x < inf (see geglu__gelu_tanh_f32). */
#define GEGLU__TANH_F_X_MIN -9.0f
#define GEGLU__TANH_F_X_MAX 9.0f
#define GEGLU__TANH_F_C1H 1.59576893f
#define GEGLU__TANH_F_C1L 1.93077895e-07f
#define GEGLU__TANH_F_C2H 0.0713548139f
#define GEGLU__TANH_F_C2L 2.39883247e-09f
#define GEGLU__TANH_F_RCP_A 1.41176474f
#define GEGLU__TANH_F_RCP_B 0.470588237f
/* GEGLU__CONSTANTS end */

/* Adding 1.5 * 2^52 to a double below 2^51 in magnitude rounds it to an integer (to nearest,
   ties to even) that then sits in the low bits of the sum. */
#define GEGLU__ROUND_SHIFTER 6755399441055744.0
/* Past these the result no longer depends on x: tanh kind, x < -12 rounds to -0 and exp(-|z|)
   below e^-120 no longer changes x / (1 + exp(-|z|)). */
#define GEGLU__TANH_X_MIN (-12.0)
#define GEGLU__TANH_M_MIN (-120.0)

/* ---- portable core: status, sizes, argument checks ------------------------------------------- */

GEGLU_API const char *geglu_status_string(geglu_status status) {
#define GEGLU__STATUS_CASE(name, value, description) \
    case name:                                       \
        return description;
    switch (status) {
        GEGLU_STATUS_LIST(GEGLU__STATUS_CASE)
    default:
        return "unknown status";
    }
#undef GEGLU__STATUS_CASE
}

/* A byte range [address, address + bytes); bytes == 0 is empty and overlaps nothing. */
typedef struct geglu__range {
    uintptr_t address;
    size_t bytes;
} geglu__range;

static int geglu__mul_size(size_t a, size_t b, size_t *product) {
    if (a != 0 && b > SIZE_MAX / a) return 0;
    *product = a * b;
    return 1;
}

/* The byte range of an array of rows x cols floats: 0 when the size overflows size_t or the
   range would wrap around the address space. */
static int geglu__float_range(const void *pointer, size_t rows, size_t cols, geglu__range *range) {
    size_t count, bytes;
    if (!geglu__mul_size(rows, cols, &count) || !geglu__mul_size(count, sizeof(float), &bytes))
        return 0;
    range->address = (uintptr_t)pointer;
    range->bytes = bytes;
    return bytes <= UINTPTR_MAX - range->address;
}

static int geglu__missing(const void *pointer, geglu__range range) {
    return pointer == NULL && range.bytes != 0;
}

static int geglu__overlap(geglu__range p, geglu__range q) {
    return p.bytes != 0 && q.bytes != 0 && p.address < q.address + q.bytes &&
           q.address < p.address + p.bytes;
}

static int geglu__valid_gelu(geglu_gelu kind) {
    return kind == GEGLU_GELU_ERF || kind == GEGLU_GELU_TANH;
}

/* The buffers of one gate or FFN call, checked once for both. */
enum { GEGLU__X, GEGLU__W, GEGLU__V, GEGLU__B, GEGLU__C, GEGLU__W2, GEGLU__B2, GEGLU__OUT,
       GEGLU__BUFFERS };

/* Checks 1 to 3 of the contract for the layer itself, and the ranges of its arrays; the gate
   does not use w2 and b2, so they are neither required nor checked for it. */
static geglu_status geglu__check_layer(const geglu_layer_f32 *layer, int uses_down,
                                       geglu__range range[GEGLU__BUFFERS]) {
    size_t d_model, d_ff, down_rows;
    int ok = 1;
    if (layer == NULL) return GEGLU_ERROR_NULL_POINTER;
    if (!geglu__valid_gelu(layer->gelu) ||
        (layer->layout != GEGLU_LAYOUT_IN_OUT && layer->layout != GEGLU_LAYOUT_OUT_IN))
        return GEGLU_ERROR_INVALID_ARGUMENT;
    d_model = layer->d_model;
    d_ff = layer->d_ff;
    down_rows = uses_down ? d_ff : 0;
    ok &= geglu__float_range(layer->w, d_model, d_ff, &range[GEGLU__W]);
    ok &= geglu__float_range(layer->v, d_model, d_ff, &range[GEGLU__V]);
    ok &= geglu__float_range(layer->b, layer->b ? 1 : 0, d_ff, &range[GEGLU__B]);
    ok &= geglu__float_range(layer->c, layer->c ? 1 : 0, d_ff, &range[GEGLU__C]);
    ok &= geglu__float_range(layer->w2, down_rows, d_model, &range[GEGLU__W2]);
    ok &= geglu__float_range(layer->b2, layer->b2 && uses_down ? 1 : 0, d_model, &range[GEGLU__B2]);
    return ok ? GEGLU_OK : GEGLU_ERROR_SIZE_OVERFLOW;
}

/* Checks 1 to 4 for a gate (out: h, d_ff columns) or FFN (out: y, d_model columns) call. */
static geglu_status geglu__check_call(const geglu_layer_f32 *layer, const float *x, size_t tokens,
                                      const float *out, int uses_down,
                                      geglu__range range[GEGLU__BUFFERS]) {
    const void *pointer[GEGLU__BUFFERS];
    int i;
    geglu_status status = geglu__check_layer(layer, uses_down, range);
    if (status != GEGLU_OK) return status;
    if (!geglu__float_range(x, tokens, layer->d_model, &range[GEGLU__X]) ||
        !geglu__float_range(out, tokens, uses_down ? layer->d_model : layer->d_ff,
                            &range[GEGLU__OUT]))
        return GEGLU_ERROR_SIZE_OVERFLOW;
    if (tokens == 0) {
        /* Nothing is read: the weights may be absent too. */
        for (i = 0; i < GEGLU__BUFFERS; i++) range[i].bytes = 0;
    }
    pointer[GEGLU__X] = x;
    pointer[GEGLU__W] = layer->w;
    pointer[GEGLU__V] = layer->v;
    pointer[GEGLU__B] = layer->b;
    pointer[GEGLU__C] = layer->c;
    pointer[GEGLU__W2] = layer->w2;
    pointer[GEGLU__B2] = layer->b2;
    pointer[GEGLU__OUT] = out;
    for (i = 0; i < GEGLU__BUFFERS; i++)
        if (geglu__missing(pointer[i], range[i])) return GEGLU_ERROR_NULL_POINTER;
    return GEGLU_OK;
}

static int geglu__output_overlaps(const geglu__range range[GEGLU__BUFFERS], geglu__range out) {
    int i;
    for (i = 0; i < GEGLU__BUFFERS; i++)
        if (i != GEGLU__OUT && geglu__overlap(range[i], out)) return 1;
    return 0;
}

/* ---- portable core: GELU in double precision ------------------------------------------------- */
/* The fallback of the float cores below, for the few inputs they leave to it (x < -13 for erf,
   x < -9 for tanh, NaN; for the product also 0 < |x| < 2^-100): every path calls these same
   scalar functions for those lanes. Everything inside is exact or has a relative error below
   2^-27 (tools/fit_gelu.py), and the result is rounded once to float. */

static uint64_t geglu__bits(double value) {
    uint64_t bits;
    memcpy(&bits, &value, sizeof bits);
    return bits;
}

static double geglu__from_bits(uint64_t bits) {
    double value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

/* exp(h) for -745 < h <= 0, NaN for NaN: 2^k * (1 + r + r^2 P(r)), k = round(h / ln 2). */
static double geglu__exp_nonpositive(double h) {
    double shifted = GEGLU__FMA(h, GEGLU__LOG2E, GEGLU__ROUND_SHIFTER);
    double k = shifted - GEGLU__ROUND_SHIFTER;
    double r = GEGLU__FMA(k, -GEGLU__LN2_HI, h);
    double p = GEGLU__EXP_P5, e;
    uint64_t scale_bits = (geglu__bits(shifted) - geglu__bits(GEGLU__ROUND_SHIFTER) + 1023) << 52;
    r = GEGLU__FMA(k, -GEGLU__LN2_LO, r);
    p = GEGLU__FMA(p, r, GEGLU__EXP_P4);
    p = GEGLU__FMA(p, r, GEGLU__EXP_P3);
    p = GEGLU__FMA(p, r, GEGLU__EXP_P2);
    p = GEGLU__FMA(p, r, GEGLU__EXP_P1);
    p = GEGLU__FMA(p, r, GEGLU__EXP_P0);
    e = GEGLU__FMA(r * r, p, r + 1.0);
    return e * geglu__from_bits(scale_bits); /* exact: a power of two times e, still normal */
}

/* GELU(x) = x - a Q(a) for x >= 0 and -a Q(a) for x < 0, a = |x|, Q(a) = exp(-a^2/2) M(a). */
static double geglu__gelu_erf_f64(double x) {
    double a = geglu__from_bits(geglu__bits(x) & ~(UINT64_C(1) << 63));
    double n, d, a_m, e;
    if (a > GEGLU__ERF_A_MAX) a = GEGLU__ERF_A_MAX; /* NaN stays NaN */
    n = GEGLU__FMA(GEGLU__ERF_N4, a, GEGLU__ERF_N3);
    n = GEGLU__FMA(n, a, GEGLU__ERF_N2);
    n = GEGLU__FMA(n, a, GEGLU__ERF_N1);
    n = GEGLU__FMA(n, a, GEGLU__ERF_N0);
    d = GEGLU__FMA(GEGLU__ERF_D5, a, GEGLU__ERF_D4);
    d = GEGLU__FMA(d, a, GEGLU__ERF_D3);
    d = GEGLU__FMA(d, a, GEGLU__ERF_D2);
    d = GEGLU__FMA(d, a, GEGLU__ERF_D1);
    d = GEGLU__FMA(d, a, 1.0);
    a_m = (a * n) / d;
    e = geglu__exp_nonpositive(-0.5 * (a * a)); /* a is a float: a * a is exact */
    return (geglu__bits(x) >> 63) ? -(a_m * e) : GEGLU__FMA(-a_m, e, x);
}

/* GELU(x) = x / (1 + exp(-z)), z = x (C1 + C2 x^2); for x < 0 as x w / (1 + w), w = exp(z). */
static double geglu__gelu_tanh_f64(double x) {
    double xc = x < GEGLU__TANH_X_MIN ? GEGLU__TANH_X_MIN : x; /* NaN stays NaN */
    double z = xc * GEGLU__FMA(GEGLU__TANH_C2, xc * xc, GEGLU__TANH_C1);
    double m = -geglu__from_bits(geglu__bits(z) & ~(UINT64_C(1) << 63));
    double w;
    if (m < GEGLU__TANH_M_MIN) m = GEGLU__TANH_M_MIN;
    w = geglu__exp_nonpositive(m);
    return ((geglu__bits(x) >> 63) ? xc * w : x) / (1.0 + w);
}

/* ---- portable core: the erf kind in float ----------------------------------------------------
   For x >= GEGLU__ERF_F_X_MIN (-13) the erf kind is computed in float, the same operations in
   the same order on every path (the vector twins are in the ISA sections); below it, and for
   NaN, the double core above computes the lane. With a = min(|x|, 13):

       GELU(x) = max(x, 0) - v,   v = a Q(a) = G(a) exp(-a^2/2),   G(a) = a M(a)

   G rises smoothly from G(0) = 0 to 1/sqrt(2 pi); the exponential carries all the fast decay.
   G: the bits of a + 1 (exponent and first mantissa bit) pick one of 8 intervals
     ([0,.5) [.5,1) [1,2) [2,3) [3,5) [5,7) [7,11) [11,13]); d = a - c is exact (Sterbenz: c
     lies within a factor 2 of every a of its interval), and G(a) = c0 + d h(d) with c0 a float
     within 2^-33 of G(c) and h of degree 7 (relative error 2^-29.8 with the float coefficients).
   exp(-a^2/2) = 2^k exp(r): -a^2/2 = th + tl exactly (tl is the rounding error of th = -a/2 * a);
     k = round(th log2 e) by the 1.5 * 2^23 shifter; rh = th - k LN2F_HI is exact (16-bit
     LN2F_HI, |k| <= 122), rl = tl - k LN2F_LO, and the Fast2Sum r + re = rh + rl keeps the bits
     that r alone would lose (without re, errors reach hundreds of ULPs near x = -13, where
     th ~ -84 carries an absolute error of 2^-18). exp(r) = 1 + r + s with
     s = r^2 (1/2 + r P(r)) + re, relative error 2^-28.0 for |r| <= ln(2)/2.
   Then G exp(r) = c0 + w with w = d h + gu (r + s), gu = c0 + d h, and v = (c0 + w) 2^k
     (exact: v >= 2^-124 is normal whenever k != 0).
   Error budget, with u = 2^-24 relative to v: the approximations of G and exp (2^-29.8, 2^-28.0)
   give 0.1u; h's own evaluation enters only through d h, below a quarter of G (0.25u); the
   rounding of gu enters through gu r, |r| <= 0.35 (0.2u); the two FMAs that form w round
   values below 0.45 |c0 + w| (0.45u): about 1.0u, then c0 + w is rounded once (0.5 ULP). For
   x < 0 the result is -v, within 1.5 ULP of the exact value; for x >= 0 it is x - v with
   v <= x/2 <= y, and the subtraction adds 0.5 ULP: within 2 ULP. Below 2.5 ULP either way, so
   at most 2 ULP from the correctly rounded result; the measured figures are in ACCURACY in the
   top comment. (The bits of x, not x >= 0, choose between x and -0 in max(x, 0): clang 14
   with -fsanitize turns "x >= 0 ? x : -0.0f" into maxss, which gives -0 for x = +0.) */

#define GEGLU__F_SHIFTER 12582912.0f /* 1.5 * 2^23: adding it rounds |t| < 2^22 to an integer */

static uint32_t geglu__bits32(float value) {
    uint32_t bits;
    memcpy(&bits, &value, sizeof bits);
    return bits;
}

static float geglu__from_bits32(uint32_t bits) {
    float value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

/* The lanes the float core leaves to the double core: x < -13 and NaN, and for the product also
   0 < |x| < 2^-100, where GELU(x) ~ x/2 may be subnormal and rounding it before the product
   would lose the product's accuracy. These round once, like the double core always did. */
#define GEGLU__ERF_F_TINY 7.88860905e-31f /* 2^-100 */

static float geglu__gelu_erf_slow(float x) {
    return (float)geglu__gelu_erf_f64(x);
}

static float geglu__gelu_mul_erf_slow(float x, float u) {
    return (float)(geglu__gelu_erf_f64(x) * u);
}

/* The erf kind for one float, as every vector path computes each lane; the double core for
   x < -13 and NaN. */
static float geglu__gelu_erf_f32(float x) {
    const float (*t)[8] = geglu__erf_f_table;
    float a, d, h, c0, na, th, tl, sh, k, rh, rl, r, re, p, s, gu, w, scale;
    unsigned j;
    int row;
    if (!(x >= GEGLU__ERF_F_X_MIN)) return geglu__gelu_erf_slow(x); /* NaN too */
    a = fabsf(x) < GEGLU__ERF_F_A_MAX ? fabsf(x) : GEGLU__ERF_F_A_MAX;
    j = (unsigned)((geglu__bits32(a + 1.0f) >> 22) - (geglu__bits32(1.0f) >> 22));
    d = a - t[0][j];
    h = t[GEGLU__ERF_F_ROWS - 1][j];
    for (row = GEGLU__ERF_F_ROWS - 2; row >= 2; row--) h = GEGLU__FMAF(h, d, t[row][j]);
    c0 = t[1][j];
    na = a * -0.5f;
    th = na * a;
    tl = GEGLU__FMAF_EXACT(na, a, -th); /* exact: the rounding error of th */
    sh = GEGLU__FMAF(th, GEGLU__F_LOG2E, GEGLU__F_SHIFTER);
    k = sh - GEGLU__F_SHIFTER;
    rh = GEGLU__FMAF(-k, GEGLU__F_LN2_HI, th);
    rl = GEGLU__FMAF(-k, GEGLU__F_LN2_LO, tl);
    r = rh + rl;
    re = (rh - r) + rl;
    p = GEGLU__FMAF(GEGLU__F_EXP_P4, r, GEGLU__F_EXP_P3);
    p = GEGLU__FMAF(p, r, GEGLU__F_EXP_P2);
    p = GEGLU__FMAF(p, r, GEGLU__F_EXP_P1);
    p = GEGLU__FMAF(p, r, 0.5f);
    s = GEGLU__FMAF(r * r, p, re);
    gu = GEGLU__FMAF(d, h, c0);
    w = GEGLU__FMAF(gu, r, gu * s);
    w = GEGLU__FMAF(d, h, w);
    /* 2^k from the shifter's low bits: k + 127 in the exponent field (k >= -122) */
    scale = geglu__from_bits32((geglu__bits32(sh) << 23) + (UINT32_C(127) << 23));
    return ((geglu__bits32(x) >> 31) ? -0.0f : x) - (c0 + w) * scale; /* max(-0, x) - v */
}

/* GELU(x) * u for one float pair, as every vector path computes each lane. */
static float geglu__gelu_mul_erf_f32(float x, float u) {
    float a = fabsf(x);
    if (!(x >= GEGLU__ERF_F_X_MIN) || (a != 0.0f && a < GEGLU__ERF_F_TINY))
        return geglu__gelu_mul_erf_slow(x, u);
    return geglu__gelu_erf_f32(x) * u;
}

/* ---- portable core: the tanh kind in float ---------------------------------------------------
   For x >= -9 the tanh kind is computed in float, the same operations in the same order on every
   path; below -9 (where the result nears the subnormal range) and for NaN the double core
   computes the lane, and for the product also 0 < |x| < 2^-100, as for the erf kind. With
   a = min(|x|, 9), z = a (C1 + C2 a^2) and w = exp(-|z|):

       GELU(x) = max(x, 0) - v,   v = a w / (1 + w)

   (for x < 0, x / (1 + exp(-z)) = -a w / (1 + w); for x >= 0 it is x - x w / (1 + w); past 9,
   v < 2^-90 no longer changes x, +inf included).
   |z|: as a float, z would carry up to 66 * 2^-24 of absolute error, and exp(-|z|) that much
     relative error; so |z| is the float pair zh + zl. a^2 = a2h + a2l exactly; gh = C2H a2h + C1H
     rounded, and its rounding error C2H a2h - (gh - C1H) is one FMA because gh - C1H is exact
     (C1H is a multiple of 2^-21 and C1H <= gh < 8); the split constants' low parts C1L, C2L and
     a2l add the rest; zh = a gh, zl = (a gh - zh) + a gl. Error below 2^-40.
   exp(-|z|) = 2^k exp(r + re) as for the erf kind, with s = r^2/2 + r^3 P(r) + re (P by
     Estrin's scheme, the same coefficients): 1 + (r + s) carries the polynomial's 2^-28.0, the
     roundings of r + s (0.25u, with u = 2^-24 relative) and of 1 + (r + s) (at most u), so
     w = (1 + (r + s)) 2^k (exact: w >= 2^-96) is within 1.3u.
   v: D = 1 + w is rounded, but e = (1 - D) + w is its error exactly (Fast2Sum, w <= 1); q = a / D
     is correctly rounded, so rho = a - q D is exact (one FMA); a / (D + e) = q + (rho - q e) / D,
     where the correction, about one ULP of q, is scaled by the line 1/D ~ RCP_A - RCP_B D (good
     to 1/17), and v = w q + w (rho - q e) / D is rounded once.
   Error budget: w's 1.3u reaches v damped by 1/(1 + w), the correction adds under 0.1u, and v is
   rounded once: within 1.4 ULP + 0.5 ULP of the exact v. For x < 0, y = -v; for x >= 0, v <= w y
   and the subtraction adds 0.5 ULP: below 2.5 ULP of the exact value either way, so at most
   2 ULP from the correctly rounded result. The measured figures are in ACCURACY in the top
   comment. The dependency chain, not the operation count, bounds the vector loops, hence Estrin
   and the order of the error terms. */

static float geglu__gelu_tanh_slow(float x) {
    return (float)geglu__gelu_tanh_f64(x);
}

static float geglu__gelu_mul_tanh_slow(float x, float u) {
    return (float)(geglu__gelu_tanh_f64(x) * u);
}

/* The tanh kind for one float, as every vector path computes each lane; the double core for
   x < -9 and NaN. */
static float geglu__gelu_tanh_f32(float x) {
    float a, a2h, a2l, gh, gl, zh, zl, sh, k, rh, rl, r, re, r2, p, s, w, d, e, q, rho, c, v;
    if (!(x >= GEGLU__TANH_F_X_MIN)) return geglu__gelu_tanh_slow(x); /* NaN too */
    a = fabsf(x < GEGLU__TANH_F_X_MAX ? x : GEGLU__TANH_F_X_MAX);
    /* |z| = a (C1 + C2 a^2) as the float pair zh + zl */
    a2h = a * a;
    a2l = GEGLU__FMAF_EXACT(a, a, -a2h);
    gh = GEGLU__FMAF(GEGLU__TANH_F_C2H, a2h, GEGLU__TANH_F_C1H);
    gl = GEGLU__FMAF(GEGLU__TANH_F_C2H, a2l, GEGLU__FMAF(GEGLU__TANH_F_C2L, a2h, GEGLU__TANH_F_C1L));
    zh = a * gh;
    zl = GEGLU__FMAF(a, gl, GEGLU__FMAF_EXACT(a, gh, -zh));
    gl = GEGLU__FMAF_EXACT(GEGLU__TANH_F_C2H, a2h, -(gh - GEGLU__TANH_F_C1H)); /* gh's error */
    zl = GEGLU__FMAF(a, gl, zl);
    /* exp(-|z|) = 2^k exp(r + re), as for the erf kind */
    sh = GEGLU__FMAF(zh, -GEGLU__F_LOG2E, GEGLU__F_SHIFTER);
    k = sh - GEGLU__F_SHIFTER;
    rh = GEGLU__FMAF(-k, GEGLU__F_LN2_HI, -zh);
    rl = GEGLU__FMAF(-k, GEGLU__F_LN2_LO, -zl);
    r = rh + rl;
    re = (rh - r) + rl;
    /* s = r^2/2 + r^3 P(r) + re, P by Estrin's scheme: a shorter dependency chain than Horner's */
    r2 = r * r;
    p = GEGLU__FMAF(r2, GEGLU__FMAF(GEGLU__F_EXP_P4, r, GEGLU__F_EXP_P3),
                    GEGLU__FMAF(GEGLU__F_EXP_P2, r, GEGLU__F_EXP_P1));
    s = GEGLU__FMAF(r2 * r, p, GEGLU__FMAF(r2, 0.5f, re));
    /* times 2^k, k in [-96, 0]: k + 127 in the exponent field */
    w = (1.0f + (r + s)) * geglu__from_bits32((geglu__bits32(sh) << 23) + (UINT32_C(127) << 23));
    /* v = a w / (1 + w), the quotient corrected for the roundings of D and of the division */
    d = 1.0f + w;
    e = (1.0f - d) + w;
    q = a / d;
    rho = GEGLU__FMAF_EXACT(-q, d, a); /* exact: the division's residual */
    c = GEGLU__FMAF(-q, e, rho);
    v = GEGLU__FMAF(w, q, c * (w * GEGLU__FMAF(d, -GEGLU__TANH_F_RCP_B, GEGLU__TANH_F_RCP_A)));
    /* max(-0, x) - v, the sign taken from the bits (see geglu__gelu_erf_f32) */
    return ((geglu__bits32(x) >> 31) ? -0.0f : x) - v;
}

/* GELU(x) * u for one float pair, as every vector path computes each lane. */
static float geglu__gelu_mul_tanh_f32(float x, float u) {
    float a = fabsf(x);
    if (!(x >= GEGLU__TANH_F_X_MIN) || (a != 0.0f && a < GEGLU__ERF_F_TINY))
        return geglu__gelu_mul_tanh_slow(x, u);
    return geglu__gelu_tanh_f32(x) * u;
}

GEGLU__PRIVATE void geglu__gelu_f32_scalar(float *y, const float *x, size_t n, geglu_gelu kind) {
    size_t i;
    if (kind == GEGLU_GELU_TANH)
        for (i = 0; i < n; i++) y[i] = geglu__gelu_tanh_f32(x[i]);
    else
        for (i = 0; i < n; i++) y[i] = geglu__gelu_erf_f32(x[i]);
}

GEGLU__PRIVATE void geglu__gelu_mul_f32_scalar(float *h, const float *a, const float *u, size_t n,
                                               geglu_gelu kind) {
    size_t i;
    if (kind == GEGLU_GELU_TANH)
        for (i = 0; i < n; i++) h[i] = geglu__gelu_mul_tanh_f32(a[i], u[i]);
    else
        for (i = 0; i < n; i++) h[i] = geglu__gelu_mul_erf_f32(a[i], u[i]);
}

/* ---- portable core: the gate and the FFN ----------------------------------------------------- */
/* Each output element is one float accumulator, started at 0 and updated by one FMA per term in
   increasing order of the summed index; a bias is added once the sum is complete. Row-oriented
   weights (a row per input) are walked a block of outputs at a time so that every load is
   contiguous without changing that order. */

#define GEGLU__BLOCK 64

/* p + offset, where an absent (NULL) array stays NULL instead of becoming undefined behaviour. */
static const float *geglu__advance(const float *p, size_t offset) {
    return p ? p + offset : p;
}

/* out[j] = sum_k x[k] * w(k, j) (+ bias[j]) for j < cols, k < inner, where w(k, j) is
   w[k * stride + j] when rows_are_inputs and w[j * stride + k] otherwise. */
static void geglu__linear_row_scalar(float *GEGLU__RESTRICT out, const float *GEGLU__RESTRICT x,
                                     const float *GEGLU__RESTRICT w,
                                     const float *GEGLU__RESTRICT bias, size_t inner,
                                     size_t cols, size_t stride, int rows_are_inputs) {
    float acc[GEGLU__BLOCK];
    size_t j, jj, k;
    for (j = 0; j < cols; j += GEGLU__BLOCK) {
        size_t width = cols - j < GEGLU__BLOCK ? cols - j : GEGLU__BLOCK;
        for (jj = 0; jj < width; jj++) acc[jj] = 0.0f;
        if (inner != 0 && rows_are_inputs) {
            for (k = 0; k < inner; k++) {
                const float *row = w + k * stride + j;
                for (jj = 0; jj < width; jj++) acc[jj] = GEGLU__FMAF(x[k], row[jj], acc[jj]);
            }
        } else if (inner != 0) {
            for (jj = 0; jj < width; jj++) {
                const float *column = w + (j + jj) * stride;
                for (k = 0; k < inner; k++) acc[jj] = GEGLU__FMAF(x[k], column[k], acc[jj]);
            }
        }
        for (jj = 0; jj < width; jj++) out[j + jj] = bias ? acc[jj] + bias[j + jj] : acc[jj];
    }
}

/* One token's gated row: h = GELU(x W + b) (x) (x V + c), computed a block of d_ff at a time
   so that the pre-activations stay in two small arrays. */
static void geglu__gate_row_scalar(const geglu_layer_f32 *layer, const float *x, float *h) {
    float gate[GEGLU__BLOCK], value[GEGLU__BLOCK];
    size_t j, d_model = layer->d_model, d_ff = layer->d_ff;
    int in_out = layer->layout == GEGLU_LAYOUT_IN_OUT;
    size_t stride = in_out ? d_ff : d_model;
    for (j = 0; j < d_ff; j += GEGLU__BLOCK) {
        size_t width = d_ff - j < GEGLU__BLOCK ? d_ff - j : GEGLU__BLOCK;
        /* The block starts j columns (IN_OUT) or j rows (OUT_IN) into W and V; with
           d_model == 0 they hold nothing and may be NULL. */
        size_t offset = in_out ? j : j * d_model;
        geglu__linear_row_scalar(gate, x, geglu__advance(layer->w, offset),
                                 geglu__advance(layer->b, j), d_model, width, stride, in_out);
        geglu__linear_row_scalar(value, x, geglu__advance(layer->v, offset),
                                 geglu__advance(layer->c, j), d_model, width, stride, in_out);
        geglu__gelu_mul_f32_scalar(h + j, gate, value, width, layer->gelu);
    }
}

/* One token's output row: y = h W2 + b2. */
static void geglu__down_row_scalar(const geglu_layer_f32 *layer, const float *h, float *y) {
    int in_out = layer->layout == GEGLU_LAYOUT_IN_OUT;
    geglu__linear_row_scalar(y, h, layer->w2, layer->b2, layer->d_ff, layer->d_model,
                             in_out ? layer->d_model : layer->d_ff, in_out);
}

#ifdef __cplusplus
}
#endif

/* ============================================================================================ */
/*                                   AVX2 + FMA (x86-64)                                        */
/* ============================================================================================ */
/* The float cores of geglu__gelu_erf_f32 and geglu__gelu_tanh_f32, eight lanes, the same operations
   in the same order; tails through masked loads and stores. */
#if defined(GEGLU__AVX2)
#define GEGLU__YF(v) _mm256_set1_ps(v)

#if GEGLU__ERF_F_ROWS != 10
#  error "geglu.h: the vector erf cores expect 10 table rows (c, c0, h0 .. h7)"
#endif

/* The table rows in registers. The interval index below is j + 254 and vpermps reads its low three
   bits, so lane (j + 6) mod 8 holds interval j. */
typedef struct geglu__erf_tables_avx2 {
    __m256 row[GEGLU__ERF_F_ROWS];
} geglu__erf_tables_avx2;

GEGLU__INLINE void geglu__erf_tables_load_avx2(geglu__erf_tables_avx2 *t) {
    const __m256i rotate = _mm256_setr_epi32(2, 3, 4, 5, 6, 7, 0, 1);
    int row;
    for (row = 0; row < GEGLU__ERF_F_ROWS; row++)
        t->row[row] = _mm256_permutevar8x32_ps(_mm256_loadu_ps(geglu__erf_f_table[row]), rotate);
}

/* Lanes the float core leaves to the double core (see geglu__gelu_erf_f32): rare. */
static __m256 geglu__gelu_erf_fallback_avx2(__m256 x, const __m256 *u, __m256 y, int lanes) {
    float xs[8], us[8], ys[8];
    int i;
    _mm256_storeu_ps(xs, x);
    _mm256_storeu_ps(ys, y);
    if (u) _mm256_storeu_ps(us, *u);
    for (i = 0; i < 8; i++)
        if ((lanes >> i) & 1) ys[i] = u ? geglu__gelu_mul_erf_slow(xs[i], us[i]) : geglu__gelu_erf_slow(xs[i]);
    return _mm256_loadu_ps(ys);
}

/* GELU(x), times u when u is not NULL. */
GEGLU__INLINE __m256 geglu__gelu_erf_avx2(__m256 x, const __m256 *u,
                                          const geglu__erf_tables_avx2 *t) {
    __m256 a = _mm256_min_ps(_mm256_andnot_ps(GEGLU__YF(-0.0f), x), GEGLU__YF(GEGLU__ERF_F_A_MAX));
    __m256i j = _mm256_srli_epi32(_mm256_castps_si256(_mm256_add_ps(a, GEGLU__YF(1.0f))), 22);
    __m256 d = _mm256_sub_ps(a, _mm256_permutevar8x32_ps(t->row[0], j));
    __m256 c0 = _mm256_permutevar8x32_ps(t->row[1], j);
    __m256 h = _mm256_permutevar8x32_ps(t->row[9], j);
    __m256 na = _mm256_mul_ps(a, GEGLU__YF(-0.5f));
    __m256 th = _mm256_mul_ps(na, a);
    __m256 tl = _mm256_fmsub_ps(na, a, th);
    __m256 sh = _mm256_fmadd_ps(th, GEGLU__YF(GEGLU__F_LOG2E), GEGLU__YF(GEGLU__F_SHIFTER));
    __m256 k = _mm256_sub_ps(sh, GEGLU__YF(GEGLU__F_SHIFTER));
    __m256 rh = _mm256_fnmadd_ps(k, GEGLU__YF(GEGLU__F_LN2_HI), th);
    __m256 rl = _mm256_fnmadd_ps(k, GEGLU__YF(GEGLU__F_LN2_LO), tl);
    __m256 r = _mm256_add_ps(rh, rl);
    __m256 re = _mm256_add_ps(_mm256_sub_ps(rh, r), rl);
    __m256 p = _mm256_fmadd_ps(GEGLU__YF(GEGLU__F_EXP_P4), r, GEGLU__YF(GEGLU__F_EXP_P3));
    __m256 s, gu, w, y, scale, fix;
    int slow;
    h = _mm256_fmadd_ps(h, d, _mm256_permutevar8x32_ps(t->row[8], j));
    h = _mm256_fmadd_ps(h, d, _mm256_permutevar8x32_ps(t->row[7], j));
    h = _mm256_fmadd_ps(h, d, _mm256_permutevar8x32_ps(t->row[6], j));
    h = _mm256_fmadd_ps(h, d, _mm256_permutevar8x32_ps(t->row[5], j));
    h = _mm256_fmadd_ps(h, d, _mm256_permutevar8x32_ps(t->row[4], j));
    h = _mm256_fmadd_ps(h, d, _mm256_permutevar8x32_ps(t->row[3], j));
    h = _mm256_fmadd_ps(h, d, _mm256_permutevar8x32_ps(t->row[2], j));
    p = _mm256_fmadd_ps(p, r, GEGLU__YF(GEGLU__F_EXP_P2));
    p = _mm256_fmadd_ps(p, r, GEGLU__YF(GEGLU__F_EXP_P1));
    p = _mm256_fmadd_ps(p, r, GEGLU__YF(0.5f));
    s = _mm256_fmadd_ps(_mm256_mul_ps(r, r), p, re);
    gu = _mm256_fmadd_ps(d, h, c0);
    w = _mm256_fmadd_ps(gu, r, _mm256_mul_ps(gu, s));
    w = _mm256_fmadd_ps(d, h, w);
    /* 2^k from the shifter's low bits: k + 127 in the exponent field (k >= -122) */
    scale = _mm256_castsi256_ps(_mm256_add_epi32(_mm256_slli_epi32(_mm256_castps_si256(sh), 23),
                                                 _mm256_set1_epi32(127 << 23)));
    y = _mm256_sub_ps(_mm256_max_ps(GEGLU__YF(-0.0f), x), _mm256_mul_ps(_mm256_add_ps(c0, w), scale));
    fix = _mm256_cmp_ps(x, GEGLU__YF(GEGLU__ERF_F_X_MIN), _CMP_NGE_UQ); /* NaN too */
    if (u) {
        /* 0 < a < 2^-100 as one signed compare: bits(a) - 1 - 2^31 < bits(2^-100) - 1 - 2^31 */
        __m256i biased = _mm256_add_epi32(_mm256_castps_si256(a), _mm256_set1_epi32(INT32_MAX));
        __m256i tiny = _mm256_cmpgt_epi32(
            _mm256_add_epi32(_mm256_castps_si256(GEGLU__YF(GEGLU__ERF_F_TINY)), _mm256_set1_epi32(INT32_MAX)),
            biased);
        y = _mm256_mul_ps(y, *u);
        fix = _mm256_or_ps(fix, _mm256_castsi256_ps(tiny));
    }
    slow = _mm256_movemask_ps(fix);
    return slow ? geglu__gelu_erf_fallback_avx2(x, u, y, slow) : y;
}

/* Lanes [0, count) of a mask for _mm256_maskload_ps / _mm256_maskstore_ps, count <= 8. */
static inline __m256i geglu__tail_mask8_avx2(size_t count) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

/* GELU(a) (times u when u is not NULL); inlined into each caller with u known. */
GEGLU__INLINE void geglu__gelu_erf_loop_avx2(float *h, const float *a, const float *u, size_t n) {
    geglu__erf_tables_avx2 t;
    size_t i = 0;
    geglu__erf_tables_load_avx2(&t);
    for (; i + 16 <= n; i += 16) { /* two independent blocks per step */
        __m256 u0 = u ? _mm256_loadu_ps(u + i) : _mm256_setzero_ps();
        __m256 u1 = u ? _mm256_loadu_ps(u + i + 8) : _mm256_setzero_ps();
        __m256 y0 = geglu__gelu_erf_avx2(_mm256_loadu_ps(a + i), u ? &u0 : NULL, &t);
        __m256 y1 = geglu__gelu_erf_avx2(_mm256_loadu_ps(a + i + 8), u ? &u1 : NULL, &t);
        _mm256_storeu_ps(h + i, y0);
        _mm256_storeu_ps(h + i + 8, y1);
    }
    for (; i < n; i += 8) { /* masked loads and stores: nothing outside [0, n) is touched */
        __m256i mask = geglu__tail_mask8_avx2(n - i < 8 ? n - i : 8);
        __m256 uv = u ? _mm256_maskload_ps(u + i, mask) : _mm256_setzero_ps();
        __m256 y = geglu__gelu_erf_avx2(_mm256_maskload_ps(a + i, mask), u ? &uv : NULL, &t);
        _mm256_maskstore_ps(h + i, mask, y);
    }
}

/* ---- tanh kind: the float core of geglu__gelu_tanh_f32, eight lanes ---- */

/* Lanes the float core leaves to the double core (see geglu__gelu_tanh_f32): rare. */
static __m256 geglu__gelu_tanh_fallback_avx2(__m256 x, const __m256 *u, __m256 y, int lanes) {
    float xs[8], us[8], ys[8];
    int i;
    _mm256_storeu_ps(xs, x);
    _mm256_storeu_ps(ys, y);
    if (u) _mm256_storeu_ps(us, *u);
    for (i = 0; i < 8; i++)
        if ((lanes >> i) & 1) ys[i] = u ? geglu__gelu_mul_tanh_slow(xs[i], us[i]) : geglu__gelu_tanh_slow(xs[i]);
    return _mm256_loadu_ps(ys);
}

/* GELU(x), times u when u is not NULL. */
GEGLU__INLINE __m256 geglu__gelu_tanh_avx2(__m256 x, const __m256 *u) {
    __m256 a = _mm256_andnot_ps(GEGLU__YF(-0.0f), _mm256_min_ps(x, GEGLU__YF(GEGLU__TANH_F_X_MAX)));
    __m256 a2h = _mm256_mul_ps(a, a);
    __m256 a2l = _mm256_fmsub_ps(a, a, a2h);
    __m256 gh = _mm256_fmadd_ps(GEGLU__YF(GEGLU__TANH_F_C2H), a2h, GEGLU__YF(GEGLU__TANH_F_C1H));
    __m256 gl = _mm256_fmadd_ps(GEGLU__YF(GEGLU__TANH_F_C2H), a2l,
                                _mm256_fmadd_ps(GEGLU__YF(GEGLU__TANH_F_C2L), a2h, GEGLU__YF(GEGLU__TANH_F_C1L)));
    __m256 zh = _mm256_mul_ps(a, gh);
    __m256 zl = _mm256_fmadd_ps(a, gl, _mm256_fmsub_ps(a, gh, zh));
    __m256 sh, k, rh, rl, r, re, r2, p, s, w, d, e, q, rho, c, y, fix;
    int slow;
    gl = _mm256_fmsub_ps(GEGLU__YF(GEGLU__TANH_F_C2H), a2h, _mm256_sub_ps(gh, GEGLU__YF(GEGLU__TANH_F_C1H)));
    zl = _mm256_fmadd_ps(a, gl, zl);
    sh = _mm256_fnmadd_ps(zh, GEGLU__YF(GEGLU__F_LOG2E), GEGLU__YF(GEGLU__F_SHIFTER));
    k = _mm256_sub_ps(sh, GEGLU__YF(GEGLU__F_SHIFTER));
    rh = _mm256_fnmsub_ps(k, GEGLU__YF(GEGLU__F_LN2_HI), zh);
    rl = _mm256_fnmsub_ps(k, GEGLU__YF(GEGLU__F_LN2_LO), zl);
    r = _mm256_add_ps(rh, rl);
    re = _mm256_add_ps(_mm256_sub_ps(rh, r), rl);
    r2 = _mm256_mul_ps(r, r);
    p = _mm256_fmadd_ps(r2, _mm256_fmadd_ps(GEGLU__YF(GEGLU__F_EXP_P4), r, GEGLU__YF(GEGLU__F_EXP_P3)),
                        _mm256_fmadd_ps(GEGLU__YF(GEGLU__F_EXP_P2), r, GEGLU__YF(GEGLU__F_EXP_P1)));
    s = _mm256_fmadd_ps(_mm256_mul_ps(r2, r), p, _mm256_fmadd_ps(r2, GEGLU__YF(0.5f), re));
    /* times 2^k from the shifter's low bits: k + 127 in the exponent field (k >= -96) */
    w = _mm256_mul_ps(_mm256_add_ps(GEGLU__YF(1.0f), _mm256_add_ps(r, s)),
                      _mm256_castsi256_ps(_mm256_add_epi32(_mm256_slli_epi32(_mm256_castps_si256(sh), 23),
                                                           _mm256_set1_epi32(127 << 23))));
    d = _mm256_add_ps(GEGLU__YF(1.0f), w);
    e = _mm256_add_ps(_mm256_sub_ps(GEGLU__YF(1.0f), d), w);
    q = _mm256_div_ps(a, d);
    rho = _mm256_fnmadd_ps(q, d, a);
    c = _mm256_fnmadd_ps(q, e, rho);
    c = _mm256_mul_ps(c, _mm256_mul_ps(w, _mm256_fnmadd_ps(d, GEGLU__YF(GEGLU__TANH_F_RCP_B),
                                                           GEGLU__YF(GEGLU__TANH_F_RCP_A))));
    y = _mm256_sub_ps(_mm256_max_ps(GEGLU__YF(-0.0f), x), _mm256_fmadd_ps(w, q, c));
    fix = _mm256_cmp_ps(x, GEGLU__YF(GEGLU__TANH_F_X_MIN), _CMP_NGE_UQ); /* NaN too */
    if (u) {
        /* 0 < |x| < 2^-100 as one signed compare: bits(|x|) - 1 - 2^31 < bits(2^-100) - 1 - 2^31 */
        __m256i biased = _mm256_add_epi32(_mm256_castps_si256(_mm256_andnot_ps(GEGLU__YF(-0.0f), x)),
                                          _mm256_set1_epi32(INT32_MAX));
        __m256i tiny = _mm256_cmpgt_epi32(
            _mm256_add_epi32(_mm256_castps_si256(GEGLU__YF(GEGLU__ERF_F_TINY)), _mm256_set1_epi32(INT32_MAX)),
            biased);
        y = _mm256_mul_ps(y, *u);
        fix = _mm256_or_ps(fix, _mm256_castsi256_ps(tiny));
    }
    slow = _mm256_movemask_ps(fix);
    return slow ? geglu__gelu_tanh_fallback_avx2(x, u, y, slow) : y;
}

GEGLU__INLINE void geglu__gelu_tanh_loop_avx2(float *h, const float *a, const float *u, size_t n) {
    size_t i = 0;
    for (; i + 16 <= n; i += 16) { /* two independent blocks per step */
        __m256 u0 = u ? _mm256_loadu_ps(u + i) : _mm256_setzero_ps();
        __m256 u1 = u ? _mm256_loadu_ps(u + i + 8) : _mm256_setzero_ps();
        __m256 y0 = geglu__gelu_tanh_avx2(_mm256_loadu_ps(a + i), u ? &u0 : NULL);
        __m256 y1 = geglu__gelu_tanh_avx2(_mm256_loadu_ps(a + i + 8), u ? &u1 : NULL);
        _mm256_storeu_ps(h + i, y0);
        _mm256_storeu_ps(h + i + 8, y1);
    }
    for (; i < n; i += 8) { /* masked loads and stores: nothing outside [0, n) is touched */
        __m256i mask = geglu__tail_mask8_avx2(n - i < 8 ? n - i : 8);
        __m256 uv = u ? _mm256_maskload_ps(u + i, mask) : _mm256_setzero_ps();
        __m256 y = geglu__gelu_tanh_avx2(_mm256_maskload_ps(a + i, mask), u ? &uv : NULL);
        _mm256_maskstore_ps(h + i, mask, y);
    }
}

GEGLU__PRIVATE void geglu__gelu_mul_f32_avx2(float *h, const float *a, const float *u, size_t n,
                                             geglu_gelu kind) {
    if (kind == GEGLU_GELU_TANH) geglu__gelu_tanh_loop_avx2(h, a, u, n);
    else geglu__gelu_erf_loop_avx2(h, a, u, n);
}

GEGLU__PRIVATE void geglu__gelu_f32_avx2(float *y, const float *x, size_t n, geglu_gelu kind) {
    if (kind == GEGLU_GELU_TANH) geglu__gelu_tanh_loop_avx2(y, x, NULL, n);
    else geglu__gelu_erf_loop_avx2(y, x, NULL, n);
}
#endif /* GEGLU__AVX2 */

/* ============================================================================================ */
/*                                    AVX-512F (x86-64)                                         */
/* ============================================================================================ */
/* The float cores of geglu__gelu_erf_f32 and geglu__gelu_tanh_f32, sixteen lanes, the same
   operations in the same order; tails through masked loads and stores. */
#if defined(GEGLU__AVX512)
#define GEGLU__ZF(v) _mm512_set1_ps(v)

#if GEGLU__ERF_F_ROWS != 10
#  error "geglu.h: the vector erf cores expect 10 table rows (c, c0, h0 .. h7)"
#endif

/* The table rows in registers. The interval index below is j + 254 and vpermps reads its low four
   bits, so lane (j + 14) mod 16 holds interval j. */
typedef struct geglu__erf_tables_avx512 {
    __m512 row[GEGLU__ERF_F_ROWS];
} geglu__erf_tables_avx512;

GEGLU__INLINE void geglu__erf_tables_load_avx512(geglu__erf_tables_avx512 *t) {
    const __m512i rotate = _mm512_setr_epi32(2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1);
    int row;
    for (row = 0; row < GEGLU__ERF_F_ROWS; row++)
        t->row[row] = _mm512_permutexvar_ps(rotate,
                                            _mm512_maskz_loadu_ps(0x00ff, geglu__erf_f_table[row]));
}

/* Lanes the float core leaves to the double core (see geglu__gelu_erf_f32): rare. */
static __m512 geglu__gelu_erf_fallback_avx512(__m512 x, const __m512 *u, __m512 y, __mmask16 lanes) {
    float xs[16], us[16], ys[16];
    int i;
    _mm512_storeu_ps(xs, x);
    _mm512_storeu_ps(ys, y);
    if (u) _mm512_storeu_ps(us, *u);
    for (i = 0; i < 16; i++)
        if ((lanes >> i) & 1) ys[i] = u ? geglu__gelu_mul_erf_slow(xs[i], us[i]) : geglu__gelu_erf_slow(xs[i]);
    return _mm512_loadu_ps(ys);
}

/* GELU(x), times u when u is not NULL. */
GEGLU__INLINE __m512 geglu__gelu_erf_avx512(__m512 x, const __m512 *u,
                                            const geglu__erf_tables_avx512 *t) {
    __m512 a = _mm512_min_ps(_mm512_abs_ps(x), GEGLU__ZF(GEGLU__ERF_F_A_MAX));
    __m512i j = _mm512_srli_epi32(_mm512_castps_si512(_mm512_add_ps(a, GEGLU__ZF(1.0f))), 22);
    __m512 d = _mm512_sub_ps(a, _mm512_permutexvar_ps(j, t->row[0]));
    __m512 c0 = _mm512_permutexvar_ps(j, t->row[1]);
    __m512 h = _mm512_permutexvar_ps(j, t->row[9]);
    __m512 na = _mm512_mul_ps(a, GEGLU__ZF(-0.5f));
    __m512 th = _mm512_mul_ps(na, a);
    __m512 tl = _mm512_fmsub_ps(na, a, th);
    __m512 sh = _mm512_fmadd_ps(th, GEGLU__ZF(GEGLU__F_LOG2E), GEGLU__ZF(GEGLU__F_SHIFTER));
    __m512 k = _mm512_sub_ps(sh, GEGLU__ZF(GEGLU__F_SHIFTER));
    __m512 rh = _mm512_fnmadd_ps(k, GEGLU__ZF(GEGLU__F_LN2_HI), th);
    __m512 rl = _mm512_fnmadd_ps(k, GEGLU__ZF(GEGLU__F_LN2_LO), tl);
    __m512 r = _mm512_add_ps(rh, rl);
    __m512 re = _mm512_add_ps(_mm512_sub_ps(rh, r), rl);
    __m512 p = _mm512_fmadd_ps(GEGLU__ZF(GEGLU__F_EXP_P4), r, GEGLU__ZF(GEGLU__F_EXP_P3));
    __m512 s, gu, w, y;
    __mmask16 slow;
    h = _mm512_fmadd_ps(h, d, _mm512_permutexvar_ps(j, t->row[8]));
    h = _mm512_fmadd_ps(h, d, _mm512_permutexvar_ps(j, t->row[7]));
    h = _mm512_fmadd_ps(h, d, _mm512_permutexvar_ps(j, t->row[6]));
    h = _mm512_fmadd_ps(h, d, _mm512_permutexvar_ps(j, t->row[5]));
    h = _mm512_fmadd_ps(h, d, _mm512_permutexvar_ps(j, t->row[4]));
    h = _mm512_fmadd_ps(h, d, _mm512_permutexvar_ps(j, t->row[3]));
    h = _mm512_fmadd_ps(h, d, _mm512_permutexvar_ps(j, t->row[2]));
    p = _mm512_fmadd_ps(p, r, GEGLU__ZF(GEGLU__F_EXP_P2));
    p = _mm512_fmadd_ps(p, r, GEGLU__ZF(GEGLU__F_EXP_P1));
    p = _mm512_fmadd_ps(p, r, GEGLU__ZF(0.5f));
    s = _mm512_fmadd_ps(_mm512_mul_ps(r, r), p, re);
    gu = _mm512_fmadd_ps(d, h, c0);
    w = _mm512_fmadd_ps(gu, r, _mm512_mul_ps(gu, s));
    w = _mm512_fmadd_ps(d, h, w);
    y = _mm512_sub_ps(_mm512_max_ps(GEGLU__ZF(-0.0f), x),
                      _mm512_scalef_ps(_mm512_add_ps(c0, w), k)); /* exact, like the multiply */
    slow = _mm512_cmp_ps_mask(x, GEGLU__ZF(GEGLU__ERF_F_X_MIN), _CMP_NGE_UQ); /* NaN too */
    if (u) {
        y = _mm512_mul_ps(y, *u);
        slow |= _mm512_mask_cmp_ps_mask(_mm512_cmp_ps_mask(a, _mm512_setzero_ps(), _CMP_NEQ_OQ), a,
                                        GEGLU__ZF(GEGLU__ERF_F_TINY), _CMP_LT_OQ);
    }
    return slow ? geglu__gelu_erf_fallback_avx512(x, u, y, slow) : y;
}

/* GELU(a) (times u when u is not NULL); inlined into each caller with u known. */
GEGLU__INLINE void geglu__gelu_erf_loop_avx512(float *h, const float *a, const float *u, size_t n) {
    geglu__erf_tables_avx512 t;
    size_t i = 0;
    geglu__erf_tables_load_avx512(&t);
    for (; i + 32 <= n; i += 32) { /* two independent blocks per step */
        __m512 u0 = u ? _mm512_loadu_ps(u + i) : _mm512_setzero_ps();
        __m512 u1 = u ? _mm512_loadu_ps(u + i + 16) : _mm512_setzero_ps();
        __m512 y0 = geglu__gelu_erf_avx512(_mm512_loadu_ps(a + i), u ? &u0 : NULL, &t);
        __m512 y1 = geglu__gelu_erf_avx512(_mm512_loadu_ps(a + i + 16), u ? &u1 : NULL, &t);
        _mm512_storeu_ps(h + i, y0);
        _mm512_storeu_ps(h + i + 16, y1);
    }
    for (; i < n; i += 16) { /* masked loads and stores: nothing outside [0, n) is touched */
        __mmask16 mask = n - i >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << (n - i)) - 1);
        __m512 uv = u ? _mm512_maskz_loadu_ps(mask, u + i) : _mm512_setzero_ps();
        __m512 y = geglu__gelu_erf_avx512(_mm512_maskz_loadu_ps(mask, a + i), u ? &uv : NULL, &t);
        _mm512_mask_storeu_ps(h + i, mask, y);
    }
}

/* ---- tanh kind: the float core of geglu__gelu_tanh_f32, sixteen lanes ---- */

/* Lanes the float core leaves to the double core (see geglu__gelu_tanh_f32): rare. */
static __m512 geglu__gelu_tanh_fallback_avx512(__m512 x, const __m512 *u, __m512 y, __mmask16 lanes) {
    float xs[16], us[16], ys[16];
    int i;
    _mm512_storeu_ps(xs, x);
    _mm512_storeu_ps(ys, y);
    if (u) _mm512_storeu_ps(us, *u);
    for (i = 0; i < 16; i++)
        if ((lanes >> i) & 1) ys[i] = u ? geglu__gelu_mul_tanh_slow(xs[i], us[i]) : geglu__gelu_tanh_slow(xs[i]);
    return _mm512_loadu_ps(ys);
}

/* GELU(x), times u when u is not NULL. */
GEGLU__INLINE __m512 geglu__gelu_tanh_avx512(__m512 x, const __m512 *u) {
    __m512 a = _mm512_abs_ps(_mm512_min_ps(x, GEGLU__ZF(GEGLU__TANH_F_X_MAX)));
    __m512 a2h = _mm512_mul_ps(a, a);
    __m512 a2l = _mm512_fmsub_ps(a, a, a2h);
    __m512 gh = _mm512_fmadd_ps(GEGLU__ZF(GEGLU__TANH_F_C2H), a2h, GEGLU__ZF(GEGLU__TANH_F_C1H));
    __m512 gl = _mm512_fmadd_ps(GEGLU__ZF(GEGLU__TANH_F_C2H), a2l,
                                _mm512_fmadd_ps(GEGLU__ZF(GEGLU__TANH_F_C2L), a2h, GEGLU__ZF(GEGLU__TANH_F_C1L)));
    __m512 zh = _mm512_mul_ps(a, gh);
    __m512 zl = _mm512_fmadd_ps(a, gl, _mm512_fmsub_ps(a, gh, zh));
    __m512 sh, k, rh, rl, r, re, r2, p, s, w, d, e, q, rho, c, y;
    __mmask16 slow;
    gl = _mm512_fmsub_ps(GEGLU__ZF(GEGLU__TANH_F_C2H), a2h, _mm512_sub_ps(gh, GEGLU__ZF(GEGLU__TANH_F_C1H)));
    zl = _mm512_fmadd_ps(a, gl, zl);
    sh = _mm512_fnmadd_ps(zh, GEGLU__ZF(GEGLU__F_LOG2E), GEGLU__ZF(GEGLU__F_SHIFTER));
    k = _mm512_sub_ps(sh, GEGLU__ZF(GEGLU__F_SHIFTER));
    rh = _mm512_fnmsub_ps(k, GEGLU__ZF(GEGLU__F_LN2_HI), zh);
    rl = _mm512_fnmsub_ps(k, GEGLU__ZF(GEGLU__F_LN2_LO), zl);
    r = _mm512_add_ps(rh, rl);
    re = _mm512_add_ps(_mm512_sub_ps(rh, r), rl);
    r2 = _mm512_mul_ps(r, r);
    p = _mm512_fmadd_ps(r2, _mm512_fmadd_ps(GEGLU__ZF(GEGLU__F_EXP_P4), r, GEGLU__ZF(GEGLU__F_EXP_P3)),
                        _mm512_fmadd_ps(GEGLU__ZF(GEGLU__F_EXP_P2), r, GEGLU__ZF(GEGLU__F_EXP_P1)));
    s = _mm512_fmadd_ps(_mm512_mul_ps(r2, r), p, _mm512_fmadd_ps(r2, GEGLU__ZF(0.5f), re));
    w = _mm512_scalef_ps(_mm512_add_ps(GEGLU__ZF(1.0f), _mm512_add_ps(r, s)), k); /* exact */
    d = _mm512_add_ps(GEGLU__ZF(1.0f), w);
    e = _mm512_add_ps(_mm512_sub_ps(GEGLU__ZF(1.0f), d), w);
    q = _mm512_div_ps(a, d);
    rho = _mm512_fnmadd_ps(q, d, a);
    c = _mm512_fnmadd_ps(q, e, rho);
    c = _mm512_mul_ps(c, _mm512_mul_ps(w, _mm512_fnmadd_ps(d, GEGLU__ZF(GEGLU__TANH_F_RCP_B),
                                                           GEGLU__ZF(GEGLU__TANH_F_RCP_A))));
    y = _mm512_sub_ps(_mm512_max_ps(GEGLU__ZF(-0.0f), x), _mm512_fmadd_ps(w, q, c));
    slow = _mm512_cmp_ps_mask(x, GEGLU__ZF(GEGLU__TANH_F_X_MIN), _CMP_NGE_UQ); /* NaN too */
    if (u) {
        y = _mm512_mul_ps(y, *u);
        slow |= _mm512_mask_cmp_ps_mask(_mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_NEQ_OQ),
                                        _mm512_abs_ps(x), GEGLU__ZF(GEGLU__ERF_F_TINY), _CMP_LT_OQ);
    }
    return slow ? geglu__gelu_tanh_fallback_avx512(x, u, y, slow) : y;
}

GEGLU__INLINE void geglu__gelu_tanh_loop_avx512(float *h, const float *a, const float *u, size_t n) {
    size_t i = 0;
    for (; i + 32 <= n; i += 32) { /* two independent blocks per step */
        __m512 u0 = u ? _mm512_loadu_ps(u + i) : _mm512_setzero_ps();
        __m512 u1 = u ? _mm512_loadu_ps(u + i + 16) : _mm512_setzero_ps();
        __m512 y0 = geglu__gelu_tanh_avx512(_mm512_loadu_ps(a + i), u ? &u0 : NULL);
        __m512 y1 = geglu__gelu_tanh_avx512(_mm512_loadu_ps(a + i + 16), u ? &u1 : NULL);
        _mm512_storeu_ps(h + i, y0);
        _mm512_storeu_ps(h + i + 16, y1);
    }
    for (; i < n; i += 16) { /* masked loads and stores: nothing outside [0, n) is touched */
        __mmask16 mask = n - i >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << (n - i)) - 1);
        __m512 uv = u ? _mm512_maskz_loadu_ps(mask, u + i) : _mm512_setzero_ps();
        __m512 y = geglu__gelu_tanh_avx512(_mm512_maskz_loadu_ps(mask, a + i), u ? &uv : NULL);
        _mm512_mask_storeu_ps(h + i, mask, y);
    }
}

GEGLU__PRIVATE void geglu__gelu_mul_f32_avx512(float *h, const float *a, const float *u, size_t n,
                                               geglu_gelu kind) {
    if (kind == GEGLU_GELU_TANH) geglu__gelu_tanh_loop_avx512(h, a, u, n);
    else geglu__gelu_erf_loop_avx512(h, a, u, n);
}

GEGLU__PRIVATE void geglu__gelu_f32_avx512(float *y, const float *x, size_t n, geglu_gelu kind) {
    if (kind == GEGLU_GELU_TANH) geglu__gelu_tanh_loop_avx512(y, x, NULL, n);
    else geglu__gelu_erf_loop_avx512(y, x, NULL, n);
}
#endif /* GEGLU__AVX512 */

/* ============================================================================================ */
/*                                     NEON (aarch64)                                           */
/* ============================================================================================ */
/* The float cores of geglu__gelu_erf_f32 and geglu__gelu_tanh_f32, four lanes, the same operations
   in the same order (the erf table lookups go lane by lane); tails through a small local copy. */
#if defined(GEGLU__NEON)
#define GEGLU__NF(v) vdupq_n_f32(v)

/* Row `row` of the table at the interval index of each lane. */
static inline float32x4_t geglu__erf_row_neon(int row, uint32x4_t j) {
    const float *t = geglu__erf_f_table[row];
    float32x4_t v = vdupq_n_f32(t[vgetq_lane_u32(j, 0)]);
    v = vsetq_lane_f32(t[vgetq_lane_u32(j, 1)], v, 1);
    v = vsetq_lane_f32(t[vgetq_lane_u32(j, 2)], v, 2);
    return vsetq_lane_f32(t[vgetq_lane_u32(j, 3)], v, 3);
}

/* GELU(x), times u when u is not NULL. */
static inline float32x4_t geglu__gelu_erf_neon(float32x4_t x, const float32x4_t *u) {
    float32x4_t a = vminq_f32(vabsq_f32(x), GEGLU__NF(GEGLU__ERF_F_A_MAX));
    /* j + 254 from the bits of a + 1; & 7 keeps NaN lanes (recomputed below) inside the table */
    uint32x4_t j = vandq_u32(vsubq_u32(vshrq_n_u32(vreinterpretq_u32_f32(vaddq_f32(a, GEGLU__NF(1.0f))), 22),
                                       vdupq_n_u32(254)),
                             vdupq_n_u32(7));
    float32x4_t d = vsubq_f32(a, geglu__erf_row_neon(0, j));
    float32x4_t c0 = geglu__erf_row_neon(1, j);
    float32x4_t h = geglu__erf_row_neon(GEGLU__ERF_F_ROWS - 1, j);
    float32x4_t na = vmulq_f32(a, GEGLU__NF(-0.5f));
    float32x4_t th = vmulq_f32(na, a);
    float32x4_t tl = vnegq_f32(vfmsq_f32(th, na, a)); /* na * a - th, exactly */
    float32x4_t sh = vfmaq_f32(GEGLU__NF(GEGLU__F_SHIFTER), th, GEGLU__NF(GEGLU__F_LOG2E));
    float32x4_t k = vsubq_f32(sh, GEGLU__NF(GEGLU__F_SHIFTER));
    float32x4_t rh = vfmsq_f32(th, k, GEGLU__NF(GEGLU__F_LN2_HI));
    float32x4_t rl = vfmsq_f32(tl, k, GEGLU__NF(GEGLU__F_LN2_LO));
    float32x4_t r = vaddq_f32(rh, rl);
    float32x4_t re = vaddq_f32(vsubq_f32(rh, r), rl);
    float32x4_t p = vfmaq_f32(GEGLU__NF(GEGLU__F_EXP_P3), GEGLU__NF(GEGLU__F_EXP_P4), r);
    float32x4_t s, gu, w, y, scale;
    uint32x4_t slow;
    int row, i;
    for (row = GEGLU__ERF_F_ROWS - 2; row >= 2; row--) h = vfmaq_f32(geglu__erf_row_neon(row, j), h, d);
    p = vfmaq_f32(GEGLU__NF(GEGLU__F_EXP_P2), p, r);
    p = vfmaq_f32(GEGLU__NF(GEGLU__F_EXP_P1), p, r);
    p = vfmaq_f32(GEGLU__NF(0.5f), p, r);
    s = vfmaq_f32(re, vmulq_f32(r, r), p);
    gu = vfmaq_f32(c0, d, h);
    w = vfmaq_f32(vmulq_f32(gu, s), gu, r);
    w = vfmaq_f32(w, d, h);
    /* 2^k from the shifter's low bits: k + 127 in the exponent field (k >= -122) */
    scale = vreinterpretq_f32_u32(vaddq_u32(vshlq_n_u32(vreinterpretq_u32_f32(sh), 23),
                                            vdupq_n_u32(UINT32_C(127) << 23)));
    y = vsubq_f32(vmaxq_f32(GEGLU__NF(-0.0f), x), vmulq_f32(vaddq_f32(c0, w), scale));
    slow = vmvnq_u32(vcgeq_f32(x, GEGLU__NF(GEGLU__ERF_F_X_MIN))); /* NaN too */
    if (u) {
        y = vmulq_f32(y, *u);
        slow = vorrq_u32(slow, vandq_u32(vcgtq_f32(a, GEGLU__NF(0.0f)),
                                         vcltq_f32(a, GEGLU__NF(GEGLU__ERF_F_TINY))));
    }
    if (vmaxvq_u32(slow) != 0) { /* lanes left to the double core: rare */
        float xs[4], us[4], ys[4];
        uint32_t m[4];
        vst1q_f32(xs, x);
        vst1q_f32(ys, y);
        vst1q_u32(m, slow);
        if (u) vst1q_f32(us, *u);
        for (i = 0; i < 4; i++)
            if (m[i]) ys[i] = u ? geglu__gelu_mul_erf_slow(xs[i], us[i]) : geglu__gelu_erf_slow(xs[i]);
        y = vld1q_f32(ys);
    }
    return y;
}

GEGLU__INLINE void geglu__gelu_erf_loop_neon(float *h, const float *a, const float *u, size_t n) {
    size_t i = 0, j;
    for (; i + 4 <= n; i += 4) {
        float32x4_t uv = u ? vld1q_f32(u + i) : vdupq_n_f32(0.0f);
        vst1q_f32(h + i, geglu__gelu_erf_neon(vld1q_f32(a + i), u ? &uv : NULL));
    }
    if (i < n) { /* NEON has no masked loads: the tail goes through a small local copy. */
        float a_tail[4] = {0, 0, 0, 0}, u_tail[4] = {0, 0, 0, 0}, h_tail[4];
        float32x4_t uv;
        for (j = 0; i + j < n; j++) {
            a_tail[j] = a[i + j];
            if (u) u_tail[j] = u[i + j];
        }
        uv = vld1q_f32(u_tail);
        vst1q_f32(h_tail, geglu__gelu_erf_neon(vld1q_f32(a_tail), u ? &uv : NULL));
        for (j = 0; i + j < n; j++) h[i + j] = h_tail[j];
    }
}

/* ---- tanh kind: the float core of geglu__gelu_tanh_f32, four lanes ---- */

/* GELU(x), times u when u is not NULL. */
static inline float32x4_t geglu__gelu_tanh_neon(float32x4_t x, const float32x4_t *u) {
    float32x4_t a = vabsq_f32(vminq_f32(x, GEGLU__NF(GEGLU__TANH_F_X_MAX)));
    float32x4_t a2h = vmulq_f32(a, a);
    float32x4_t a2l = vnegq_f32(vfmsq_f32(a2h, a, a)); /* a * a - a2h, exactly */
    float32x4_t gh = vfmaq_f32(GEGLU__NF(GEGLU__TANH_F_C1H), GEGLU__NF(GEGLU__TANH_F_C2H), a2h);
    float32x4_t gl = vfmaq_f32(vfmaq_f32(GEGLU__NF(GEGLU__TANH_F_C1L), GEGLU__NF(GEGLU__TANH_F_C2L), a2h),
                               GEGLU__NF(GEGLU__TANH_F_C2H), a2l);
    float32x4_t zh = vmulq_f32(a, gh);
    float32x4_t zl = vfmaq_f32(vnegq_f32(vfmsq_f32(zh, a, gh)), a, gl);
    float32x4_t sh, k, rh, rl, r, re, r2, p, s, w, d, e, q, rho, c, y;
    uint32x4_t slow;
    int i;
    /* C2H a2h - (gh - C1H): the rounding error of gh */
    gl = vnegq_f32(vfmsq_f32(vsubq_f32(gh, GEGLU__NF(GEGLU__TANH_F_C1H)), GEGLU__NF(GEGLU__TANH_F_C2H), a2h));
    zl = vfmaq_f32(zl, a, gl);
    sh = vfmsq_f32(GEGLU__NF(GEGLU__F_SHIFTER), zh, GEGLU__NF(GEGLU__F_LOG2E));
    k = vsubq_f32(sh, GEGLU__NF(GEGLU__F_SHIFTER));
    rh = vnegq_f32(vfmaq_f32(zh, k, GEGLU__NF(GEGLU__F_LN2_HI))); /* -(k LN2_HI) - zh */
    rl = vnegq_f32(vfmaq_f32(zl, k, GEGLU__NF(GEGLU__F_LN2_LO)));
    r = vaddq_f32(rh, rl);
    re = vaddq_f32(vsubq_f32(rh, r), rl);
    r2 = vmulq_f32(r, r);
    p = vfmaq_f32(vfmaq_f32(GEGLU__NF(GEGLU__F_EXP_P1), GEGLU__NF(GEGLU__F_EXP_P2), r), r2,
                  vfmaq_f32(GEGLU__NF(GEGLU__F_EXP_P3), GEGLU__NF(GEGLU__F_EXP_P4), r));
    s = vfmaq_f32(vfmaq_f32(re, r2, GEGLU__NF(0.5f)), vmulq_f32(r2, r), p);
    /* times 2^k from the shifter's low bits: k + 127 in the exponent field (k >= -96) */
    w = vmulq_f32(vaddq_f32(GEGLU__NF(1.0f), vaddq_f32(r, s)),
                  vreinterpretq_f32_u32(vaddq_u32(vshlq_n_u32(vreinterpretq_u32_f32(sh), 23),
                                                  vdupq_n_u32(UINT32_C(127) << 23))));
    d = vaddq_f32(GEGLU__NF(1.0f), w);
    e = vaddq_f32(vsubq_f32(GEGLU__NF(1.0f), d), w);
    q = vdivq_f32(a, d);
    rho = vfmsq_f32(a, q, d);
    c = vfmsq_f32(rho, q, e);
    c = vmulq_f32(c, vmulq_f32(w, vfmsq_f32(GEGLU__NF(GEGLU__TANH_F_RCP_A), d, GEGLU__NF(GEGLU__TANH_F_RCP_B))));
    y = vsubq_f32(vmaxq_f32(GEGLU__NF(-0.0f), x), vfmaq_f32(c, w, q));
    slow = vmvnq_u32(vcgeq_f32(x, GEGLU__NF(GEGLU__TANH_F_X_MIN))); /* NaN too */
    if (u) {
        float32x4_t ax = vabsq_f32(x);
        y = vmulq_f32(y, *u);
        slow = vorrq_u32(slow, vandq_u32(vcgtq_f32(ax, GEGLU__NF(0.0f)),
                                         vcltq_f32(ax, GEGLU__NF(GEGLU__ERF_F_TINY))));
    }
    if (vmaxvq_u32(slow) != 0) { /* lanes left to the double core: rare */
        float xs[4], us[4], ys[4];
        uint32_t m[4];
        vst1q_f32(xs, x);
        vst1q_f32(ys, y);
        vst1q_u32(m, slow);
        if (u) vst1q_f32(us, *u);
        for (i = 0; i < 4; i++)
            if (m[i]) ys[i] = u ? geglu__gelu_mul_tanh_slow(xs[i], us[i]) : geglu__gelu_tanh_slow(xs[i]);
        y = vld1q_f32(ys);
    }
    return y;
}

GEGLU__INLINE void geglu__gelu_tanh_loop_neon(float *h, const float *a, const float *u, size_t n) {
    size_t i = 0, j;
    for (; i + 4 <= n; i += 4) {
        float32x4_t uv = u ? vld1q_f32(u + i) : vdupq_n_f32(0.0f);
        vst1q_f32(h + i, geglu__gelu_tanh_neon(vld1q_f32(a + i), u ? &uv : NULL));
    }
    if (i < n) { /* NEON has no masked loads: the tail goes through a small local copy. */
        float a_tail[4] = {0, 0, 0, 0}, u_tail[4] = {0, 0, 0, 0}, h_tail[4];
        float32x4_t uv;
        for (j = 0; i + j < n; j++) {
            a_tail[j] = a[i + j];
            if (u) u_tail[j] = u[i + j];
        }
        uv = vld1q_f32(u_tail);
        vst1q_f32(h_tail, geglu__gelu_tanh_neon(vld1q_f32(a_tail), u ? &uv : NULL));
        for (j = 0; i + j < n; j++) h[i + j] = h_tail[j];
    }
}

GEGLU__PRIVATE void geglu__gelu_mul_f32_neon(float *h, const float *a, const float *u, size_t n,
                                             geglu_gelu kind) {
    if (kind == GEGLU_GELU_TANH) geglu__gelu_tanh_loop_neon(h, a, u, n);
    else geglu__gelu_erf_loop_neon(h, a, u, n);
}

GEGLU__PRIVATE void geglu__gelu_f32_neon(float *y, const float *x, size_t n, geglu_gelu kind) {
    if (kind == GEGLU_GELU_TANH) geglu__gelu_tanh_loop_neon(y, x, NULL, n);
    else geglu__gelu_erf_loop_neon(y, x, NULL, n);
}
#endif /* GEGLU__NEON */

/* ============================================================================================ */
/*                          THE PATHS: every GELU kernel compiled in                            */
/* ============================================================================================ */
/* The one in use comes last; tests compare them all on the same inputs and the benchmark times
   them all. */
typedef void (*geglu__gelu_kernel)(float *y, const float *x, size_t n, geglu_gelu kind);
typedef void (*geglu__gelu_mul_kernel)(float *h, const float *a, const float *u, size_t n,
                                       geglu_gelu kind);
typedef struct geglu__gelu_path {
    const char *name;
    geglu__gelu_kernel gelu;
    geglu__gelu_mul_kernel gelu_mul;
} geglu__gelu_path;

#if defined(__GNUC__) || defined(__clang__)
__attribute__((unused))
#endif
static const geglu__gelu_path geglu__gelu_paths[] = {
    {"scalar", geglu__gelu_f32_scalar, geglu__gelu_mul_f32_scalar},
#if defined(GEGLU__NEON)
    {"neon", geglu__gelu_f32_neon, geglu__gelu_mul_f32_neon},
#endif
#if defined(GEGLU__AVX2)
    {"avx2", geglu__gelu_f32_avx2, geglu__gelu_mul_f32_avx2},
#endif
#if defined(GEGLU__AVX512)
    {"avx512", geglu__gelu_f32_avx512, geglu__gelu_mul_f32_avx512},
#endif
};
#define GEGLU__GELU_PATH_COUNT (sizeof geglu__gelu_paths / sizeof geglu__gelu_paths[0])
#define GEGLU__PATH_IN_USE (geglu__gelu_paths[GEGLU__GELU_PATH_COUNT - 1])

/* ============================================================================================ */
/*                          PUBLIC FUNCTIONS: argument checks and dispatch                      */
/* ============================================================================================ */
#ifdef __cplusplus
extern "C" {
#endif

GEGLU_API const char *geglu_isa(void) {
    return GEGLU__PATH_IN_USE.name;
}

GEGLU_API geglu_status geglu_gelu_f32(float *y, const float *x, size_t n, geglu_gelu kind) {
    geglu__range ry, rx;
    if (!geglu__valid_gelu(kind)) return GEGLU_ERROR_INVALID_ARGUMENT;
    if (!geglu__float_range(y, n, 1, &ry) || !geglu__float_range(x, n, 1, &rx))
        return GEGLU_ERROR_SIZE_OVERFLOW;
    if (geglu__missing(y, ry) || geglu__missing(x, rx)) return GEGLU_ERROR_NULL_POINTER;
    if (y != x && geglu__overlap(ry, rx)) return GEGLU_ERROR_OVERLAP;
    if (n != 0) GEGLU__PATH_IN_USE.gelu(y, x, n, kind);
    return GEGLU_OK;
}

GEGLU_API geglu_status geglu_gelu_mul_f32(float *h, const float *a, const float *u, size_t n,
                                          geglu_gelu kind) {
    geglu__range rh, ra, ru;
    if (!geglu__valid_gelu(kind)) return GEGLU_ERROR_INVALID_ARGUMENT;
    if (!geglu__float_range(h, n, 1, &rh) || !geglu__float_range(a, n, 1, &ra) ||
        !geglu__float_range(u, n, 1, &ru))
        return GEGLU_ERROR_SIZE_OVERFLOW;
    if (geglu__missing(h, rh) || geglu__missing(a, ra) || geglu__missing(u, ru))
        return GEGLU_ERROR_NULL_POINTER;
    if ((h != a && geglu__overlap(rh, ra)) || (h != u && geglu__overlap(rh, ru)))
        return GEGLU_ERROR_OVERLAP;
    if (n != 0) GEGLU__PATH_IN_USE.gelu_mul(h, a, u, n, kind);
    return GEGLU_OK;
}

GEGLU_API geglu_status geglu_gate_f32(const geglu_layer_f32 *layer, const float *x, size_t tokens,
                                      float *h) {
    geglu__range range[GEGLU__BUFFERS];
    size_t t;
    geglu_status status = geglu__check_call(layer, x, tokens, h, 0, range);
    if (status != GEGLU_OK) return status;
    if (geglu__output_overlaps(range, range[GEGLU__OUT])) return GEGLU_ERROR_OVERLAP;
    if (range[GEGLU__OUT].bytes == 0) return GEGLU_OK;
    for (t = 0; t < tokens; t++)
        geglu__gate_row_scalar(layer, geglu__advance(x, t * layer->d_model), h + t * layer->d_ff);
    return GEGLU_OK;
}

/* The FFN keeps one token's row of H, aligned to a cache line, in the workspace. */
#define GEGLU__WORKSPACE_ALIGN 64

GEGLU_API size_t geglu_ffn_workspace_size(const geglu_layer_f32 *layer, size_t tokens) {
    geglu__range range[GEGLU__BUFFERS], hidden;
    if (geglu__check_layer(layer, 1, range) != GEGLU_OK || tokens == 0 || layer->d_ff == 0 ||
        layer->d_model == 0)
        return 0; /* invalid, or nothing to keep: the FFN call then needs no workspace */
    if (!geglu__float_range(NULL, 1, layer->d_ff, &hidden) ||
        hidden.bytes > SIZE_MAX - (GEGLU__WORKSPACE_ALIGN - 1))
        return 0;
    return hidden.bytes + (GEGLU__WORKSPACE_ALIGN - 1);
}

GEGLU_API geglu_status geglu_ffn_f32(const geglu_layer_f32 *layer, const float *x, size_t tokens,
                                     float *y, void *workspace, size_t workspace_size) {
    geglu__range range[GEGLU__BUFFERS], scratch;
    size_t t, needed;
    float *hidden;
    geglu_status status = geglu__check_call(layer, x, tokens, y, 1, range);
    if (status != GEGLU_OK) return status;
    needed = geglu_ffn_workspace_size(layer, tokens);
    scratch.address = (uintptr_t)workspace;
    scratch.bytes = workspace_size;
    if (workspace_size > UINTPTR_MAX - scratch.address) return GEGLU_ERROR_SIZE_OVERFLOW;
    if (needed != 0 && workspace == NULL) return GEGLU_ERROR_NULL_POINTER;
    if (workspace_size < needed) return GEGLU_ERROR_WORKSPACE_TOO_SMALL;
    if (geglu__output_overlaps(range, range[GEGLU__OUT]) || geglu__output_overlaps(range, scratch) ||
        geglu__overlap(range[GEGLU__OUT], scratch))
        return GEGLU_ERROR_OVERLAP;
    if (range[GEGLU__OUT].bytes == 0) return GEGLU_OK;
    hidden = (float *)((scratch.address + (GEGLU__WORKSPACE_ALIGN - 1)) &
                       ~(uintptr_t)(GEGLU__WORKSPACE_ALIGN - 1));
    for (t = 0; t < tokens; t++) {
        geglu__gate_row_scalar(layer, geglu__advance(x, t * layer->d_model), hidden);
        geglu__down_row_scalar(layer, hidden, y + t * layer->d_model);
    }
    return GEGLU_OK;
}

#ifdef __cplusplus
}
#endif
#if defined(GEGLU__POP_DIAGNOSTICS)
#  pragma GCC diagnostic pop
#endif
#endif /* GEGLU_IMPLEMENTATION */

/*
MIT License

Copyright (c) 2026 The geglu.h authors

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction,
including without limitation the rights to use, copy, modify, merge, publish, distribute,
sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT
NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT
OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
*/

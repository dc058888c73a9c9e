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
 *   GEGLU_NO_AVX512_BF16  do not use vdpbf16ps for bf16 products even when the compiler
 *                         targets AVX512_BF16 (it is used where the target has no AMX: on
 *                         Emerald Rapids its microkernel ran slower than the FMAs')
 *   -fopenmp (_OPENMP)    the gate, the FFN (packed or not) and long element-wise calls share
 *                         their work among OpenMP's threads; the results are bitwise the same
 *                         for any number of threads. Without it the library is single-threaded.
 *   The instruction set is chosen when the implementation is compiled, from the compiler's own
 *   macros (__AVX512F__; __AVX2__ with __FMA__; __ARM_NEON on aarch64): build with -march=native,
 *   or -mavx2 -mfma -mf16c, to get the vector code (without F16C the AVX2 path converts f16
 *   element by element). geglu_isa() names the path in use. 32-bit ARM
 *   (armhf) runs the scalar path: the NEON kernels compute in float64x2_t, which is AArch64 only.
 *   The header refuses -ffast-math (it would break NaN and infinity handling) with an #error.
 *
 * CONTRACT (every public function)
 *   - Arguments are checked before anything is read or written. On any error the function
 *     returns the status and leaves every output untouched. It never allocates, never keeps
 *     state between calls, and is safe to call from many threads at once.
 *   - Matrices are row-major with contiguous rows, the weights' rows a stride apart when the
 *     layer gives one (THE LAYER). A pointer may be NULL exactly when the
 *     buffer it describes has no element (n == 0, tokens == 0, d_model == 0 or d_ff == 0);
 *     the optional biases b, c, b2 may always be NULL, meaning "no bias".
 *   - Checks, in this order, each with its status:
 *       1. layer is NULL                                       GEGLU_ERROR_NULL_POINTER
 *       2. unknown geglu_gelu, geglu_layout, geglu_dtype or    GEGLU_ERROR_INVALID_ARGUMENT
 *          geglu_precision, or a nonzero weight stride
 *          shorter than a row of its matrix
 *       3. a buffer's size in bytes overflows size_t, or the   GEGLU_ERROR_SIZE_OVERFLOW
 *          buffer would wrap around the address space
 *       4. a required pointer is NULL                          GEGLU_ERROR_NULL_POINTER
 *       5. the workspace or buffer is smaller than asked for   GEGLU_ERROR_WORKSPACE_TOO_SMALL
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
 *   geglu_status geglu_f32_to_bf16(uint16_t *y, const float *x, size_t n)
 *   geglu_status geglu_f32_to_f16(uint16_t *y, const float *x, size_t n)
 *   geglu_status geglu_bf16_to_f32(float *y, const uint16_t *x, size_t n)
 *   geglu_status geglu_f16_to_f32(float *y, const uint16_t *x, size_t n)
 *       Converts n floats to 16-bit floats (bf16: the top half of a float; f16: IEEE binary16,
 *       both as their bit patterns) and back, to convert a checkpoint. Narrowing rounds to
 *       nearest, ties to even; a NaN stays a NaN (quiet, its top payload bits kept); floats
 *       beyond f16's range become +-inf, tiny ones subnormals or zeros of their sign. Widening
 *       is exact. Every path gives the same bits. y must not overlap x.
 *   size_t geglu_ffn_workspace_size(const geglu_layer_f32 *layer, size_t tokens)
 *       Bytes of scratch memory geglu_ffn_f32 needs for this layer and token count (any
 *       alignment will do); 0 when it needs none (tokens, d_model or d_ff is 0), and 0 when
 *       the layer is NULL, invalid or its sizes overflow, x and y included (tokens x d_model):
 *       the FFN call then reports why. The size for a token count serves every smaller count.
 *   geglu_status geglu_ffn_f32(const geglu_layer_f32 *layer, const float *x, size_t tokens,
 *                              float *y, void *workspace, size_t workspace_size)
 *       Y = (GELU(X*W + b) (x) (X*V + c)) * W2 + b2, using the caller's workspace.
 *       y and the workspace must not overlap each other, x or the layer's arrays.
 *
 * PACKED LAYERS (the fast path: pack once when the weights are loaded, run many times)
 *   size_t geglu_packed_size_f32(const geglu_layer_f32 *layer)
 *       Bytes of buffer geglu_pack_f32 needs (any alignment will do); 0 when the layer is
 *       NULL, invalid or its sizes overflow.
 *   geglu_status geglu_pack_f32(const geglu_layer_f32 *layer, void *buffer, size_t buffer_size,
 *                               const geglu_packed_f32 **packed)
 *       Copies the layer's weights, biases and GELU kind into buffer in panels laid out for
 *       this build's microkernels and sets *packed (a pointer into buffer). The layer's arrays
 *       are not needed afterwards. Checks 1 to 4 as for the FFN (buffer and packed are required
 *       pointers), then 5: buffer_size too small is GEGLU_ERROR_WORKSPACE_TOO_SMALL, and 6: a
 *       buffer overlapping the layer's arrays is GEGLU_ERROR_OVERLAP.
 *       A packed layer is read-only: any number of threads may use it at once. The layout
 *       depends on the instruction set, so ship the unpacked weights and pack at load time; a
 *       build for another instruction set refuses the buffer (GEGLU_ERROR_INVALID_ARGUMENT).
 *   geglu_status geglu_gate_packed_f32(const geglu_packed_f32 *packed, const float *x,
 *                                      size_t tokens, float *h)
 *   size_t geglu_ffn_packed_workspace_size(const geglu_packed_f32 *packed, size_t tokens)
 *   geglu_status geglu_ffn_packed_f32(const geglu_packed_f32 *packed, const float *x,
 *                                     size_t tokens, float *y, void *workspace,
 *                                     size_t workspace_size)
 *       As geglu_gate_f32, geglu_ffn_workspace_size and geglu_ffn_f32, with bitwise the same
 *       results. A NULL packed is GEGLU_ERROR_NULL_POINTER, a buffer not packed by a build with
 *       this instruction set GEGLU_ERROR_INVALID_ARGUMENT; outputs must not overlap it.
 *
 * PARTS, FOR CALLERS WITH THEIR OWN THREADS (a pool, as most inference engines have)
 *   geglu_status geglu_gate_packed_part_f32(const geglu_packed_f32 *packed, const float *x,
 *                                           size_t tokens, float *h, size_t part, size_t parts)
 *   geglu_status geglu_down_packed_part_f32(const geglu_packed_f32 *packed, const float *h,
 *                                           size_t tokens, float *y, size_t part, size_t parts)
 *       The packed FFN in two phases, each cut into `parts` parts (part < parts, else
 *       GEGLU_ERROR_INVALID_ARGUMENT) that may run at once on different threads, with no lock
 *       and no workspace: the gate parts write disjoint groups of columns of H (tokens x d_ff,
 *       which the caller provides); once all of them are done, the down parts write disjoint
 *       groups of columns of Y = H * W2 + b2. The result is bitwise that of
 *       geglu_ffn_packed_f32, for any number of parts. Splitting the tokens instead (each
 *       thread one geglu_ffn_packed_f32 call on its rows, with its own workspace) also gives
 *       bitwise the same result; the phases are the way to share one token (decoding).
 *
 * HOW THE PRODUCTS RUN
 *   One microkernel per instruction set computes a tile of tokens x (gate and value) columns
 *   from a panel of W and V in registers and stores only GELU(gate) * value; the same kernel
 *   with a plain epilogue computes Y. The FFN goes through d_ff in blocks so that each block of
 *   H is still in cache when W2 consumes it. On plain weights, a block of at most 8 tokens
 *   (decoding) reads them where they lie: IN_OUT rows in place, a long stretch of a row for
 *   every token at a time; OUT_IN ones a square of columns at a time, transposed in registers.
 *   More tokens pack the weights into the workspace a part at a time and run each part while
 *   it is in cache (OUT_IN weights transposed in registers into float panels);
 *   geglu_gate_f32 has no workspace and reads IN_OUT weights in place, OUT_IN ones as
 *   decoding does. Strided weights (THE LAYER) are read through their stride. Every way takes
 *   the same sums in the same order. For a layer used more than once the packed functions are
 *   faster, most of all when decoding on OUT_IN weights (README.md has the figures).
 *
 * THE LAYER
 *   A zeroed geglu_layer_f32 plus the two sizes and the three weight pointers is a valid layer:
 *   NULL biases mean no bias, gelu 0 is GEGLU_GELU_ERF, layout 0 is GEGLU_LAYOUT_IN_OUT.
 *     GEGLU_LAYOUT_IN_OUT  w, v: d_model x d_ff, w2: d_ff x d_model  (the paper's x*W)
 *     GEGLU_LAYOUT_OUT_IN  w, v: d_ff x d_model, w2: d_model x d_ff  (torch nn.Linear.weight)
 *   wv_stride is the number of weights from the start of one row of w to the next, and of v
 *   (they share it); w2_stride the same for w2; 0 means dense (a row's length), the fields a
 *   zeroed layer leaves. They describe fused matrices without a copy: IN_OUT gate and up
 *   projections as one d_model x 2 d_ff matrix M are w = M, v = M + d_ff, wv_stride = 2 d_ff
 *   (OUT_IN ones as one 2 d_ff x d_model matrix are dense: v = M + d_ff * d_model). A strided
 *   matrix spans from its first weight to the last weight of its last row: the memory after
 *   that row is not read, and that span is what the overlap checks see (an output in the gaps
 *   between rows counts as overlapping). The gate does not check w2_stride.
 *   weight_type says what w, v and w2 hold: GEGLU_DTYPE_F32 (0, float), GEGLU_DTYPE_BF16 or
 *   GEGLU_DTYPE_F16 (IEEE binary16), the 16-bit ones as uint16_t bit patterns, as checkpoints
 *   store them. Each 16-bit weight is widened exactly to float and multiplied with the float
 *   activation by the same FMA in the same order, so the results are bitwise those of float
 *   weights holding the same values, with the same bound; a packed layer keeps the 16-bit
 *   weights (half the bytes). Activations, biases, H, Y and every sum stay float.
 *   precision GEGLU_PRECISION_BF16 (1) trades accuracy for speed with bf16 weights: x, and H
 *   before the down projection, are rounded to bf16 (nearest even) and the terms summed as
 *   bf16 dot products take them, in pairs, k + 1 before k (ACCURACY below); results stay
 *   bitwise the same on every path, packed or not, except that vdpbf16ps (used for packed
 *   layers where the target has AVX512_BF16 and no AMX) treats subnormal terms and sums as
 *   zero. f32 and f16 weights compute exactly at
 *   either precision. An unknown weight_type or precision is GEGLU_ERROR_INVALID_ARGUMENT
 *   (check 2).
 *
 * ACCURACY (docs/ACCURACY.md derives each claim and gives the measured figures)
 *   GELU is evaluated by a float core per kind, the same operations in the same order on every
 *   path; the deep negative tail (x < -13 erf, x < -9.875 tanh) and NaN go to a
 *   double-precision core that rounds once. Every float input, both kinds, every path: at most
 *   2 ULP from the correctly rounded value, at most 1 ULP where that value is subnormal (the
 *   erf kind is within 1 ULP everywhere; make test-exhaustive checks all 2^32 inputs).
 *   GELU(+inf) = +inf, GELU(-inf) = -0, GELU(-0) = -0, a zero result has the sign of x, NaN
 *   gives NaN, no spurious overflow or underflow. geglu_gelu_mul_f32 rounds GELU(a) to float,
 *   then the product; where GELU(a) could be subnormal (0 < |a| < 2^-100) and in the tail it
 *   rounds GELU(a)*u once, in double, so that it stays right for every float u.
 *   The matrix products accumulate in float, one accumulator per output element, in
 *   increasing order of the summed index, each step one fused multiply-add where the target
 *   has FMA; the bias is added after the sum. The error of each pre-activation is then at most
 *   gamma(d_model + 1) * (sum |x_k * w_k| + |bias|), with u = 2^-24 and
 *   gamma(n) = n*u / (1 - n*u); the FFN's output carries the same bound over d_ff on top of
 *   the error that the gate passes through W2 (tests/test_layer.c checks this bound). With
 *   bf16 products each bound becomes (2^-8 + gamma(n + 1) * (1 + 2^-8)) * (sum |x_k * w_k| +
 *   |bias|), and H's error grows by 2^-8 of H before it passes through W2.
 *   Blocking never changes that order (a sum split across blocks continues in the output), so
 *   where GEGLU_HAS_FMA is 1 every path, packed or not, gives bitwise identical results.
 *   Denormals-are-zero / flush-to-zero modes set by the caller change subnormal results.
 */
#ifndef GEGLU_H
#define GEGLU_H

#include <stddef.h>
#include <stdint.h>

#define GEGLU_VERSION_MAJOR 0
#define GEGLU_VERSION_MINOR 1
#define GEGLU_VERSION_PATCH 0
#define GEGLU_VERSION_STRING "0.1.0"

/* 1 when the target has fused multiply-add, so that every multiply-add is rounded once: then
   every path, packed or not, gives bitwise identical results (ACCURACY above). */
#if defined(__FP_FAST_FMA) || defined(__FMA__) || defined(__ARM_FEATURE_FMA) || defined(__aarch64__)
#  define GEGLU_HAS_FMA 1
#else
#  define GEGLU_HAS_FMA 0
#endif

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
    X(GEGLU_ERROR_WORKSPACE_TOO_SMALL, -5, "the buffer or workspace is smaller than required")

#define GEGLU__STATUS_ENUMERATOR(name, value, description) name = value,
typedef enum geglu_status { GEGLU_STATUS_LIST(GEGLU__STATUS_ENUMERATOR) } geglu_status;
#undef GEGLU__STATUS_ENUMERATOR

typedef enum geglu_gelu { GEGLU_GELU_ERF = 0, GEGLU_GELU_TANH = 1 } geglu_gelu;

typedef enum geglu_layout {
    GEGLU_LAYOUT_IN_OUT = 0, /* w, v: d_model x d_ff; w2: d_ff x d_model (the paper's x*W) */
    GEGLU_LAYOUT_OUT_IN = 1  /* w, v: d_ff x d_model; w2: d_model x d_ff (nn.Linear.weight) */
} geglu_layout;

/* The type of a layer's weights: float, bf16 or IEEE binary16 (16-bit ones as uint16_t bit
   patterns). Activations, biases and every sum stay float. */
typedef enum geglu_dtype { GEGLU_DTYPE_F32 = 0, GEGLU_DTYPE_BF16 = 1, GEGLU_DTYPE_F16 = 2 } geglu_dtype;

/* How the products of bf16 weights are taken: exactly with the float activations (F32), or
   with the activations rounded to bf16 first, in pairs of terms, as bf16 dot products (BF16). */
typedef enum geglu_precision { GEGLU_PRECISION_F32 = 0, GEGLU_PRECISION_BF16 = 1 } geglu_precision;

/* One GeGLU feed-forward layer; a zeroed struct plus sizes and weight pointers is valid. */
typedef struct geglu_layer_f32 {
    size_t d_model, d_ff;
    const void *w, *v;       /* gate and value weights, of weight_type */
    const float *b, *c;      /* gate and value biases, d_ff entries each, or NULL */
    const void *w2;          /* down projection, of weight_type */
    const float *b2;         /* output bias, d_model entries, or NULL */
    geglu_gelu gelu;
    geglu_layout layout;
    geglu_dtype weight_type; /* 0: float */
    geglu_precision precision; /* 0: exact products; BF16 applies to bf16 weights only */
    size_t wv_stride;        /* weights from one row of w (and of v) to the next; 0: dense */
    size_t w2_stride;        /* the same for w2 */
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

/* 16-bit floats as their bit patterns: bf16 (the top half of a float) and IEEE binary16. */
GEGLU_API geglu_status geglu_f32_to_bf16(uint16_t *y, const float *x, size_t n);
GEGLU_API geglu_status geglu_bf16_to_f32(float *y, const uint16_t *x, size_t n);
GEGLU_API geglu_status geglu_f32_to_f16(uint16_t *y, const float *x, size_t n);
GEGLU_API geglu_status geglu_f16_to_f32(float *y, const uint16_t *x, size_t n);

/* A layer's weights rearranged for the microkernels; it lives in a buffer the caller owns. */
typedef struct geglu_packed_f32 geglu_packed_f32;
GEGLU_API size_t geglu_packed_size_f32(const geglu_layer_f32 *layer);
GEGLU_API geglu_status geglu_pack_f32(const geglu_layer_f32 *layer, void *buffer,
                                      size_t buffer_size, const geglu_packed_f32 **packed);
GEGLU_API geglu_status geglu_gate_packed_f32(const geglu_packed_f32 *packed, const float *x,
                                             size_t tokens, float *h);
GEGLU_API size_t geglu_ffn_packed_workspace_size(const geglu_packed_f32 *packed, size_t tokens);
GEGLU_API geglu_status geglu_ffn_packed_f32(const geglu_packed_f32 *packed, const float *x,
                                            size_t tokens, float *y, void *workspace,
                                            size_t workspace_size);
GEGLU_API geglu_status geglu_gate_packed_part_f32(const geglu_packed_f32 *packed, const float *x,
                                                  size_t tokens, float *h, size_t part,
                                                  size_t parts);
GEGLU_API geglu_status geglu_down_packed_part_f32(const geglu_packed_f32 *packed, const float *h,
                                                  size_t tokens, float *y, size_t part,
                                                  size_t parts);

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

/* g++ 12 warns about its own AVX-512 headers (GCC bug 105593, "__Y = __Y" in
   _mm512_undefined_*; -Wuninitialized at -O0, -Wmaybe-uninitialized at -O2): silence those two
   warnings for the implementation only (the C builds keep them for our own code). */
#if defined(__GNUC__) && !defined(__clang__) && defined(__cplusplus)
#  pragma GCC diagnostic push
#  pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#  pragma GCC diagnostic ignored "-Wuninitialized"
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
#if GEGLU_HAS_FMA
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
/* With OpenMP (-fopenmp), the products and long element-wise calls share their work among
   the threads OpenMP provides; without it these vanish and nothing beyond C99 is needed. */
#if defined(_OPENMP)
#  define GEGLU__PRAGMA(text) _Pragma(#text)
#  define GEGLU__OMP(directive) GEGLU__PRAGMA(omp directive)
#else
#  define GEGLU__OMP(directive)
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
/* Float core of the tanh kind, for -9.875 <= x < inf (see geglu__gelu_tanh_f32). */
#define GEGLU__TANH_F_X_MIN -9.875f
#define GEGLU__TANH_F_X_MAX 9.875f
#define GEGLU__TANH_F_B1H 2.30220795f
#define GEGLU__TANH_F_B1L 2.5136697e-07f
#define GEGLU__TANH_F_B2H 0.102943242f
#define GEGLU__TANH_F_B2L -2.01619854e-09f
/* 2^r = 1 + r Q(r) on |r| <= 1/2: relative error 2.99e-09 (2^-28.3) */
#define GEGLU__TANH_F_Q0 0.693147182f
#define GEGLU__TANH_F_Q1 0.240226477f
#define GEGLU__TANH_F_Q2 0.0555035993f
#define GEGLU__TANH_F_Q3 0.00961850584f
#define GEGLU__TANH_F_Q4 0.00133908074f
#define GEGLU__TANH_F_Q5 0.000153264686f
#define GEGLU__TANH_F_RCP_A 1.41176474f
#define GEGLU__TANH_F_RCP_B 0.470588237f
/* Below these, GELU(x) rounds to -0, and GELU(x) * u to a zero for every finite u. */
#define GEGLU__ERF_ZERO_BELOW -14.375f
#define GEGLU__ERF_MUL_ZERO_BELOW -19.625f
#define GEGLU__TANH_ZERO_BELOW -10.8125f
#define GEGLU__TANH_MUL_ZERO_BELOW -13.5f
/* GEGLU__CONSTANTS end */

/* Adding 1.5 * 2^52 to a double below 2^51 in magnitude rounds it to an integer (to nearest,
   ties to even) that then sits in the low bits of the sum. */
#define GEGLU__ROUND_SHIFTER 6755399441055744.0
/* Past these the result no longer depends on x: tanh kind, below x = -20 GELU(x) < 2^-860, so
   GELU(x) * u rounds to -0 for every float u (geglu_gelu_mul_f32 multiplies before rounding),
   and exp(-|z|) below e^-700 (still normal) no longer changes x / (1 + exp(-|z|)). */
#define GEGLU__TANH_X_MIN (-20.0)
/* erf kind: beyond the fit, the asymptotic series up to a = 20 (see geglu__gelu_erf_f64). */
#define GEGLU__ERF_A_TAIL 20.0
#define GEGLU__INV_SQRT_2PI 0.39894228040143267794
#define GEGLU__TANH_M_MIN (-700.0)

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

/* The byte range of an array of count elements of `size` bytes: 0 when the size overflows
   size_t or the range would wrap around the address space. */
static int geglu__array_range(const void *pointer, size_t count, size_t size, geglu__range *range) {
    size_t bytes;
    if (!geglu__mul_size(count, size, &bytes)) return 0;
    range->address = (uintptr_t)pointer;
    range->bytes = bytes;
    return bytes <= UINTPTR_MAX - range->address;
}

/* The byte range of an array of rows x cols floats, as geglu__array_range. */
static int geglu__float_range(const void *pointer, size_t rows, size_t cols, geglu__range *range) {
    size_t count;
    return geglu__mul_size(rows, cols, &count) &&
           geglu__array_range(pointer, count, sizeof(float), range);
}

/* Whether [pointer, pointer + bytes) would wrap around the address space. */
static int geglu__wraps(const void *pointer, size_t bytes) {
    return bytes > UINTPTR_MAX - (uintptr_t)pointer;
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

static int geglu__valid_dtype(geglu_dtype type) {
    return type == GEGLU_DTYPE_F32 || type == GEGLU_DTYPE_BF16 || type == GEGLU_DTYPE_F16;
}

static int geglu__valid_precision(geglu_precision precision) {
    return precision == GEGLU_PRECISION_F32 || precision == GEGLU_PRECISION_BF16;
}

/* Whether the products round their left operand to bf16 and go in pairs of terms: only bf16
   weights have bf16 dot products; the other types compute exactly at either precision. */
static int geglu__bf16_products(geglu_dtype type, geglu_precision precision) {
    return type == GEGLU_DTYPE_BF16 && precision == GEGLU_PRECISION_BF16;
}

/* Bytes per weight of a valid type. */
static size_t geglu__dtype_size(geglu_dtype type) {
    return type == GEGLU_DTYPE_F32 ? sizeof(float) : sizeof(uint16_t);
}

/* The byte range of rows x cols weights of a type, as geglu__array_range. */
/* Elements from one row of w and v (of w2 when `down`) to the next, as they lie in memory: the
   layer's stride, or the length of a row when that is 0. */
static size_t geglu__row_stride(const geglu_layer_f32 *layer, int down) {
    const size_t stride = down ? layer->w2_stride : layer->wv_stride;
    const int long_rows = (layer->layout == GEGLU_LAYOUT_IN_OUT) != down; /* rows of d_ff */
    return stride != 0 ? stride : long_rows ? layer->d_ff : layer->d_model;
}

/* The type of the panels the plain FFN packs a layer's weights into as it goes: OUT_IN weights
   are transposed into float panels (widened exactly, so that squares of any type transpose in
   registers); IN_OUT ones keep their type, rows copied as they lie. */
static geglu_dtype geglu__panel_type(const geglu_layer_f32 *layer) {
    return layer->layout == GEGLU_LAYOUT_OUT_IN ? GEGLU_DTYPE_F32 : layer->weight_type;
}

/* The byte range of a weight matrix of a type, `rows` rows of `length` weights, `stride`
   weights apart, as geglu__array_range: it ends with the last row's last weight. */
static int geglu__weight_range(const void *pointer, size_t rows, size_t length, size_t stride,
                               geglu_dtype type, geglu__range *range) {
    size_t count = 0;
    if (rows != 0 && length != 0) {
        if (!geglu__mul_size(rows - 1, stride, &count) || count > SIZE_MAX - length) return 0;
        count += length;
    }
    return geglu__array_range(pointer, count, geglu__dtype_size(type), range);
}

/* The buffers of one gate or FFN call, checked once for both. */
enum { GEGLU__X, GEGLU__W, GEGLU__V, GEGLU__B, GEGLU__C, GEGLU__W2, GEGLU__B2, GEGLU__OUT,
       GEGLU__BUFFERS };

/* Checks 1 to 3 of the contract for the layer itself, and the ranges of its arrays; the gate
   does not use w2 and b2, so they are neither required nor checked for it. */
static geglu_status geglu__check_layer(const geglu_layer_f32 *layer, int uses_down,
                                       geglu__range range[GEGLU__BUFFERS]) {
    size_t gate_rows, gate_length, down_rows, down_length;
    int ok = 1, in_out;
    if (layer == NULL) return GEGLU_ERROR_NULL_POINTER;
    if (!geglu__valid_gelu(layer->gelu) || !geglu__valid_dtype(layer->weight_type) ||
        !geglu__valid_precision(layer->precision) ||
        (layer->layout != GEGLU_LAYOUT_IN_OUT && layer->layout != GEGLU_LAYOUT_OUT_IN))
        return GEGLU_ERROR_INVALID_ARGUMENT;
    in_out = layer->layout == GEGLU_LAYOUT_IN_OUT;
    gate_rows = in_out ? layer->d_model : layer->d_ff;
    gate_length = in_out ? layer->d_ff : layer->d_model;
    down_rows = !uses_down ? 0 : in_out ? layer->d_ff : layer->d_model;
    down_length = in_out ? layer->d_model : layer->d_ff;
    if ((layer->wv_stride != 0 && layer->wv_stride < gate_length) ||
        (uses_down && layer->w2_stride != 0 && layer->w2_stride < down_length))
        return GEGLU_ERROR_INVALID_ARGUMENT;
    ok &= geglu__weight_range(layer->w, gate_rows, gate_length, geglu__row_stride(layer, 0),
                              layer->weight_type, &range[GEGLU__W]);
    ok &= geglu__weight_range(layer->v, gate_rows, gate_length, geglu__row_stride(layer, 0),
                              layer->weight_type, &range[GEGLU__V]);
    ok &= geglu__float_range(layer->b, layer->b ? 1 : 0, layer->d_ff, &range[GEGLU__B]);
    ok &= geglu__float_range(layer->c, layer->c ? 1 : 0, layer->d_ff, &range[GEGLU__C]);
    ok &= geglu__weight_range(layer->w2, down_rows, down_length, geglu__row_stride(layer, 1),
                              layer->weight_type, &range[GEGLU__W2]);
    ok &= geglu__float_range(layer->b2, layer->b2 && uses_down ? 1 : 0, layer->d_model, &range[GEGLU__B2]);
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
   x < -9.875 for tanh, NaN; for the product also 0 < |x| < 2^-100): every path calls these same
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
    if (a > GEGLU__ERF_A_MAX) {
        /* Past the fit, a M(a) by its asymptotic series (1 - 1/a^2 + 3/a^4 - 15/a^6 +
           105/a^8) / sqrt(2 pi), whose next term is below 2.3e-9 of it from a = 14.5 on. Past
           a = 20 GELU(x) < 2^-290 and GELU(x) * u rounds to -0 for every float u (and x itself
           for positive x): a stops there. */
        double b;
        if (a > GEGLU__ERF_A_TAIL) a = GEGLU__ERF_A_TAIL;
        b = 1.0 / (a * a);
        a_m = GEGLU__FMA(GEGLU__FMA(GEGLU__FMA(105.0, b, -15.0), b, 3.0), b, -1.0);
        a_m = GEGLU__FMA(a_m, b, 1.0) * GEGLU__INV_SQRT_2PI;
        e = geglu__exp_nonpositive(-0.5 * (a * a));
        return (geglu__bits(x) >> 63) ? -(a_m * e) : GEGLU__FMA(-a_m, e, x);
    }
    n = GEGLU__FMA(GEGLU__ERF_N4, a, GEGLU__ERF_N3); /* NaN stays NaN */
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

   G rises smoothly from 0 to 1/sqrt(2 pi), so a polynomial per interval fits it; the exponential
   carries all the fast decay, and its argument is split exactly (a Fast2Sum keeps the bits that
   the reduction by ln 2 would lose near x = -13). The error stays below 2.5 ULP of the exact
   value, so within 2 ULP of the correctly rounded one: docs/ACCURACY.md, "The erf kind's float
   core", derives it. */

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

/* Far enough into the tail the double core's result is known without it: below ZERO_BELOW
   |GELU(x)| < 2^-150 rounds to -0, and GELU(x) * u vanishes for |u| <= 1; below MUL_ZERO_BELOW
   for every finite u (tools/fit_gelu.py finds both bounds). The product is then a zero with the
   sign of -u, or -u itself for u infinite or NaN: bit for bit what the double core gives, without
   its exp or a subnormal on the way, so that data with heavy tails stays fast. */
static int geglu__product_vanishes(float x, float u, float zero_below, float mul_zero_below) {
    return x < mul_zero_below || (x < zero_below && fabsf(u) <= 1.0f);
}

static float geglu__vanishing_times(float u) {
    uint32_t bits = geglu__bits32(u);
    if ((bits & 0x7f800000u) == 0x7f800000u) return -u;
    return geglu__from_bits32(~bits & 0x80000000u);
}

static float geglu__gelu_erf_slow(float x) {
    return x < GEGLU__ERF_ZERO_BELOW ? -0.0f : (float)geglu__gelu_erf_f64(x);
}

static float geglu__gelu_mul_erf_slow(float x, float u) {
    if (geglu__product_vanishes(x, u, GEGLU__ERF_ZERO_BELOW, GEGLU__ERF_MUL_ZERO_BELOW))
        return geglu__vanishing_times(u);
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
    /* max(-0, x) - v, the sign taken from the bits: clang with -fsanitize turns x >= 0 ? x : -0
       into maxss, which gives -0 for x = +0 */
    return ((geglu__bits32(x) >> 31) ? -0.0f : x) - (c0 + w) * scale;
}

/* GELU(x) * u for one float pair, as every vector path computes each lane. */
static float geglu__gelu_mul_erf_f32(float x, float u) {
    float a = fabsf(x);
    if (!(x >= GEGLU__ERF_F_X_MIN) || (a != 0.0f && a < GEGLU__ERF_F_TINY))
        return geglu__gelu_mul_erf_slow(x, u);
    return geglu__gelu_erf_f32(x) * u;
}

/* ---- portable core: the tanh kind in float ---------------------------------------------------
   For x >= -9.875 the tanh kind is computed in float, the same operations in the same order on
   every path; below it (where w would leave the normal range, and the result soon after) and
   for NaN the double core computes the lane, and for the product also 0 < |x| < 2^-100, as for
   the erf kind. With a = min(|x|, 9.875), t = |z| log2(e) = a (B1 + B2 a^2) and w = exp(-|z|) = 2^-t:

       GELU(x) = max(x, 0) - v,   v = a w / (1 + w)

   (past 9.875, v < 2^-118 no longer changes x). Base 2 spares the reduction by ln 2; t is
   carried as a float pair, since a float t near 122 would carry 2^-18 of absolute error into
   2^-t; the quotient is corrected for the roundings of 1 + w and of the division. Every step
   is formed from m = 1 + r Q(r), w = m 2^k, and scaled by 2^k last, so that no intermediate is
   subnormal: on Intel cores a subnormal result costs a microcode assist of some 150 cycles.
   The error budget allows 3 ULP from the correctly rounded value; the exhaustive check holds it
   to 2. docs/ACCURACY.md, "The tanh kind's float core", derives both. */

static float geglu__gelu_tanh_slow(float x) {
    return x < GEGLU__TANH_ZERO_BELOW ? -0.0f : (float)geglu__gelu_tanh_f64(x);
}

static float geglu__gelu_mul_tanh_slow(float x, float u) {
    if (geglu__product_vanishes(x, u, GEGLU__TANH_ZERO_BELOW, GEGLU__TANH_MUL_ZERO_BELOW))
        return geglu__vanishing_times(u);
    return (float)(geglu__gelu_tanh_f64(x) * u);
}

/* The tanh kind for one float, as every vector path computes each lane; the double core for
   x < -9.875 and NaN. */
static float geglu__gelu_tanh_f32(float x) {
    float a, a2h, a2l, gh, gl, sh, k, r, p, m, scale, w, d, q, c, v;
    if (!(x >= GEGLU__TANH_F_X_MIN)) return geglu__gelu_tanh_slow(x); /* NaN too */
    a = fabsf(x) < GEGLU__TANH_F_X_MAX ? fabsf(x) : GEGLU__TANH_F_X_MAX;
    /* t = a (gh + gl) */
    a2h = a * a;
    a2l = GEGLU__FMAF_EXACT(a, a, -a2h);
    gh = GEGLU__FMAF(GEGLU__TANH_F_B2H, a2h, GEGLU__TANH_F_B1H);
    gl = GEGLU__FMAF(GEGLU__TANH_F_B2H, a2l, GEGLU__FMAF(GEGLU__TANH_F_B2L, a2h, GEGLU__TANH_F_B1L));
    gl = gl + GEGLU__FMAF_EXACT(GEGLU__TANH_F_B2H, a2h, -(gh - GEGLU__TANH_F_B1H)); /* gh's error */
    /* -t = k + r: k = -round(a gh) (k in [-96, 0]), r = (-(a gh) - k) - a gl */
    sh = GEGLU__FMAF(-a, gh, GEGLU__F_SHIFTER);
    k = sh - GEGLU__F_SHIFTER;
    r = GEGLU__FMAF_EXACT(-a, gh, -k);
    r = GEGLU__FMAF(-a, gl, r);
    /* w = 2^k (1 + r Q(r)), k + 127 in the exponent field */
    p = GEGLU__FMAF(GEGLU__TANH_F_Q5, r, GEGLU__TANH_F_Q4);
    p = GEGLU__FMAF(p, r, GEGLU__TANH_F_Q3);
    p = GEGLU__FMAF(p, r, GEGLU__TANH_F_Q2);
    p = GEGLU__FMAF(p, r, GEGLU__TANH_F_Q1);
    p = GEGLU__FMAF(p, r, GEGLU__TANH_F_Q0);
    m = GEGLU__FMAF_EXACT(r, p, 1.0f);
    scale = geglu__from_bits32((geglu__bits32(sh) << 23) + (UINT32_C(127) << 23));
    w = m * scale;
    /* v = a w / (1 + w), the quotient corrected for the roundings of D and of the division;
       scaled by 2^k last, so that no step comes near the subnormal range */
    d = 1.0f + w;
    q = a / d;
    c = GEGLU__FMAF_EXACT(-q, w, a - q); /* a - q (1 + w), a - q exact */
    v = GEGLU__FMAF(m, q, c * (m * GEGLU__FMAF(d, -GEGLU__TANH_F_RCP_B, GEGLU__TANH_F_RCP_A))) * scale;
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

/* ---- portable core: 16-bit floats ------------------------------------------------------------
   bf16 is the top half of a float; f16 is IEEE binary16 (5 exponent bits, 10 mantissa bits).
   Narrowing rounds to nearest, ties to even, as the FPU's default mode does; a NaN stays a NaN
   (quiet, its top payload bits kept); a float beyond f16's range becomes +-inf, one below it a
   subnormal or a zero of its sign. Widening is exact. Every path gives these same bits. */

static uint16_t geglu__bf16_from_f32(float x) {
    uint32_t bits = geglu__bits32(x);
    if ((bits & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((bits >> 16) | 0x0040u);
    return (uint16_t)((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16); /* ties to even */
}

static float geglu__f32_from_bf16(uint16_t h) {
    return geglu__from_bits32((uint32_t)h << 16);
}

static uint16_t geglu__f16_from_f32(float x) {
    const uint32_t bits = geglu__bits32(x), sign = (bits >> 16) & 0x8000u, a = bits & 0x7fffffffu;
    if (a > 0x7f800000u) return (uint16_t)(sign | 0x7e00u | ((a >> 13) & 0x3ffu)); /* NaN */
    if (a >= 0x477ff000u) return (uint16_t)(sign | 0x7c00u); /* 65520 and up round to inf */
    if (a >= 0x38800000u) /* 2^-14 and up: normal; the rounding may carry into the exponent */
        return (uint16_t)(sign | ((a + 0xfffu + ((a >> 13) & 1u) - 0x38000000u) >> 13));
    /* below 2^-14: in 0.5 + |x| the last bit is worth 2^-24, f16's subnormal step, and the
       addition rounds to it */
    return (uint16_t)(sign | (geglu__bits32(geglu__from_bits32(a) + 0.5f) - 0x3f000000u));
}

static float geglu__f32_from_f16(uint16_t h) {
    const uint32_t sign = (uint32_t)(h & 0x8000u) << 16, exponent = (h >> 10) & 0x1fu,
                   mantissa = h & 0x3ffu;
    float magnitude;
    if (exponent == 0x1fu) /* inf, or a NaN made quiet */
        return geglu__from_bits32(sign | 0x7f800000u | (mantissa << 13) | (mantissa ? 0x400000u : 0));
    if (exponent == 0) {
        magnitude = (float)mantissa * 5.9604644775390625e-8f; /* 2^-24: exact */
        return geglu__from_bits32(sign | geglu__bits32(magnitude));
    }
    return geglu__from_bits32(sign | ((exponent + 112u) << 23) | (mantissa << 13));
}

GEGLU__PRIVATE void geglu__f32_to_bf16_scalar(uint16_t *y, const float *x, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) y[i] = geglu__bf16_from_f32(x[i]);
}
GEGLU__PRIVATE void geglu__bf16_to_f32_scalar(float *y, const uint16_t *x, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) y[i] = geglu__f32_from_bf16(x[i]);
}
GEGLU__PRIVATE void geglu__f32_to_f16_scalar(uint16_t *y, const float *x, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) y[i] = geglu__f16_from_f32(x[i]);
}
GEGLU__PRIVATE void geglu__f16_to_f32_scalar(float *y, const uint16_t *x, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) y[i] = geglu__f32_from_f16(x[i]);
}

/* ---- portable core: register groups for the vector GELU cores ------------------------------
   A vector GELU core is a chain of some twenty dependent operations. Written one register after
   another, the second register's chain enters the scheduler behind the whole of the first, and
   the schedulers fill before the two overlap. So the vector cores work on a group of registers
   and apply each operation to every register of the group in a row: the chains advance side by
   side (docs/PERFORMANCE.md, "Register groups"). A group is a struct of registers v0, v1, ...;
   each ISA section lists them in an `each` macro, and GEGLU__GROUP_FN1..3 make a group
   operation of an intrinsic. The lanes are independent: a group computes each lane exactly as
   the scalar core does. */
#define GEGLU__GROUP_ARG1(i, op) r.v##i = op(a.v##i);
#define GEGLU__GROUP_ARG2(i, op) r.v##i = op(a.v##i, b.v##i);
#define GEGLU__GROUP_ARG3(i, op) r.v##i = op(a.v##i, b.v##i, c.v##i);
#define GEGLU__GROUP_FN1(group, each, name, op)                                              \
    GEGLU__INLINE group name(group a) { group r; each(GEGLU__GROUP_ARG1, op) return r; }
#define GEGLU__GROUP_FN2(group, each, name, op)                                              \
    GEGLU__INLINE group name(group a, group b) { group r; each(GEGLU__GROUP_ARG2, op) return r; }
#define GEGLU__GROUP_FN3(group, each, name, op)                                              \
    GEGLU__INLINE group name(group a, group b, group c) {                                    \
        group r;                                                                             \
        each(GEGLU__GROUP_ARG3, op) return r;                                                \
    }

/* The lowest set bit of a nonzero mask. */
#if defined(__GNUC__) || defined(__clang__)
#  define GEGLU__LOWEST_BIT(mask) __builtin_ctzll(mask)
#else
static int geglu__lowest_bit(uint64_t mask) {
    int i = 0;
    for (; !(mask & 1); mask >>= 1) i++;
    return i;
}
#  define GEGLU__LOWEST_BIT(mask) geglu__lowest_bit(mask)
#endif

/* The lanes a vector core leaves to the double core (bit i of `lanes` for lane i; rare, unless
   the data has heavy tails): x < -13 (erf) or -9.875 (tanh), NaN, and for the product
   0 < |x| < 2^-100. Only the set bits are visited, so that data with heavy tails stays fast. */
GEGLU__PRIVATE void geglu__gelu_slow_lanes(float *y, const float *x, const float *u, uint64_t lanes,
                                           geglu_gelu kind) {
    for (; lanes != 0; lanes &= lanes - 1) {
        int i = GEGLU__LOWEST_BIT(lanes);
        if (kind == GEGLU_GELU_TANH)
            y[i] = u ? geglu__gelu_mul_tanh_slow(x[i], u[i]) : geglu__gelu_tanh_slow(x[i]);
        else
            y[i] = u ? geglu__gelu_mul_erf_slow(x[i], u[i]) : geglu__gelu_erf_slow(x[i]);
    }
}

/* From memory, the vector loops ask for the data 2 KiB ahead of the group they compute: a group
   costs some 200 operations per 256 bytes, and the hardware prefetchers alone fall behind.
   Short arrays are likely in cache and skip it; only lines inside the arrays are asked for. */
#if defined(__GNUC__) || defined(__clang__)
#  define GEGLU__PREFETCH(p, write) __builtin_prefetch((p), (write))
#  define GEGLU__PREFETCH_L2(p) __builtin_prefetch((p), 0, 2)
#else
#  define GEGLU__PREFETCH(p, write) ((void)(p))
#  define GEGLU__PREFETCH_L2(p) ((void)(p))
#endif
#define GEGLU__PREFETCH_AHEAD 512  /* floats */
#define GEGLU__PREFETCH_MIN 65536  /* elements; shorter arrays are likely in cache */

GEGLU__INLINE void geglu__gelu_prefetch(const float *h, const float *a, const float *u, size_t n,
                                        size_t at, size_t count) {
    size_t i;
    for (i = (at + 15) / 16 * 16; i < at + count && i < n; i += 16) { /* every 16th float */
        GEGLU__PREFETCH(a + i, 0);
        if (u) GEGLU__PREFETCH(u + i, 0);
        GEGLU__PREFETCH(h + i, 1);
    }
}

/* ---- portable core: the vector GELU cores, one template for every vector path ---------------
   GEGLU__GELU_VECTOR(V) defines the float cores of geglu__gelu_erf_f32 and geglu__gelu_tanh_f32
   for the group of registers geglu__group_V (the same operations in the same order as the
   scalar cores, lane by lane), and the element-wise kernels geglu__gelu_f32_V and
   geglu__gelu_mul_f32_V on them. Each ISA section provides, before it instantiates the template:
     geglu__group_V, geglu__index_V      a group of float registers, and one of interval indices
     GEGLU__LANES_V                      the lanes of a group
     geglu__set_V, geglu__{abs,add,sub,mul,div,min,max}_V, geglu__{fmadd,fmsub,fnmadd,fnmsub}_V
                                         the float operations: fmadd a b + c, fmsub a b - c,
                                         fnmadd -(a b) + c, fnmsub -(a b) - c, each rounded once
     geglu__ldexp_V(v, k, sh)            v 2^k, k an integer, sh = k + the shifter (exact here)
     geglu__erf_tables_V, geglu__erf_tables_load_V, geglu__erf_index_V(a), geglu__erf_row_V(j, t, row)
                                         the rows of geglu__erf_f_table at the interval of each lane
     geglu__load_V(p, count), geglu__store_V(p, y, count)
                                         lanes [0, min(count, LANES)) of the group at p, the rest
                                         zero; nothing outside [p, p + count) is touched
     geglu__slow_lanes_V(x, a, limit, product)
                                         bit i set for lane i left to the double core: x below
                                         limit or NaN, and for the product 0 < a < 2^-100 */
#define GEGLU__GELU_VECTOR(V)                                                                   \
    /* GELU(x), times u when u is not NULL; `slow` gets the lanes left to the double core. */  \
    GEGLU__INLINE geglu__group_##V geglu__gelu_erf_##V(geglu__group_##V x, const geglu__group_##V *u, \
                                                       const geglu__erf_tables_##V *t, uint64_t *slow) { \
        geglu__group_##V a = geglu__min_##V(geglu__abs_##V(x), geglu__set_##V(GEGLU__ERF_F_A_MAX)); \
        geglu__index_##V j = geglu__erf_index_##V(a);                                           \
        geglu__group_##V d = geglu__sub_##V(a, geglu__erf_row_##V(j, t, 0));                     \
        geglu__group_##V c0 = geglu__erf_row_##V(j, t, 1);                                       \
        geglu__group_##V h = geglu__erf_row_##V(j, t, 9);                                        \
        geglu__group_##V na = geglu__mul_##V(a, geglu__set_##V(-0.5f));                          \
        geglu__group_##V th = geglu__mul_##V(na, a);                                             \
        geglu__group_##V tl = geglu__fmsub_##V(na, a, th); /* exact: th's rounding error */      \
        geglu__group_##V sh = geglu__fmadd_##V(th, geglu__set_##V(GEGLU__F_LOG2E),                \
                                               geglu__set_##V(GEGLU__F_SHIFTER));                 \
        geglu__group_##V k = geglu__sub_##V(sh, geglu__set_##V(GEGLU__F_SHIFTER));               \
        geglu__group_##V rh = geglu__fnmadd_##V(k, geglu__set_##V(GEGLU__F_LN2_HI), th);         \
        geglu__group_##V rl = geglu__fnmadd_##V(k, geglu__set_##V(GEGLU__F_LN2_LO), tl);         \
        geglu__group_##V r = geglu__add_##V(rh, rl);                                             \
        geglu__group_##V re = geglu__add_##V(geglu__sub_##V(rh, r), rl);                         \
        geglu__group_##V p = geglu__fmadd_##V(geglu__set_##V(GEGLU__F_EXP_P4), r,                 \
                                              geglu__set_##V(GEGLU__F_EXP_P3));                   \
        geglu__group_##V s, gu, w, y;                                                            \
        h = geglu__fmadd_##V(h, d, geglu__erf_row_##V(j, t, 8));                                 \
        h = geglu__fmadd_##V(h, d, geglu__erf_row_##V(j, t, 7));                                 \
        h = geglu__fmadd_##V(h, d, geglu__erf_row_##V(j, t, 6));                                 \
        h = geglu__fmadd_##V(h, d, geglu__erf_row_##V(j, t, 5));                                 \
        h = geglu__fmadd_##V(h, d, geglu__erf_row_##V(j, t, 4));                                 \
        h = geglu__fmadd_##V(h, d, geglu__erf_row_##V(j, t, 3));                                 \
        h = geglu__fmadd_##V(h, d, geglu__erf_row_##V(j, t, 2));                                 \
        p = geglu__fmadd_##V(p, r, geglu__set_##V(GEGLU__F_EXP_P2));                             \
        p = geglu__fmadd_##V(p, r, geglu__set_##V(GEGLU__F_EXP_P1));                             \
        p = geglu__fmadd_##V(p, r, geglu__set_##V(0.5f));                                        \
        s = geglu__fmadd_##V(geglu__mul_##V(r, r), p, re);                                       \
        gu = geglu__fmadd_##V(d, h, c0);                                                         \
        w = geglu__fmadd_##V(gu, r, geglu__mul_##V(gu, s));                                      \
        w = geglu__fmadd_##V(d, h, w);                                                           \
        y = geglu__sub_##V(geglu__max_##V(geglu__set_##V(-0.0f), x),                             \
                           geglu__ldexp_##V(geglu__add_##V(c0, w), k, sh));                      \
        if (u) y = geglu__mul_##V(y, *u);                                                        \
        *slow = geglu__slow_lanes_##V(x, a, GEGLU__ERF_F_X_MIN, u != NULL);                      \
        return y;                                                                                \
    }                                                                                            \
                                                                                                 \
    /* GELU(x), times u when u is not NULL; `slow` gets the lanes left to the double core. */  \
    GEGLU__INLINE geglu__group_##V geglu__gelu_tanh_##V(geglu__group_##V x, const geglu__group_##V *u, \
                                                        uint64_t *slow) {                        \
        /* clamped in every lane, those left to the double core too: no subnormal on the way */ \
        geglu__group_##V a = geglu__min_##V(geglu__abs_##V(x), geglu__set_##V(GEGLU__TANH_F_X_MAX)); \
        geglu__group_##V a2h = geglu__mul_##V(a, a);                                             \
        geglu__group_##V a2l = geglu__fmsub_##V(a, a, a2h); /* exact: a2h's rounding error */    \
        geglu__group_##V gh = geglu__fmadd_##V(geglu__set_##V(GEGLU__TANH_F_B2H), a2h,            \
                                               geglu__set_##V(GEGLU__TANH_F_B1H));                \
        geglu__group_##V gl = geglu__fmadd_##V(                                                  \
            geglu__set_##V(GEGLU__TANH_F_B2H), a2l,                                              \
            geglu__fmadd_##V(geglu__set_##V(GEGLU__TANH_F_B2L), a2h, geglu__set_##V(GEGLU__TANH_F_B1L))); \
        geglu__group_##V sh, k, r, p, m, w, d, q, c, y;                                          \
        /* plus B2H a2h - (gh - B1H): gh's rounding error */                                    \
        gl = geglu__add_##V(gl, geglu__fmsub_##V(geglu__set_##V(GEGLU__TANH_F_B2H), a2h,          \
                                                 geglu__sub_##V(gh, geglu__set_##V(GEGLU__TANH_F_B1H)))); \
        sh = geglu__fnmadd_##V(a, gh, geglu__set_##V(GEGLU__F_SHIFTER));                         \
        k = geglu__sub_##V(sh, geglu__set_##V(GEGLU__F_SHIFTER));                                \
        r = geglu__fnmadd_##V(a, gl, geglu__fnmsub_##V(a, gh, k)); /* (-(a gh) - k) - a gl */    \
        p = geglu__fmadd_##V(geglu__set_##V(GEGLU__TANH_F_Q5), r, geglu__set_##V(GEGLU__TANH_F_Q4)); \
        p = geglu__fmadd_##V(p, r, geglu__set_##V(GEGLU__TANH_F_Q3));                            \
        p = geglu__fmadd_##V(p, r, geglu__set_##V(GEGLU__TANH_F_Q2));                            \
        p = geglu__fmadd_##V(p, r, geglu__set_##V(GEGLU__TANH_F_Q1));                            \
        p = geglu__fmadd_##V(p, r, geglu__set_##V(GEGLU__TANH_F_Q0));                            \
        m = geglu__fmadd_##V(r, p, geglu__set_##V(1.0f));                                        \
        w = geglu__ldexp_##V(m, k, sh);                                                          \
        d = geglu__add_##V(geglu__set_##V(1.0f), w);                                             \
        q = geglu__div_##V(a, d);                                                                \
        c = geglu__fnmadd_##V(q, w, geglu__sub_##V(a, q));                                       \
        c = geglu__mul_##V(c, geglu__mul_##V(m, geglu__fnmadd_##V(d, geglu__set_##V(GEGLU__TANH_F_RCP_B), \
                                                                  geglu__set_##V(GEGLU__TANH_F_RCP_A)))); \
        y = geglu__sub_##V(geglu__max_##V(geglu__set_##V(-0.0f), x),                             \
                           geglu__ldexp_##V(geglu__fmadd_##V(m, q, c), k, sh));                  \
        if (u) y = geglu__mul_##V(y, *u);                                                        \
        *slow = geglu__slow_lanes_##V(x, a, GEGLU__TANH_F_X_MIN, u != NULL); /* a = |x| there */ \
        return y;                                                                                \
    }                                                                                            \
                                                                                                 \
    /* y with its slow lanes recomputed by the double core (rare). */                           \
    static geglu__group_##V geglu__gelu_fix_##V(geglu__group_##V y, geglu__group_##V x,           \
                                                const geglu__group_##V *u, uint64_t lanes,        \
                                                geglu_gelu kind) {                               \
        float xs[GEGLU__LANES_##V], us[GEGLU__LANES_##V], ys[GEGLU__LANES_##V];                  \
        geglu__store_##V(xs, x, GEGLU__LANES_##V);                                               \
        geglu__store_##V(ys, y, GEGLU__LANES_##V);                                               \
        if (u) geglu__store_##V(us, *u, GEGLU__LANES_##V);                                       \
        geglu__gelu_slow_lanes(ys, xs, u ? us : NULL, lanes, kind);                              \
        return geglu__load_##V(ys, GEGLU__LANES_##V);                                            \
    }                                                                                            \
                                                                                                 \
    /* GELU(x), times u when u is not NULL, every lane right. */                                \
    GEGLU__INLINE geglu__group_##V geglu__gelu_group_##V(geglu__group_##V x, const geglu__group_##V *u, \
                                                         const geglu__erf_tables_##V *t, geglu_gelu kind) { \
        uint64_t slow;                                                                           \
        geglu__group_##V y = kind == GEGLU_GELU_TANH ? geglu__gelu_tanh_##V(x, u, &slow)          \
                                                     : geglu__gelu_erf_##V(x, u, t, &slow);      \
        return slow ? geglu__gelu_fix_##V(y, x, u, slow, kind) : y;                              \
    }                                                                                            \
                                                                                                 \
    /* One group of GELU(a) (times u when u is not NULL): count >= LANES, or the tail. */       \
    GEGLU__INLINE void geglu__gelu_step_##V(float *h, const float *a, const float *u, size_t count, \
                                            const geglu__erf_tables_##V *t, geglu_gelu kind) {   \
        geglu__group_##V uv = u ? geglu__load_##V(u, count) : geglu__set_##V(0.0f);              \
        geglu__store_##V(h, geglu__gelu_group_##V(geglu__load_##V(a, count), u ? &uv : NULL, t, kind), \
                         count);                                                                 \
    }                                                                                            \
                                                                                                 \
    /* GELU(a) (times u when u is not NULL); inlined into each caller with u and the kind known. */ \
    GEGLU__INLINE void geglu__gelu_loop_##V(float *h, const float *a, const float *u, size_t n,   \
                                            geglu_gelu kind) {                                   \
        const size_t lanes = GEGLU__LANES_##V;                                                   \
        const int far = n >= GEGLU__PREFETCH_MIN;                                                \
        geglu__erf_tables_##V t;                                                                 \
        size_t i;                                                                                \
        if (kind != GEGLU_GELU_TANH) geglu__erf_tables_load_##V(&t);                             \
        for (i = 0; i + lanes <= n; i += lanes) {                                                \
            if (far) geglu__gelu_prefetch(h, a, u, n, i + GEGLU__PREFETCH_AHEAD, lanes);         \
            geglu__gelu_step_##V(h + i, a + i, u ? u + i : NULL, lanes, &t, kind);               \
        }                                                                                        \
        if (i < n) geglu__gelu_step_##V(h + i, a + i, u ? u + i : NULL, n - i, &t, kind);        \
    }                                                                                            \
                                                                                                 \
    GEGLU__PRIVATE void geglu__gelu_mul_f32_##V(float *h, const float *a, const float *u, size_t n, \
                                                geglu_gelu kind) {                               \
        if (kind == GEGLU_GELU_TANH) geglu__gelu_loop_##V(h, a, u, n, GEGLU_GELU_TANH);          \
        else geglu__gelu_loop_##V(h, a, u, n, GEGLU_GELU_ERF);                                   \
    }                                                                                            \
                                                                                                 \
    GEGLU__PRIVATE void geglu__gelu_f32_##V(float *y, const float *x, size_t n, geglu_gelu kind) { \
        if (kind == GEGLU_GELU_TANH) geglu__gelu_loop_##V(y, x, NULL, n, GEGLU_GELU_TANH);       \
        else geglu__gelu_loop_##V(y, x, NULL, n, GEGLU_GELU_ERF);                                \
    }

/* ---- portable core: the vector 16-bit conversions, one template for every vector path -------
   GEGLU__CONVERT_VECTOR(V) defines geglu__{f32_to_bf16,bf16_to_f32,f32_to_f16,f16_to_f32}_V:
   whole steps of GEGLU__CONVERT_LANES_V elements by the ISA's geglu__{to_bf16,from_bf16,to_f16,
   from_f16}_step_V(y, x), the rest by the scalar functions, which give the same bits. */
#define GEGLU__CONVERT_ONE(V, name, step, to_type, from_type)                                     \
    GEGLU__PRIVATE void geglu__##name##_##V(to_type *y, const from_type *x, size_t n) {           \
        size_t i = 0;                                                                            \
        for (; i + GEGLU__CONVERT_LANES_##V <= n; i += GEGLU__CONVERT_LANES_##V)                 \
            geglu__##step##_step_##V(y + i, x + i);                                              \
        geglu__##name##_scalar(y + i, x + i, n - i);                                             \
    }
#define GEGLU__CONVERT_VECTOR(V)                                                                 \
    GEGLU__CONVERT_ONE(V, f32_to_bf16, to_bf16, uint16_t, float)                                 \
    GEGLU__CONVERT_ONE(V, bf16_to_f32, from_bf16, float, uint16_t)                               \
    GEGLU__CONVERT_ONE(V, f32_to_f16, to_f16, uint16_t, float)                                   \
    GEGLU__CONVERT_ONE(V, f16_to_f32, from_f16, float, uint16_t)

/* ---- portable core: the matrix products ------------------------------------------------------ */
/* Each output element of a product is one float accumulator, started at 0 and updated by one
   FMA per term in increasing order of the summed index; a bias is added once the sum is
   complete. Every path and every blocking keeps that order (a sum split over blocks is carried
   in the output, not restarted), so the paths agree bit for bit and the result does not depend
   on how the work is cut.

   The blocking loops (after the ISA sections) are written once, for every path; a path's
   microkernel computes one tile of at most its tile_rows rows (tokens) by one panel of columns,
   under this contract:
     left     rows [0, t->rows) of x (gate) or H (down projection), 1 <= t->rows <= tile_rows:
              term k of row r at t->a[r * t->lda + k], or, when t->a_tiled is set, at
              t->a_tiled[k * t->tile_rows + r];
     panel    two halves w and v of p->width columns each: term k of column j at
              p->w[k * p->k_step + j] and p->v[k * p->k_step + j], weights of type p->type
              (each microkernel takes one type), every column readable; the
              biases p->bias_w and p->bias_v, p->width floats each, or NULL.
              For the gate the halves are the same columns of W and of V; for the down
              projection, two neighbouring groups of columns of W2;
     sums     each starts at 0, or at its output's value when t->accumulate is set (otherwise the
              output is not read: it may hold NaN), takes one FMA per term, k = 0, 1, ...,
              t->depth - 1, of the term of x and the weight widened exactly to float, then its
              column's bias; when t->bf16_products is set, the term of x is rounded to bf16
              first and the terms go in pairs as a bf16 dot product takes them: k + 1 before k
              for each even k, and a last odd term after adding +0 (the pair's zero half);
     output   gate: out[r * ldo + j] = GELU(w sum) * (v sum), j < p->width, GELU per t->gelu;
              down: out[r * ldo + j] = w sum, out[r * ldo + p->width + j] = v sum;
              nothing else of out is written.
   Packed bf16 layers on vector paths have pair panels (p->pairs), which the pair microkernels
   take under the same contract; for bf16 products a path with bf16 dot products has
   dot-product microkernels instead, the left operand from t->a (rounded as they go) or from
   t->a_pairs, already rounded and paired. When t->a_rounded is set, the left operand holds
   bf16 values already (the FFN rounds them once); a tiled left operand (t->a_tiled) with bf16
   products always does.
   The portable tile below is the reference and takes any panel (fewer valid columns, not
   pairs); GEGLU__TILE_VECTOR makes every vector microkernel from one template,
   GEGLU__PAIR_TILE_VECTOR every pair microkernel, GEGLU__DOT_TILE_VECTOR every dot-product
   microkernel. */

/* A panel: column j of a half is at w[k * k_step + j] (v likewise) for depth index k, in
   elements of `type`. */
typedef struct geglu__panel {
    const void *w, *v;
    geglu_dtype type;
    size_t k_step;
    const float *bias_w, *bias_v; /* a full half each, or NULL: no bias (or not yet) */
    size_t width;                 /* columns per half */
    size_t cols;                  /* valid output columns: <= width for the gate, 2 x for W2 */
    int padded;                   /* zero-filled to the full width: full-width loads are safe */
    int pairs; /* bf16 rows k, k + 1 (k even) interleaved: column j of pair q of a half at
                  w[q * k_step + 2 j + (k odd)]: packed bf16 layers on vector paths */
} geglu__panel;

/* A tile: rows of the left operand a (x or H) times one panel, written to out. */
typedef struct geglu__tile {
    const float *a;       /* row r at a + r * lda; or, when a_tiled is set, ... */
    const float *a_tiled; /* ... element (r, k) at a_tiled[k * tile_rows + r]; or, for pair
                             panels, a_pairs is set: ... */
    const uint32_t *a_pairs; /* ... terms 2q and 2q + 1 of row r as bf16 (2q in the low half)
                                at a_pairs[q * tile_rows + r], tile_rows being then the height
                                of the microkernel that runs the tile (geglu__pair_rows) */
    size_t lda, rows, depth, tile_rows;
    float *out;
    size_t ldo;
    size_t ahead;   /* when not 0: each step asks L2 for the line this many bytes past the panel
                       row it reads (geglu__ahead) */
    int accumulate; /* continue the sums already in out instead of starting from 0 */
    int bf16_products; /* round the left terms to bf16 and take the terms in pairs */
    int a_rounded;     /* with bf16_products: the left terms are bf16 values already */
    geglu_gelu gelu;
} geglu__tile;

/* The largest geometry of any path, for local copies of a tile. */
#define GEGLU__MAX_TILE_ROWS 12
#define GEGLU__MAX_WIDTH 16

/* Decoding streams the weights from memory, and the fewer instructions per byte, the further
   ahead the core's loads run. Blocks of at most GEGLU__DECODE_ROWS tokens read x in place: a
   tiled copy (tile_rows floats per step however few rows are real) only adds a stream that
   evicts the weights from L1 (for one Gemma-2B token, 96 KiB against the row's 8 KiB); the
   dot-product microkernels take x paired all the same, as pairing in the k loop costs more. One
   token gets a tile of height 1, not a taller one with repeated rows (docs/PERFORMANCE.md,
   "Decoding"). */
#define GEGLU__DECODE_ROWS 8
/* Terms per pass of the stream_rows microkernels over the weights (see geglu__stream_sums). */
#define GEGLU__STREAM_DEPTH 64

/* p + offset, where an absent (NULL) array stays NULL instead of becoming undefined behaviour. */
static const float *geglu__advance(const float *p, size_t offset) {
    return p ? p + offset : p;
}

/* Element `offset` of an array of `size`-byte elements, NULL staying NULL likewise. */
static const void *geglu__element_at(const void *p, size_t offset, size_t size) {
    return p ? (const void *)((const unsigned char *)p + offset * size) : p;
}

/* Weight i of an array of `type`, exactly as a float. */
static float geglu__weight(const void *array, size_t i, geglu_dtype type) {
    if (type == GEGLU_DTYPE_F32) return ((const float *)array)[i];
    if (type == GEGLU_DTYPE_BF16) return geglu__f32_from_bf16(((const uint16_t *)array)[i]);
    return geglu__f32_from_f16(((const uint16_t *)array)[i]);
}

/* x rounded to the nearest bf16 value (even on ties; NaN stays NaN), as a float. */
static float geglu__bf16_rounded(float x) {
    return geglu__f32_from_bf16(geglu__bf16_from_f32(x));
}

static size_t geglu__min(size_t a, size_t b) {
    return a < b ? a : b;
}

/* Any tile of any panel, one row at a time: the reference for the vector microkernels, the
   scalar path's microkernel, and the path for panels the vector microkernels cannot load. */
static void geglu__tile_portable(const geglu__panel *p, const geglu__tile *t, int gate) {
    float acc_w[GEGLU__MAX_WIDTH], acc_v[GEGLU__MAX_WIDTH];
    size_t n_w = gate ? p->cols : geglu__min(p->cols, p->width);
    size_t n_v = gate ? p->cols : p->cols - n_w;
    size_t r, k, j;
    for (r = 0; r < t->rows; r++) {
        const float *a = t->a_tiled ? t->a_tiled + r : geglu__advance(t->a, r * t->lda);
        const size_t a_step = t->a_tiled ? t->tile_rows : 1;
        float *out = t->out + r * t->ldo;
        for (j = 0; j < n_w; j++) acc_w[j] = t->accumulate ? out[j] : 0.0f;
        for (j = 0; j < n_v; j++) acc_v[j] = t->accumulate ? out[p->width + j] : 0.0f;
        for (k = 0; k < t->depth; k++) {
            size_t term = k;
            float x;
            if (t->bf16_products) {
                term = (k ^ 1) < t->depth ? k ^ 1 : k;
                for (j = 0; j < n_w && term == k; j++) acc_w[j] += 0.0f;
                for (j = 0; j < n_v && term == k; j++) acc_v[j] += 0.0f;
            }
            x = t->bf16_products && !t->a_rounded ? geglu__bf16_rounded(a[term * a_step])
                                                  : a[term * a_step];
            for (j = 0; j < n_w; j++)
                acc_w[j] = GEGLU__FMAF(
                    x, geglu__weight(p->w, term * p->k_step + j, p->type), acc_w[j]);
            for (j = 0; j < n_v; j++)
                acc_v[j] = GEGLU__FMAF(
                    x, geglu__weight(p->v, term * p->k_step + j, p->type), acc_v[j]);
        }
        if (p->bias_w)
            for (j = 0; j < n_w; j++) acc_w[j] += p->bias_w[j];
        if (p->bias_v)
            for (j = 0; j < n_v; j++) acc_v[j] += p->bias_v[j];
        if (gate) {
            geglu__gelu_mul_f32_scalar(out, acc_w, acc_v, n_w, t->gelu);
        } else {
            for (j = 0; j < n_w; j++) out[j] = acc_w[j];
            for (j = 0; j < n_v; j++) out[p->width + j] = acc_v[j];
        }
    }
}

/* Where a stream_rows microkernel takes the left terms of row r of its tile: in t->a, or for
   bf16 products that the tile's owner has not rounded yet, in `rounded`, rounded to bf16. */
static void geglu__stream_terms(const geglu__tile *t, float rounded[][GEGLU__STREAM_DEPTH],
                                const float *terms[GEGLU__DECODE_ROWS]) {
    size_t r, k;
    for (r = 0; r < t->rows; r++) {
        terms[r] = t->a + r * t->lda;
        if (!t->bf16_products || t->a_rounded) continue;
        for (k = 0; k < t->depth; k++) rounded[r][k] = geglu__bf16_rounded(terms[r][k]);
        terms[r] = rounded[r];
    }
}

/* The stream_rows microkernel for any weight type, one element at a time: out[r][c] (+)= the
   sums over terms [0, t->depth) (at most GEGLU__STREAM_DEPTH) of rows r < t->rows (at most
   GEGLU__DECODE_ROWS) of t->a with columns c < n of the matrix whose row k lies at
   matrix + k step, the sums taking their terms in the tiles' order and starting at 0 unless
   t->accumulate. The vector ones (GEGLU__TILE_VECTOR) read each row of the matrix once for all
   the tile's rows, as it lies in memory. */
static void geglu__stream_rows_portable(const void *matrix, geglu_dtype type, size_t step,
                                        const geglu__tile *t, size_t n) {
    float rounded[GEGLU__DECODE_ROWS][GEGLU__STREAM_DEPTH];
    const float *terms[GEGLU__DECODE_ROWS];
    size_t r, k, c;
    geglu__stream_terms(t, rounded, terms);
    for (r = 0; r < t->rows; r++)
        for (c = 0; c < n && !t->accumulate; c++) t->out[r * t->ldo + c] = 0.0f;
    for (k = 0; k < t->depth; k++) {
        const size_t term = t->bf16_products && (k ^ 1) < t->depth ? k ^ 1 : k;
        for (r = 0; r < t->rows; r++) {
            float *out = t->out + r * t->ldo;
            for (c = 0; c < n && t->bf16_products && term == k; c++) out[c] += 0.0f;
            for (c = 0; c < n; c++)
                out[c] = GEGLU__FMAF(terms[r][term], geglu__weight(matrix, term * step + c, type), out[c]);
        }
    }
}

typedef void (*geglu__gather_kernel)(float *to, size_t ld_to, const void *matrix, size_t step,
                                     size_t terms);

/* The gather_columns microkernel for any weight type: to[k ld_to + c] = term k of column c,
   widened exactly, for the width columns at matrix, matrix + step, ... (each with its terms
   contiguous, as OUT_IN weights lie) and the terms k < terms rounded down to a multiple of
   width; the caller copies the rest. */
static void geglu__gather_columns_portable(float *to, size_t ld_to, const void *matrix,
                                           geglu_dtype type, size_t width, size_t step,
                                           size_t terms) {
    size_t k, c;
    for (c = 0; c < width; c++)
        for (k = 0; k < terms / width * width; k++) to[k * ld_to + c] = geglu__weight(matrix, c * step + k, type);
}

/* The scalar path's tile geometry and microkernels: the portable tile for every weight type. */
#define GEGLU__ROWS_scalar 4
#define GEGLU__WIDTH_scalar 8
#define GEGLU__PORTABLE_TILES(T)                                                                 \
    GEGLU__PRIVATE void geglu__gate_tile_##T##_scalar(const geglu__panel *p, const geglu__tile *t) { \
        geglu__tile_portable(p, t, 1);                                                           \
    }                                                                                            \
    GEGLU__PRIVATE void geglu__down_tile_##T##_scalar(const geglu__panel *p, const geglu__tile *t) { \
        geglu__tile_portable(p, t, 0);                                                           \
    }                                                                                            \
    GEGLU__PRIVATE void geglu__stream_rows_##T##_scalar(const void *matrix, size_t step,         \
                                                        const geglu__tile *t, size_t n) {        \
        geglu__stream_rows_portable(matrix, GEGLU__DTYPE_##T, step, t, n);                       \
    }                                                                                            \
    GEGLU__PRIVATE void geglu__gather_columns_##T##_scalar(float *to, size_t ld_to,              \
                                                           const void *matrix, size_t step,      \
                                                           size_t terms) {                       \
        geglu__gather_columns_portable(to, ld_to, matrix, GEGLU__DTYPE_##T, GEGLU__WIDTH_scalar,  \
                                       step, terms);                                             \
    }
/* The element types of the weights, for the templates, and their geglu_dtype. */
typedef float geglu__element_f32;
typedef uint16_t geglu__element_bf16;
typedef uint16_t geglu__element_f16;
#define GEGLU__DTYPE_f32 GEGLU_DTYPE_F32
#define GEGLU__DTYPE_bf16 GEGLU_DTYPE_BF16
#define GEGLU__DTYPE_f16 GEGLU_DTYPE_F16
GEGLU__PORTABLE_TILES(f32)
GEGLU__PORTABLE_TILES(bf16)
GEGLU__PORTABLE_TILES(f16)
/* Whether weights of a type can have bf16 products (only bf16 weights do): the others' kernels
   leave out that branch and its local arrays. */
#define GEGLU__BF16_PRODUCTS_f32 0
#define GEGLU__BF16_PRODUCTS_bf16 1
#define GEGLU__BF16_PRODUCTS_f16 0

/* ---- portable core: the vector microkernels, one template for every vector path -------------
   GEGLU__TILE_VECTOR(V, T) defines geglu__gate_tile_T_V and geglu__down_tile_T_V for weights of
   type T (f32, bf16, f16), which keep a tile's sums in registers: per row one half register each
   for w and v, updated by one broadcast of the row's term and two FMAs per step of k on the
   panel row's weights, widened exactly. The gate's sums leave the registers through a small
   local array into geglu__gelu_mul_f32_V. Each ISA section provides, before it instantiates it
   (and after GEGLU__GELU_VECTOR(V)):
     GEGLU__ROWS_V, GEGLU__WIDTH_V      tile rows, and columns per half of a panel
     GEGLU__EACH_ROW_V(X, V)            X(V, r) for r = 0 .. GEGLU__ROWS_V - 1
     geglu__half_V                      GEGLU__WIDTH_V floats in registers
     geglu__half_{zero,load,store,add}_V, geglu__half_fmadd_V(x, w, acc) = x w + acc, rounded once
     geglu__half_widen_T_V(p)           GEGLU__WIDTH_V weights of type T at p, as floats
     geglu__broadcast_V, geglu__broadcast_load_V(p)   *p in every lane */
#define GEGLU__TILE_START(V, r)                                                                  \
    const float *a##r = geglu__advance(t->a, ((r) < last ? (r) : last) * t->lda);                \
    geglu__half_##V w##r = geglu__half_zero_##V(), v##r = geglu__half_zero_##V();                \
    if (t->accumulate && (r) < rows) {                                                           \
        w##r = geglu__half_load_##V(out + (r) * ldo);                                            \
        v##r = geglu__half_load_##V(out + (r) * ldo + GEGLU__WIDTH_##V);                         \
    }
#define GEGLU__TILE_FMA(V, r, x)                                                                 \
    w##r = geglu__half_fmadd_##V(x, panel_w, w##r);                                              \
    v##r = geglu__half_fmadd_##V(x, panel_v, v##r);
#define GEGLU__TILE_STEP(V, r)                                                                   \
    if ((r) < height) {                                                                          \
        const geglu__broadcast_##V x = geglu__broadcast_load_##V(a##r + k);                      \
        GEGLU__TILE_FMA(V, r, x)                                                                 \
    }
#define GEGLU__TILE_STEP_TILED(V, r)                                                             \
    if ((r) < height) {                                                                          \
        const geglu__broadcast_##V x = geglu__broadcast_load_##V(tiled + (r));                   \
        GEGLU__TILE_FMA(V, r, x)                                                                 \
    }
#define GEGLU__TILE_ADD_ZERO(V, r)                                                               \
    w##r = geglu__half_add_##V(w##r, geglu__half_zero_##V());                                    \
    v##r = geglu__half_add_##V(v##r, geglu__half_zero_##V());
/* With bf16 products on a left operand rounded already: term `term` of row r as it is. */
#define GEGLU__TILE_STEP_TERM(V, r)                                                              \
    if ((r) < height) {                                                                          \
        const geglu__broadcast_##V x = geglu__broadcast_load_##V(a##r + term);                   \
        GEGLU__TILE_FMA(V, r, x)                                                                 \
    }
#define GEGLU__TILE_STEP_TILED_TERM(V, r)                                                        \
    if ((r) < height) {                                                                          \
        const geglu__broadcast_##V x = geglu__broadcast_load_##V(tiled + term * GEGLU__ROWS_##V + (r)); \
        GEGLU__TILE_FMA(V, r, x)                                                                 \
    }
/* With bf16 products on floats not rounded yet (the gate alone, the parts): the microkernels
   round each row GEGLU__PAIR_CHUNK pairs of terms at a time by the path's vector converters into
   a local array, from term chunk_begin on, and take term `term` of row r from there. */
#define GEGLU__PAIR_CHUNK 32
#define GEGLU__ROUND_CHUNK(V, r)                                                                 \
    if ((r) < height) {                                                                          \
        const size_t terms = geglu__min(2 * GEGLU__PAIR_CHUNK, t->depth - chunk_begin);          \
        geglu__f32_to_bf16_##V(halves, a##r + chunk_begin, terms);                               \
        geglu__bf16_to_f32_##V(rounded[r], halves, terms);                                       \
    }
#define GEGLU__TILE_STEP_CHUNK(V, r)                                                             \
    if ((r) < height) {                                                                          \
        const geglu__broadcast_##V x = geglu__broadcast_load_##V(&rounded[r][term - chunk_begin]); \
        GEGLU__TILE_FMA(V, r, x)                                                                 \
    }
#define GEGLU__ROUNDED_CHUNK_DECLARE(V)                                                          \
    float rounded[GEGLU__ROWS_##V][2 * GEGLU__PAIR_CHUNK];                                       \
    uint16_t halves[2 * GEGLU__PAIR_CHUNK];                                                      \
    size_t chunk_begin;
/* One term of every row with bf16 products, at w + offset and v + offset. */
#define GEGLU__TILE_TERM(V, T, offset, STEP)                                                     \
    {                                                                                            \
        const geglu__half_##V panel_w = geglu__half_widen_##T##_##V(w + (offset));               \
        const geglu__half_##V panel_v = geglu__half_widen_##T##_##V(v + (offset));               \
        GEGLU__EACH_ROW_##V(STEP, V)                                                             \
    }
/* The terms of every row in the bf16 products' order, each step by STEP: k + 1, then k, from
   k up to `end`; then an odd last term after +0. */
#define GEGLU__TILE_PAIRS_UNTIL(V, T, STEP, end)                                                 \
    for (; k + 1 < (end); k += 2, w += 2 * step, v += 2 * step) {                                \
        GEGLU__PREFETCH_PANEL(w, sizeof *w * 2 * step);                                          \
        term = k + 1;                                                                            \
        GEGLU__TILE_TERM(V, T, step, STEP)                                                       \
        term = k;                                                                                \
        GEGLU__TILE_TERM(V, T, 0, STEP)                                                          \
    }
#define GEGLU__TILE_ODD_LAST(V, T, STEP)                                                         \
    if (k < t->depth) {                                                                          \
        GEGLU__EACH_ROW_##V(GEGLU__TILE_ADD_ZERO, V)                                             \
        term = k;                                                                                \
        GEGLU__TILE_TERM(V, T, 0, STEP)                                                          \
    }
#define GEGLU__TILE_PAIR_ORDER(V, T, STEP)                                                       \
    k = 0;                                                                                       \
    GEGLU__TILE_PAIRS_UNTIL(V, T, STEP, t->depth)                                                \
    GEGLU__TILE_ODD_LAST(V, T, STEP)
#define GEGLU__TILE_FINISH(V, r)                                                                 \
    if ((r) < rows) {                                                                            \
        if (p->bias_w) w##r = geglu__half_add_##V(w##r, bias_w);                                 \
        if (p->bias_v) v##r = geglu__half_add_##V(v##r, bias_v);                                 \
        geglu__half_store_##V(sums + (r) * ld_sums, w##r);                                       \
        geglu__half_store_##V(sums + (r) * ld_sums + v_offset, v##r);                            \
    }
/* A few rows stream their panels from memory, and the hardware prefetchers alone keep too few
   of its lines in flight: each step asks for the panel row GEGLU__PANEL_AHEAD bytes further on
   (docs/PERFORMANCE.md, "Decoding"). More rows read their panel from cache once the first tile
   has brought it there, so the last tiles of a panel bring the next one to L2 instead
   (t->ahead), and its first tile does not wait for memory. Through an integer, as the address
   may lie past the end. */
#define GEGLU__PANEL_AHEAD 8192
#define GEGLU__PREFETCH_PANEL(p, row_bytes)                                                      \
    do {                                                                                         \
        if (stream) {                                                                            \
            GEGLU__PREFETCH((const void *)((uintptr_t)(p) + GEGLU__PANEL_AHEAD), 0);             \
            if ((row_bytes) > 64)                                                                \
                GEGLU__PREFETCH((const void *)((uintptr_t)(p) + GEGLU__PANEL_AHEAD + 64), 0);    \
        } else if (ahead) {                                                                      \
            GEGLU__PREFETCH_L2((const void *)((uintptr_t)(p) + ahead));                          \
        }                                                                                        \
    } while (0)
/* The rows a microkernel of `full` rows computes for a tile of `rows`: rows from t->rows up to
   that height repeat the last row and are dropped, so a short tile costs time, never a branch
   in the loop. */
static size_t geglu__kernel_height(size_t rows, size_t full) {
    if (rows == 1) return 1; /* see GEGLU__DECODE_ROWS */
    if (rows <= full / 3) return full / 3;
    if (rows <= full / 3 * 2) return full / 3 * 2;
    return full;
}
#define GEGLU__TILE_HEIGHTS(kernel, full, gate)                                                  \
    switch (geglu__kernel_height(t->rows, full)) {                                               \
    case 1: kernel(p, t, gate, 1); break;                                                        \
    case (full) / 3: kernel(p, t, gate, (full) / 3); break;                                      \
    case (full) / 3 * 2: kernel(p, t, gate, (full) / 3 * 2); break;                              \
    default: kernel(p, t, gate, full); break;                                                    \
    }

/* The declarations every microkernel starts with: its sums (per row r, w##r and v##r, started),
   the panel's halves w and v of element type T, and where the sums go at the end. */
#define GEGLU__TILE_PROLOGUE(V, T)                                                               \
    const size_t rows = t->rows, last = rows - 1, step = p->k_step, ldo = t->ldo;                \
    const geglu__element_##T *w = (const geglu__element_##T *)p->w;                              \
    const geglu__element_##T *v = (const geglu__element_##T *)p->v;                              \
    float *out = t->out;                                                                         \
    /* the gate's sums, w rows then v rows, for GELU(w) * v (zeroed: rows past t->rows are not  \
       written, and a compiler cannot see that they are not read either) */                     \
    float local[2 * GEGLU__ROWS_##V * GEGLU__WIDTH_##V] = {0};                                   \
    float *sums = gate ? local : out;                                                            \
    const size_t ld_sums = gate ? GEGLU__WIDTH_##V : ldo;                                        \
    const size_t v_offset = gate ? GEGLU__ROWS_##V * GEGLU__WIDTH_##V : GEGLU__WIDTH_##V;        \
    geglu__half_##V bias_w = geglu__half_zero_##V(), bias_v = geglu__half_zero_##V();            \
    const size_t ahead = t->ahead;                                                               \
    size_t k, r;                                                                                 \
    GEGLU__EACH_ROW_##V(GEGLU__TILE_START, V)

/* The biases, then the sums to out: the gate's through GELU(w sum) * (v sum). */
#define GEGLU__TILE_EPILOGUE(V)                                                                  \
    if (p->bias_w) bias_w = geglu__half_load_##V(p->bias_w);                                     \
    if (p->bias_v) bias_v = geglu__half_load_##V(p->bias_v);                                     \
    GEGLU__EACH_ROW_##V(GEGLU__TILE_FINISH, V)                                                   \
    if (gate) {                                                                                  \
        geglu__gelu_mul_f32_##V(local, local, local + v_offset, rows * GEGLU__WIDTH_##V, t->gelu); \
        for (r = 0; r < rows; r++)                                                               \
            geglu__half_store_##V(out + r * ldo, geglu__half_load_##V(local + r * GEGLU__WIDTH_##V)); \
    }

#define GEGLU__TILE_VECTOR(V, T)                                                                 \
    /* geglu__run_tile's local tile holds the largest geometry: refuse to compile a larger one */ \
    typedef char geglu__geometry_fits_##T##_##V[GEGLU__ROWS_##V <= GEGLU__MAX_TILE_ROWS &&       \
                                                GEGLU__WIDTH_##V <= GEGLU__MAX_WIDTH ? 1 : -1];  \
    GEGLU__INLINE void geglu__tile_##T##_##V(const geglu__panel *p, const geglu__tile *t,        \
                                             int gate, size_t height) {                          \
        GEGLU__TILE_PROLOGUE(V, T)                                                               \
        const int stream = height <= GEGLU__DECODE_ROWS && step == 2 * GEGLU__WIDTH_##V;         \
        size_t term;                                                                             \
        if (GEGLU__BF16_PRODUCTS_##T && t->bf16_products && !t->a_rounded) {                     \
            GEGLU__ROUNDED_CHUNK_DECLARE(V)                                                      \
            for (k = 0, chunk_begin = 0; chunk_begin < t->depth; chunk_begin += 2 * GEGLU__PAIR_CHUNK) { \
                GEGLU__EACH_ROW_##V(GEGLU__ROUND_CHUNK, V)                                       \
                GEGLU__TILE_PAIRS_UNTIL(V, T, GEGLU__TILE_STEP_CHUNK,                            \
                                        geglu__min(chunk_begin + 2 * GEGLU__PAIR_CHUNK, t->depth)) \
            }                                                                                    \
            chunk_begin -= 2 * GEGLU__PAIR_CHUNK; /* the last chunk's, for an odd last term */  \
            GEGLU__TILE_ODD_LAST(V, T, GEGLU__TILE_STEP_CHUNK)                                   \
        } else if (t->bf16_products && t->a_tiled) {                                             \
            const float *tiled = t->a_tiled;                                                     \
            GEGLU__TILE_PAIR_ORDER(V, T, GEGLU__TILE_STEP_TILED_TERM)                            \
        } else if (t->bf16_products) {                                                           \
            GEGLU__TILE_PAIR_ORDER(V, T, GEGLU__TILE_STEP_TERM)                                  \
        } else if (t->a_tiled) {                                                                 \
            const float *tiled = t->a_tiled;                                                     \
            for (k = 0; k < t->depth; k++, w += step, v += step, tiled += GEGLU__ROWS_##V) {     \
                const geglu__half_##V panel_w = geglu__half_widen_##T##_##V(w);                  \
                const geglu__half_##V panel_v = geglu__half_widen_##T##_##V(v);                  \
                GEGLU__PREFETCH_PANEL(w, sizeof *w * step);                                      \
                GEGLU__EACH_ROW_##V(GEGLU__TILE_STEP_TILED, V)                                   \
            }                                                                                    \
        } else {                                                                                 \
            for (k = 0; k < t->depth; k++, w += step, v += step) {                               \
                const geglu__half_##V panel_w = geglu__half_widen_##T##_##V(w);                  \
                GEGLU__PREFETCH_PANEL(w, sizeof *w * step);                                      \
                const geglu__half_##V panel_v = geglu__half_widen_##T##_##V(v);                  \
                GEGLU__EACH_ROW_##V(GEGLU__TILE_STEP, V)                                         \
            }                                                                                    \
        }                                                                                        \
        GEGLU__TILE_EPILOGUE(V)                                                                  \
    }                                                                                            \
                                                                                                 \
    GEGLU__PRIVATE void geglu__gate_tile_##T##_##V(const geglu__panel *p, const geglu__tile *t) { \
        GEGLU__TILE_HEIGHTS(geglu__tile_##T##_##V, GEGLU__ROWS_##V, 1)                            \
    }                                                                                            \
                                                                                                 \
    GEGLU__PRIVATE void geglu__down_tile_##T##_##V(const geglu__panel *p, const geglu__tile *t) { \
        GEGLU__TILE_HEIGHTS(geglu__tile_##T##_##V, GEGLU__ROWS_##V, 0)                            \
    }                                                                                            \
    GEGLU__STREAM_ROWS_VECTOR(V, T)                                                              \
    GEGLU__GATHER_COLUMNS_VECTOR(V, T)

/* The vector gather_columns microkernel (see geglu__gather_columns_portable): a square of
   width columns by width terms at a time, loaded a column at a time and transposed in
   registers (geglu__half_transpose_V); each load asks for the line of its column a chunk of
   f32 terms further on (GEGLU__GATHER_DEPTH; two for 16-bit weights). */
#define GEGLU__GATHER_AHEAD 256 /* bytes */
#define GEGLU__GATHER_LOAD(V, T, c)                                                              \
    square[c] = geglu__half_widen_##T##_##V(from + (c) * step + k);                              \
    GEGLU__PREFETCH((const void *)((uintptr_t)(from + (c) * step + k) + GEGLU__GATHER_AHEAD), 0);
#define GEGLU__GATHER_STORE(V, T, c) geglu__half_store_##V(to + (k + (c)) * ld_to, square[c]);
#define GEGLU__GATHER_COLUMNS_VECTOR(V, T)                                                       \
    GEGLU__PRIVATE void geglu__gather_columns_##T##_##V(float *to, size_t ld_to,                 \
                                                        const void *matrix, size_t step,         \
                                                        size_t terms) {                          \
        const geglu__element_##T *from = (const geglu__element_##T *)matrix;                      \
        geglu__half_##V square[GEGLU__WIDTH_##V];                                                \
        size_t k;                                                                                \
        for (k = 0; k + GEGLU__WIDTH_##V <= terms; k += GEGLU__WIDTH_##V) {                      \
            GEGLU__EACH_COLUMN_##V(GEGLU__GATHER_LOAD, V, T)                                           \
            geglu__half_transpose_##V(square);                                                   \
            GEGLU__EACH_COLUMN_##V(GEGLU__GATHER_STORE, V, T)                                          \
        }                                                                                        \
    }

/* The vector stream_rows microkernel (see geglu__stream_rows_portable): a pass takes 8 rows of
   the matrix for more than two rows of the tile, else 4 (terms term0, term1, ... of the tile's
   rows; then 2 and 1 at the end), each read once across all n columns (a multiple of the width)
   for every row of the tile, whose sums wait in out meanwhile. Each pass asks for the lines
   GEGLU__STREAM_AHEAD passes further on, as the hardware prefetchers do not follow rows this
   short. */
#define GEGLU__STREAM_AHEAD 1
#define GEGLU__STREAM_TERMS_8(X, V, T) GEGLU__STREAM_TERMS_4(X, V, T) X(V, T, 4) X(V, T, 5) X(V, T, 6) X(V, T, 7)
#define GEGLU__STREAM_TERMS_4(X, V, T) X(V, T, 0) X(V, T, 1) X(V, T, 2) X(V, T, 3)
#define GEGLU__STREAM_TERMS_2(X, V, T) X(V, T, 0) X(V, T, 1)
#define GEGLU__STREAM_TERMS_1(X, V, T) X(V, T, 0)
#define GEGLU__STREAM_LOAD(V, T, i)                                                              \
    const geglu__half_##V panel##i = geglu__half_widen_##T##_##V(w + term##i * step + c);        \
    GEGLU__PREFETCH((const void *)((uintptr_t)(w + term##i * step + c) + ahead), 0);
#define GEGLU__STREAM_FMA(V, T, i)                                                               \
    sum = geglu__half_fmadd_##V(geglu__broadcast_load_##V(&terms[r][term##i]), panel##i, sum);
#define GEGLU__STREAM_PASS(V, T, count)                                                          \
    for (c = 0; c < n; c += GEGLU__WIDTH_##V) {                                                  \
        GEGLU__STREAM_TERMS_##count(GEGLU__STREAM_LOAD, V, T)                                    \
        for (r = 0; r < rows; r++) {                                                             \
            float *o = out + r * ldo + c;                                                        \
            geglu__half_##V sum = geglu__half_load_##V(o);                                       \
            if (zero_first) sum = geglu__half_add_##V(sum, geglu__half_zero_##V());              \
            GEGLU__STREAM_TERMS_##count(GEGLU__STREAM_FMA, V, T)                                 \
            geglu__half_store_##V(o, sum);                                                       \
        }                                                                                        \
    }
#define GEGLU__STREAM_ROWS_VECTOR(V, T)                                                          \
    GEGLU__PRIVATE void geglu__stream_rows_##T##_##V(const void *matrix, size_t step,            \
                                                     const geglu__tile *t, size_t n) {           \
        const geglu__element_##T *w = (const geglu__element_##T *)matrix;                         \
        const size_t rows = t->rows, depth = t->depth, ldo = t->ldo;                             \
        const int pairs = t->bf16_products; /* bf16 products take k + 1 before k */             \
        float *const out = t->out;                                                               \
        float rounded[GEGLU__DECODE_ROWS][GEGLU__STREAM_DEPTH];                                  \
        const float *terms[GEGLU__DECODE_ROWS];                                                  \
        size_t term0, term1, term2, term3, term4, term5, term6, term7, r, k, c;                  \
        int zero_first = 0;                                                                      \
        uintptr_t ahead = (uintptr_t)(8 * GEGLU__STREAM_AHEAD * step * sizeof *w);               \
        geglu__stream_terms(t, rounded, terms);                                                  \
        for (r = 0; r < rows && !t->accumulate; r++)                                             \
            for (c = 0; c < n; c += GEGLU__WIDTH_##V)                                            \
                geglu__half_store_##V(out + r * ldo + c, geglu__half_zero_##V());                \
        for (k = 0; rows > 2 && k + 7 < depth; k += 8) {                                         \
            term0 = pairs ? k + 1 : k;                                                           \
            term1 = term0 ^ 1;                                                                   \
            term2 = term0 + 2;                                                                   \
            term3 = term1 + 2;                                                                   \
            term4 = term0 + 4;                                                                   \
            term5 = term1 + 4;                                                                   \
            term6 = term0 + 6;                                                                   \
            term7 = term1 + 6;                                                                   \
            GEGLU__STREAM_PASS(V, T, 8)                                                          \
        }                                                                                        \
        ahead /= 2;                                                                              \
        for (; k + 3 < depth; k += 4) {                                                          \
            term0 = pairs ? k + 1 : k;                                                           \
            term1 = term0 ^ 1;                                                                   \
            term2 = term0 + 2;                                                                   \
            term3 = term1 + 2;                                                                   \
            GEGLU__STREAM_PASS(V, T, 4)                                                          \
        }                                                                                        \
        ahead = 0;                                                                               \
        if (k + 1 < depth) {                                                                     \
            term0 = pairs ? k + 1 : k;                                                           \
            term1 = term0 ^ 1;                                                                   \
            GEGLU__STREAM_PASS(V, T, 2)                                                          \
            k += 2;                                                                              \
        }                                                                                        \
        if (k < depth) { /* an odd last term, after +0 with bf16 products */                     \
            term0 = k;                                                                           \
            zero_first = pairs;                                                                  \
            GEGLU__STREAM_PASS(V, T, 1)                                                          \
        }                                                                                        \
    }

/* ---- portable core: the microkernels for pair panels ------------------------------------------
   GEGLU__PAIR_TILE_VECTOR(V) defines geglu__gate_pair_tile_V and geglu__down_pair_tile_V, the
   FMA microkernels of GEGLU__TILE_VECTOR(V, bf16) for pair panels: a pair of bf16 panel rows is
   one load per half, widened by one shift (row k) or one mask (row k + 1) instead of a widening
   load and a shift per row. Same sums, same order (k, k + 1; with bf16 products k + 1, k). Each
   vector path provides geglu__half_even_V(p) and geglu__half_odd_V(p): the low and the high
   bf16 of the GEGLU__WIDTH_V pairs at p, as floats. */
#define GEGLU__PARITY_even 0
#define GEGLU__PARITY_odd 1
#define GEGLU__PAIR_TERM(V, parity, STEP)                                                        \
    {                                                                                            \
        const geglu__half_##V panel_w = geglu__half_##parity##_##V(w);                           \
        const geglu__half_##V panel_v = geglu__half_##parity##_##V(v);                           \
        term = 2 * q + GEGLU__PARITY_##parity;                                                   \
        GEGLU__EACH_ROW_##V(STEP, V)                                                             \
    }
/* Every pair, FIRST row then SECOND; an odd last row (after +0 with bf16 products). */
#define GEGLU__PAIR_LOOP(V, FIRST, SECOND, STEP)                                                 \
    for (q = 0; q < t->depth / 2; q++, w += step, v += step) {                                  \
        GEGLU__PREFETCH_PANEL(w, sizeof *w * step);                                              \
        GEGLU__PAIR_TERM(V, FIRST, STEP)                                                         \
        GEGLU__PAIR_TERM(V, SECOND, STEP)                                                        \
    }                                                                                            \
    if (t->depth % 2) {                                                                          \
        if (t->bf16_products) { GEGLU__EACH_ROW_##V(GEGLU__TILE_ADD_ZERO, V) }                   \
        GEGLU__PAIR_TERM(V, even, STEP)                                                          \
    }
#define GEGLU__PAIR_TILE_VECTOR(V)                                                               \
    GEGLU__INLINE void geglu__pair_tile_##V(const geglu__panel *p, const geglu__tile *t,         \
                                            int gate, size_t height) {                           \
        GEGLU__TILE_PROLOGUE(V, bf16)                                                            \
        const int stream = height <= GEGLU__DECODE_ROWS;                                         \
        const float *tiled = t->a_tiled;                                                         \
        size_t q, term;                                                                          \
        if (!t->bf16_products && tiled) {                                                        \
            GEGLU__PAIR_LOOP(V, even, odd, GEGLU__TILE_STEP_TILED_TERM)                          \
        } else if (!t->bf16_products) {                                                          \
            GEGLU__PAIR_LOOP(V, even, odd, GEGLU__TILE_STEP_TERM)                                \
        } else if (t->a_rounded && tiled) {                                                      \
            GEGLU__PAIR_LOOP(V, odd, even, GEGLU__TILE_STEP_TILED_TERM)                          \
        } else if (t->a_rounded) {                                                               \
            GEGLU__PAIR_LOOP(V, odd, even, GEGLU__TILE_STEP_TERM)                                \
        } else {                                                                                 \
            GEGLU__ROUNDED_CHUNK_DECLARE(V)                                                      \
            for (q = 0, chunk_begin = 0; chunk_begin < t->depth; chunk_begin += 2 * GEGLU__PAIR_CHUNK) { \
                const size_t q_end = geglu__min(chunk_begin + 2 * GEGLU__PAIR_CHUNK, t->depth) / 2; \
                GEGLU__EACH_ROW_##V(GEGLU__ROUND_CHUNK, V)                                       \
                for (; q < q_end; q++, w += step, v += step) {                                   \
                    GEGLU__PREFETCH_PANEL(w, sizeof *w * step);                                  \
                    GEGLU__PAIR_TERM(V, odd, GEGLU__TILE_STEP_CHUNK)                             \
                    GEGLU__PAIR_TERM(V, even, GEGLU__TILE_STEP_CHUNK)                            \
                }                                                                                \
            }                                                                                    \
            if (t->depth % 2) {                                                                  \
                chunk_begin -= 2 * GEGLU__PAIR_CHUNK; /* the last chunk's */                     \
                GEGLU__EACH_ROW_##V(GEGLU__TILE_ADD_ZERO, V)                                     \
                GEGLU__PAIR_TERM(V, even, GEGLU__TILE_STEP_CHUNK)                                \
            }                                                                                    \
        }                                                                                        \
        (void)k;                                                                                 \
        GEGLU__TILE_EPILOGUE(V)                                                                  \
    }                                                                                            \
                                                                                                 \
    GEGLU__PRIVATE void geglu__gate_pair_tile_##V(const geglu__panel *p, const geglu__tile *t) { \
        GEGLU__TILE_HEIGHTS(geglu__pair_tile_##V, GEGLU__ROWS_##V, 1)                             \
    }                                                                                            \
                                                                                                 \
    GEGLU__PRIVATE void geglu__down_pair_tile_##V(const geglu__panel *p, const geglu__tile *t) { \
        GEGLU__TILE_HEIGHTS(geglu__pair_tile_##V, GEGLU__ROWS_##V, 0)                             \
    }

/* ---- portable core: the dot-product microkernels, for paths with bf16 dot products -----------------
   GEGLU__DOT_TILE_VECTOR(V) defines geglu__gate_dot_tile_V and geglu__down_dot_tile_V for
   pair panels: per step a pair of panel rows, one broadcast of the row's pair of bf16 terms and
   two dot products (acc + w_odd x_odd, then + w_even x_even, rounded after each: the contract's
   order with bf16 products). The left operand comes paired and tiled (t->a_pairs), or as floats
   (the gate alone, the parts), rounded by the path's vector converter GEGLU__PAIR_CHUNK pairs
   of each row at a time into a local array. Besides the operations of
   GEGLU__TILE_VECTOR, a path with dot products provides:
     geglu__pairs_V                     a register of GEGLU__WIDTH_V pairs of bf16 values
     geglu__pairs_load_V(p), geglu__pairs_broadcast_V(pair)
     geglu__half_dot_V(acc, w, x)       acc + w_odd x_odd + w_even x_even, per lane, as above */
#define GEGLU__DOT_PRODUCTS(V, r, x)                                                                 \
    w##r = geglu__half_dot_##V(w##r, panel_w, x);                                                \
    v##r = geglu__half_dot_##V(v##r, panel_v, x);
/* Terms 2 k0 ... of row r rounded to bf16 into chunk[r], a missing last term as +0. */
#define GEGLU__DOT_CONVERT(V, r)                                                                \
    if ((r) < height) {                                                                          \
        const size_t terms = geglu__min(2 * GEGLU__PAIR_CHUNK, t->depth - 2 * k0);               \
        geglu__f32_to_bf16_##V(chunk[r], a##r + 2 * k0, terms);                                  \
        chunk[r][terms] = 0;                                                                     \
    }
#define GEGLU__DOT_STEP(V, r)                                                                   \
    if ((r) < height) {                                                                          \
        uint32_t pair; /* terms 2 k and 2 k + 1 of the chunk, the first in the low half */       \
        memcpy(&pair, &chunk[r][2 * k], sizeof pair);                                            \
        {                                                                                        \
            const geglu__pairs_##V x = geglu__pairs_broadcast_##V(pair);                         \
            GEGLU__DOT_PRODUCTS(V, r, x)                                                         \
        }                                                                                        \
    }
#define GEGLU__DOT_STEP_TILED(V, r)                                                             \
    if ((r) < height) {                                                                          \
        const geglu__pairs_##V x = geglu__pairs_broadcast_##V(tiled[r]);                         \
        GEGLU__DOT_PRODUCTS(V, r, x)                                                                 \
    }
#define GEGLU__DOT_TILE_VECTOR(V)                                                               \
    GEGLU__INLINE void geglu__dot_tile_##V(const geglu__panel *p, const geglu__tile *t,         \
                                            int gate, size_t height) {                           \
        GEGLU__TILE_PROLOGUE(V, bf16)                                                            \
        const size_t pairs = (t->depth + 1) / 2;                                                 \
        if (t->a_pairs) {                                                                        \
            const uint32_t *tiled = t->a_pairs;                                                  \
            const int stream = height <= GEGLU__DECODE_ROWS;                                     \
            for (k = 0; k < pairs; k++, w += step, v += step, tiled += t->tile_rows) {           \
                const geglu__pairs_##V panel_w = geglu__pairs_load_##V(w);                       \
                const geglu__pairs_##V panel_v = geglu__pairs_load_##V(v);                       \
                GEGLU__PREFETCH_PANEL(w, sizeof *w * step);                                      \
                GEGLU__EACH_ROW_##V(GEGLU__DOT_STEP_TILED, V)                                   \
            }                                                                                    \
        } else {                                                                                 \
            uint16_t chunk[GEGLU__ROWS_##V][2 * GEGLU__PAIR_CHUNK + 2];                          \
            const int stream = height <= GEGLU__DECODE_ROWS;                                     \
            size_t k0;                                                                           \
            for (k0 = 0; k0 < pairs; k0 += GEGLU__PAIR_CHUNK) {                                  \
                const size_t n = geglu__min(GEGLU__PAIR_CHUNK, pairs - k0);                      \
                GEGLU__EACH_ROW_##V(GEGLU__DOT_CONVERT, V)                                      \
                for (k = 0; k < n; k++, w += step, v += step) {                                  \
                    const geglu__pairs_##V panel_w = geglu__pairs_load_##V(w);                   \
                    const geglu__pairs_##V panel_v = geglu__pairs_load_##V(v);                   \
                    GEGLU__PREFETCH_PANEL(w, sizeof *w * step);                                  \
                    GEGLU__EACH_ROW_##V(GEGLU__DOT_STEP, V)                                     \
                }                                                                                \
            }                                                                                    \
        }                                                                                        \
        GEGLU__TILE_EPILOGUE(V)                                                                  \
    }                                                                                            \
                                                                                                 \
    GEGLU__PRIVATE void geglu__gate_dot_tile_##V(const geglu__panel *p, const geglu__tile *t) { \
        GEGLU__TILE_HEIGHTS(geglu__dot_tile_##V, GEGLU__ROWS_##V, 1)                             \
    }                                                                                            \
                                                                                                 \
    GEGLU__PRIVATE void geglu__down_dot_tile_##V(const geglu__panel *p, const geglu__tile *t) { \
        GEGLU__TILE_HEIGHTS(geglu__dot_tile_##V, GEGLU__ROWS_##V, 0)                             \
    }

/* ---- portable core: packed layers ------------------------------------------------------------ */
/* A packed layer, at the first 64-byte boundary of the caller's buffer, then its arrays, each
   starting on a 64-byte boundary, all zero-padded to whole panels (width: the path's columns per
   half of a panel; weights of the layer's type, biases float):
     gate   for each group of width columns of d_ff: d_model rows of [W columns | V columns]
     gbias  for each such group: [b columns | c columns]
     down   for each block of GEGLU__HIDDEN_BLOCK rows of d_ff, for each group of 2 x width
            columns of d_model: the block's rows of those W2 columns
     b2     d_model entries
   The geometry depends on the path, so a layer packed by one path is refused, not misread, by
   another. */
#define GEGLU__PACKED_MAGIC 0x554c4747u /* "GGLU" */
#define GEGLU__ALIGN 64
#define GEGLU__HIDDEN_BLOCK 512 /* rows of d_ff per block of the FFN: H stays in cache */
#define GEGLU__TOKEN_BLOCK 256  /* tokens per block: the weights are reused across them */

struct geglu_packed_f32 {
    uint32_t magic, panel_width, hidden_block, tile_rows;
    size_t d_model, d_ff, bytes;
    size_t gate, gbias, down, b2; /* offsets, in bytes from the start of the struct */
    geglu_gelu gelu;
    geglu_dtype weight_type;
    geglu_precision precision;
    int pairs; /* pair panels (see geglu__panel), for the path's bf16 dot products */
    int has_b, has_c, has_b2;
};

static size_t geglu__round_up(size_t n, size_t multiple) {
    return (n + multiple - 1) / multiple * multiple;
}

#define GEGLU__HEADER_BYTES \
    ((sizeof(struct geglu_packed_f32) + GEGLU__ALIGN - 1) / GEGLU__ALIGN * GEGLU__ALIGN)

/* Offsets of the packed arrays for these sizes, panel width, bytes per weight and panels (pair
   panels have an even number of rows); 0 when the total overflows size_t. */
static int geglu__packed_layout(size_t d_model, size_t d_ff, size_t width, size_t weight_size,
                                int pairs, struct geglu_packed_f32 *p) {
    const size_t limit = SIZE_MAX / 8, full = 2 * width;
    size_t gate_groups, down_groups, gate, down;
    if (d_model > limit || d_ff > limit) return 0;
    gate_groups = geglu__round_up(d_ff, width) / width;
    down_groups = geglu__round_up(d_model, full) / full;
    if (!geglu__mul_size(gate_groups * full, geglu__round_up(d_model, pairs ? 2 : 1), &gate) ||
        !geglu__mul_size(down_groups * full, geglu__round_up(d_ff, pairs ? 2 : 1), &down) ||
        gate > limit / 4 || down > limit / 4)
        return 0;
    /* no overflow below: each term is below SIZE_MAX / 8 */
    p->gate = GEGLU__HEADER_BYTES;
    p->gbias = p->gate + geglu__round_up(gate * weight_size, GEGLU__ALIGN);
    p->down = p->gbias + geglu__round_up(gate_groups * full * sizeof(float), GEGLU__ALIGN);
    p->b2 = p->down + geglu__round_up(down * weight_size, GEGLU__ALIGN);
    p->bytes = p->b2 + geglu__round_up(down_groups * full * sizeof(float), GEGLU__ALIGN);
    return p->bytes <= limit;
}

static const void *geglu__packed_array(const geglu_packed_f32 *p, size_t offset) {
    return (const unsigned char *)(const void *)p + offset;
}

/* Where weight k of column c (c < 2 width: both halves) of a panel lies, from the panel's start:
   row after row, or in pair panels pair after pair, the two rows of a pair interleaved. */
static size_t geglu__panel_offset(size_t k, size_t c, size_t width, int pairs) {
    return pairs ? k / 2 * 4 * width + 2 * c + k % 2 : k * 2 * width + c;
}

/* Packing IN_OUT rows asks for the same columns this many rows further on: each row is read
   in a short run, which the hardware prefetchers do not follow from one row to the next. */
#define GEGLU__PACK_AHEAD 8

/* Copies a panel row of `bytes` bytes: the sizes of whole rows are constants, so that
   compilers make them a move or two instead of a call. */
static void geglu__copy_row(void *to, const void *from, size_t bytes) {
    switch (bytes) {
    case 128: memcpy(to, from, 128); break;
    case 64: memcpy(to, from, 64); break;
    case 32: memcpy(to, from, 32); break;
    case 16: memcpy(to, from, 16); break;
    default: memcpy(to, from, bytes); break;
    }
}

/* Terms [k, k + terms) of column c of the panel at `to`, from weights from, from + step, ...
   of `from_array`. Packing goes GEGLU__PACK_BLOCK terms of each column at a time, so that the
   panel rows it writes stay in L1 while every column passes through them; each weight is
   copied with a constant size, which compilers turn into one move. */
#define GEGLU__PACK_BLOCK 16
#define GEGLU__PACK_TERMS(SIZE)                                                                  \
    for (i = 0; i < terms; i++)                                                                  \
        memcpy(to + geglu__panel_offset(k + i, c, width, pairs) * (SIZE),                        \
               source + (from + i * step) * (SIZE), (SIZE));
static void geglu__pack_terms(unsigned char *to, size_t k, size_t c, size_t width, int pairs,
                              const void *from_array, size_t from, size_t step, size_t terms,
                              size_t size) {
    const unsigned char *source = (const unsigned char *)from_array;
    size_t i;
    if (size == 4) {
        GEGLU__PACK_TERMS(4)
    } else {
        GEGLU__PACK_TERMS(2)
    }
}

/* geglu__pack_terms from weights of `type` into panels of the same type, or of floats when
   `widened`. */
static void geglu__pack_into(unsigned char *to, size_t k, size_t c, size_t width, int pairs,
                             const void *from_array, size_t from, size_t step, size_t terms,
                             geglu_dtype type, int widened) {
    size_t i;
    if (!widened) {
        geglu__pack_terms(to, k, c, width, pairs, from_array, from, step, terms, geglu__dtype_size(type));
        return;
    }
    for (i = 0; i < terms; i++)
        ((float *)(void *)to)[geglu__panel_offset(k + i, c, width, 0)] =
            geglu__weight(from_array, from + i * step, type);
}

/* The gate panels of d_ff columns [j_begin, j_end) over the d_model rows [k_begin, k_begin +
   depth), and their biases, zero-padded, as the packed layout has them (there with all d_model
   rows): panel g at gate + g * 2 * width * (depth, even for pairs) weights, its biases at
   bias + g * 2 * width. IN_OUT rows are read whole, as they lie in memory. OUT_IN squares go
   through `gather` (the path's gather_columns for the weights' type) where the panels hold
   floats: f32 weights, or any weights `widened` (exactly) into float panels. */
static void geglu__pack_gate(const geglu_layer_f32 *layer, size_t width, size_t j_begin,
                             size_t j_end, size_t k_begin, size_t depth, int pairs,
                             geglu__gather_kernel gather, int widened, void *gate, float *bias) {
    const size_t stride = geglu__row_stride(layer, 0), full = 2 * width;
    const size_t panel = full * geglu__round_up(depth, pairs ? 2 : 1);
    const size_t size = widened ? sizeof(float) : geglu__dtype_size(layer->weight_type);
    const size_t in_size = geglu__dtype_size(layer->weight_type);
    unsigned char *to_gate = (unsigned char *)gate;
    size_t j, k, g;
    GEGLU__OMP(for schedule(static))
    for (j = j_begin; j < j_end; j += width) {
        size_t cols = geglu__min(width, j_end - j);
        float *b = bias + (j - j_begin) * 2;
        if (cols < width || pairs) memset(to_gate + (j - j_begin) / width * panel * size, 0, panel * size);
        for (g = 0; g < width; g++) {
            b[g] = g < cols && layer->b ? layer->b[j + g] : 0.0f;
            b[width + g] = g < cols && layer->c ? layer->c[j + g] : 0.0f;
        }
    }
    if (layer->layout == GEGLU_LAYOUT_IN_OUT && !pairs) {
        GEGLU__OMP(for schedule(static))
        for (k = 0; k < depth; k++)
            for (j = j_begin; j < j_end; j += width) {
                size_t cols = geglu__min(width, j_end - j), from = (k_begin + k) * stride + j;
                unsigned char *to = to_gate + ((j - j_begin) / width * panel + k * full) * size;
                const uintptr_t ahead = GEGLU__PACK_AHEAD * stride * size;
                GEGLU__PREFETCH((const void *)((uintptr_t)geglu__element_at(layer->w, from, size) + ahead),
                                0);
                GEGLU__PREFETCH((const void *)((uintptr_t)geglu__element_at(layer->v, from, size) + ahead),
                                0);
                geglu__copy_row(to, geglu__element_at(layer->w, from, size), cols * size);
                geglu__copy_row(to + width * size, geglu__element_at(layer->v, from, size), cols * size);
            }
    } else {
        const int in_out = layer->layout == GEGLU_LAYOUT_IN_OUT;
        const size_t step = in_out ? stride : 1;
        GEGLU__OMP(for schedule(static))
        for (j = j_begin; j < j_end; j += width) {
            unsigned char *to = to_gate + (j - j_begin) / width * panel * size;
            const size_t cols = geglu__min(width, j_end - j);
            k = 0;
            if (!in_out && !pairs && size == sizeof(float) && cols == width) {
                /* whole squares transposed in registers, the rest below */
                const size_t from = j * stride + k_begin;
                gather((float *)(void *)to, full, geglu__element_at(layer->w, from, in_size), stride, depth);
                gather((float *)(void *)to + width, full, geglu__element_at(layer->v, from, in_size), stride,
                       depth);
                k = depth / width * width;
            }
            for (; k < depth; k += GEGLU__PACK_BLOCK) {
                const size_t terms = geglu__min(GEGLU__PACK_BLOCK, depth - k), term = k_begin + k;
                for (g = 0; g < cols; g++) {
                    const size_t from = in_out ? term * stride + j + g : (j + g) * stride + term;
                    geglu__pack_into(to, k, g, width, pairs, layer->w, from, step, terms,
                                     layer->weight_type, widened);
                    geglu__pack_into(to, k, width + g, width, pairs, layer->v, from, step, terms,
                                     layer->weight_type, widened);
                }
            }
        }
    }
}

/* The W2 panels of the d_ff block [k0, k0 + depth) and d_model columns [j_begin, j_end) (j_begin
   a multiple of 2 x width), as the packed layout has them: the panel of columns [j, j + 2 x width)
   at down + (j - j_begin) * (depth, even for pairs) weights, zero-padded. */
static void geglu__pack_down(const geglu_layer_f32 *layer, size_t width, size_t k0, size_t depth,
                             size_t j_begin, size_t j_end, int pairs, geglu__gather_kernel gather,
                             int widened, void *down) {
    const size_t stride = geglu__row_stride(layer, 1), full = 2 * width;
    const size_t in_size = geglu__dtype_size(layer->weight_type);
    const size_t padded = geglu__round_up(j_end, full), size = widened ? sizeof(float) : in_size;
    const size_t rows = geglu__round_up(depth, pairs ? 2 : 1);
    unsigned char *to_down = (unsigned char *)down;
    size_t j, k;
    if (layer->layout == GEGLU_LAYOUT_IN_OUT && !pairs) {
        GEGLU__OMP(for schedule(static))
        for (k = 0; k < depth; k++)
            for (j = j_begin; j < j_end; j += full) {
                size_t cols = geglu__min(full, j_end - j);
                unsigned char *to = to_down + ((j - j_begin) * depth + k * full) * size;
                geglu__copy_row(to, geglu__element_at(layer->w2, (k0 + k) * stride + j, size), cols * size);
                memset(to + cols * size, 0, (full - cols) * size);
            }
    } else {
        const int in_out = layer->layout == GEGLU_LAYOUT_IN_OUT;
        GEGLU__OMP(for schedule(static))
        for (j = j_begin; j < padded; j += full) {
            unsigned char *to = to_down + (j - j_begin) * rows * size;
            const size_t cols = geglu__min(full, j_end - j);
            size_t c;
            if (cols < full || rows > depth) memset(to, 0, full * rows * size);
            k = 0;
            if (!in_out && !pairs && size == sizeof(float) && cols == full) {
                /* whole squares transposed in registers, the rest below */
                for (c = 0; c < full; c += width)
                    gather((float *)(void *)to + c, full,
                           geglu__element_at(layer->w2, (j + c) * stride + k0, in_size), stride, depth);
                k = depth / width * width;
            }
            for (; k < depth; k += GEGLU__PACK_BLOCK) {
                const size_t terms = geglu__min(GEGLU__PACK_BLOCK, depth - k);
                for (c = 0; c < cols; c++)
                    geglu__pack_into(to, k, c, width, pairs, layer->w2,
                                     in_out ? (k0 + k) * stride + j + c : (j + c) * stride + k0 + k,
                                     in_out ? stride : 1, terms, layer->weight_type, widened);
            }
        }
    }
}

#ifdef __cplusplus
}
#endif

/* ============================================================================================ */
/*                                   AVX2 + FMA (x86-64)                                        */
/* ============================================================================================ */
/* The operations the vector GELU template needs (GEGLU__GELU_VECTOR in the portable core), on
   groups of two 8-lane registers; tails through masked loads and stores. */
#if defined(GEGLU__AVX2)

#if GEGLU__ERF_F_ROWS != 10
#  error "geglu.h: the vector erf cores expect 10 table rows (c, c0, h0 .. h7)"
#endif

/* A group of two registers, 16 lanes (see "register groups" in the portable core): with 16
   registers, groups of four spill. */
typedef struct geglu__group_avx2 {
    __m256 v0, v1;
} geglu__group_avx2;
typedef struct geglu__index_avx2 {
    __m256i v0, v1;
} geglu__index_avx2;
#define GEGLU__EACH_AVX2(X, arg) X(0, arg) X(1, arg)
#define GEGLU__FN1_AVX2(name, op) GEGLU__GROUP_FN1(geglu__group_avx2, GEGLU__EACH_AVX2, name, op)
#define GEGLU__FN2_AVX2(name, op) GEGLU__GROUP_FN2(geglu__group_avx2, GEGLU__EACH_AVX2, name, op)
#define GEGLU__FN3_AVX2(name, op) GEGLU__GROUP_FN3(geglu__group_avx2, GEGLU__EACH_AVX2, name, op)
#define GEGLU__ABS_AVX2(x) _mm256_andnot_ps(_mm256_set1_ps(-0.0f), x)
GEGLU__FN1_AVX2(geglu__abs_avx2, GEGLU__ABS_AVX2)
GEGLU__FN2_AVX2(geglu__add_avx2, _mm256_add_ps)
GEGLU__FN2_AVX2(geglu__sub_avx2, _mm256_sub_ps)
GEGLU__FN2_AVX2(geglu__mul_avx2, _mm256_mul_ps)
GEGLU__FN2_AVX2(geglu__div_avx2, _mm256_div_ps)
GEGLU__FN2_AVX2(geglu__min_avx2, _mm256_min_ps)
GEGLU__FN2_AVX2(geglu__max_avx2, _mm256_max_ps)
GEGLU__FN3_AVX2(geglu__fmadd_avx2, _mm256_fmadd_ps)   /*   a b + c */
GEGLU__FN3_AVX2(geglu__fmsub_avx2, _mm256_fmsub_ps)   /*   a b - c */
GEGLU__FN3_AVX2(geglu__fnmadd_avx2, _mm256_fnmadd_ps) /* -(a b) + c */
GEGLU__FN3_AVX2(geglu__fnmsub_avx2, _mm256_fnmsub_ps) /* -(a b) - c */

#define GEGLU__SET_AVX2(i, value) r.v##i = _mm256_set1_ps(value);
GEGLU__INLINE geglu__group_avx2 geglu__set_avx2(float value) {
    geglu__group_avx2 r;
    GEGLU__EACH_AVX2(GEGLU__SET_AVX2, value)
    return r;
}
#define GEGLU__LANES_avx2 16

/* v 2^k, k an integer (exact for the cores' values): 2^k from the shifter's low bits, k + 127 in
   the exponent field (k >= -122). */
#define GEGLU__POW2_AVX2(i, sh)                                                                  \
    r.v##i = _mm256_castsi256_ps(_mm256_add_epi32(_mm256_slli_epi32(_mm256_castps_si256((sh).v##i), 23), \
                                                  _mm256_set1_epi32(127 << 23)));
GEGLU__INLINE geglu__group_avx2 geglu__ldexp_avx2(geglu__group_avx2 v, geglu__group_avx2 k,
                                                  geglu__group_avx2 sh) {
    geglu__group_avx2 r;
    (void)k;
    GEGLU__EACH_AVX2(GEGLU__POW2_AVX2, sh)
    return geglu__mul_avx2(v, r);
}

/* Lanes [0, count) of a mask for _mm256_maskload_ps / _mm256_maskstore_ps, count <= 8. */
static inline __m256i geglu__tail_mask8_avx2(size_t count) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
/* Lanes [0, count) of the group at p: whole registers by plain loads and stores, the register at
   the tail masked (the rest zero); nothing outside [p, p + count) is touched. */
#define GEGLU__PART_AVX2(i) (count > 8 * (i) ? count - 8 * (i) : 0)
#define GEGLU__LOAD_AVX2(i, p)                                                                   \
    r.v##i = count >= 8 * (i) + 8 ? _mm256_loadu_ps((p) + 8 * (i))                               \
                                  : _mm256_maskload_ps((p) + 8 * (i), geglu__tail_mask8_avx2(GEGLU__PART_AVX2(i)));
#define GEGLU__STORE_AVX2(i, p)                                                                  \
    if (count >= 8 * (i) + 8) _mm256_storeu_ps((p) + 8 * (i), y.v##i);                          \
    else _mm256_maskstore_ps((p) + 8 * (i), geglu__tail_mask8_avx2(GEGLU__PART_AVX2(i)), y.v##i);
GEGLU__INLINE geglu__group_avx2 geglu__load_avx2(const float *p, size_t count) {
    geglu__group_avx2 r;
    GEGLU__EACH_AVX2(GEGLU__LOAD_AVX2, p)
    return r;
}
GEGLU__INLINE void geglu__store_avx2(float *p, geglu__group_avx2 y, size_t count) {
    GEGLU__EACH_AVX2(GEGLU__STORE_AVX2, p)
}

/* Bit 8 i + lane of the result: that lane of register i compares true. */
#define GEGLU__BELOW_AVX2(i, limit)                                                              \
    lanes |= (uint64_t)_mm256_movemask_ps(_mm256_cmp_ps(x.v##i, _mm256_set1_ps(limit), _CMP_NGE_UQ)) << (8 * (i));
/* 0 < a < 2^-100 as one signed compare: bits(a) - 1 - 2^31 < bits(2^-100) - 1 - 2^31 */
#define GEGLU__TINY_AVX2(i, unused)                                                              \
    lanes |= (uint64_t)_mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpgt_epi32(                \
                 _mm256_add_epi32(_mm256_castps_si256(_mm256_set1_ps(GEGLU__ERF_F_TINY)),         \
                                  _mm256_set1_epi32(INT32_MAX)),                                 \
                 _mm256_add_epi32(_mm256_castps_si256(a.v##i), _mm256_set1_epi32(INT32_MAX))))) << (8 * (i));
/* The lanes the float cores leave to the double core: x below `limit` or NaN, and for the
   product 0 < a < 2^-100 (a = |x| wherever x is above the limit). */
GEGLU__INLINE uint64_t geglu__slow_lanes_avx2(geglu__group_avx2 x, geglu__group_avx2 a, float limit,
                                              int product) {
    uint64_t lanes = 0;
    GEGLU__EACH_AVX2(GEGLU__BELOW_AVX2, limit)
    if (product) {
        GEGLU__EACH_AVX2(GEGLU__TINY_AVX2, 0)
    }
    return lanes;
}

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

#define GEGLU__INDEX_AVX2(i, a1) j.v##i = _mm256_srli_epi32(_mm256_castps_si256((a1).v##i), 22);
#define GEGLU__ROW_AVX2(i, row) r.v##i = _mm256_permutevar8x32_ps(row, j.v##i);
/* The interval index of each lane: the exponent and first mantissa bit of a + 1. */
GEGLU__INLINE geglu__index_avx2 geglu__erf_index_avx2(geglu__group_avx2 a) {
    const geglu__group_avx2 a1 = geglu__add_avx2(a, geglu__set_avx2(1.0f));
    geglu__index_avx2 j;
    GEGLU__EACH_AVX2(GEGLU__INDEX_AVX2, a1)
    return j;
}
GEGLU__INLINE geglu__group_avx2 geglu__erf_row_avx2(geglu__index_avx2 j, const geglu__erf_tables_avx2 *t,
                                                     int row) {
    geglu__group_avx2 r;
    GEGLU__EACH_AVX2(GEGLU__ROW_AVX2, t->row[row])
    return r;
}

GEGLU__GELU_VECTOR(avx2)

/* ---- AVX2 16-bit conversions: 8 lanes; f16 through F16C --------------------------------------- */
#define GEGLU__CONVERT_LANES_avx2 8
GEGLU__INLINE void geglu__to_bf16_step_avx2(uint16_t *y, const float *x) {
    const __m256i bits = _mm256_castps_si256(_mm256_loadu_ps(x));
    const __m256i lsb = _mm256_and_si256(_mm256_srli_epi32(bits, 16), _mm256_set1_epi32(1));
    const __m256i nan = _mm256_cmpgt_epi32(_mm256_and_si256(bits, _mm256_set1_epi32(0x7fffffff)),
                                           _mm256_set1_epi32(0x7f800000));
    __m256i r = _mm256_add_epi32(_mm256_add_epi32(bits, _mm256_set1_epi32(0x7fff)), lsb);
    r = _mm256_srli_epi32(_mm256_blendv_epi8(r, _mm256_or_si256(bits, _mm256_set1_epi32(0x400000)), nan),
                          16);
    _mm_storeu_si128((__m128i *)(void *)y,
                     _mm_packus_epi32(_mm256_castsi256_si128(r), _mm256_extracti128_si256(r, 1)));
}
GEGLU__INLINE void geglu__from_bf16_step_avx2(float *y, const uint16_t *x) {
    const __m128i h = _mm_loadu_si128((const __m128i *)(const void *)x);
    _mm256_storeu_ps(y, _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16)));
}
#if defined(__F16C__)
GEGLU__INLINE void geglu__to_f16_step_avx2(uint16_t *y, const float *x) {
    _mm_storeu_si128((__m128i *)(void *)y,
                     _mm256_cvtps_ph(_mm256_loadu_ps(x), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
}
GEGLU__INLINE void geglu__from_f16_step_avx2(float *y, const uint16_t *x) {
    _mm256_storeu_ps(y, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(const void *)x)));
}
#else /* without F16C (-mf16c), f16 goes element by element */
GEGLU__INLINE void geglu__to_f16_step_avx2(uint16_t *y, const float *x) {
    geglu__f32_to_f16_scalar(y, x, 8);
}
GEGLU__INLINE void geglu__from_f16_step_avx2(float *y, const uint16_t *x) {
    geglu__f16_to_f32_scalar(y, x, 8);
}
#endif
GEGLU__CONVERT_VECTOR(avx2)

/* ---- AVX2 microkernel: 6 rows x (8 + 8) columns ---------------------------------------------- */
/* 12 accumulators, the two halves of the panel row and one broadcast: 15 of the 16 registers. */
#define GEGLU__ROWS_avx2 6
#define GEGLU__WIDTH_avx2 8
#define GEGLU__EACH_ROW_avx2(X, V) X(V, 0) X(V, 1) X(V, 2) X(V, 3) X(V, 4) X(V, 5)
typedef __m256 geglu__half_avx2;
typedef __m256 geglu__broadcast_avx2;
GEGLU__INLINE __m256 geglu__half_zero_avx2(void) { return _mm256_setzero_ps(); }
GEGLU__INLINE __m256 geglu__half_load_avx2(const float *p) { return _mm256_loadu_ps(p); }
GEGLU__INLINE void geglu__half_store_avx2(float *p, __m256 h) { _mm256_storeu_ps(p, h); }
GEGLU__INLINE __m256 geglu__half_add_avx2(__m256 a, __m256 b) { return _mm256_add_ps(a, b); }
GEGLU__INLINE __m256 geglu__half_fmadd_avx2(__m256 x, __m256 w, __m256 acc) {
    return _mm256_fmadd_ps(x, w, acc);
}
GEGLU__INLINE __m256 geglu__broadcast_load_avx2(const float *p) { return _mm256_broadcast_ss(p); }
GEGLU__INLINE __m256 geglu__half_widen_f32_avx2(const float *p) { return _mm256_loadu_ps(p); }
GEGLU__INLINE __m256 geglu__half_widen_bf16_avx2(const uint16_t *p) {
    const __m128i h = _mm_loadu_si128((const __m128i *)(const void *)p);
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
}
GEGLU__INLINE __m256 geglu__half_widen_f16_avx2(const uint16_t *p) {
#if defined(__F16C__)
    return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(const void *)p));
#else
    float widened[8];
    geglu__f16_to_f32_scalar(widened, p, 8);
    return _mm256_loadu_ps(widened);
#endif
}

GEGLU__INLINE __m256 geglu__half_even_avx2(const uint16_t *p) {
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_loadu_si256((const __m256i *)(const void *)p), 16));
}
GEGLU__INLINE __m256 geglu__half_odd_avx2(const uint16_t *p) {
    return _mm256_castsi256_ps(_mm256_and_si256(_mm256_loadu_si256((const __m256i *)(const void *)p),
                                                 _mm256_set1_epi32(-65536)));
}

/* A square of 8 x 8 floats transposed in registers: r[i] becomes column i. Every index is a
   constant, so that the arrays stay in registers. */
#define GEGLU__EACH_COLUMN_avx2(X, V, T)                                                         \
    X(V, T, 0) X(V, T, 1) X(V, T, 2) X(V, T, 3) X(V, T, 4) X(V, T, 5) X(V, T, 6) X(V, T, 7)
/* in each 128-bit block b: r_i[4b], r_i+1[4b], then 4b + 1; and 4b + 2, 4b + 3 */
#define GEGLU__UNPACK_AVX2(i)                                                                    \
    t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);                                                   \
    t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
/* t[i + m], block b: rows i .. i + 3 of column 4b + m */
#define GEGLU__SHUFFLE_AVX2(i)                                                                   \
    t[8 + i] = _mm256_shuffle_ps(t[i], t[i + 2], 0x44);                                          \
    t[9 + i] = _mm256_shuffle_ps(t[i], t[i + 2], 0xee);                                          \
    t[10 + i] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0x44);                                     \
    t[11 + i] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0xee);
#define GEGLU__HALVES_AVX2(m)                                                                    \
    r[m] = _mm256_permute2f128_ps(t[8 + m], t[12 + m], 0x20);                                    \
    r[4 + m] = _mm256_permute2f128_ps(t[8 + m], t[12 + m], 0x31);
GEGLU__INLINE void geglu__half_transpose_avx2(__m256 r[8]) {
    __m256 t[16];
    GEGLU__UNPACK_AVX2(0) GEGLU__UNPACK_AVX2(2) GEGLU__UNPACK_AVX2(4) GEGLU__UNPACK_AVX2(6)
    GEGLU__SHUFFLE_AVX2(0) GEGLU__SHUFFLE_AVX2(4)
    GEGLU__HALVES_AVX2(0) GEGLU__HALVES_AVX2(1) GEGLU__HALVES_AVX2(2) GEGLU__HALVES_AVX2(3)
}

GEGLU__TILE_VECTOR(avx2, f32)
GEGLU__TILE_VECTOR(avx2, bf16)
GEGLU__TILE_VECTOR(avx2, f16)
GEGLU__PAIR_TILE_VECTOR(avx2)
#endif /* GEGLU__AVX2 */

/* ============================================================================================ */
/*                                    AVX-512F (x86-64)                                         */
/* ============================================================================================ */
/* The operations the vector GELU template needs (GEGLU__GELU_VECTOR in the portable core), on
   groups of four 16-lane registers; tails through masked loads and stores. */
#if defined(GEGLU__AVX512)

#if GEGLU__ERF_F_ROWS != 10
#  error "geglu.h: the vector erf cores expect 10 table rows (c, c0, h0 .. h7)"
#endif

/* A group of four registers, 64 lanes (see "register groups" in the portable core). */
typedef struct geglu__group_avx512 {
    __m512 v0, v1, v2, v3;
} geglu__group_avx512;
typedef struct geglu__index_avx512 {
    __m512i v0, v1, v2, v3;
} geglu__index_avx512;
#define GEGLU__EACH_AVX512(X, arg) X(0, arg) X(1, arg) X(2, arg) X(3, arg)
#define GEGLU__FN1_AVX512(name, op) GEGLU__GROUP_FN1(geglu__group_avx512, GEGLU__EACH_AVX512, name, op)
#define GEGLU__FN2_AVX512(name, op) GEGLU__GROUP_FN2(geglu__group_avx512, GEGLU__EACH_AVX512, name, op)
#define GEGLU__FN3_AVX512(name, op) GEGLU__GROUP_FN3(geglu__group_avx512, GEGLU__EACH_AVX512, name, op)
GEGLU__FN1_AVX512(geglu__abs_avx512, _mm512_abs_ps)
GEGLU__FN2_AVX512(geglu__add_avx512, _mm512_add_ps)
GEGLU__FN2_AVX512(geglu__sub_avx512, _mm512_sub_ps)
GEGLU__FN2_AVX512(geglu__mul_avx512, _mm512_mul_ps)
GEGLU__FN2_AVX512(geglu__div_avx512, _mm512_div_ps)
GEGLU__FN2_AVX512(geglu__min_avx512, _mm512_min_ps)
GEGLU__FN2_AVX512(geglu__max_avx512, _mm512_max_ps)
GEGLU__FN2_AVX512(geglu__scalef_avx512, _mm512_scalef_ps) /* a 2^floor(b), exact here */
GEGLU__FN3_AVX512(geglu__fmadd_avx512, _mm512_fmadd_ps)   /*   a b + c */
GEGLU__FN3_AVX512(geglu__fmsub_avx512, _mm512_fmsub_ps)   /*   a b - c */
GEGLU__FN3_AVX512(geglu__fnmadd_avx512, _mm512_fnmadd_ps) /* -(a b) + c */
GEGLU__FN3_AVX512(geglu__fnmsub_avx512, _mm512_fnmsub_ps) /* -(a b) - c */

#define GEGLU__SET_AVX512(i, value) r.v##i = _mm512_set1_ps(value);
GEGLU__INLINE geglu__group_avx512 geglu__set_avx512(float value) {
    geglu__group_avx512 r;
    GEGLU__EACH_AVX512(GEGLU__SET_AVX512, value)
    return r;
}
#define GEGLU__LANES_avx512 64

/* v 2^k, k an integer (exact for the cores' values) */
GEGLU__INLINE geglu__group_avx512 geglu__ldexp_avx512(geglu__group_avx512 v, geglu__group_avx512 k,
                                                      geglu__group_avx512 sh) {
    (void)sh;
    return geglu__scalef_avx512(v, k);
}

/* Lanes [0, count) of the group at p: whole registers by plain loads and stores, the register at
   the tail masked (the rest zero); nothing outside [p, p + count) is touched. */
#define GEGLU__PART_AVX512(i)                                                                    \
    (__mmask16)(count > 16 * (i) ? (1u << (count - 16 * (i))) - 1 : 0)
#define GEGLU__LOAD_AVX512(i, p)                                                                 \
    r.v##i = count >= 16 * (i) + 16 ? _mm512_loadu_ps((p) + 16 * (i))                            \
                                    : _mm512_maskz_loadu_ps(GEGLU__PART_AVX512(i), (p) + 16 * (i));
#define GEGLU__STORE_AVX512(i, p)                                                                \
    if (count >= 16 * (i) + 16) _mm512_storeu_ps((p) + 16 * (i), y.v##i);                        \
    else _mm512_mask_storeu_ps((p) + 16 * (i), GEGLU__PART_AVX512(i), y.v##i);
GEGLU__INLINE geglu__group_avx512 geglu__load_avx512(const float *p, size_t count) {
    geglu__group_avx512 r;
    GEGLU__EACH_AVX512(GEGLU__LOAD_AVX512, p)
    return r;
}
GEGLU__INLINE void geglu__store_avx512(float *p, geglu__group_avx512 y, size_t count) {
    GEGLU__EACH_AVX512(GEGLU__STORE_AVX512, p)
}

/* Bit 16 i + lane of the result: that lane of register i compares true. */
#define GEGLU__BELOW_AVX512(i, limit)                                                            \
    lanes |= (uint64_t)_mm512_cmp_ps_mask(x.v##i, _mm512_set1_ps(limit), _CMP_NGE_UQ) << (16 * (i));
#define GEGLU__TINY_AVX512(i, unused)                                                            \
    lanes |= (uint64_t)_mm512_mask_cmp_ps_mask(                                                  \
                 _mm512_cmp_ps_mask(a.v##i, _mm512_setzero_ps(), _CMP_NEQ_OQ), a.v##i,            \
                 _mm512_set1_ps(GEGLU__ERF_F_TINY), _CMP_LT_OQ) << (16 * (i));
/* The lanes the float cores leave to the double core: x below `limit` or NaN, and for the
   product 0 < a < 2^-100 (a = |x| wherever x is above the limit). */
GEGLU__INLINE uint64_t geglu__slow_lanes_avx512(geglu__group_avx512 x, geglu__group_avx512 a,
                                                float limit, int product) {
    uint64_t lanes = 0;
    GEGLU__EACH_AVX512(GEGLU__BELOW_AVX512, limit)
    if (product) {
        GEGLU__EACH_AVX512(GEGLU__TINY_AVX512, 0)
    }
    return lanes;
}

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

#define GEGLU__INDEX_AVX512(i, a1) j.v##i = _mm512_srli_epi32(_mm512_castps_si512((a1).v##i), 22);
#define GEGLU__ROW_AVX512(i, row) r.v##i = _mm512_permutexvar_ps(j.v##i, row);
/* The interval index of each lane: the exponent and first mantissa bit of a + 1. */
GEGLU__INLINE geglu__index_avx512 geglu__erf_index_avx512(geglu__group_avx512 a) {
    const geglu__group_avx512 a1 = geglu__add_avx512(a, geglu__set_avx512(1.0f));
    geglu__index_avx512 j;
    GEGLU__EACH_AVX512(GEGLU__INDEX_AVX512, a1)
    return j;
}
GEGLU__INLINE geglu__group_avx512 geglu__erf_row_avx512(geglu__index_avx512 j,
                                                         const geglu__erf_tables_avx512 *t, int row) {
    geglu__group_avx512 r;
    GEGLU__EACH_AVX512(GEGLU__ROW_AVX512, t->row[row])
    return r;
}

GEGLU__GELU_VECTOR(avx512)

/* ---- AVX-512 16-bit conversions: 16 lanes ------------------------------------------------------ */
#define GEGLU__CONVERT_LANES_avx512 16
GEGLU__INLINE void geglu__to_bf16_step_avx512(uint16_t *y, const float *x) {
    const __m512i bits = _mm512_castps_si512(_mm512_loadu_ps(x));
    const __m512i lsb = _mm512_and_si512(_mm512_srli_epi32(bits, 16), _mm512_set1_epi32(1));
    const __mmask16 nan = _mm512_cmpgt_epi32_mask(_mm512_and_si512(bits, _mm512_set1_epi32(0x7fffffff)),
                                                  _mm512_set1_epi32(0x7f800000));
    __m512i r = _mm512_add_epi32(_mm512_add_epi32(bits, _mm512_set1_epi32(0x7fff)), lsb);
    r = _mm512_mask_mov_epi32(r, nan, _mm512_or_si512(bits, _mm512_set1_epi32(0x400000)));
    _mm256_storeu_si256((__m256i *)(void *)y, _mm512_cvtepi32_epi16(_mm512_srli_epi32(r, 16)));
}
GEGLU__INLINE void geglu__from_bf16_step_avx512(float *y, const uint16_t *x) {
    const __m256i h = _mm256_loadu_si256((const __m256i *)(const void *)x);
    _mm512_storeu_ps(y, _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16)));
}
GEGLU__INLINE void geglu__to_f16_step_avx512(uint16_t *y, const float *x) {
    _mm256_storeu_si256((__m256i *)(void *)y,
                        _mm512_cvtps_ph(_mm512_loadu_ps(x), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
}
GEGLU__INLINE void geglu__from_f16_step_avx512(float *y, const uint16_t *x) {
    _mm512_storeu_ps(y, _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(const void *)x)));
}
GEGLU__CONVERT_VECTOR(avx512)

/* ---- AVX-512 microkernel: 12 rows x (16 + 16) columns ---------------------------------------- */
/* 24 accumulators, the two halves of the panel row and one broadcast: 27 of the 32 registers.
   Each step loads 2 vectors and broadcasts 12 floats for 24 FMAs. */
#define GEGLU__ROWS_avx512 12
#define GEGLU__WIDTH_avx512 16
#define GEGLU__EACH_ROW_avx512(X, V)                                                             \
    X(V, 0) X(V, 1) X(V, 2) X(V, 3) X(V, 4) X(V, 5) X(V, 6) X(V, 7) X(V, 8) X(V, 9) X(V, 10) X(V, 11)
typedef __m512 geglu__half_avx512;
typedef __m512 geglu__broadcast_avx512;
GEGLU__INLINE __m512 geglu__half_zero_avx512(void) { return _mm512_setzero_ps(); }
GEGLU__INLINE __m512 geglu__half_load_avx512(const float *p) { return _mm512_loadu_ps(p); }
GEGLU__INLINE void geglu__half_store_avx512(float *p, __m512 h) { _mm512_storeu_ps(p, h); }
GEGLU__INLINE __m512 geglu__half_add_avx512(__m512 a, __m512 b) { return _mm512_add_ps(a, b); }
GEGLU__INLINE __m512 geglu__half_fmadd_avx512(__m512 x, __m512 w, __m512 acc) {
    return _mm512_fmadd_ps(x, w, acc);
}
GEGLU__INLINE __m512 geglu__broadcast_load_avx512(const float *p) { return _mm512_set1_ps(*p); }
GEGLU__INLINE __m512 geglu__half_widen_f32_avx512(const float *p) { return _mm512_loadu_ps(p); }
GEGLU__INLINE __m512 geglu__half_widen_bf16_avx512(const uint16_t *p) {
    const __m256i h = _mm256_loadu_si256((const __m256i *)(const void *)p);
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
}
GEGLU__INLINE __m512 geglu__half_widen_f16_avx512(const uint16_t *p) {
    return _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(const void *)p));
}

GEGLU__INLINE __m512 geglu__half_even_avx512(const uint16_t *p) {
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_loadu_si512((const void *)p), 16));
}
GEGLU__INLINE __m512 geglu__half_odd_avx512(const uint16_t *p) {
    return _mm512_castsi512_ps(
        _mm512_and_si512(_mm512_loadu_si512((const void *)p), _mm512_set1_epi32(-65536)));
}

/* A square of 16 x 16 floats transposed in registers: r[i] becomes column i. Every index is a
   constant, so that the arrays stay in registers. */
#define GEGLU__EACH_COLUMN_avx512(X, V, T)                                                       \
    X(V, T, 0) X(V, T, 1) X(V, T, 2) X(V, T, 3) X(V, T, 4) X(V, T, 5) X(V, T, 6) X(V, T, 7)      \
    X(V, T, 8) X(V, T, 9) X(V, T, 10) X(V, T, 11) X(V, T, 12) X(V, T, 13) X(V, T, 14) X(V, T, 15)
/* in each 128-bit block b: r_i[4b], r_i+1[4b], then 4b + 1; and 4b + 2, 4b + 3 */
#define GEGLU__UNPACK_AVX512(i)                                                                  \
    t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);                                                   \
    t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
/* r[i + m], block b: rows i .. i + 3 of column 4b + m */
#define GEGLU__SHUFFLE_AVX512(i)                                                                 \
    r[i] = _mm512_shuffle_ps(t[i], t[i + 2], 0x44);                                              \
    r[i + 1] = _mm512_shuffle_ps(t[i], t[i + 2], 0xee);                                          \
    r[i + 2] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0x44);                                      \
    r[i + 3] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0xee);
/* blocks 0 and 2, then 1 and 3, of two registers; then the same across the halves */
#define GEGLU__BLOCKS_AVX512(m)                                                                  \
    t[m] = _mm512_shuffle_f32x4(r[m], r[4 + m], 0x88);                                           \
    t[4 + m] = _mm512_shuffle_f32x4(r[m], r[4 + m], 0xdd);                                       \
    t[8 + m] = _mm512_shuffle_f32x4(r[8 + m], r[12 + m], 0x88);                                  \
    t[12 + m] = _mm512_shuffle_f32x4(r[8 + m], r[12 + m], 0xdd);
#define GEGLU__HALVES_AVX512(m)                                                                  \
    r[m] = _mm512_shuffle_f32x4(t[m], t[8 + m], 0x88);                                           \
    r[8 + m] = _mm512_shuffle_f32x4(t[m], t[8 + m], 0xdd);                                       \
    r[4 + m] = _mm512_shuffle_f32x4(t[4 + m], t[12 + m], 0x88);                                  \
    r[12 + m] = _mm512_shuffle_f32x4(t[4 + m], t[12 + m], 0xdd);
GEGLU__INLINE void geglu__half_transpose_avx512(__m512 r[16]) {
    __m512 t[16];
    GEGLU__UNPACK_AVX512(0) GEGLU__UNPACK_AVX512(2) GEGLU__UNPACK_AVX512(4) GEGLU__UNPACK_AVX512(6)
    GEGLU__UNPACK_AVX512(8) GEGLU__UNPACK_AVX512(10) GEGLU__UNPACK_AVX512(12) GEGLU__UNPACK_AVX512(14)
    GEGLU__SHUFFLE_AVX512(0) GEGLU__SHUFFLE_AVX512(4) GEGLU__SHUFFLE_AVX512(8) GEGLU__SHUFFLE_AVX512(12)
    GEGLU__BLOCKS_AVX512(0) GEGLU__BLOCKS_AVX512(1) GEGLU__BLOCKS_AVX512(2) GEGLU__BLOCKS_AVX512(3)
    GEGLU__HALVES_AVX512(0) GEGLU__HALVES_AVX512(1) GEGLU__HALVES_AVX512(2) GEGLU__HALVES_AVX512(3)
}

GEGLU__TILE_VECTOR(avx512, f32)
GEGLU__TILE_VECTOR(avx512, bf16)
GEGLU__TILE_VECTOR(avx512, f16)
GEGLU__PAIR_TILE_VECTOR(avx512)

/* ---- AVX-512 dot-product microkernel: vdpbf16ps, where the compiler targets AVX512_BF16 ------------ */
/* Not on CPUs with AMX: on Emerald Rapids this microkernel ran at 0.60x the f32 one's speed
   (docs/PERFORMANCE.md, "bf16 dot products"), and the FMA microkernels take the same sums
   faster; on Zen 5 it runs at about 1.8x. */
#if defined(__AVX512BF16__) && !defined(__AMX_BF16__) && !defined(GEGLU_NO_AVX512_BF16)
typedef __m512i geglu__pairs_avx512;
GEGLU__INLINE __m512i geglu__pairs_load_avx512(const uint16_t *p) {
    return _mm512_loadu_si512((const void *)p);
}
GEGLU__INLINE __m512i geglu__pairs_broadcast_avx512(uint32_t pair) {
    return _mm512_set1_epi32((int)pair);
}
GEGLU__INLINE __m512 geglu__half_dot_avx512(__m512 acc, __m512i w, __m512i x) {
    return _mm512_dpbf16_ps(acc, (__m512bh)w, (__m512bh)x);
}
GEGLU__DOT_TILE_VECTOR(avx512)
#define GEGLU__DOT_TILES_avx512 geglu__gate_dot_tile_avx512, geglu__down_dot_tile_avx512
#else
#define GEGLU__DOT_TILES_avx512 NULL, NULL
#endif
#endif /* GEGLU__AVX512 */

/* ============================================================================================ */
/*                                     NEON (aarch64)                                           */
/* ============================================================================================ */
/* The operations the vector GELU template needs (GEGLU__GELU_VECTOR in the portable core), on
   groups of two 4-lane registers (the erf table lookups go lane by lane); tails through a small
   local copy. */
#if defined(GEGLU__NEON)
/* A group of two registers, 8 lanes (see "register groups" in the portable core): one row of the
   microkernel's tile. */
typedef struct geglu__group_neon {
    float32x4_t v0, v1;
} geglu__group_neon;
typedef struct geglu__index_neon {
    uint32x4_t v0, v1;
} geglu__index_neon;
#define GEGLU__EACH_NEON(X, arg) X(0, arg) X(1, arg)
#define GEGLU__LANES_neon 8
#define GEGLU__FN1_NEON(name, op) GEGLU__GROUP_FN1(geglu__group_neon, GEGLU__EACH_NEON, name, op)
#define GEGLU__FN2_NEON(name, op) GEGLU__GROUP_FN2(geglu__group_neon, GEGLU__EACH_NEON, name, op)
#define GEGLU__FN3_NEON(name, op) GEGLU__GROUP_FN3(geglu__group_neon, GEGLU__EACH_NEON, name, op)
/* vfmaq_f32(c, a, b) is c + a b and vfmsq_f32(c, a, b) is c - a b, each rounded once; the
   negations are exact. */
#define GEGLU__FMADD_NEON(a, b, c) vfmaq_f32(c, a, b)
#define GEGLU__FMSUB_NEON(a, b, c) vnegq_f32(vfmsq_f32(c, a, b))
#define GEGLU__FNMADD_NEON(a, b, c) vfmsq_f32(c, a, b)
#define GEGLU__FNMSUB_NEON(a, b, c) vnegq_f32(vfmaq_f32(c, a, b))
GEGLU__FN1_NEON(geglu__abs_neon, vabsq_f32)
GEGLU__FN2_NEON(geglu__add_neon, vaddq_f32)
GEGLU__FN2_NEON(geglu__sub_neon, vsubq_f32)
GEGLU__FN2_NEON(geglu__mul_neon, vmulq_f32)
GEGLU__FN2_NEON(geglu__div_neon, vdivq_f32)
GEGLU__FN2_NEON(geglu__min_neon, vminq_f32)
GEGLU__FN2_NEON(geglu__max_neon, vmaxq_f32)
GEGLU__FN3_NEON(geglu__fmadd_neon, GEGLU__FMADD_NEON)
GEGLU__FN3_NEON(geglu__fmsub_neon, GEGLU__FMSUB_NEON)
GEGLU__FN3_NEON(geglu__fnmadd_neon, GEGLU__FNMADD_NEON)
GEGLU__FN3_NEON(geglu__fnmsub_neon, GEGLU__FNMSUB_NEON)

#define GEGLU__SET_NEON(i, value) r.v##i = vdupq_n_f32(value);
GEGLU__INLINE geglu__group_neon geglu__set_neon(float value) {
    geglu__group_neon r;
    GEGLU__EACH_NEON(GEGLU__SET_NEON, value)
    return r;
}

/* v 2^k, k an integer (exact for the cores' values): 2^k from the shifter's low bits, k + 127 in
   the exponent field (k >= -122). */
#define GEGLU__POW2_NEON(i, sh)                                                                  \
    r.v##i = vreinterpretq_f32_u32(vaddq_u32(vshlq_n_u32(vreinterpretq_u32_f32((sh).v##i), 23),   \
                                             vdupq_n_u32(UINT32_C(127) << 23)));
GEGLU__INLINE geglu__group_neon geglu__ldexp_neon(geglu__group_neon v, geglu__group_neon k,
                                                  geglu__group_neon sh) {
    geglu__group_neon r;
    (void)k;
    GEGLU__EACH_NEON(GEGLU__POW2_NEON, sh)
    return geglu__mul_neon(v, r);
}

/* Lanes [0, count) of the four at p (NEON has no masked loads: a short tail goes through a
   small local copy, so nothing outside [p, p + count) is touched). */
static inline float32x4_t geglu__load4_neon(const float *p, size_t count) {
    float tail[4] = {0, 0, 0, 0};
    size_t i;
    if (count >= 4) return vld1q_f32(p);
    for (i = 0; i < count; i++) tail[i] = p[i];
    return vld1q_f32(tail);
}
static inline void geglu__store4_neon(float *p, float32x4_t y, size_t count) {
    float tail[4];
    size_t i;
    if (count >= 4) {
        vst1q_f32(p, y);
        return;
    }
    vst1q_f32(tail, y);
    for (i = 0; i < count; i++) p[i] = tail[i];
}
#define GEGLU__PART_NEON(i) (count > 4 * (i) ? count - 4 * (i) : 0)
#define GEGLU__LOAD_NEON(i, p) r.v##i = geglu__load4_neon((p) + 4 * (i), GEGLU__PART_NEON(i));
#define GEGLU__STORE_NEON(i, p) geglu__store4_neon((p) + 4 * (i), y.v##i, GEGLU__PART_NEON(i));
GEGLU__INLINE geglu__group_neon geglu__load_neon(const float *p, size_t count) {
    geglu__group_neon r;
    GEGLU__EACH_NEON(GEGLU__LOAD_NEON, p)
    return r;
}
GEGLU__INLINE void geglu__store_neon(float *p, geglu__group_neon y, size_t count) {
    GEGLU__EACH_NEON(GEGLU__STORE_NEON, p)
}

/* Bit 4 i + lane of the result: that lane of register i compares true (all ones). */
#define GEGLU__LANE_BITS_NEON(i, m)                                                              \
    lanes |= (uint64_t)vaddvq_u32(vandq_u32((m).v##i, bit)) << (4 * (i));
#define GEGLU__BELOW_NEON(i, limit) m.v##i = vmvnq_u32(vcgeq_f32(x.v##i, vdupq_n_f32(limit)));
#define GEGLU__TINY_NEON(i, unused)                                                              \
    m.v##i = vorrq_u32(m.v##i, vandq_u32(vcgtq_f32(a.v##i, vdupq_n_f32(0.0f)),                  \
                                         vcltq_f32(a.v##i, vdupq_n_f32(GEGLU__ERF_F_TINY))));
/* The lanes the float cores leave to the double core: x below `limit` or NaN, and for the
   product 0 < a < 2^-100 (a = |x| wherever x is above the limit). */
GEGLU__INLINE uint64_t geglu__slow_lanes_neon(geglu__group_neon x, geglu__group_neon a, float limit,
                                              int product) {
    static const uint32_t bits[4] = {1, 2, 4, 8};
    const uint32x4_t bit = vld1q_u32(bits);
    geglu__index_neon m;
    uint64_t lanes = 0;
    GEGLU__EACH_NEON(GEGLU__BELOW_NEON, limit)
    if (product) {
        GEGLU__EACH_NEON(GEGLU__TINY_NEON, 0)
    }
    GEGLU__EACH_NEON(GEGLU__LANE_BITS_NEON, m)
    return lanes;
}

/* The erf table stays in memory; each lane reads its row lane by lane. */
typedef struct geglu__erf_tables_neon {
    const float (*row)[8];
} geglu__erf_tables_neon;

GEGLU__INLINE void geglu__erf_tables_load_neon(geglu__erf_tables_neon *t) {
    t->row = geglu__erf_f_table;
}

/* j from the bits of a + 1 (the exponent and first mantissa bit), minus 254; & 7 keeps NaN lanes
   (recomputed by the double core) inside the table. */
#define GEGLU__INDEX_NEON(i, a1)                                                                 \
    j.v##i = vandq_u32(vsubq_u32(vshrq_n_u32(vreinterpretq_u32_f32((a1).v##i), 22), vdupq_n_u32(254)), \
                       vdupq_n_u32(7));
#define GEGLU__ROW_NEON(i, row)                                                                  \
    r.v##i = vdupq_n_f32((row)[vgetq_lane_u32(j.v##i, 0)]);                                      \
    r.v##i = vsetq_lane_f32((row)[vgetq_lane_u32(j.v##i, 1)], r.v##i, 1);                        \
    r.v##i = vsetq_lane_f32((row)[vgetq_lane_u32(j.v##i, 2)], r.v##i, 2);                        \
    r.v##i = vsetq_lane_f32((row)[vgetq_lane_u32(j.v##i, 3)], r.v##i, 3);
GEGLU__INLINE geglu__index_neon geglu__erf_index_neon(geglu__group_neon a) {
    const geglu__group_neon a1 = geglu__add_neon(a, geglu__set_neon(1.0f));
    geglu__index_neon j;
    GEGLU__EACH_NEON(GEGLU__INDEX_NEON, a1)
    return j;
}
GEGLU__INLINE geglu__group_neon geglu__erf_row_neon(geglu__index_neon j, const geglu__erf_tables_neon *t,
                                                    int row) {
    geglu__group_neon r;
    GEGLU__EACH_NEON(GEGLU__ROW_NEON, t->row[row])
    return r;
}

GEGLU__GELU_VECTOR(neon)

/* ---- NEON 16-bit conversions: 4 lanes ---------------------------------------------------------- */
#define GEGLU__CONVERT_LANES_neon 4
GEGLU__INLINE void geglu__to_bf16_step_neon(uint16_t *y, const float *x) {
    const uint32x4_t bits = vreinterpretq_u32_f32(vld1q_f32(x));
    const uint32x4_t lsb = vandq_u32(vshrq_n_u32(bits, 16), vdupq_n_u32(1));
    const uint32x4_t nan = vcgtq_u32(vandq_u32(bits, vdupq_n_u32(0x7fffffffu)), vdupq_n_u32(0x7f800000u));
    const uint32x4_t r = vaddq_u32(vaddq_u32(bits, vdupq_n_u32(0x7fffu)), lsb);
    vst1_u16(y, vshrn_n_u32(vbslq_u32(nan, vorrq_u32(bits, vdupq_n_u32(0x400000u)), r), 16));
}
GEGLU__INLINE void geglu__from_bf16_step_neon(float *y, const uint16_t *x) {
    vst1q_f32(y, vreinterpretq_f32_u32(vshll_n_u16(vld1_u16(x), 16)));
}
GEGLU__INLINE void geglu__to_f16_step_neon(uint16_t *y, const float *x) {
    vst1_u16(y, vreinterpret_u16_f16(vcvt_f16_f32(vld1q_f32(x))));
}
GEGLU__INLINE void geglu__from_f16_step_neon(float *y, const uint16_t *x) {
    vst1q_f32(y, vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(x))));
}
GEGLU__CONVERT_VECTOR(neon)

/* ---- NEON microkernel: 6 rows x (8 + 8) columns ---------------------------------------------- */
/* 24 accumulators (four per row), the four vectors of the panel row and one broadcast: 29 of the
   32 registers. */
#define GEGLU__ROWS_neon 6
#define GEGLU__WIDTH_neon 8
#define GEGLU__EACH_ROW_neon(X, V) X(V, 0) X(V, 1) X(V, 2) X(V, 3) X(V, 4) X(V, 5)
typedef struct geglu__half_neon {
    float32x4_t v0, v1;
} geglu__half_neon;
typedef float32x4_t geglu__broadcast_neon;
GEGLU__INLINE geglu__half_neon geglu__half_zero_neon(void) {
    geglu__half_neon r;
    r.v0 = r.v1 = vdupq_n_f32(0.0f);
    return r;
}
GEGLU__INLINE geglu__half_neon geglu__half_load_neon(const float *p) {
    geglu__half_neon r;
    r.v0 = vld1q_f32(p);
    r.v1 = vld1q_f32(p + 4);
    return r;
}
GEGLU__INLINE void geglu__half_store_neon(float *p, geglu__half_neon h) {
    vst1q_f32(p, h.v0);
    vst1q_f32(p + 4, h.v1);
}
GEGLU__INLINE geglu__half_neon geglu__half_add_neon(geglu__half_neon a, geglu__half_neon b) {
    geglu__half_neon r;
    r.v0 = vaddq_f32(a.v0, b.v0);
    r.v1 = vaddq_f32(a.v1, b.v1);
    return r;
}
GEGLU__INLINE geglu__half_neon geglu__half_fmadd_neon(float32x4_t x, geglu__half_neon w,
                                                      geglu__half_neon acc) {
    geglu__half_neon r;
    r.v0 = vfmaq_f32(acc.v0, x, w.v0);
    r.v1 = vfmaq_f32(acc.v1, x, w.v1);
    return r;
}
GEGLU__INLINE float32x4_t geglu__broadcast_load_neon(const float *p) { return vld1q_dup_f32(p); }
GEGLU__INLINE geglu__half_neon geglu__half_widen_f32_neon(const float *p) {
    return geglu__half_load_neon(p);
}
GEGLU__INLINE geglu__half_neon geglu__half_widen_bf16_neon(const uint16_t *p) {
    geglu__half_neon r;
    r.v0 = vreinterpretq_f32_u32(vshll_n_u16(vld1_u16(p), 16));
    r.v1 = vreinterpretq_f32_u32(vshll_n_u16(vld1_u16(p + 4), 16));
    return r;
}
GEGLU__INLINE geglu__half_neon geglu__half_widen_f16_neon(const uint16_t *p) {
    geglu__half_neon r;
    r.v0 = vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(p)));
    r.v1 = vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(p + 4)));
    return r;
}

GEGLU__INLINE geglu__half_neon geglu__half_even_neon(const uint16_t *p) {
    geglu__half_neon r;
    r.v0 = vreinterpretq_f32_u32(vshlq_n_u32(vreinterpretq_u32_u16(vld1q_u16(p)), 16));
    r.v1 = vreinterpretq_f32_u32(vshlq_n_u32(vreinterpretq_u32_u16(vld1q_u16(p + 8)), 16));
    return r;
}
GEGLU__INLINE geglu__half_neon geglu__half_odd_neon(const uint16_t *p) {
    const uint32x4_t high = vdupq_n_u32(0xffff0000u);
    geglu__half_neon r;
    r.v0 = vreinterpretq_f32_u32(vandq_u32(vreinterpretq_u32_u16(vld1q_u16(p)), high));
    r.v1 = vreinterpretq_f32_u32(vandq_u32(vreinterpretq_u32_u16(vld1q_u16(p + 8)), high));
    return r;
}

/* A square of 8 x 8 floats transposed in registers: r[i] becomes column i (four 4 x 4
   squares, the off-diagonal two swapped). */
GEGLU__INLINE void geglu__transpose4_neon(float32x4_t *a, float32x4_t *b, float32x4_t *c,
                                          float32x4_t *d) {
    const float32x4x2_t ab = vtrnq_f32(*a, *b), cd = vtrnq_f32(*c, *d);
    *a = vcombine_f32(vget_low_f32(ab.val[0]), vget_low_f32(cd.val[0]));
    *b = vcombine_f32(vget_low_f32(ab.val[1]), vget_low_f32(cd.val[1]));
    *c = vcombine_f32(vget_high_f32(ab.val[0]), vget_high_f32(cd.val[0]));
    *d = vcombine_f32(vget_high_f32(ab.val[1]), vget_high_f32(cd.val[1]));
}
#define GEGLU__EACH_COLUMN_neon(X, V, T)                                                         \
    X(V, T, 0) X(V, T, 1) X(V, T, 2) X(V, T, 3) X(V, T, 4) X(V, T, 5) X(V, T, 6) X(V, T, 7)
/* rows 0-3 of columns 4-7 and rows 4-7 of columns 0-3 swap */
#define GEGLU__SWAP_NEON(i)                                                                      \
    {                                                                                            \
        const float32x4_t upper = r[i].v1;                                                       \
        r[i].v1 = r[4 + i].v0;                                                                   \
        r[4 + i].v0 = upper;                                                                     \
    }
GEGLU__INLINE void geglu__half_transpose_neon(geglu__half_neon r[8]) {
    geglu__transpose4_neon(&r[0].v0, &r[1].v0, &r[2].v0, &r[3].v0);
    geglu__transpose4_neon(&r[0].v1, &r[1].v1, &r[2].v1, &r[3].v1);
    geglu__transpose4_neon(&r[4].v0, &r[5].v0, &r[6].v0, &r[7].v0);
    geglu__transpose4_neon(&r[4].v1, &r[5].v1, &r[6].v1, &r[7].v1);
    GEGLU__SWAP_NEON(0) GEGLU__SWAP_NEON(1) GEGLU__SWAP_NEON(2) GEGLU__SWAP_NEON(3)
}

GEGLU__TILE_VECTOR(neon, f32)
GEGLU__TILE_VECTOR(neon, bf16)
GEGLU__TILE_VECTOR(neon, f16)
GEGLU__PAIR_TILE_VECTOR(neon)
#endif /* GEGLU__NEON */

/* ============================================================================================ */
/*                  THE PATHS: every kernel compiled in, and each path's geometry               */
/* ============================================================================================ */
/* The one in use comes last; tests compare the GELU kernels of all of them on the same inputs
   and the benchmark times them all. */
typedef void (*geglu__gelu_kernel)(float *y, const float *x, size_t n, geglu_gelu kind);
typedef void (*geglu__gelu_mul_kernel)(float *h, const float *a, const float *u, size_t n,
                                       geglu_gelu kind);
typedef void (*geglu__tile_kernel)(const geglu__panel *p, const geglu__tile *t);
typedef void (*geglu__rows_kernel)(const void *matrix, size_t step, const geglu__tile *t,
                                   size_t n);
typedef void (*geglu__narrow_kernel)(uint16_t *y, const float *x, size_t n);
typedef void (*geglu__widen_kernel)(float *y, const uint16_t *x, size_t n);
typedef struct geglu__path {
    const char *name;
    geglu__gelu_kernel gelu;
    geglu__gelu_mul_kernel gelu_mul;
    size_t tile_rows, width; /* the microkernels' tile: rows, and columns per half of a panel */
    geglu__tile_kernel gate_tile[3], down_tile[3]; /* per weight type (geglu_dtype) */
    geglu__tile_kernel gate_pair_tile, down_pair_tile; /* bf16 pair panels, or NULL: none */
    geglu__tile_kernel gate_dot_tile, down_dot_tile; /* bf16 dot products, or NULL: none */
    geglu__rows_kernel stream_rows[3]; /* weights read where they lie (decoding), per type */
    geglu__gather_kernel gather_columns[3]; /* ... OUT_IN ones, transposed into a chunk */
    geglu__narrow_kernel f32_to_bf16, f32_to_f16;
    geglu__widen_kernel bf16_to_f32, f16_to_f32;
} geglu__path;

#define GEGLU__PATH(V)                                                                           \
    { #V, geglu__gelu_f32_##V, geglu__gelu_mul_f32_##V, GEGLU__ROWS_##V, GEGLU__WIDTH_##V,       \
      { geglu__gate_tile_f32_##V, geglu__gate_tile_bf16_##V, geglu__gate_tile_f16_##V },        \
      { geglu__down_tile_f32_##V, geglu__down_tile_bf16_##V, geglu__down_tile_f16_##V },        \
      GEGLU__PAIR_TILES_##V, GEGLU__DOT_TILES_##V,                                              \
      { geglu__stream_rows_f32_##V, geglu__stream_rows_bf16_##V, geglu__stream_rows_f16_##V },  \
      { geglu__gather_columns_f32_##V, geglu__gather_columns_bf16_##V,                           \
        geglu__gather_columns_f16_##V },                                                         \
      geglu__f32_to_bf16_##V, geglu__f32_to_f16_##V,                                            \
      geglu__bf16_to_f32_##V, geglu__f16_to_f32_##V }

#if defined(__GNUC__) || defined(__clang__)
__attribute__((unused))
#endif
#define GEGLU__PAIR_TILES_scalar NULL, NULL
#define GEGLU__PAIR_TILES_avx2 geglu__gate_pair_tile_avx2, geglu__down_pair_tile_avx2
#define GEGLU__PAIR_TILES_avx512 geglu__gate_pair_tile_avx512, geglu__down_pair_tile_avx512
#define GEGLU__PAIR_TILES_neon geglu__gate_pair_tile_neon, geglu__down_pair_tile_neon
#define GEGLU__DOT_TILES_scalar NULL, NULL
#define GEGLU__DOT_TILES_avx2 NULL, NULL
#define GEGLU__DOT_TILES_neon NULL, NULL
static const geglu__path geglu__paths[] = {
    GEGLU__PATH(scalar),
#if defined(GEGLU__NEON)
    GEGLU__PATH(neon),
#endif
#if defined(GEGLU__AVX2)
    GEGLU__PATH(avx2),
#endif
#if defined(GEGLU__AVX512)
    GEGLU__PATH(avx512),
#endif
};
#define GEGLU__PATH_COUNT (sizeof geglu__paths / sizeof geglu__paths[0])
#define GEGLU__PATH_IN_USE (&geglu__paths[GEGLU__PATH_COUNT - 1])

/* ============================================================================================ */
/*                    THE BLOCKING LOOPS: tiles, panels and blocks, for every path              */
/* ============================================================================================ */
#ifdef __cplusplus
extern "C" {
#endif

/* Where the weights come from: a packed layer, or the caller's layer as it is (read in place
   when the vector microkernel can load its panels directly, else packed panel by panel into
   scratch when there is some, else handed to the portable tile). */
typedef struct geglu__source {
    const geglu__path *path;
    const geglu_layer_f32 *layer;
    const geglu_packed_f32 *packed;
    void *gate_block;  /* unpacked FFN: the current part of gate panels, packed in scratch, */
    float *gate_bias;  /* their biases, */
    void *down_block;  /* and the current block of W2 panels; NULL otherwise */
    float *sums;       /* unpacked FFN: the rows' sums of a block (decoding) or part of W and V */
    const float *b2;
    size_t d_model, d_ff;
    size_t gate_stride, down_stride; /* unpacked layer: geglu__row_stride of w and v, of w2 */
    geglu_gelu gelu;
    geglu_dtype type;  /* of the weights */
    geglu_dtype panel_type; /* of the panels an unpacked FFN packs: float for OUT_IN weights */
    int bf16_products; /* see geglu__bf16_products */
    int pairs;         /* a packed layer of pair panels */
    int dot;           /* ... whose bf16 products run on the path's dot-product microkernels */
    int a_rounded;     /* bf16 products of the FFN: it rounds x and H before the products */
} geglu__source;

/* One tile on the best kernel that can take it: a microkernel computes whole tiles of
   contiguous panels only, so a tile of a padded panel with fewer valid columns is computed into
   a local tile, and other panels go to the portable tile. */
static void geglu__run_tile(const geglu__path *path, const geglu__panel *p, const geglu__tile *t,
                            int gate) {
    const size_t width = gate ? p->width : 2 * p->width;
    const int dot = p->pairs && t->bf16_products && path->gate_dot_tile != NULL;
    const geglu__tile_kernel kernel = dot      ? (gate ? path->gate_dot_tile : path->down_dot_tile)
                                      : p->pairs ? (gate ? path->gate_pair_tile : path->down_pair_tile)
                                      : gate     ? path->gate_tile[p->type]
                                                 : path->down_tile[p->type];
    if (p->cols == width) {
        kernel(p, t);
    } else if (p->padded) {
        float local[GEGLU__MAX_TILE_ROWS * 2 * GEGLU__MAX_WIDTH];
        geglu__tile inner = *t;
        size_t r, j;
        memset(local, 0, sizeof local);
        inner.out = local;
        inner.ldo = width;
        for (r = 0; r < t->rows && t->accumulate; r++)
            for (j = 0; j < p->cols; j++) local[r * width + j] = t->out[r * t->ldo + j];
        kernel(p, &inner);
        for (r = 0; r < t->rows; r++)
            for (j = 0; j < p->cols; j++) t->out[r * t->ldo + j] = local[r * width + j];
    } else {
        geglu__tile_portable(p, t, gate);
    }
}

/* The gate panel of d_ff columns [j0, j0 + width): of a packed layer, or of an unpacked one in
   place. */
static void geglu__gate_panel(const geglu__source *s, size_t j0, geglu__panel *p) {
    const geglu_layer_f32 *layer = s->layer;
    const size_t width = s->path->width, size = geglu__dtype_size(s->type);
    p->type = s->type;
    p->width = width;
    p->cols = geglu__min(width, s->d_ff - j0);
    p->k_step = 2 * width;
    p->padded = 1;
    p->pairs = s->pairs;
    if (s->packed) {
        const float *bias =
            (const float *)geglu__packed_array(s->packed, s->packed->gbias) + j0 * 2;
        p->w = geglu__element_at(geglu__packed_array(s->packed, s->packed->gate),
                                 j0 * 2 * geglu__round_up(s->d_model, s->pairs ? 2 : 1), size);
        p->k_step = s->pairs ? 4 * width : 2 * width;
        p->bias_w = s->packed->has_b ? bias : NULL;
        p->bias_v = s->packed->has_c ? bias + width : NULL;
    } else { /* geglu_gate_f32 on IN_OUT weights, in place (it streams OUT_IN ones) */
        /* with d_model == 0, W and V hold nothing: their pointers are not even offset */
        size_t offset = s->d_model == 0 ? 0 : j0;
        p->w = geglu__element_at(layer->w, offset, size);
        p->v = geglu__element_at(layer->v, offset, size);
        p->k_step = s->gate_stride;
        p->bias_w = geglu__advance(layer->b, j0);
        p->bias_v = geglu__advance(layer->c, j0);
        p->padded = 0;
        return;
    }
    p->v = geglu__element_at(p->w, p->pairs ? 2 * width : width, size);
}

static void geglu__down_panel(const geglu__source *s, size_t k0, size_t depth, size_t j_begin,
                              size_t j0, geglu__panel *p) {
    const size_t width = s->path->width, full = 2 * width, size = geglu__dtype_size(s->panel_type);
    p->type = s->panel_type;
    p->width = width;
    p->cols = geglu__min(full, s->d_model - j0);
    p->k_step = s->pairs ? 2 * full : full;
    p->padded = 1;
    p->pairs = s->pairs;
    if (s->packed)
        p->w = geglu__element_at(geglu__packed_array(s->packed, s->packed->down),
                                 k0 * geglu__round_up(s->d_model, full) +
                                     j0 * geglu__round_up(depth, s->pairs ? 2 : 1),
                                 size);
    else
        p->w = geglu__element_at(s->down_block, (j0 - j_begin) * depth, size);
    p->v = geglu__element_at(p->w, s->pairs ? full : width, size);
    p->bias_w = s->b2 ? s->b2 + j0 : NULL;
    p->bias_v = s->b2 ? s->b2 + j0 + width : NULL;
}

/* Rows of the next tile when `remaining` rows are left. A few rows past a full tile would make a
   thin tile that keeps most FMA units idle (AVX-512: 16 tokens as 12 + 4, against 8 + 8), so
   the last two tiles share them. */
static size_t geglu__tile_height(size_t remaining, size_t tile_rows) {
    if (remaining <= tile_rows) return remaining;
    if (remaining < tile_rows + tile_rows / 2) return (remaining + 1) / 2;
    return tile_rows;
}

/* The number of full-height tiles a block of `rows` starts with. */
static size_t geglu__full_tiles(size_t rows, size_t tile_rows) {
    size_t i = 0;
    while (rows - i >= tile_rows && geglu__tile_height(rows - i, tile_rows) == tile_rows)
        i += tile_rows;
    return i / tile_rows;
}

/* Tile g of a block of `rows`: its first row, and its height as the return value. */
static size_t geglu__tile_span(size_t g, size_t rows, size_t tile_rows, size_t *first) {
    size_t n, i = 0;
    for (n = 0; n < g; n++) i += geglu__tile_height(rows - i, tile_rows);
    *first = i;
    return geglu__tile_height(rows - i, tile_rows);
}

/* The number of tiles of a block of `rows`: at most rows / tile_rows rounded up. */
static size_t geglu__tile_count(size_t rows, size_t tile_rows) {
    size_t n = 0, i;
    for (i = 0; i < rows; i += geglu__tile_height(rows - i, tile_rows)) n++;
    return n;
}

/* Rows [0, rows) of x, a tile at a time as geglu__tile_height cuts them, tile g at
   tiled + g tile_rows cols; each tile's rows interleaved so that the microkernel reads one
   stream instead of one per row (and no two rows a multiple of 4 KiB apart fight over the same
   cache sets); a short tile repeats its last row up to tile_rows. */
static void geglu__tile_rows(const float *x, size_t rows, size_t cols, size_t tile_rows,
                             int round, float *tiled) {
    const size_t tiles = geglu__tile_count(rows, tile_rows);
    size_t g, r, k;
    GEGLU__OMP(for schedule(static))
    for (g = 0; g < tiles; g++) {
        size_t first;
        const size_t height = geglu__tile_span(g, rows, tile_rows, &first);
        for (r = 0; r < tile_rows; r++) {
            const float *row = x + (first + geglu__min(r, height - 1)) * cols;
            float *to = tiled + g * tile_rows * cols + r;
            for (k = 0; k < cols; k++) to[k * tile_rows] = round ? geglu__bf16_rounded(row[k]) : row[k];
        }
    }
}

/* Rows [0, rows) of `from` (cols floats each, ld_from apart) rounded to bf16 values into `to`
   (ld_to apart; `to` may be `from`), by the path's vector converters, GEGLU__PAIR_CHUNK pairs
   at a time. */
static void geglu__round_rows(const geglu__path *path, const float *from, size_t rows,
                              size_t cols, size_t ld_from, float *to, size_t ld_to) {
    size_t i, k;
    GEGLU__OMP(for schedule(static))
    for (i = 0; i < rows; i++)
        for (k = 0; k < cols; k += 2 * GEGLU__PAIR_CHUNK) {
            uint16_t halves[2 * GEGLU__PAIR_CHUNK];
            const size_t n = geglu__min(2 * GEGLU__PAIR_CHUNK, cols - k);
            path->f32_to_bf16(halves, from + i * ld_from + k, n);
            path->bf16_to_f32(to + i * ld_to + k, halves, n);
        }
}

/* The same for dot-product microkernels: rows [0, rows) of x (ld floats apart, cols each), rounded to
   bf16 by the path's vector converter and paired as a bf16 dot product takes them (terms 2q and
   2q + 1 of a row as pair q, 2q in the low half; a missing last term is +0), tile_rows rows at
   a time (geglu__pair_rows). */
static void geglu__tile_pairs(const geglu__path *path, const float *x, size_t rows, size_t cols,
                              size_t ld, size_t tile_rows, uint32_t *tiled) {
    const size_t pairs = (cols + 1) / 2, tiles = geglu__tile_count(rows, tile_rows);
    size_t g, r, q, k;
    GEGLU__OMP(for schedule(static))
    for (g = 0; g < tiles; g++) {
        size_t first;
        const size_t height = geglu__tile_span(g, rows, tile_rows, &first);
        for (r = 0; r < tile_rows; r++) {
            const float *row = x + (first + geglu__min(r, height - 1)) * ld;
            uint32_t *to = tiled + g * tile_rows * pairs + r;
            for (k = 0; k < cols; k += 2 * GEGLU__PAIR_CHUNK) {
                uint16_t halves[2 * GEGLU__PAIR_CHUNK + 1]; /* and +0 past an odd last term */
                const size_t n = geglu__min(2 * GEGLU__PAIR_CHUNK, cols - k);
                path->f32_to_bf16(halves, row + k, n);
                halves[n] = 0;
                for (q = 0; 2 * q < n; q++)
                    to[(k / 2 + q) * tile_rows] = halves[2 * q] | (uint32_t)halves[2 * q + 1] << 16;
            }
        }
    }
}

/* The rows per group of paired left terms for a block of `rows`: a block of one tile has just
   its microkernel's height, so that decoding reads its few pairs contiguously rather than one
   per tile_rows entries (which would stream through L1 beside the weights). */
static size_t geglu__pair_rows(size_t rows, size_t tile_rows) {
    return rows <= tile_rows ? geglu__kernel_height(rows, tile_rows) : tile_rows;
}

/* Tile n of the `full` full-height tiles a panel starts with: the last of them bring the panel
   that follows it in memory (the next one, in a packed layer or a workspace) to L2, one line
   per step at the same place in their rows: the last tile the first line of each row, the one
   before it the second. Shorter tiles do fewer products per line, and stream when they are
   short enough (GEGLU__PREFETCH_PANEL). */
static void geglu__ahead(geglu__tile *t, const geglu__panel *p, size_t n, size_t full) {
    const size_t row_bytes = p->k_step * geglu__dtype_size(p->type);
    const size_t steps = p->pairs ? (t->depth + 1) / 2 : t->depth;
    const size_t line = full - 1 - n; /* 0 in the last tile */
    t->ahead = p->padded && n < full && line * 64 < row_bytes
                   ? steps * row_bytes + line * 64
                   : 0;
}

/* The columns of W2 of a block that the FFN packs into its workspace and then runs at a time:
   for OUT_IN weights GEGLU__DOWN_COLUMNS, which are still in cache when the tiles run; else
   `all`: IN_OUT ones are packed a whole block at a time, as packing fewer columns would read
   their rows in short runs. */
#define GEGLU__DOWN_COLUMNS 128
static size_t geglu__down_step(const geglu__source *s, size_t all) {
    return s->layer && s->layer->layout == GEGLU_LAYOUT_OUT_IN ? GEGLU__DOWN_COLUMNS : all;
}

/* geglu__gate_block on an unpacked layer with a workspace: the weights are packed and run a
   part at a time, GEGLU__PART_COLUMNS columns by GEGLU__PART_DEPTH rows of d_model, which stay
   in cache between the two. The tiles take the part's terms as raw sums of W and of V into
   s->sums (the down projection's form of the microkernel, whose halves are the gate panel's),
   each part continuing the sums of the one before, so their order is the packed layer's; the
   last adds the biases and the sums go through GELU(a) * u to out. PART_DEPTH is even, so
   that bf16 products pair the same terms. */
#define GEGLU__PART_COLUMNS 256
#define GEGLU__PART_DEPTH 512
static void geglu__gate_parts(const geglu__source *s, const float *x, const float *x_tiled,
                              size_t rows, size_t j_begin, size_t j_end, float *out, size_t ldo) {
    const size_t width = s->path->width, ld_sums = 2 * GEGLU__PART_COLUMNS;
    const size_t full = geglu__full_tiles(rows, s->path->tile_rows);
    const size_t size = geglu__dtype_size(s->panel_type);
    geglu__panel p;
    geglu__tile t;
    size_t i, j, n, part, k0, depth;
    t.lda = s->d_model;
    t.tile_rows = s->path->tile_rows;
    t.a_pairs = NULL;
    t.ldo = ld_sums;
    t.bf16_products = s->bf16_products;
    t.a_rounded = s->a_rounded;
    t.gelu = s->gelu;
    p.type = s->panel_type;
    p.width = width;
    p.cols = 2 * width; /* padded columns sum to 0 and are not passed on */
    p.k_step = 2 * width;
    p.padded = 1;
    p.pairs = 0;
    for (part = j_begin; part < j_end; part += GEGLU__PART_COLUMNS) {
        const size_t part_end = geglu__min(part + GEGLU__PART_COLUMNS, j_end);
        k0 = 0;
        do { /* at least once: with d_model == 0 the sums are the biases */
            depth = geglu__min(GEGLU__PART_DEPTH, s->d_model - k0);
            geglu__pack_gate(s->layer, width, part, part_end, k0, depth, 0, s->path->gather_columns[s->type],
                             s->panel_type != s->type, s->gate_block, s->gate_bias);
            t.depth = depth;
            t.accumulate = k0 != 0;
            GEGLU__OMP(for schedule(static))
            for (j = part; j < part_end; j += width) {
                const int last = k0 + depth == s->d_model;
                p.w = geglu__element_at(s->gate_block, (j - part) * 2 * depth, size);
                p.v = geglu__element_at(p.w, width, size);
                p.bias_w = last && s->layer->b ? s->gate_bias + (j - part) * 2 : NULL;
                p.bias_v = last && s->layer->c ? s->gate_bias + (j - part) * 2 + width : NULL;
                for (i = 0, n = 0; i < rows; i += t.rows, n++) {
                    geglu__ahead(&t, &p, n, full);
                    t.a = geglu__advance(x, i * s->d_model + k0);
                    t.a_tiled = x_tiled ? x_tiled + (n * s->d_model + k0) * t.tile_rows : NULL;
                    t.rows = geglu__tile_height(rows - i, s->path->tile_rows);
                    t.out = s->sums + i * ld_sums + (j - part) * 2;
                    geglu__run_tile(s->path, &p, &t, 0);
                }
            }
            k0 += depth;
        } while (k0 < s->d_model);
        GEGLU__OMP(for schedule(static))
        for (i = 0; i < rows; i++)
            for (j = part; j < part_end; j += width) {
                const float *a = s->sums + i * ld_sums + (j - part) * 2;
                s->path->gelu_mul(out + i * ldo + (j - j_begin), a, a + width,
                                  geglu__min(width, part_end - j), s->gelu);
            }
    }
}

/* H = GELU(X W + b) (x) (X V + c) for `rows` tokens of x and d_ff columns [j_begin, j_end),
   into out (ldo floats between rows): each panel is loaded once for all the rows. x_tiled,
   when not NULL, holds the same rows as geglu__tile_rows leaves them (geglu__tile_pairs for
   pair panels). Called by every thread of a team (or by one thread alone), which share the
   panels among them. */
static void geglu__gate_block(const geglu__source *s, const float *x, const void *x_tiled,
                              size_t rows, size_t j_begin, size_t j_end, float *out, size_t ldo) {
    const size_t width = s->path->width;
    const size_t full = geglu__full_tiles(rows, s->path->tile_rows);
    geglu__panel p;
    geglu__tile t;
    size_t i, j, n;
    if (s->gate_block) {
        geglu__gate_parts(s, x, (const float *)x_tiled, rows, j_begin, j_end, out, ldo);
        return;
    }
    t.lda = s->d_model;
    t.depth = s->d_model;
    t.tile_rows = x_tiled && s->dot ? geglu__pair_rows(rows, s->path->tile_rows)
                                    : s->path->tile_rows;
    t.ldo = ldo;
    t.accumulate = 0;
    t.bf16_products = s->bf16_products;
    t.a_rounded = s->a_rounded;
    t.gelu = s->gelu;
    GEGLU__OMP(for schedule(static))
    for (j = j_begin; j < j_end; j += width) {
        geglu__gate_panel(s, j, &p);
        for (i = 0, n = 0; i < rows; i += t.rows, n++) {
            geglu__ahead(&t, &p, n, full);
            t.a = geglu__advance(x, i * s->d_model);
            t.a_tiled = x_tiled && !s->dot ? (const float *)x_tiled + n * t.tile_rows * s->d_model
                                           : NULL;
            t.a_pairs = x_tiled && s->dot
                            ? (const uint32_t *)x_tiled + n * t.tile_rows * ((s->d_model + 1) / 2)
                            : NULL;
            t.rows = geglu__tile_height(rows - i, s->path->tile_rows);
            t.out = out + i * ldo + (j - j_begin);
            geglu__run_tile(s->path, &p, &t, 1);
        }
    }
}

/* Y (+)= H W2 over the d_ff rows [k0, k0 + depth) of W2 and the d_model columns [j_begin,
   j_end), for `rows` tokens: the first block starts the sums, the others continue them, the
   last adds b2. h_pairs, when not NULL, holds the same rows of H as geglu__tile_pairs leaves
   them. Shared among a team's threads as geglu__gate_block is. */
static void geglu__down_block(const geglu__source *s, const float *h, size_t ldh, size_t rows,
                              size_t k0, size_t depth, size_t j_begin, size_t j_end, float *y,
                              const uint32_t *h_pairs) {
    const size_t panel_columns = 2 * s->path->width;
    const size_t full = geglu__full_tiles(rows, s->path->tile_rows);
    geglu__panel p;
    geglu__tile t;
    size_t i, j, n, part;
    t.lda = ldh;
    t.a_tiled = NULL;
    t.a_pairs = NULL;
    t.depth = depth;
    t.tile_rows = h_pairs ? geglu__pair_rows(rows, s->path->tile_rows) : s->path->tile_rows;
    t.ldo = s->d_model;
    t.accumulate = k0 != 0;
    t.bf16_products = s->bf16_products;
    t.a_rounded = s->a_rounded;
    t.gelu = s->gelu;
    const size_t step = geglu__down_step(s, j_end - j_begin);
    for (part = j_begin; part < j_end; part += step) {
        const size_t part_end = geglu__min(part + step, j_end);
        if (!s->packed)
            geglu__pack_down(s->layer, s->path->width, k0, depth, part, part_end, 0,
                             s->path->gather_columns[s->type], s->panel_type != s->type, s->down_block);
        GEGLU__OMP(for schedule(static))
        for (j = part; j < part_end; j += panel_columns) {
            geglu__down_panel(s, k0, depth, part, j, &p);
            if (k0 + depth != s->d_ff) p.bias_w = p.bias_v = NULL;
            for (i = 0, n = 0; i < rows; i += t.rows, n++) {
                geglu__ahead(&t, &p, n, full);
                t.a = h + i * ldh;
                t.a_pairs = h_pairs ? h_pairs + n * t.tile_rows * ((depth + 1) / 2) : NULL;
                t.rows = geglu__tile_height(rows - i, s->path->tile_rows);
                t.out = y + i * s->d_model + j;
                geglu__run_tile(s->path, &p, &t, 0);
            }
        }
    }
}

/* Decoding on an unpacked layer reads the weights where they lie, with no packed copy, and
   takes every sum's terms in the order of the packed layer's tiles, so that the results are
   bitwise the same. IN_OUT rows are read in place, GEGLU__STREAM_GROUP columns of a row at a
   time (the path's stream_rows microkernel); OUT_IN columns are transposed by its
   gather_columns microkernel into a chunk of floats on the stack, GEGLU__GATHER_COLUMNS
   columns by GEGLU__GATHER_DEPTH terms, that stream_rows then reads; columns past the last
   whole width, in either layout, are copied one weight at a time into such a chunk. */
#define GEGLU__STREAM_GROUP 512
#define GEGLU__GATHER_DEPTH 64 /* OUT_IN terms per chunk, */
#define GEGLU__GATHER_COLUMNS 64 /* of this many columns */

/* The sums of t's rows (their terms from a on) over `terms` rows of n columns of a matrix of
   `type` (row i at matrix + i step), GEGLU__STREAM_DEPTH rows per call of the path's stream_rows
   microkernel, continued from t->out's unless they start (accumulate 0). */
static void geglu__stream_terms_of(const geglu__source *s, geglu__tile *t, const float *a,
                                   int accumulate, const void *matrix, geglu_dtype type,
                                   size_t step, size_t n, size_t terms) {
    size_t i;
    for (i = 0; i < terms; i += GEGLU__STREAM_DEPTH) {
        t->a = a + i;
        t->depth = geglu__min(GEGLU__STREAM_DEPTH, terms - i);
        t->accumulate = accumulate || i != 0;
        s->path->stream_rows[type](geglu__element_at(matrix, i * step, geglu__dtype_size(type)),
                                   step, t, n);
    }
}

/* out[r][c] (+)= the sums over terms [k_begin, k_begin + depth) of rows r < rows of a (lda
   apart, term k_begin first) with columns [j, j + cols) of `matrix`, in the layer's layout with
   its rows `stride` weights apart; out's columns ldo apart; the sums start at 0 unless
   `accumulate`. */
static void geglu__stream_sums(const geglu__source *s, const void *matrix, size_t stride,
                               size_t j, size_t cols, const float *a, size_t lda,
                               size_t rows, size_t k_begin, size_t depth, int accumulate,
                               float *out, size_t ldo) {
    const geglu__path *path = s->path;
    const size_t width = path->width, size = geglu__dtype_size(s->type);
    const int in_out = s->layer->layout == GEGLU_LAYOUT_IN_OUT;
    const size_t in_place = in_out ? cols / width * width : 0, gathered = in_out ? 0 : cols / width * width;
    float chunk[GEGLU__GATHER_DEPTH * GEGLU__GATHER_COLUMNS], local[GEGLU__DECODE_ROWS * GEGLU__MAX_WIDTH];
    geglu__tile t;
    size_t k0, c, col, r;
    t.lda = lda;
    t.rows = rows;
    t.bf16_products = s->bf16_products;
    t.a_rounded = s->a_rounded;
    t.out = out;
    t.ldo = ldo;
    if (in_place)
        geglu__stream_terms_of(s, &t, a, accumulate,
                               geglu__element_at(matrix, k_begin * stride + j, size), s->type,
                               stride, in_place, depth);
    for (c = 0; c < gathered; c += GEGLU__GATHER_COLUMNS) {
        const size_t n = geglu__min(GEGLU__GATHER_COLUMNS, gathered - c);
        t.out = out + c;
        t.ldo = ldo;
        for (k0 = 0; k0 < depth; k0 += GEGLU__GATHER_DEPTH) {
            const size_t k = k_begin + k0, terms = geglu__min(GEGLU__GATHER_DEPTH, depth - k0);
            size_t i;
            for (col = 0; col < n; col += width)
                path->gather_columns[s->type](chunk + col, n,
                                              geglu__element_at(matrix, (j + c + col) * stride + k, size),
                                              stride, terms);
            for (col = 0; col < n; col++)
                for (i = terms / width * width; i < terms; i++)
                    chunk[i * n + col] = geglu__weight(matrix, (j + c + col) * stride + k + i, s->type);
            geglu__stream_terms_of(s, &t, a + k0, accumulate || k0 != 0, chunk, GEGLU_DTYPE_F32,
                                   n, n, terms);
        }
    }
    for (c = in_out ? in_place : gathered; c < cols; c += width) { /* past the last whole width */
        const size_t n = cols - c;
        memset(chunk, 0, sizeof chunk);
        for (r = 0; r < rows && accumulate; r++)
            memcpy(local + r * width, out + r * ldo + c, n * sizeof(float));
        t.out = local;
        t.ldo = width;
        for (k0 = 0; k0 < depth; k0 += GEGLU__GATHER_DEPTH) {
            const size_t k = k_begin + k0, terms = geglu__min(GEGLU__GATHER_DEPTH, depth - k0);
            size_t i;
            for (col = 0; col < n; col++)
                for (i = 0; i < terms; i++)
                    chunk[i * width + col] = geglu__weight(
                        matrix, in_out ? (k + i) * stride + j + c + col : (j + c + col) * stride + k + i,
                        s->type);
            geglu__stream_terms_of(s, &t, a + k0, accumulate || k0 != 0, chunk, GEGLU_DTYPE_F32,
                                   width, width, terms);
        }
        for (r = 0; r < rows; r++)
            memcpy(out + r * ldo + c, local + r * width, n * sizeof(float));
    }
}

/* The gate's columns [g, g + cols) for at most GEGLU__DECODE_ROWS rows of x from an unpacked
   layer: their sums of W go to sums, of V to sums + half (ld_sums floats per row), then with
   the biases through GELU to out. */
static void geglu__gate_group(const geglu__source *s, const float *x, size_t rows, size_t g,
                              size_t cols, float *out, size_t ldo, float *sums, size_t half,
                              size_t ld_sums) {
    const geglu_layer_f32 *layer = s->layer;
    float *u = sums + half;
    size_t i, n;
    geglu__stream_sums(s, layer->w, s->gate_stride, g, cols, x, s->d_model, rows, 0, s->d_model,
                       0, sums, ld_sums);
    geglu__stream_sums(s, layer->v, s->gate_stride, g, cols, x, s->d_model, rows, 0, s->d_model,
                       0, u, ld_sums);
    for (i = 0; i < rows; i++) {
        float *a_row = sums + i * ld_sums, *u_row = u + i * ld_sums;
        for (n = 0; n < cols && layer->b; n++) a_row[n] += layer->b[g + n];
        for (n = 0; n < cols && layer->c; n++) u_row[n] += layer->c[g + n];
        s->path->gelu_mul(out + i * ldo, a_row, u_row, cols, s->gelu);
    }
}

/* geglu__gate_block for at most GEGLU__DECODE_ROWS rows of an unpacked layer, its sums in
   `sums` (the block's columns of W, then as many of V, per row). */
static void geglu__gate_stream(const geglu__source *s, const float *x, size_t rows,
                               size_t j_begin, size_t j_end, float *out, size_t ldo, float *sums) {
    const size_t width = s->path->width;
    const size_t group = s->layer->layout == GEGLU_LAYOUT_IN_OUT ? GEGLU__STREAM_GROUP : GEGLU__GATHER_COLUMNS;
    const size_t half = geglu__round_up(j_end - j_begin, width);
    size_t g;
    GEGLU__OMP(for schedule(static))
    for (g = j_begin; g < j_end; g += group)
        geglu__gate_group(s, x, rows, g, geglu__min(group, j_end - g), out + (g - j_begin), ldo,
                          sums + (g - j_begin), half, 2 * half);
}

/* geglu_gate_f32 on an unpacked layer with no workspace, GEGLU__DECODE_ROWS tokens and
   GEGLU__GATE_GROUP columns at a time (their sums on the stack); for more tokens a group of
   one width, which stays in cache while every token passes. */
#define GEGLU__GATE_GROUP 128
static void geglu__gate_streamed(const geglu__source *s, const float *x, size_t tokens, float *h) {
    GEGLU__OMP(parallel)
    {
        const size_t width = s->path->width;
        const size_t group = tokens <= GEGLU__DECODE_ROWS && GEGLU__GATE_GROUP > width ? GEGLU__GATE_GROUP : width;
        float sums[GEGLU__DECODE_ROWS * 2 * GEGLU__GATE_GROUP];
        size_t g, t0;
        GEGLU__OMP(for schedule(static))
        for (g = 0; g < s->d_ff; g += group)
            for (t0 = 0; t0 < tokens; t0 += GEGLU__DECODE_ROWS)
                geglu__gate_group(s, x + t0 * s->d_model, geglu__min(GEGLU__DECODE_ROWS, tokens - t0), g,
                                  geglu__min(group, s->d_ff - g), h + t0 * s->d_ff + g, s->d_ff, sums,
                                  group, 2 * group);
    }
}

/* geglu__down_block for at most GEGLU__DECODE_ROWS rows of an unpacked layer, over all of
   d_model. */
static void geglu__down_stream(const geglu__source *s, const float *h, size_t ldh, size_t rows,
                               size_t k_begin, size_t depth, float *y) {
    const geglu_layer_f32 *layer = s->layer;
    const size_t d_model = s->d_model;
    const size_t group = layer->layout == GEGLU_LAYOUT_IN_OUT ? GEGLU__STREAM_GROUP : GEGLU__GATHER_COLUMNS;
    size_t g, i, n;
    GEGLU__OMP(for schedule(static))
    for (g = 0; g < d_model; g += group) {
        const size_t cols = geglu__min(group, d_model - g);
        geglu__stream_sums(s, layer->w2, s->down_stride, g, cols, h, ldh, rows, k_begin, depth,
                           k_begin != 0, y + g, d_model);
        for (i = 0; i < rows && layer->b2 && k_begin + depth == s->d_ff; i++)
            for (n = 0; n < cols; n++) y[i * d_model + g + n] += layer->b2[g + n];
    }
}

/* H for d_ff columns [j_begin, j_end) of every token; in an OpenMP team when there is one. */
static void geglu__gate(const geglu__source *s, const float *x, size_t tokens, float *h,
                        size_t j_begin, size_t j_end, int team) {
    GEGLU__OMP(parallel if (team))
    {
        size_t t0;
        for (t0 = 0; t0 < tokens; t0 += GEGLU__TOKEN_BLOCK)
            geglu__gate_block(s, geglu__advance(x, t0 * s->d_model), NULL,
                              geglu__min(GEGLU__TOKEN_BLOCK, tokens - t0), j_begin, j_end,
                              h + t0 * s->d_ff + j_begin, s->d_ff);
    }
    (void)team;
}

/* The FFN a block of tokens and a block of d_ff at a time: the block of H goes from the gate
   to the down projection through `hidden` while it is still in cache. */
static void geglu__ffn(const geglu__source *s, const float *x, size_t tokens, float *y,
                       float *hidden, float *x_tiled, uint32_t *h_pairs) {
    GEGLU__OMP(parallel)
    {
        size_t t0, k0, j;
        for (t0 = 0; t0 < tokens; t0 += GEGLU__TOKEN_BLOCK) {
            size_t rows = geglu__min(GEGLU__TOKEN_BLOCK, tokens - t0);
            const float *x_rows = geglu__advance(x, t0 * s->d_model);
            float *y_rows = y + t0 * s->d_model;
            float *tiled = rows > GEGLU__DECODE_ROWS || s->dot ? x_tiled : NULL;
            uint32_t *pairs = tiled && s->dot ? h_pairs : NULL; /* H rounded and paired */
            const int stream = !s->packed && rows <= GEGLU__DECODE_ROWS;
            const size_t ldh = geglu__min(GEGLU__HIDDEN_BLOCK, s->d_ff);
            if (s->d_ff == 0) { /* an empty sum: Y = b2 */
                GEGLU__OMP(for schedule(static))
                for (j = 0; j < rows * s->d_model; j++)
                    y_rows[j] = s->b2 ? s->b2[j % s->d_model] : 0.0f;
            } else if (tiled && s->dot) {
                geglu__tile_pairs(s->path, x_rows, rows, s->d_model, s->d_model,
                                  geglu__pair_rows(rows, s->path->tile_rows), (uint32_t *)(void *)tiled);
            } else if (tiled) {
                geglu__tile_rows(x_rows, rows, s->d_model, s->path->tile_rows, s->a_rounded, tiled);
            } else if (s->a_rounded) {
                geglu__round_rows(s->path, x_rows, rows, s->d_model, s->d_model, x_tiled, s->d_model);
                x_rows = x_tiled;
            }
            for (k0 = 0; k0 < s->d_ff; k0 += GEGLU__HIDDEN_BLOCK) {
                size_t depth = geglu__min(GEGLU__HIDDEN_BLOCK, s->d_ff - k0);
                if (stream)
                    geglu__gate_stream(s, x_rows, rows, k0, k0 + depth, hidden, ldh, s->sums);
                else
                    geglu__gate_block(s, x_rows, tiled, rows, k0, k0 + depth, hidden, ldh);
                if (pairs)
                    geglu__tile_pairs(s->path, hidden, rows, depth, ldh,
                                      geglu__pair_rows(rows, s->path->tile_rows), pairs);
                if (s->a_rounded) geglu__round_rows(s->path, hidden, rows, depth, ldh, hidden, ldh);
                if (stream)
                    geglu__down_stream(s, hidden, ldh, rows, k0, depth, y_rows);
                else
                    geglu__down_block(s, hidden, ldh, rows, k0, depth, 0, s->d_model, y_rows, pairs);
            }
        }
    }
}

/* Where an FFN call keeps its scratch, in floats from the aligned start of the workspace: a
   block of H at 0, the block's rows of x tiled (for blocks of more than GEGLU__DECODE_ROWS; for
   dot-product microkernels, however few the rows, paired, then the block of H paired), then
   for an unpacked layer the current part of gate panels (of the weights' type; none when
   decoding) and their biases, the current block of W2 panels and b2, padded, and the sums of
   geglu__gate_parts or of decoding. With bf16 products on the FMA
   microkernels (`rounded`), x is rounded into the tiled region however few its rows. */
typedef struct geglu__scratch {
    size_t tiled, h_pairs, gate_block, gate_bias, down_block, b2, sums, bytes;
} geglu__scratch;

static int geglu__ffn_scratch(const geglu__path *path, size_t d_model, size_t d_ff, size_t tokens,
                              int packed, size_t weight_size, int pairs, int rounded,
                              geglu__scratch *s) {
    const size_t align = GEGLU__ALIGN / sizeof(float), limit = SIZE_MAX / 16;
    const size_t width = path->width, full = 2 * width;
    size_t depth = geglu__min(d_ff, GEGLU__HIDDEN_BLOCK); /* rows of a block of H and of W2 */
    size_t rows = geglu__min(tokens, GEGLU__TOKEN_BLOCK), padded = geglu__round_up(d_model, full);
    size_t tiled, gate, down, floats;
    /* x tiled, or for bf16 products rounded in place of the caller's rows */
    if (!geglu__mul_size(rows > GEGLU__DECODE_ROWS || pairs ? geglu__round_up(rows, path->tile_rows)
                         : rounded              ? rows
                                                : 0,
                         d_model, &tiled) ||
        !geglu__mul_size(depth, padded, &down) || tiled > limit || down > limit || padded > limit)
        return 0;
    gate = 2 * GEGLU__PART_COLUMNS * geglu__min(d_model, GEGLU__PART_DEPTH); /* geglu__gate_parts */
    if (packed || tokens <= GEGLU__DECODE_ROWS) gate = down = 0; /* decoding streams them */
    if (packed) padded = 0;
    gate = (gate * weight_size + 3) / 4; /* in floats */
    down = (down * weight_size + 3) / 4;
    /* no overflow below: each term is below SIZE_MAX / 16 */
    s->tiled = geglu__round_up(rows * depth, align);
    s->h_pairs = s->tiled + geglu__round_up(tiled, align);
    s->gate_block = s->h_pairs; /* H paired: one uint32_t per pair, tiled like x */
    if (pairs && tiled)
        s->gate_block += geglu__round_up(geglu__round_up(rows, path->tile_rows) * ((depth + 1) / 2), align);
    s->gate_bias = s->gate_block + geglu__round_up(gate, align);
    s->down_block = s->gate_bias + (packed ? 0 : geglu__round_up(2 * depth + full, align));
    s->b2 = s->down_block + geglu__round_up(down, align);
    s->sums = s->b2 + geglu__round_up(padded, align);
    floats = s->sums + (packed ? 0 : rows <= GEGLU__DECODE_ROWS ? rows * 2 * geglu__round_up(depth, width)
                                                                 : rows * 2 * GEGLU__PART_COLUMNS);
    if (floats > (SIZE_MAX - GEGLU__ALIGN) / sizeof(float)) return 0;
    s->bytes = floats * sizeof(float) + (GEGLU__ALIGN - 1);
    return 1;
}

#ifdef __cplusplus
}
#endif

/* ============================================================================================ */
/*                          PUBLIC FUNCTIONS: argument checks and dispatch                      */
/* ============================================================================================ */
#ifdef __cplusplus
extern "C" {
#endif

/* Element-wise work in chunks: with OpenMP, long arrays are shared among the team. */
#define GEGLU__CHUNK 16384

static void geglu__gelu_chunks(float *out, const float *a, const float *u, size_t n,
                               geglu_gelu kind) {
    size_t i;
    GEGLU__OMP(parallel for schedule(static) if (n >= 4 * GEGLU__CHUNK))
    for (i = 0; i < n; i += GEGLU__CHUNK) {
        size_t m = geglu__min(GEGLU__CHUNK, n - i);
        if (u) GEGLU__PATH_IN_USE->gelu_mul(out + i, a + i, u + i, m, kind);
        else GEGLU__PATH_IN_USE->gelu(out + i, a + i, m, kind);
    }
}

GEGLU_API const char *geglu_isa(void) {
    return GEGLU__PATH_IN_USE->name;
}

GEGLU_API geglu_status geglu_gelu_f32(float *y, const float *x, size_t n, geglu_gelu kind) {
    geglu__range ry, rx;
    if (!geglu__valid_gelu(kind)) return GEGLU_ERROR_INVALID_ARGUMENT;
    if (!geglu__float_range(y, n, 1, &ry) || !geglu__float_range(x, n, 1, &rx))
        return GEGLU_ERROR_SIZE_OVERFLOW;
    if (geglu__missing(y, ry) || geglu__missing(x, rx)) return GEGLU_ERROR_NULL_POINTER;
    if (y != x && geglu__overlap(ry, rx)) return GEGLU_ERROR_OVERLAP;
    geglu__gelu_chunks(y, x, NULL, n, kind);
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
    geglu__gelu_chunks(h, a, u, n, kind);
    return GEGLU_OK;
}

/* Checks 3, 4 and 6 for a conversion of n elements from x to y (no overlap at all). */
static geglu_status geglu__check_convert(const void *y, size_t y_size, const void *x,
                                         size_t x_size, size_t n) {
    geglu__range ry, rx;
    if (!geglu__array_range(y, n, y_size, &ry) || !geglu__array_range(x, n, x_size, &rx))
        return GEGLU_ERROR_SIZE_OVERFLOW;
    if (geglu__missing(y, ry) || geglu__missing(x, rx)) return GEGLU_ERROR_NULL_POINTER;
    return geglu__overlap(ry, rx) ? GEGLU_ERROR_OVERLAP : GEGLU_OK;
}

GEGLU_API geglu_status geglu_f32_to_bf16(uint16_t *y, const float *x, size_t n) {
    geglu_status status = geglu__check_convert(y, sizeof *y, x, sizeof *x, n);
    if (status == GEGLU_OK && n != 0) GEGLU__PATH_IN_USE->f32_to_bf16(y, x, n);
    return status;
}

GEGLU_API geglu_status geglu_bf16_to_f32(float *y, const uint16_t *x, size_t n) {
    geglu_status status = geglu__check_convert(y, sizeof *y, x, sizeof *x, n);
    if (status == GEGLU_OK && n != 0) GEGLU__PATH_IN_USE->bf16_to_f32(y, x, n);
    return status;
}

GEGLU_API geglu_status geglu_f32_to_f16(uint16_t *y, const float *x, size_t n) {
    geglu_status status = geglu__check_convert(y, sizeof *y, x, sizeof *x, n);
    if (status == GEGLU_OK && n != 0) GEGLU__PATH_IN_USE->f32_to_f16(y, x, n);
    return status;
}

GEGLU_API geglu_status geglu_f16_to_f32(float *y, const uint16_t *x, size_t n) {
    geglu_status status = geglu__check_convert(y, sizeof *y, x, sizeof *x, n);
    if (status == GEGLU_OK && n != 0) GEGLU__PATH_IN_USE->f16_to_f32(y, x, n);
    return status;
}

/* An unpacked layer; with a workspace (the FFN) panels are packed into it as they are used. */
static geglu__source geglu__layer_source(const geglu_layer_f32 *layer, float *scratch,
                                         const geglu__scratch *layout) {
    geglu__source s;
    s.path = GEGLU__PATH_IN_USE;
    s.layer = layer;
    s.packed = NULL;
    s.gate_block = scratch ? scratch + layout->gate_block : NULL;
    s.gate_bias = scratch ? scratch + layout->gate_bias : NULL;
    s.down_block = scratch ? scratch + layout->down_block : NULL;
    s.sums = scratch ? scratch + layout->sums : NULL;
    s.b2 = layer->b2;
    if (scratch && layer->b2) { /* padded, so that the microkernel may load whole panels */
        float *b2 = scratch + layout->b2;
        size_t j, padded = geglu__round_up(layer->d_model, 2 * s.path->width);
        for (j = 0; j < padded; j++) b2[j] = j < layer->d_model ? layer->b2[j] : 0.0f;
        s.b2 = b2;
    }
    s.d_model = layer->d_model;
    s.d_ff = layer->d_ff;
    s.gate_stride = geglu__row_stride(layer, 0);
    s.down_stride = geglu__row_stride(layer, 1);
    s.gelu = layer->gelu;
    s.type = layer->weight_type;
    s.panel_type = geglu__panel_type(layer);
    s.bf16_products = geglu__bf16_products(layer->weight_type, layer->precision);
    s.pairs = s.dot = 0;
    s.a_rounded = 0;
    return s;
}

GEGLU_API geglu_status geglu_gate_f32(const geglu_layer_f32 *layer, const float *x, size_t tokens,
                                      float *h) {
    geglu__range range[GEGLU__BUFFERS];
    geglu__source source;
    geglu_status status = geglu__check_call(layer, x, tokens, h, 0, range);
    if (status != GEGLU_OK) return status;
    if (geglu__output_overlaps(range, range[GEGLU__OUT])) return GEGLU_ERROR_OVERLAP;
    if (range[GEGLU__OUT].bytes == 0) return GEGLU_OK;
    source = geglu__layer_source(layer, NULL, NULL);
    if (layer->d_model != 0 && (layer->layout == GEGLU_LAYOUT_OUT_IN || tokens <= GEGLU__DECODE_ROWS))
        geglu__gate_streamed(&source, x, tokens, h);
    else
        geglu__gate(&source, x, tokens, h, 0, source.d_ff, 1);
    return GEGLU_OK;
}

/* The bytes of an FFN call's scratch; 0 when it needs none or when x or y (tokens x d_model)
   would overflow, as the call then fails before it looks at the workspace. */
static size_t geglu__ffn_workspace_bytes(size_t d_model, size_t d_ff, size_t tokens, int packed,
                                         geglu_dtype type, int pairs, int rounded) {
    geglu__range io;
    geglu__scratch scratch;
    if (tokens == 0 || d_ff == 0 || d_model == 0 || !geglu__float_range(NULL, tokens, d_model, &io) ||
        !geglu__ffn_scratch(GEGLU__PATH_IN_USE, d_model, d_ff, tokens, packed,
                            geglu__dtype_size(type), pairs, rounded, &scratch))
        return 0;
    return scratch.bytes;
}

GEGLU_API size_t geglu_ffn_workspace_size(const geglu_layer_f32 *layer, size_t tokens) {
    geglu__range range[GEGLU__BUFFERS];
    if (geglu__check_layer(layer, 1, range) != GEGLU_OK) return 0;
    return geglu__ffn_workspace_bytes(layer->d_model, layer->d_ff, tokens, 0, geglu__panel_type(layer), 0,
                                      geglu__bf16_products(layer->weight_type, layer->precision));
}

/* The rest of check 4 and checks 5 and 6 for an FFN call (the workspace's wrap-around is
   check 3, done by the caller); on success, the aligned scratch. */
static geglu_status geglu__check_workspace(const geglu__range range[GEGLU__BUFFERS], size_t needed,
                                           void *workspace, size_t workspace_size,
                                           float **scratch) {
    geglu__range space;
    space.address = (uintptr_t)workspace;
    space.bytes = workspace_size;
    if (needed != 0 && workspace == NULL) return GEGLU_ERROR_NULL_POINTER;
    if (workspace_size < needed) return GEGLU_ERROR_WORKSPACE_TOO_SMALL;
    if (geglu__output_overlaps(range, range[GEGLU__OUT]) || geglu__output_overlaps(range, space) ||
        geglu__overlap(range[GEGLU__OUT], space))
        return GEGLU_ERROR_OVERLAP;
    *scratch = needed == 0 ? NULL /* nothing of it may be touched */
                           : (float *)((space.address + (GEGLU__ALIGN - 1)) &
                                       ~(uintptr_t)(GEGLU__ALIGN - 1));
    return GEGLU_OK;
}

GEGLU_API geglu_status geglu_ffn_f32(const geglu_layer_f32 *layer, const float *x, size_t tokens,
                                     float *y, void *workspace, size_t workspace_size) {
    geglu__range range[GEGLU__BUFFERS];
    geglu__source source;
    geglu__scratch layout = {0, 0, 0, 0, 0, 0, 0, 0};
    float *scratch = NULL;
    geglu_status status = geglu__check_call(layer, x, tokens, y, 1, range);
    if ((status == GEGLU_OK || (status == GEGLU_ERROR_NULL_POINTER && layer != NULL)) &&
        geglu__wraps(workspace, workspace_size))
        return GEGLU_ERROR_SIZE_OVERFLOW; /* check 3 comes before check 4's NULL pointers */
    if (status != GEGLU_OK) return status;
    if (range[GEGLU__OUT].bytes != 0 && layer->d_ff != 0 &&
        !geglu__ffn_scratch(GEGLU__PATH_IN_USE, layer->d_model, layer->d_ff, tokens, 0,
                            geglu__dtype_size(geglu__panel_type(layer)), 0,
                            geglu__bf16_products(layer->weight_type, layer->precision), &layout))
        return GEGLU_ERROR_SIZE_OVERFLOW;
    status = geglu__check_workspace(range, layout.bytes, workspace, workspace_size, &scratch);
    if (status != GEGLU_OK || range[GEGLU__OUT].bytes == 0) return status;
    source = geglu__layer_source(layer, scratch, &layout);
    source.a_rounded = source.bf16_products;
    geglu__ffn(&source, x, tokens, y, scratch, scratch ? scratch + layout.tiled : NULL, NULL);
    return GEGLU_OK;
}

/* ---- packed layers ---------------------------------------------------------------------------- */

/* Whether a valid layer packs into pair panels: bf16 weights on a vector path. */
static int geglu__packs_pairs(const geglu_layer_f32 *layer) {
    return layer->weight_type == GEGLU_DTYPE_BF16 && GEGLU__PATH_IN_USE->gate_pair_tile != NULL;
}

GEGLU_API size_t geglu_packed_size_f32(const geglu_layer_f32 *layer) {
    geglu__range range[GEGLU__BUFFERS];
    struct geglu_packed_f32 head;
    if (geglu__check_layer(layer, 1, range) != GEGLU_OK ||
        !geglu__packed_layout(layer->d_model, layer->d_ff, GEGLU__PATH_IN_USE->width,
                              geglu__dtype_size(layer->weight_type), geglu__packs_pairs(layer),
                              &head))
        return 0;
    return head.bytes + (GEGLU__ALIGN - 1);
}

GEGLU_API geglu_status geglu_pack_f32(const geglu_layer_f32 *layer, void *buffer,
                                      size_t buffer_size, const geglu_packed_f32 **packed) {
    const geglu__path *path = GEGLU__PATH_IN_USE;
    geglu__range range[GEGLU__BUFFERS], space;
    struct geglu_packed_f32 head, *out;
    unsigned char *base;
    float *b2;
    size_t j, k0, row_weights, size;
    geglu_status status = geglu__check_layer(layer, 1, range);
    if (status != GEGLU_OK) return status;
    memset(&head, 0, sizeof head); /* every byte copied into the buffer is defined */
    if (!geglu__packed_layout(layer->d_model, layer->d_ff, path->width,
                              geglu__dtype_size(layer->weight_type), geglu__packs_pairs(layer),
                              &head) ||
        geglu__wraps(buffer, buffer_size))
        return GEGLU_ERROR_SIZE_OVERFLOW;
    if (geglu__missing(layer->w, range[GEGLU__W]) || geglu__missing(layer->v, range[GEGLU__V]) ||
        geglu__missing(layer->w2, range[GEGLU__W2]) || buffer == NULL || packed == NULL)
        return GEGLU_ERROR_NULL_POINTER;
    range[GEGLU__X].bytes = range[GEGLU__OUT].bytes = 0;
    space.address = (uintptr_t)buffer;
    space.bytes = buffer_size;
    if (buffer_size < head.bytes + (GEGLU__ALIGN - 1)) return GEGLU_ERROR_WORKSPACE_TOO_SMALL;
    if (geglu__output_overlaps(range, space)) return GEGLU_ERROR_OVERLAP;

    out = (struct geglu_packed_f32 *)((space.address + (GEGLU__ALIGN - 1)) &
                                      ~(uintptr_t)(GEGLU__ALIGN - 1));
    memset(out, 0, head.bytes);
    head.magic = GEGLU__PACKED_MAGIC;
    head.panel_width = (uint32_t)path->width;
    head.hidden_block = GEGLU__HIDDEN_BLOCK;
    head.tile_rows = (uint32_t)path->tile_rows;
    head.d_model = layer->d_model;
    head.d_ff = layer->d_ff;
    head.gelu = layer->gelu;
    head.weight_type = layer->weight_type;
    head.precision = layer->precision;
    head.pairs = geglu__packs_pairs(layer);
    head.has_b = layer->b != NULL;
    head.has_c = layer->c != NULL;
    head.has_b2 = layer->b2 != NULL;
    *out = head;
    base = (unsigned char *)(void *)out;
    size = geglu__dtype_size(layer->weight_type);
    geglu__pack_gate(layer, path->width, 0, layer->d_ff, 0, layer->d_model, head.pairs,
                     path->gather_columns[GEGLU_DTYPE_F32], 0, base + head.gate,
                     (float *)(void *)(base + head.gbias));
    row_weights = geglu__round_up(layer->d_model, 2 * path->width);
    for (k0 = 0; k0 < layer->d_ff; k0 += GEGLU__HIDDEN_BLOCK)
        geglu__pack_down(layer, path->width, k0, geglu__min(GEGLU__HIDDEN_BLOCK, layer->d_ff - k0),
                         0, layer->d_model, head.pairs, path->gather_columns[GEGLU_DTYPE_F32], 0,
                         base + head.down + k0 * row_weights * size);
    b2 = (float *)(void *)(base + head.b2);
    for (j = 0; j < layer->d_model && layer->b2; j++) b2[j] = layer->b2[j];
    *packed = out;
    return GEGLU_OK;
}

/* Checks for a call on a packed layer: 1 (NULL), 2 (not packed by this build's geometry), 3, 4;
   range[GEGLU__W] stands for the packed layer itself. */
enum { GEGLU__GATE, GEGLU__FFN, GEGLU__DOWN }; /* input x/x/h, output h/y/y */

static geglu_status geglu__check_packed(const geglu_packed_f32 *packed, const float *x,
                                        size_t tokens, const float *out, int phase,
                                        geglu__range range[GEGLU__BUFFERS]) {
    int i;
    if (packed == NULL) return GEGLU_ERROR_NULL_POINTER;
    if (packed->magic != GEGLU__PACKED_MAGIC || packed->panel_width != GEGLU__PATH_IN_USE->width ||
        packed->hidden_block != GEGLU__HIDDEN_BLOCK ||
        packed->tile_rows != GEGLU__PATH_IN_USE->tile_rows ||
        !geglu__valid_dtype(packed->weight_type) ||
        (packed->pairs && GEGLU__PATH_IN_USE->gate_pair_tile == NULL))
        return GEGLU_ERROR_INVALID_ARGUMENT;
    for (i = 0; i < GEGLU__BUFFERS; i++) range[i].bytes = 0;
    range[GEGLU__W].address = (uintptr_t)packed;
    range[GEGLU__W].bytes = packed->bytes;
    if (!geglu__float_range(x, tokens, phase == GEGLU__DOWN ? packed->d_ff : packed->d_model,
                            &range[GEGLU__X]) ||
        !geglu__float_range(out, tokens, phase == GEGLU__GATE ? packed->d_ff : packed->d_model,
                            &range[GEGLU__OUT]))
        return GEGLU_ERROR_SIZE_OVERFLOW;
    if (geglu__missing(x, range[GEGLU__X]) || geglu__missing(out, range[GEGLU__OUT]))
        return GEGLU_ERROR_NULL_POINTER;
    return GEGLU_OK;
}

/* Whether a packed layer's bf16 products run on the path's dot-product microkernels. */
static int geglu__packed_dot(const geglu_packed_f32 *packed) {
    return packed->pairs && geglu__bf16_products(packed->weight_type, packed->precision) &&
           GEGLU__PATH_IN_USE->gate_dot_tile != NULL;
}

static geglu__source geglu__packed_source(const geglu_packed_f32 *packed) {
    geglu__source s;
    s.path = GEGLU__PATH_IN_USE;
    s.layer = NULL;
    s.packed = packed;
    s.gate_block = s.down_block = NULL;
    s.sums = NULL;
    s.gate_bias = NULL;
    s.b2 = packed->has_b2 ? (const float *)geglu__packed_array(packed, packed->b2) : NULL;
    s.d_model = packed->d_model;
    s.d_ff = packed->d_ff;
    s.gate_stride = s.down_stride = 0;
    s.gelu = packed->gelu;
    s.type = packed->weight_type;
    s.panel_type = packed->weight_type;
    s.bf16_products = geglu__bf16_products(packed->weight_type, packed->precision);
    s.pairs = packed->pairs;
    s.dot = geglu__packed_dot(packed);
    s.a_rounded = 0;
    return s;
}

/* Whether a packed layer's FFN rounds x and H before its products: bf16 products on FMAs. */
static int geglu__packed_rounds(const geglu_packed_f32 *packed) {
    return geglu__bf16_products(packed->weight_type, packed->precision) && !geglu__packed_dot(packed);
}

GEGLU_API geglu_status geglu_gate_packed_f32(const geglu_packed_f32 *packed, const float *x,
                                             size_t tokens, float *h) {
    geglu__range range[GEGLU__BUFFERS];
    geglu__source source;
    geglu_status status = geglu__check_packed(packed, x, tokens, h, GEGLU__GATE, range);
    if (status != GEGLU_OK) return status;
    if (geglu__output_overlaps(range, range[GEGLU__OUT])) return GEGLU_ERROR_OVERLAP;
    if (range[GEGLU__OUT].bytes == 0) return GEGLU_OK;
    source = geglu__packed_source(packed);
    geglu__gate(&source, x, tokens, h, 0, source.d_ff, 1);
    return GEGLU_OK;
}

GEGLU_API size_t geglu_ffn_packed_workspace_size(const geglu_packed_f32 *packed, size_t tokens) {
    geglu__range range[GEGLU__BUFFERS];
    if (geglu__check_packed(packed, NULL, 0, NULL, GEGLU__FFN, range) != GEGLU_OK) return 0;
    return geglu__ffn_workspace_bytes(packed->d_model, packed->d_ff, tokens, 1, packed->weight_type,
                                      geglu__packed_dot(packed), geglu__packed_rounds(packed));
}

GEGLU_API geglu_status geglu_ffn_packed_f32(const geglu_packed_f32 *packed, const float *x,
                                            size_t tokens, float *y, void *workspace,
                                            size_t workspace_size) {
    geglu__range range[GEGLU__BUFFERS];
    geglu__source source;
    geglu__scratch layout = {0, 0, 0, 0, 0, 0, 0, 0};
    float *scratch = NULL;
    geglu_status status = geglu__check_packed(packed, x, tokens, y, GEGLU__FFN, range);
    if ((status == GEGLU_OK || (status == GEGLU_ERROR_NULL_POINTER && packed != NULL)) &&
        geglu__wraps(workspace, workspace_size))
        return GEGLU_ERROR_SIZE_OVERFLOW; /* check 3 comes before check 4's NULL pointers */
    if (status != GEGLU_OK) return status;
    if (range[GEGLU__OUT].bytes != 0 && packed->d_ff != 0 &&
        !geglu__ffn_scratch(GEGLU__PATH_IN_USE, packed->d_model, packed->d_ff, tokens, 1,
                            geglu__dtype_size(packed->weight_type),
                            geglu__packed_dot(packed),
                            geglu__packed_rounds(packed), &layout))
        return GEGLU_ERROR_SIZE_OVERFLOW;
    status = geglu__check_workspace(range, layout.bytes, workspace, workspace_size, &scratch);
    if (status != GEGLU_OK || range[GEGLU__OUT].bytes == 0) return status;
    source = geglu__packed_source(packed);
    source.a_rounded = geglu__packed_rounds(packed);
    geglu__ffn(&source, x, tokens, y, scratch, scratch ? scratch + layout.tiled : NULL,
               scratch ? (uint32_t *)(void *)(scratch + layout.h_pairs) : NULL);
    return GEGLU_OK;
}

/* ---- partitions, for callers with their own threads --------------------------------------- */

/* Part `part` of `count` groups split as evenly as whole groups allow. */
static void geglu__part_range(size_t count, size_t part, size_t parts, size_t *begin,
                              size_t *end) {
    size_t each = count / parts, extra = count % parts;
    *begin = each * part + (part < extra ? part : extra);
    *end = *begin + each + (part < extra ? 1 : 0);
}

GEGLU_API geglu_status geglu_gate_packed_part_f32(const geglu_packed_f32 *packed, const float *x,
                                                  size_t tokens, float *h, size_t part,
                                                  size_t parts) {
    geglu__range range[GEGLU__BUFFERS];
    geglu__source source;
    size_t begin, end, width;
    geglu_status status = geglu__check_packed(packed, x, tokens, h, GEGLU__GATE, range);
    if (status != GEGLU_OK) return status;
    if (part >= parts) return GEGLU_ERROR_INVALID_ARGUMENT;
    if (geglu__output_overlaps(range, range[GEGLU__OUT])) return GEGLU_ERROR_OVERLAP;
    if (range[GEGLU__OUT].bytes == 0) return GEGLU_OK;
    source = geglu__packed_source(packed);
    width = source.path->width;
    geglu__part_range(geglu__round_up(packed->d_ff, width) / width, part, parts, &begin, &end);
    geglu__gate(&source, x, tokens, h, begin * width, geglu__min(end * width, packed->d_ff), 0);
    return GEGLU_OK;
}

GEGLU_API geglu_status geglu_down_packed_part_f32(const geglu_packed_f32 *packed, const float *h,
                                                  size_t tokens, float *y, size_t part,
                                                  size_t parts) {
    geglu__range range[GEGLU__BUFFERS];
    geglu__source source;
    size_t begin, end, full, j, k0, t0;
    geglu_status status = geglu__check_packed(packed, h, tokens, y, GEGLU__DOWN, range);
    if (status != GEGLU_OK) return status;
    if (part >= parts) return GEGLU_ERROR_INVALID_ARGUMENT;
    if (geglu__output_overlaps(range, range[GEGLU__OUT])) return GEGLU_ERROR_OVERLAP;
    if (range[GEGLU__OUT].bytes == 0) return GEGLU_OK;
    source = geglu__packed_source(packed);
    full = 2 * source.path->width;
    geglu__part_range(geglu__round_up(packed->d_model, full) / full, part, parts, &begin, &end);
    begin *= full;
    end = geglu__min(end * full, packed->d_model);
    /* A team of one, so that the loops inside bind to it and not to a caller's OpenMP team. */
    GEGLU__OMP(parallel if (0))
    for (t0 = 0; t0 < tokens; t0 += GEGLU__TOKEN_BLOCK) {
        size_t rows = geglu__min(GEGLU__TOKEN_BLOCK, tokens - t0);
        float *y_rows = y + t0 * packed->d_model;
        if (packed->d_ff == 0)
            for (j = 0; j < rows; j++) {
                size_t c;
                for (c = begin; c < end; c++)
                    y_rows[j * packed->d_model + c] = source.b2 ? source.b2[c] : 0.0f;
            }
        for (k0 = 0; k0 < packed->d_ff; k0 += GEGLU__HIDDEN_BLOCK)
            geglu__down_block(&source, h + t0 * packed->d_ff + k0, packed->d_ff, rows, k0,
                              geglu__min(GEGLU__HIDDEN_BLOCK, packed->d_ff - k0), begin, end,
                              y_rows, NULL);
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

/* geglu-bench: what geglu.h does on this machine, to decide whether to adopt it.
 *
 * With no arguments it runs the default suite (a few minutes on a 2-core machine): GELU and
 * GELU(a)*u (a normal with standard deviation 3, or --spread, tails included; u uniform in
 * [-2, 2]) on every path compiled in, in cache and from memory, beside the scalar path, the
 * plain float formula with libm, and a plain loop that moves the same bytes (from memory, the
 * bandwidth limit; timed between the samples); then the FFN of T5 v1.1 base and large and
 * Gemma 2B layers at 1 to 1024 tokens, packed and unpacked. `geglu-bench --help` lists the
 * options.
 *
 * Every result is checked before it is timed (element-wise paths against the scalar path, bit
 * for bit; layers against the contract's plain summation order on their first and last rows)
 * and a wrong answer gets no speed. Times are medians of repeated runs, with min and max. The
 * core's FMA peak and one thread's read bandwidth are measured at the start (their best
 * samples: on a busy machine the shares come out low, never flattering), and a layer's speed is
 * given as a share of that peak and of the memory bandwidth measured between its own samples,
 * on as many threads: the memory of a shared machine speeds up and slows down by a third
 * within seconds, so only a bandwidth measured at the same moments makes a fair ratio.
 */
#define _POSIX_C_SOURCE 199309L
#define GEGLU_IMPLEMENTATION
#define BENCH_NAME "geglu-bench"
#include "bench_util.h"

#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(_OPENMP)
#include <omp.h>
#endif

/* A multiply-add rounded as geglu.h rounds it: fused when the target has FMA. */
#if GEGLU_HAS_FMA
#define MUL_ADD(a, b, c) fmaf((a), (b), (c))
#else
#define MUL_ADD(a, b, c) ((a) * (b) + (c))
#endif

/* ---- timing ---------------------------------------------------------------------------------- */

/* A baseline timed between the samples of a case (one call after each), so that the two are
   measured at the same moments of a shared machine's life. */
typedef struct interleaved {
    bench_fn fn;
    void *context;
    timing t;
} interleaved;

/* `warmup` calls, then the median over `samples` samples, each timing enough calls to last about
   `sample_seconds`; `beside`, when not NULL, is timed once after each sample. */
static timing measure(bench_fn fn, void *context, int warmup, int samples, double sample_seconds,
                      interleaved *beside) {
    double times[MAX_SAMPLES], beside_times[MAX_SAMPLES];
    long calls;
    int s;
    if (samples > MAX_SAMPLES) samples = MAX_SAMPLES;
    for (s = 0; s < warmup; s++) fn(context);
    calls = calls_lasting(fn, context, sample_seconds, 1L << 24);
    for (s = 0; s < samples; s++) {
        times[s] = time_calls(fn, context, calls) / (double)calls;
        if (beside) beside_times[s] = time_calls(beside->fn, beside->context, 1);
    }
    if (beside) beside->t = summarize(beside_times, samples);
    return summarize(times, samples);
}

/* ---- options ----------------------------------------------------------------------------------- */

enum { OP_GELU = 1, OP_GELU_MUL = 2, OP_GATE = 4, OP_FFN = 8 };
enum { FORMAT_TABLE, FORMAT_CSV, FORMAT_JSON };
#define MAX_LIST 16

typedef struct options {
    unsigned ops;
    preset layers[PRESET_COUNT + 1];
    size_t layer_count;
    size_t tokens[MAX_LIST], token_count;
    size_t sizes[MAX_LIST], size_count; /* element counts for the element-wise ops */
    int kinds;                          /* bit 0: erf, bit 1: tanh; 0: the default of each op */
    unsigned weight_types;              /* bit t: geglu_dtype t */
    unsigned precisions;                /* bit p: geglu_precision p */
    int threads, packed, unpacked, repeat, warmup, format, quick;
    unsigned long long seed;
    double spread; /* standard deviation of the element-wise inputs */
    const char *svg;
} options;

static void usage(FILE *to) {
    size_t i;
    fprintf(to,
            "usage: geglu-bench [options]\n"
            "  --op LIST            gelu, gelu-mul, gate, ffn (comma-separated; default\n"
            "                       gelu,gelu-mul,ffn)\n"
            "  --preset LIST        layer shapes (default t5-base,t5-large,gemma-2b), or custom\n"
            "  --d-model N --d-ff N a custom layer shape (implies --preset custom)\n"
            "  --tokens LIST        token counts (default 1,8,64,256,1024)\n"
            "  --n LIST             element counts for gelu and gelu-mul (default 4096,16777216)\n"
            "  --gelu erf|tanh      GELU kind (default: both element-wise, tanh for layers)\n"
            "  --threads N          also time on N threads (needs a build with -fopenmp)\n"
            "  --packed, --unpacked only packed or only unpacked weights, the latter in both layouts\n"
            "                       (unpacked: IN_OUT, out_in: OUT_IN; default all)\n"
            "  --weights LIST       weight types of the layers: f32, bf16, f16 (default f32)\n"
            "  --precision LIST     products of bf16 weights: f32 (exact), bf16 (default f32)\n"
            "  --repeat N           timed samples per case, the median is reported (default 7)\n"
            "  --warmup N           untimed calls before the samples (default 1)\n"
            "  --seed N             seed of the random inputs (default 1)\n"
            "  --spread SD          standard deviation of the normal gelu inputs (default 3;\n"
            "                       heavy tails send more lanes to the slow double core)\n"
            "  --format FORMAT      table, csv or json (default table)\n"
            "  --svg FILE           also plot GFLOP/s against tokens per preset as SVG\n"
            "  --quick              a smoke run: few repetitions, small cases\n"
            "  --list               list the presets and operations, then exit\n"
            "  --help               this text\n"
            "presets:");
    for (i = 0; i < PRESET_COUNT; i++)
        fprintf(to, " %s (%zu/%zu)", presets[i].name, presets[i].d_model, presets[i].d_ff);
    fprintf(to, "\n");
}

static int fail_option(const char *message, const char *value) {
    fprintf(stderr, "geglu-bench: %s%s%s%s\n", message, value ? " '" : "", value ? value : "",
            value ? "'" : "");
    fprintf(stderr, "try 'geglu-bench --help'\n");
    return 2;
}

/* A positive decimal number no larger than max; 0 when it is not one. */
static size_t parse_count(const char *text, size_t max) {
    char *end;
    unsigned long long value;
    if (!text || *text < '0' || *text > '9') return 0;
    errno = 0;
    value = strtoull(text, &end, 10);
    if (errno != 0 || *end != '\0' || value == 0 || value > max) return 0;
    return (size_t)value;
}

/* A comma-separated list of counts; 0 on a bad entry or too many. */
static size_t parse_counts(const char *text, size_t *out, size_t max) {
    char buffer[256], *item, *next;
    size_t count = 0;
    if (!text || strlen(text) >= sizeof buffer) return 0;
    strcpy(buffer, text);
    for (item = buffer; item; item = next) {
        next = strchr(item, ',');
        if (next) *next++ = '\0';
        if (count == MAX_LIST || (out[count] = parse_count(item, max)) == 0) return 0;
        count++;
    }
    return count;
}

static const char *const type_names[] = {"f32", "bf16", "f16"}; /* by geglu_dtype */
static const char *const precision_names[] = {"f32", "bf16"};   /* by geglu_precision */

/* Each comma-separated name must be one of `names`; returns the bit mask, or 0. */
static unsigned parse_names(const char *text, const char *const *names, size_t name_count) {
    char buffer[256], *item, *next;
    unsigned mask = 0;
    size_t i;
    if (!text || strlen(text) >= sizeof buffer) return 0;
    strcpy(buffer, text);
    for (item = buffer; item; item = next) {
        next = strchr(item, ',');
        if (next) *next++ = '\0';
        for (i = 0; i < name_count && strcmp(item, names[i]) != 0; i++) continue;
        if (i == name_count) return 0;
        mask |= 1u << i;
    }
    return mask;
}

/* 0: run; 1: done (help or list printed); 2: bad arguments, message printed. */
static int parse_options(int argc, char **argv, options *o) {
    static const char *const op_names[] = {"gelu", "gelu-mul", "gate", "ffn"};
    static const char *const kind_names[] = {"erf", "tanh"};
    static const char *const format_names[] = {"table", "csv", "json"};
    const char *preset_list = NULL;
    size_t d_model = 0, d_ff = 0, i;
    int a, tokens_given = 0, sizes_given = 0;
    memset(o, 0, sizeof *o);
    o->ops = OP_GELU | OP_GELU_MUL | OP_FFN;
    o->weight_types = 1u << GEGLU_DTYPE_F32;
    o->precisions = 1u << GEGLU_PRECISION_F32;
    o->threads = 1;
    o->packed = o->unpacked = 1;
    o->repeat = 7;
    o->warmup = 1;
    o->seed = 1;
    o->spread = 3.0;
    for (a = 1; a < argc; a++) {
        const char *arg = argv[a], *value = a + 1 < argc ? argv[a + 1] : NULL;
        int takes_value = 1;
        if (strcmp(arg, "--help") == 0) {
            usage(stdout);
            return 1;
        } else if (strcmp(arg, "--list") == 0) {
            printf("operations: gelu gelu-mul gate ffn\npresets:\n");
            for (i = 0; i < PRESET_COUNT; i++)
                printf("  %-9s d_model %5zu  d_ff %6zu  weights %6.1f MB\n", presets[i].name,
                       presets[i].d_model, presets[i].d_ff,
                       3.0 * 4.0 * (double)presets[i].d_model * (double)presets[i].d_ff / 1e6);
            printf("  custom    --d-model N --d-ff N\n");
            return 1;
        } else if (strcmp(arg, "--quick") == 0) {
            o->quick = 1;
            takes_value = 0;
        } else if (strcmp(arg, "--packed") == 0 || strcmp(arg, "--unpacked") == 0) {
            if (o->packed && o->unpacked) o->packed = o->unpacked = 0;
            if (arg[2] == 'p') o->packed = 1;
            else o->unpacked = 1;
            takes_value = 0;
        } else if (!value) {
            if (strcmp(arg, "--op") == 0 || strcmp(arg, "--preset") == 0 ||
                strcmp(arg, "--d-model") == 0 || strcmp(arg, "--d-ff") == 0 ||
                strcmp(arg, "--tokens") == 0 || strcmp(arg, "--n") == 0 ||
                strcmp(arg, "--gelu") == 0 || strcmp(arg, "--threads") == 0 ||
                strcmp(arg, "--repeat") == 0 || strcmp(arg, "--warmup") == 0 ||
                strcmp(arg, "--seed") == 0 || strcmp(arg, "--spread") == 0 ||
                strcmp(arg, "--format") == 0 || strcmp(arg, "--weights") == 0 ||
                strcmp(arg, "--precision") == 0 ||
                strcmp(arg, "--svg") == 0)
                return fail_option("this option needs a value:", arg);
            return fail_option("unknown option", arg);
        } else if (strcmp(arg, "--op") == 0) {
            if ((o->ops = parse_names(value, op_names, 4)) == 0)
                return fail_option("--op wants gelu, gelu-mul, gate or ffn, not", value);
        } else if (strcmp(arg, "--preset") == 0) {
            preset_list = value;
        } else if (strcmp(arg, "--d-model") == 0) {
            if ((d_model = parse_count(value, 1u << 20)) == 0)
                return fail_option("--d-model wants a number from 1 to 1048576, not", value);
        } else if (strcmp(arg, "--d-ff") == 0) {
            if ((d_ff = parse_count(value, 1u << 20)) == 0)
                return fail_option("--d-ff wants a number from 1 to 1048576, not", value);
        } else if (strcmp(arg, "--tokens") == 0) {
            if ((o->token_count = parse_counts(value, o->tokens, 1u << 20)) == 0)
                return fail_option("--tokens wants up to 16 numbers from 1 to 1048576, not", value);
            tokens_given = 1;
        } else if (strcmp(arg, "--n") == 0) {
            if ((o->size_count = parse_counts(value, o->sizes, (size_t)1 << 30)) == 0)
                return fail_option("--n wants up to 16 numbers from 1 to 2^30, not", value);
            sizes_given = 1;
        } else if (strcmp(arg, "--gelu") == 0) {
            if ((o->kinds = (int)parse_names(value, kind_names, 2)) == 0)
                return fail_option("--gelu wants erf or tanh, not", value);
        } else if (strcmp(arg, "--threads") == 0) {
            if ((o->threads = (int)parse_count(value, 1024)) == 0)
                return fail_option("--threads wants a number from 1 to 1024, not", value);
        } else if (strcmp(arg, "--repeat") == 0) {
            if ((o->repeat = (int)parse_count(value, 101)) == 0)
                return fail_option("--repeat wants a number from 1 to 101, not", value);
        } else if (strcmp(arg, "--warmup") == 0) {
            if (strcmp(value, "0") == 0) o->warmup = 0;
            else if ((o->warmup = (int)parse_count(value, 1000)) == 0)
                return fail_option("--warmup wants a number from 0 to 1000, not", value);
        } else if (strcmp(arg, "--seed") == 0) {
            char *end;
            errno = 0;
            o->seed = strtoull(value, &end, 10);
            if (errno != 0 || *end != '\0' || *value < '0' || *value > '9')
                return fail_option("--seed wants a non-negative number, not", value);
        } else if (strcmp(arg, "--spread") == 0) {
            char *end;
            o->spread = strtod(value, &end);
            if (*end != '\0' || end == value || !(o->spread > 0.0 && o->spread <= 1e6))
                return fail_option("--spread wants a number above 0 and at most 1e6, not", value);
        } else if (strcmp(arg, "--format") == 0) {
            unsigned f = parse_names(value, format_names, 3);
            if (f == 0 || (f & (f - 1)) != 0)
                return fail_option("--format wants table, csv or json, not", value);
            o->format = f == 1 ? FORMAT_TABLE : f == 2 ? FORMAT_CSV : FORMAT_JSON;
        } else if (strcmp(arg, "--weights") == 0) {
            if ((o->weight_types = parse_names(value, type_names, 3)) == 0)
                return fail_option("--weights wants f32, bf16 or f16 (a comma list), not", value);
        } else if (strcmp(arg, "--precision") == 0) {
            if ((o->precisions = parse_names(value, precision_names, 2)) == 0)
                return fail_option("--precision wants f32 or bf16 (a comma list), not", value);
        } else if (strcmp(arg, "--svg") == 0) {
            o->svg = value;
        } else {
            return fail_option("unknown option", arg);
        }
        a += takes_value;
    }
#if !defined(_OPENMP)
    if (o->threads > 1) return fail_option("--threads above 1 needs a build with -fopenmp", NULL);
#endif
    if ((d_model != 0) != (d_ff != 0))
        return fail_option("a custom layer needs both --d-model and --d-ff", NULL);
    if (!preset_list) preset_list = d_model ? "custom" : o->quick ? "t5-base" : NULL;
    if (preset_list) {
        char buffer[256], *item, *next;
        if (strlen(preset_list) >= sizeof buffer)
            return fail_option("--preset: list too long:", preset_list);
        strcpy(buffer, preset_list);
        for (item = buffer; item; item = next) {
            next = strchr(item, ',');
            if (next) *next++ = '\0';
            if (o->layer_count == PRESET_COUNT + 1)
                return fail_option("--preset: too many presets in", preset_list);
            if (strcmp(item, "custom") == 0) {
                if (!d_model) return fail_option("--preset custom needs --d-model and --d-ff", NULL);
                o->layers[o->layer_count].name = "custom";
                o->layers[o->layer_count].d_model = d_model;
                o->layers[o->layer_count].d_ff = d_ff;
            } else {
                for (i = 0; i < PRESET_COUNT && strcmp(item, presets[i].name) != 0; i++) continue;
                if (i == PRESET_COUNT) return fail_option("unknown preset", item);
                o->layers[o->layer_count] = presets[i];
            }
            o->layer_count++;
        }
    } else {
        for (i = 0; i < 3; i++) o->layers[i] = presets[i];
        o->layer_count = 3;
    }
    if (!tokens_given) {
        static const size_t all[] = {1, 8, 64, 256, 1024}, quick[] = {1, 64};
        o->token_count = o->quick ? 2 : 5;
        memcpy(o->tokens, o->quick ? quick : all, o->token_count * sizeof(size_t));
    }
    if (!sizes_given) {
        o->size_count = 2;
        o->sizes[0] = 4096;
        o->sizes[1] = o->quick ? (size_t)1 << 22 : (size_t)1 << 24;
    }
    if (o->quick && o->repeat == 7) o->repeat = 3;
    if (!(o->precisions & (1u << GEGLU_PRECISION_F32)) && !(o->weight_types & (1u << GEGLU_DTYPE_BF16)))
        return fail_option("--precision bf16 applies to bf16 weights: add bf16 to --weights", NULL);
    return 0;
}

/* ---- data ---------------------------------------------------------------------------------- */

/* Normal, mean 0, by Box-Muller: GELU's inputs in a network look like this, tails included. */
static float random_normal(float sd) {
    double u1 = ((double)random_uniform(0.0f, 1.0f) * 16777216.0 + 1.0) / 16777217.0; /* (0, 1) */
    double u2 = (double)random_uniform(0.0f, 1.0f);
    return (float)(sd * sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2));
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

static void set_threads(int threads) {
#if defined(_OPENMP)
    omp_set_num_threads(threads);
#else
    (void)threads;
#endif
}

/* ---- the machine: the FMA peak of the path in use, and one thread's read bandwidth ---------- */

static volatile float sink; /* keeps the measuring loops from being optimised away */

/* The measuring loops are compiled for every instruction set the compiler targets (its own
   macros, not geglu.h's configuration), and the run uses the one geglu_isa() names: a build with
   GEGLU_NO_AVX512 on an AVX-512 target measures the AVX2 peak that its kernels can reach.
   MACHINE_LOOPS(isa) is the template: peak_<isa>, twelve independent chains of FMAs (enough to
   cover the latency of two FMA units), and read_<isa>, four sequential streams at once (the
   quarters of [data, data + n)) as the FFN reads its panels. An instruction set gives vec_<isa>
   and LANES_, SET1_, FMA_ (a * b + c), ADD_, LOAD_ and FIRST_<isa>. */
#define TWELVE(X, isa) X(0, isa) X(1, isa) X(2, isa) X(3, isa) X(4, isa) X(5, isa) X(6, isa) \
    X(7, isa) X(8, isa) X(9, isa) X(10, isa) X(11, isa)
#define PEAK_DECLARE(r, isa) vec_##isa acc##r = SET1_##isa((float)(r));
#define PEAK_STEP(r, isa) acc##r = FMA_##isa(acc##r, m, a);
#define PEAK_FOLD(r, isa) total = ADD_##isa(total, acc##r);
#define MACHINE_LOOPS(isa)                                                                         \
    static void peak_##isa(long iterations) {                                                      \
        const vec_##isa m = SET1_##isa(0.999999f), a = SET1_##isa(1e-7f);                          \
        vec_##isa total = SET1_##isa(0.0f);                                                        \
        long i;                                                                                    \
        TWELVE(PEAK_DECLARE, isa)                                                                  \
        for (i = 0; i < iterations; i++) {                                                         \
            TWELVE(PEAK_STEP, isa)                                                                 \
        }                                                                                          \
        TWELVE(PEAK_FOLD, isa)                                                                     \
        sink = FIRST_##isa(total);                                                                 \
    }                                                                                              \
    static float read_##isa(const float *data, size_t n) {                                         \
        const size_t quarter = n / 4 / LANES_##isa * LANES_##isa;                                  \
        const float *p0 = data, *p1 = p0 + quarter, *p2 = p1 + quarter, *p3 = p2 + quarter;        \
        vec_##isa s0 = SET1_##isa(0.0f), s1 = s0, s2 = s0, s3 = s0;                                \
        size_t i;                                                                                  \
        for (i = 0; i < quarter; i += LANES_##isa) {                                               \
            s0 = ADD_##isa(s0, LOAD_##isa(p0 + i));                                                \
            s1 = ADD_##isa(s1, LOAD_##isa(p1 + i));                                                \
            s2 = ADD_##isa(s2, LOAD_##isa(p2 + i));                                                \
            s3 = ADD_##isa(s3, LOAD_##isa(p3 + i));                                                \
        }                                                                                          \
        return FIRST_##isa(ADD_##isa(ADD_##isa(s0, s1), ADD_##isa(s2, s3)));                       \
    }

typedef struct machine_loops {
    const char *isa; /* as geglu_isa() names it */
    int lanes;
    void (*peak)(long iterations);
    float (*read)(const float *data, size_t n);
} machine_loops;
#define MACHINE_ENTRY(isa) {#isa, LANES_##isa, peak_##isa, read_##isa},

typedef float vec_scalar;
#define LANES_scalar 1
#define SET1_scalar(x) (x)
#define FMA_scalar(a, b, c) MUL_ADD(a, b, c)
#define ADD_scalar(a, b) ((a) + (b))
#define LOAD_scalar(p) (*(p))
#define FIRST_scalar(a) (a)
MACHINE_LOOPS(scalar)

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
typedef __m256 vec_avx2;
#define LANES_avx2 8
#define SET1_avx2(x) _mm256_set1_ps(x)
#define FMA_avx2(a, b, c) _mm256_fmadd_ps(a, b, c)
#define ADD_avx2(a, b) _mm256_add_ps(a, b)
#define LOAD_avx2(p) _mm256_loadu_ps(p)
#define FIRST_avx2(a) _mm256_cvtss_f32(a)
MACHINE_LOOPS(avx2)
#define MACHINE_AVX2 MACHINE_ENTRY(avx2)
#else
#define MACHINE_AVX2
#endif

#if defined(__AVX512F__)
#include <immintrin.h>
typedef __m512 vec_avx512;
#define LANES_avx512 16
#define SET1_avx512(x) _mm512_set1_ps(x)
#define FMA_avx512(a, b, c) _mm512_fmadd_ps(a, b, c)
#define ADD_avx512(a, b) _mm512_add_ps(a, b)
#define LOAD_avx512(p) _mm512_loadu_ps(p)
#define FIRST_avx512(a) _mm512_cvtss_f32(a)
MACHINE_LOOPS(avx512)
#define MACHINE_AVX512 MACHINE_ENTRY(avx512)
#else
#define MACHINE_AVX512
#endif

#if defined(__aarch64__) && defined(__ARM_NEON)
#include <arm_neon.h>
typedef float32x4_t vec_neon;
#define LANES_neon 4
#define SET1_neon(x) vdupq_n_f32(x)
#define FMA_neon(a, b, c) vfmaq_f32(c, a, b)
#define ADD_neon(a, b) vaddq_f32(a, b)
#define LOAD_neon(p) vld1q_f32(p)
#define FIRST_neon(a) vgetq_lane_f32(a, 0)
MACHINE_LOOPS(neon)
#define MACHINE_NEON MACHINE_ENTRY(neon)
#else
#define MACHINE_NEON
#endif

static const machine_loops machine_loop_list[] = {
    MACHINE_ENTRY(scalar) MACHINE_AVX2 MACHINE_AVX512 MACHINE_NEON};

/* The loops of the path geglu.h uses; the scalar ones, said on stderr, when none was compiled
   for it (machine->isa then differs from geglu_isa()). */
static const machine_loops *machine;

static void choose_machine_loops(void) {
    size_t i;
    machine = &machine_loop_list[0];
    for (i = 0; i < sizeof machine_loop_list / sizeof machine_loop_list[0]; i++)
        if (strcmp(machine_loop_list[i].isa, geglu_isa()) == 0) machine = &machine_loop_list[i];
    if (strcmp(machine->isa, geglu_isa()) != 0)
        fprintf(stderr, "geglu-bench: no %s loop compiled for the FMA peak and read bandwidth: "
                        "measuring with the scalar one\n",
                geglu_isa());
}

static void run_peak(void *iterations) { machine->peak(*(const long *)iterations); }

static double measure_peak_gflops(void) {
    long iterations = 1L << 20;
    timing t = measure(run_peak, &iterations, 1, 9, 0.02, NULL);
    return 12.0 * 2.0 * machine->lanes * (double)iterations / t.min * 1e-9; /* the best: a peak */
}

/* The bf16 dot-product peak (vdpbf16ps: 32 multiply-adds per instruction), where the compiler
   targets AVX512_BF16: twelve chains in registers, as the FMA peak (an array of accumulators
   would be kept in memory and time the store-to-load latency instead); 0 elsewhere. */
#if defined(__AVX512BF16__)
#define DOT_DECLARE(r, unused) __m512 acc##r = _mm512_set1_ps((float)(r));
#define DOT_STEP(r, unused) acc##r = _mm512_dpbf16_ps(acc##r, (__m512bh)w, (__m512bh)x);
#define DOT_FOLD(r, unused) total = _mm512_add_ps(total, acc##r);
static void run_dot_peak(void *arg) {
    const long iterations = *(const long *)arg;
    const __m512i w = _mm512_set1_epi32(0x3f803f80), x = _mm512_set1_epi32(0x33803380);
    __m512 total = _mm512_setzero_ps();
    long i;
    TWELVE(DOT_DECLARE, -)
    for (i = 0; i < iterations; i++) {
        TWELVE(DOT_STEP, -)
    }
    TWELVE(DOT_FOLD, -)
    sink = _mm512_cvtss_f32(total);
}

static double measure_dot_peak_gflops(void) {
    long iterations = 1L << 19;
    timing t = measure(run_dot_peak, &iterations, 1, 9, 0.02, NULL);
    return 12.0 * 64.0 * (double)iterations / t.min * 1e-9;
}
#else
static double measure_dot_peak_gflops(void) { return 0.0; }
#endif

typedef struct read_context {
    const float *data;
    size_t n;
} read_context;

/* The buffer read by as many threads as the library would use, each its own slice. */
static void run_read(void *arg) {
    const read_context *c = (const read_context *)arg;
#if defined(_OPENMP)
#pragma omp parallel
    {
        size_t slice = c->n / (size_t)omp_get_num_threads();
        float total = machine->read(c->data + slice * (size_t)omp_get_thread_num(), slice);
        if (omp_get_thread_num() == 0) sink = total;
    }
#else
    sink = machine->read(c->data, c->n);
#endif
}

/* Far larger than the caches; allocated once, read to measure the memory bandwidth. Aligned to
   the cache line as the packed weights are: loads that straddle two lines read a third less. */
static read_context read_buffer;
static float *read_allocation;

static void alloc_read_buffer(size_t bytes) {
    read_allocation = alloc_floats(bytes / sizeof(float)); /* 64 bytes to spare */
    read_buffer.data = read_allocation + (64 - (uintptr_t)read_allocation % 64) % 64 / sizeof(float);
    read_buffer.n = bytes / sizeof(float);
    memset((void *)read_buffer.data, 0, bytes);
}

static double read_gbs(double seconds) {
    return (double)read_buffer.n * sizeof(float) / seconds * 1e-9;
}

/* GB/s reading the buffer on one thread. */
static double measure_read_bandwidth(void) {
    timing t = measure(run_read, &read_buffer, 1, 5, 0.0, NULL);
    return read_gbs(t.min); /* the best: what one thread can read */
}

/* ---- results ----------------------------------------------------------------------------------- */

/* One measured case. Element-wise cases have n and the ratios to the scalar path and libm;
   layer cases have a preset, tokens, and the ratios to unpacked weights and to one thread. */
typedef struct record {
    const char *op, *preset, *gelu, *path, *weights, *type, *precision; /* of the weights */
    size_t d_model, d_ff, tokens, n;
    int threads, layer, wrong;
    timing t;
    double rate; /* G elements/s, or GFLOP/s */
    double gbs, peak_share, bw_share;
    double read_gbs; /* layers: the read bandwidth measured between the samples */
    double ratio[3]; /* x scalar and x libm; or x unpacked, x one thread and x the first weight
                        type asked for (f32 by default); 0: none */
    long long ulp;
} record;

static record *records;
static size_t record_count, record_capacity;
static double machine_peak, machine_bandwidth, run_started;
static double dot_peak; /* bf16 dot products, GFLOP/s; 0: not compiled */
static const char *first_type_name; /* the weight type the others are compared with */

static record *new_record(void) {
    if (record_count == record_capacity) {
        size_t capacity = record_capacity ? 2 * record_capacity : 64;
        record *grown = (record *)realloc(records, capacity * sizeof(record));
        if (!grown) die("out of memory");
        records = grown;
        record_capacity = capacity;
    }
    memset(&records[record_count], 0, sizeof(record));
    return &records[record_count++];
}

/* Progress on stderr once the run has lasted a couple of seconds. */
static void progress(const char *op, const char *what, size_t size, const char *path) {
    if (now_seconds() - run_started > 2.0)
        fprintf(stderr, "geglu-bench: [%.0f s] %s %s %zu %s\n", now_seconds() - run_started, op,
                what, size, path);
}

static void print_ratio(double r) {
    if (r > 0.0) printf(" %7.2fx", r);
    else printf(" %8s", "-");
}

static void print_table(double spread) {
    size_t i;
    int header = 0;
    for (i = 0; i < record_count; i++) {
        const record *r = &records[i];
        if (r->layer) continue;
        if (!header) {
            printf("%-9s %-4s %9s %-7s %10s %10s %10s %8s %7s %6s %8s %8s %9s\n", "op", "gelu", "n",
                   "path", "median us", "min us", "max us", "G elem/s", "GB/s", "plain", "x scalar",
                   "x libm", "max ULP*");
            header = 1;
        }
        if (r->wrong) {
            printf("%-9s %-4s %9zu %-7s WRONG: %lld ULP from the scalar path, not timed\n", r->op,
                   r->gelu, r->n, r->path, r->ulp);
            continue;
        }
        printf("%-9s %-4s %9zu %-7s %10.1f %10.1f %10.1f %8.3f %7.1f %5.0f%%", r->op, r->gelu, r->n,
               r->path, r->t.median * 1e6, r->t.min * 1e6, r->t.max * 1e6, r->rate, r->gbs,
               100.0 * r->bw_share);
        print_ratio(r->ratio[0]);
        print_ratio(r->ratio[1]);
        printf(" %9lld\n", r->ulp);
    }
    if (header) {
        printf("inputs: a normal with standard deviation %g (--spread), u uniform in [-2, 2].\n",
               spread);
        printf("plain: speed as a share of a plain loop moving the same bytes (y = x; h = a * u), "
               "timed between the samples;\n  from memory (16M) that loop is the bandwidth limit.\n"
               "* max ULP: largest distance from the scalar path on the benchmark's data; geglu's "
               "paths must show 0,\n  the libm formula shows its cancellation error.\n\n");
    }
    printf("this core: FMA peak %.1f GFLOP/s (%s, measured), read bandwidth %.1f GB/s (one thread, "
           "measured)\n",
           machine_peak, machine->isa, machine_bandwidth);
    if (strcmp(machine->isa, geglu_isa()) != 0)
        printf("  (measured with the scalar loops: this build has none for %s)\n", geglu_isa());
    if (dot_peak > 0.0)
        printf("  bf16 dot-product peak %.1f GFLOP/s (vdpbf16ps, measured); bf16 products use %s\n",
               dot_peak, GEGLU__PATH_IN_USE->gate_dot_tile ? "it (peak: of this one)"
                                                           : "FMAs here (this CPU has AMX)");
    header = 0;
    for (i = 0; i < record_count; i++) {
        const record *r = &records[i];
        if (!r->layer) continue;
        if (!header) {
            char against[16];
            printf("layers: fp32 activations and sums; weights of the type shown, widened exactly "
                   "(--weights),\nprec: products exact (f32) or of bf16-rounded activations (bf16, "
                   "--precision); GFLOP/s counts\n2 per multiply-add; GB/s: the weights read once "
                   "per call (t5 weights stay in the last-level cache,\ngemma's do not); peak: "
                   "share of one core's measured FMA peak; bw: share of the memory read\n"
                   "bandwidth measured between the samples on as many threads (median); x %s: "
                   "the same case with\n%s weights over this one\n\n",
                   first_type_name, first_type_name);
            snprintf(against, sizeof against, "x %s", first_type_name);
            printf("%-4s %-9s %6s %-4s %-7s %7s %-8s %-4s %-4s %10s %10s %10s %8s %7s %7s %7s %8s "
                   "%8s %8s\n",
                   "op", "preset", "tokens", "gelu", "isa", "threads", "weights", "type", "prec",
                   "median ms", "min ms", "max ms", "GFLOP/s", "peak", "GB/s", "bw", "x unpkd",
                   "x 1 thr", against);
            header = 1;
        }
        if (r->wrong) {
            printf("%-4s %-9s %6zu %-4s %-7s %7d %-8s %-4s %-4s WRONG: %lld ULP from the plain "
                   "order, not timed\n",
                   r->op, r->preset, r->tokens, r->gelu, r->path, r->threads, r->weights, r->type,
                   r->precision, r->ulp);
            continue;
        }
        printf("%-4s %-9s %6zu %-4s %-7s %7d %-8s %-4s %-4s %10.3f %10.3f %10.3f %8.1f %6.1f%% "
               "%7.2f %6.1f%%",
               r->op, r->preset, r->tokens, r->gelu, r->path, r->threads, r->weights, r->type,
               r->precision,
               r->t.median * 1e3, r->t.min * 1e3, r->t.max * 1e3, r->rate, 100.0 * r->peak_share,
               r->gbs, 100.0 * r->bw_share);
        print_ratio(r->ratio[0]);
        print_ratio(r->ratio[1]);
        print_ratio(r->ratio[2]);
        printf("\n");
    }
}

static void print_csv(void) {
    size_t i;
    printf("op,preset,d_model,d_ff,tokens,n,gelu,path,threads,weights,weight_type,precision,correct,median_s,"
           "min_s,max_s,rate,unit,gb_per_s,peak_share,bandwidth_share,read_gb_per_s,ratio_1,"
           "ratio_1_against,ratio_2,ratio_2_against,ratio_3,ratio_3_against,max_ulp,"
           "machine_peak_gflops,machine_read_gb_per_s,machine_bf16_dot_peak_gflops\n");
    for (i = 0; i < record_count; i++) {
        const record *r = &records[i];
        printf("%s,%s,%zu,%zu,%zu,%zu,%s,%s,%d,%s,%s,%s,%s,%.9g,%.9g,%.9g,%.6g,%s,%.6g,%.6g,%.6g,%.6g,"
               "%.6g,%s,%.6g,%s,%.6g,%s,%lld,%.6g,%.6g,%.6g\n",
               r->op, r->layer ? r->preset : "", r->d_model, r->d_ff, r->tokens, r->n, r->gelu,
               r->path, r->threads, r->layer ? r->weights : "", r->layer ? r->type : "",
               r->layer ? r->precision : "",
               r->wrong ? "no" : "yes", r->t.median, r->t.min, r->t.max, r->rate,
               r->layer ? "GFLOP/s" : "Gelem/s", r->gbs, r->peak_share, r->bw_share, r->read_gbs,
               r->ratio[0], r->layer ? "unpacked" : "scalar", r->ratio[1],
               r->layer ? "one_thread" : "libm", r->ratio[2], r->layer ? first_type_name : "",
               r->ulp, machine_peak, machine_bandwidth, dot_peak);
    }
}

static void print_json(void) {
    size_t i;
    printf("{\n  \"version\": \"%s\",\n  \"isa\": \"%s\",\n  \"machine\": {\"peak_gflops\": %.6g, "
           "\"read_gb_per_s\": %.6g, \"bf16_dot_peak_gflops\": %.6g},\n  \"results\": [",
           GEGLU_VERSION_STRING, geglu_isa(), machine_peak, machine_bandwidth, dot_peak);
    for (i = 0; i < record_count; i++) {
        const record *r = &records[i];
        printf("%s\n    {\"op\": \"%s\", \"gelu\": \"%s\", \"path\": \"%s\", \"threads\": %d, "
               "\"correct\": %s, \"max_ulp\": %lld, ",
               i ? "," : "", r->op, r->gelu, r->path, r->threads, r->wrong ? "false" : "true",
               r->ulp);
        if (r->layer)
            printf("\"preset\": \"%s\", \"d_model\": %zu, \"d_ff\": %zu, \"tokens\": %zu, "
                   "\"weights\": \"%s\", \"weight_type\": \"%s\", \"precision\": \"%s\", ",
                   r->preset, r->d_model, r->d_ff, r->tokens, r->weights, r->type, r->precision);
        else
            printf("\"n\": %zu, ", r->n);
        if (r->wrong) {
            printf("\"median_s\": null}");
            continue;
        }
        printf("\"median_s\": %.9g, \"min_s\": %.9g, \"max_s\": %.9g, \"%s\": %.6g, "
               "\"gb_per_s\": %.6g",
               r->t.median, r->t.min, r->t.max, r->layer ? "gflops" : "gelem_per_s", r->rate,
               r->gbs);
        if (r->layer)
            printf(", \"peak_share\": %.6g, \"bandwidth_share\": %.6g, \"read_gb_per_s\": %.6g, "
                   "\"x_unpacked\": %.6g, \"x_one_thread\": %.6g, \"x_%s\": %.6g}",
                   r->peak_share, r->bw_share, r->read_gbs, r->ratio[0], r->ratio[1],
                   first_type_name, r->ratio[2]);
        else
            printf(", \"bandwidth_share\": %.6g, \"x_scalar\": %.6g, \"x_libm\": %.6g}", r->bw_share,
                   r->ratio[0], r->ratio[1]);
    }
    printf("\n  ]\n}\n");
}

/* Whether two layer records belong to one line of the plot. */
static int same_series(const record *a, const record *b) {
    return a->layer && b->layer && strcmp(a->preset, b->preset) == 0 && a->d_model == b->d_model &&
           strcmp(a->op, b->op) == 0 && strcmp(a->weights, b->weights) == 0 &&
           strcmp(a->type, b->type) == 0 && strcmp(a->precision, b->precision) == 0 &&
           a->threads == b->threads;
}

/* GFLOP/s against tokens (log scale), one line per preset, operation, weights, weight type and
   threads. */
static int write_svg(const char *path) {
    static const char *const colours[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd",
                                          "#ff7f0e", "#8c564b", "#e377c2", "#17becf"};
    const double left = 70, top = 50, width = 560, height = 330;
    double max_rate = 1.0, min_tokens = 1.0, max_tokens = 2.0, x_span;
    size_t i, j, series = 0, tick;
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "geglu-bench: cannot write %s: %s\n", path, strerror(errno));
        return 1;
    }
    for (i = 0; i < record_count; i++)
        if (records[i].layer && !records[i].wrong) {
            if (records[i].rate > max_rate) max_rate = records[i].rate;
            if ((double)records[i].tokens > max_tokens) max_tokens = (double)records[i].tokens;
        }
    if (machine_peak > max_rate) max_rate = machine_peak;
    max_rate *= 1.05;
    x_span = log2(max_tokens / min_tokens);
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"860\" height=\"430\" "
               "font-family=\"sans-serif\" font-size=\"12\">\n"
               "<rect width=\"860\" height=\"430\" fill=\"white\"/>\n"
               "<text x=\"%g\" y=\"28\" font-size=\"15\">geglu.h %s on %s: GFLOP/s against tokens "
               "(one core's FMA peak dashed)</text>\n",
            left, GEGLU_VERSION_STRING, geglu_isa());
    fprintf(f, "<rect x=\"%g\" y=\"%g\" width=\"%g\" height=\"%g\" fill=\"none\" stroke=\"#444\"/>\n",
            left, top, width, height);
    for (tick = 0; tick <= 5; tick++) {
        double value = max_rate * (double)tick / 5.0, y = top + height - height * (double)tick / 5.0;
        fprintf(f, "<line x1=\"%g\" y1=\"%g\" x2=\"%g\" y2=\"%g\" stroke=\"#ddd\"/>"
                   "<text x=\"%g\" y=\"%g\" text-anchor=\"end\">%.0f</text>\n",
                left, y, left + width, y, left - 6, y + 4, value);
    }
    for (tick = 1; (double)tick <= max_tokens; tick *= 2) {
        double x = left + width * log2((double)tick / min_tokens) / x_span;
        fprintf(f, "<line x1=\"%g\" y1=\"%g\" x2=\"%g\" y2=\"%g\" stroke=\"#ddd\"/>"
                   "<text x=\"%g\" y=\"%g\" text-anchor=\"middle\">%zu</text>\n",
                x, top, x, top + height, x, top + height + 16, tick);
    }
    fprintf(f, "<text x=\"%g\" y=\"%g\" text-anchor=\"middle\">tokens</text>\n"
               "<text x=\"18\" y=\"%g\" transform=\"rotate(-90 18 %g)\" text-anchor=\"middle\">"
               "GFLOP/s</text>\n",
            left + width / 2, top + height + 36, top + height / 2, top + height / 2);
    if (machine_peak > 0.0) {
        double y = top + height - height * machine_peak / max_rate;
        fprintf(f, "<line x1=\"%g\" y1=\"%g\" x2=\"%g\" y2=\"%g\" stroke=\"#000\" "
                   "stroke-dasharray=\"6 4\"/>\n",
                left, y, left + width, y);
    }
    for (i = 0; i < record_count; i++) {
        const record *r = &records[i];
        int seen = 0;
        if (!r->layer || r->wrong) continue;
        for (j = 0; j < i && !seen; j++) /* one series per preset, op, weights, type, threads */
            seen = same_series(&records[j], r);
        if (seen) continue;
        fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s points=\"",
                colours[series % 8], strcmp(r->weights, "unpacked") == 0 ? " stroke-dasharray=\"4 3\"" : "");
        for (j = i; j < record_count; j++) {
            const record *s = &records[j];
            if (!s->wrong && same_series(s, r))
                fprintf(f, "%.1f,%.1f ", left + width * log2((double)s->tokens / min_tokens) / x_span,
                        top + height - height * s->rate / max_rate);
        }
        fprintf(f, "\"/>\n<text x=\"%g\" y=\"%g\" fill=\"%s\">%s %s, %s %s%s, %d thread%s</text>\n",
                left + width + 12, top + 14 + 18 * (double)series, colours[series % 8], r->op,
                r->preset, r->weights, r->type,
                strcmp(r->precision, "bf16") == 0 ? " (bf16 products)" : "", r->threads,
                r->threads == 1 ? "" : "s");
        series++;
    }
    fprintf(f, "</svg>\n");
    if (fclose(f) != 0) {
        fprintf(stderr, "geglu-bench: cannot write %s\n", path);
        return 1;
    }
    return 0;
}

/* ---- element-wise ------------------------------------------------------------------------------ */

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

/* The only private names this file uses: geglu.h's table of GELU paths, because there is no
   public way yet to run any path but the one in use, and the per-path timings and the scalar
   reference need them all. path_at(0) is the libm baseline, then come the paths geglu.h compiled
   in (the scalar path first, the one in use last). */
typedef geglu__path path;
#define PATH_COUNT (GEGLU__PATH_COUNT + 1)
static const path *path_at(size_t i) {
    static const path libm_path = {.name = "libm", .gelu = libm_gelu, .gelu_mul = libm_gelu_mul};
    return i == 0 ? &libm_path : &geglu__paths[i - 1];
}
#define SCALAR_PATH (path_at(1))

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

/* The same bytes moved by the plainest loop, y = x or h = a * u, in 64-byte vectors (a GNU C
   vector type, so that the compiler uses the widest registers it targets): from memory, the
   limit the element-wise kernels are measured against, timed between their samples. */
#if defined(__GNUC__) || defined(__clang__)
typedef float plain_vector __attribute__((vector_size(64)));
#define PLAIN_LANES 16
#else
typedef float plain_vector;
#define PLAIN_LANES 1
#endif
static void run_plain(void *arg) {
    const elementwise_context *c = (const elementwise_context *)arg;
    const float *x = c->x, *u = c->u;
    float *y = c->y;
    const size_t n = c->n;
    plain_vector a, b;
    size_t i = 0;
    if (c->with_u) {
        for (; i + PLAIN_LANES <= n; i += PLAIN_LANES) {
            memcpy(&a, x + i, sizeof a);
            memcpy(&b, u + i, sizeof b);
            a = a * b;
            memcpy(y + i, &a, sizeof a);
        }
        for (; i < n; i++) y[i] = x[i] * u[i];
    } else {
        for (; i + PLAIN_LANES <= n; i += PLAIN_LANES) {
            memcpy(&a, x + i, sizeof a);
            memcpy(y + i, &a, sizeof a);
        }
        for (; i < n; i++) y[i] = x[i];
    }
}

static void bench_elementwise(const options *o, size_t n, int with_u, geglu_gelu kind) {
    float *x = alloc_floats(n), *u = alloc_floats(n), *y = alloc_floats(n), *ref = alloc_floats(n);
    record *rec[PATH_COUNT];
    size_t i, p;
    for (i = 0; i < n; i++) {
        x[i] = random_normal((float)o->spread);
        u[i] = random_uniform(-2.0f, 2.0f);
    }
    if (with_u) SCALAR_PATH->gelu_mul(ref, x, u, n, kind);
    else SCALAR_PATH->gelu(ref, x, n, kind);
    for (p = 0; p < PATH_COUNT; p++) {
        elementwise_context c;
        interleaved plain;
        record *r = rec[p] = new_record();
        c.p = path_at(p);
        c.with_u = with_u;
        c.kind = kind;
        c.y = y;
        c.x = x;
        c.u = u;
        c.n = n;
        r->op = with_u ? "gelu-mul" : "gelu";
        r->preset = "-";
        r->weights = "-";
        r->type = "-";
        r->precision = "-";
        r->gelu = kind == GEGLU_GELU_TANH ? "tanh" : "erf";
        r->path = c.p->name;
        r->n = n;
        r->threads = 1;
        progress(r->op, r->gelu, n, r->path);
        run_elementwise(&c);
        r->ulp = max_ulp(y, ref, n);
        /* geglu's paths must agree with the scalar path before they are timed; libm is the
           baseline and only reports its error. */
        r->wrong = p != 0 && r->ulp != 0;
        if (r->wrong) continue;
        plain.fn = run_plain;
        plain.context = &c;
        r->t = measure(run_elementwise, &c, o->warmup, o->repeat, n < 65536 ? 0.005 : 0.0, &plain);
        r->rate = (double)n / r->t.median * 1e-9;
        r->gbs = (with_u ? 12.0 : 8.0) * (double)n / r->t.median * 1e-9;
        r->bw_share = plain.t.median / r->t.median;
    }
    for (p = 0; p < PATH_COUNT; p++)
        if (!rec[p]->wrong) {
            rec[p]->ratio[0] = rec[1]->wrong ? 0.0 : rec[1]->t.median / rec[p]->t.median;
            rec[p]->ratio[1] = rec[0]->t.median / rec[p]->t.median;
        }
    free(x);
    free(u);
    free(y);
    free(ref);
}

/* ---- layers ------------------------------------------------------------------------------------ */

/* One row of H, and of Y when y is not NULL, in the order geglu.h's contract fixes (one float
   accumulator per output, increasing index, bias after): with FMA every path must match it bit
   for bit. */
static float plain_dot(const float *a, const float *w, size_t w_step, size_t n, int bf16) {
    float acc = 0.0f;
    size_t k;
    for (k = 0; k < n; k++) {
        /* bf16 products: a rounded to bf16, terms in pairs, 2q + 1 before 2q, an odd last
           term after +0 (geglu.h's contract) */
        size_t term = bf16 && (k ^ 1) < n ? k ^ 1 : k;
        float left = a[term];
        if (bf16) {
            uint16_t half;
            if (term == k) acc += 0.0f;
            geglu_f32_to_bf16(&half, &left, 1);
            geglu_bf16_to_f32(&left, &half, 1);
        }
        acc = MUL_ADD(left, w[term * w_step], acc);
    }
    return acc;
}

static void plain_row(const geglu_layer_f32 *l, const float *const values[3], const float *x,
                      float *h, float *y) {
    const float *w = values[0], *v = values[1], *w2 = values[2];
    const int bf16 = l->weight_type == GEGLU_DTYPE_BF16 && l->precision == GEGLU_PRECISION_BF16;
    size_t j, k;
    for (j = 0; j < l->d_ff; j++) {
        float a = plain_dot(x, w + j, l->d_ff, l->d_model, bf16);
        float u = plain_dot(x, v + j, l->d_ff, l->d_model, bf16);
        SCALAR_PATH->gelu_mul(&h[j], &a, &u, 1, l->gelu);
    }
    for (k = 0; y && k < l->d_model; k++) y[k] = plain_dot(h, w2 + k, l->d_model, l->d_ff, bf16);
}

/* The largest ULP distance of the first and last output rows from the plain order (without FMA
   the paths differ in rounding: then 0 when within a relative 1e-4 of the row's largest).
   values: W, V and W2 as floats, the layer's weights widened exactly. */
static long long check_layer(const layer_context *c, const float *const values[3]) {
    const size_t width = c->ffn ? c->layer.d_model : c->layer.d_ff;
    float *h = alloc_floats(c->layer.d_ff), *y = alloc_floats(c->layer.d_model);
    size_t rows[2], i, j;
    long long worst = 0, d;
    rows[0] = 0;
    rows[1] = c->tokens - 1;
    for (i = 0; i < 2; i++) {
        const float *want = c->ffn ? y : h, *got = c->out + rows[i] * width;
        plain_row(&c->layer, values, c->x + rows[i] * c->layer.d_model, h, c->ffn ? y : NULL);
        d = max_ulp(got, want, width);
        if (!GEGLU_HAS_FMA && d != 0) {
            double largest = 0.0, diff = 0.0;
            for (j = 0; j < width; j++) {
                if (fabs(want[j]) > largest) largest = fabs(want[j]);
                if (fabs(got[j] - want[j]) > diff) diff = fabs(got[j] - want[j]);
            }
            d = diff <= 1e-4 * largest ? 0 : d;
        }
        if (d > worst) worst = d;
    }
    free(h);
    free(y);
    return worst;
}

/* The timed record of r's case (op, preset, tokens, GELU, weight type) with these weights and
   threads, or NULL. */
static const record *same_case(const record *r, const char *weights, int threads) {
    size_t i;
    for (i = record_count; i-- > 0;) {
        const record *s = &records[i];
        if (s->layer && !s->wrong && s->tokens == r->tokens && s->threads == threads &&
            strcmp(s->op, r->op) == 0 && strcmp(s->preset, r->preset) == 0 &&
            strcmp(s->gelu, r->gelu) == 0 && strcmp(s->type, r->type) == 0 &&
            strcmp(s->precision, r->precision) == 0 && strcmp(s->weights, weights) == 0)
            return s;
    }
    return NULL;
}

/* The layer's weights in every type asked for: the float weights rounded to bf16 or f16 (to
   nearest even) and, for the plain order's check, those values widened back to floats. */
typedef struct typed_layer {
    geglu_layer_f32 layer, out_in; /* the same weights as they lie in IN_OUT and in OUT_IN */
    const geglu_packed_f32 *packed;
    void *packed_buffer, *arrays[3], *transposed[3];
    float *values[3];
} typed_layer;


static void make_typed_layer(typed_layer *l, const geglu_layer_f32 *f32, float *const floats[3],
                             geglu_dtype type, geglu_precision precision, const char *name,
                             int out_in) {
    size_t weights = f32->d_model * f32->d_ff, i;
    memset(l, 0, sizeof *l);
    l->layer = *f32;
    l->layer.weight_type = type;
    l->layer.precision = precision;
    for (i = 0; i < 3; i++) {
        if (type == GEGLU_DTYPE_F32) {
            l->values[i] = floats[i];
            continue;
        }
        l->arrays[i] = malloc(weights * sizeof(uint16_t));
        l->values[i] = alloc_floats(weights);
        if (!l->arrays[i]) die("out of memory");
        if (type == GEGLU_DTYPE_BF16) {
            geglu_f32_to_bf16((uint16_t *)l->arrays[i], floats[i], weights);
            geglu_bf16_to_f32(l->values[i], (const uint16_t *)l->arrays[i], weights);
        } else {
            geglu_f32_to_f16((uint16_t *)l->arrays[i], floats[i], weights);
            geglu_f16_to_f32(l->values[i], (const uint16_t *)l->arrays[i], weights);
        }
    }
    if (type != GEGLU_DTYPE_F32) {
        l->layer.w = l->arrays[0];
        l->layer.v = l->arrays[1];
        l->layer.w2 = l->arrays[2];
    }
    l->packed = pack_layer(&l->layer, name, &l->packed_buffer);
    l->out_in = l->layer;
    l->out_in.layout = GEGLU_LAYOUT_OUT_IN;
    for (i = 0; i < 3 && out_in; i++) {
        const size_t size = type == GEGLU_DTYPE_F32 ? sizeof(float) : sizeof(uint16_t);
        const void *from = i == 0 ? l->layer.w : i == 1 ? l->layer.v : l->layer.w2;
        l->transposed[i] = i < 2 ? transposed_copy(from, f32->d_model, f32->d_ff, size)
                                 : transposed_copy(from, f32->d_ff, f32->d_model, size);
    }
    if (out_in) {
        l->out_in.w = l->transposed[0];
        l->out_in.v = l->transposed[1];
        l->out_in.w2 = l->transposed[2];
    }
}

static void free_typed_layer(typed_layer *l) {
    size_t i;
    for (i = 0; i < 3; i++) {
        if (l->arrays[i]) {
            free(l->arrays[i]);
            free(l->values[i]);
        }
        free(l->transposed[i]);
    }
    free(l->packed_buffer);
}

/* The weights a layer case can have: a type, and for bf16 also bf16 products. */
#define KINDS 4
static const geglu_dtype kind_type[KINDS] = {GEGLU_DTYPE_F32, GEGLU_DTYPE_BF16, GEGLU_DTYPE_F16,
                                             GEGLU_DTYPE_BF16};
static const geglu_precision kind_precision[KINDS] = {GEGLU_PRECISION_F32, GEGLU_PRECISION_F32,
                                                      GEGLU_PRECISION_F32, GEGLU_PRECISION_BF16};

static int kind_wanted(const options *o, int k) {
    return (o->weight_types & (1u << kind_type[k])) && (o->precisions & (1u << kind_precision[k]));
}

static void bench_layer(const options *o, const preset *p, geglu_gelu kind) {
    size_t weights = p->d_model * p->d_ff, max_tokens = 0, t;
    float *floats[3];
    float *x, *out;
    typed_layer typed[KINDS];
    geglu_layer_f32 f32;
    layer_context c;
    int op, type;
    for (t = 0; t < 3; t++) floats[t] = alloc_floats(weights);
    for (t = 0; t < o->token_count; t++)
        if (o->tokens[t] > max_tokens) max_tokens = o->tokens[t];
    x = alloc_floats(max_tokens * p->d_model);
    out = alloc_floats(max_tokens * (p->d_model > p->d_ff ? p->d_model : p->d_ff));
    random_layer(floats[0], floats[1], floats[2], weights, x, max_tokens * p->d_model);
    memset(&f32, 0, sizeof f32);
    f32.d_model = p->d_model;
    f32.d_ff = p->d_ff;
    f32.w = floats[0];
    f32.v = floats[1];
    f32.w2 = floats[2];
    f32.gelu = kind;
    for (type = 0; type < KINDS; type++)
        if (kind_wanted(o, type))
            make_typed_layer(&typed[type], &f32, floats, kind_type[type], kind_precision[type],
                             p->name, o->unpacked);
    memset(&c, 0, sizeof c);
    c.x = x;
    c.out = out;
    for (op = 0; op < 2; op++) {
        if (!(o->ops & (op ? OP_FFN : OP_GATE))) continue;
        c.ffn = op;
        for (t = 0; t < o->token_count; t++) {
            double flops = 2.0 * (op ? 3.0 : 2.0) * (double)o->tokens[t] * (double)weights;
            int mode;
            c.tokens = o->tokens[t];
            /* unpacked (IN_OUT), unpacked OUT_IN, packed, packed on N threads */
            for (mode = 0; mode < 4; mode++) {
                size_t first_type = SIZE_MAX; /* the record of the first weight type */
                if ((mode < 2 && !o->unpacked) || (mode > 1 && !o->packed) ||
                    (mode == 3 && o->threads == 1))
                    continue;
                for (type = 0; type < KINDS; type++) { /* here: a kind of weights */
                    const size_t weight_bytes = kind_type[type] == GEGLU_DTYPE_F32 ? 4 : 2;
                    record *r;
                    if (!kind_wanted(o, type)) continue;
                    r = new_record();
                    r->op = op ? "ffn" : "gate";
                    r->preset = p->name;
                    r->d_model = p->d_model;
                    r->d_ff = p->d_ff;
                    r->tokens = c.tokens;
                    r->gelu = kind == GEGLU_GELU_TANH ? "tanh" : "erf";
                    r->path = geglu_isa();
                    r->threads = mode == 3 ? o->threads : 1;
                    r->weights = mode == 0 ? "unpacked" : mode == 1 ? "out_in" : "packed";
                    r->type = type_names[kind_type[type]];
                    r->precision = precision_names[kind_precision[type]];
                    r->layer = 1;
                    c.layer = mode == 1 ? typed[type].out_in : typed[type].layer;
                    c.packed = mode > 1 ? typed[type].packed : NULL;
                    set_threads(r->threads);
                    alloc_workspace(&c);
                    progress(r->op, p->name, c.tokens, r->weights);
                    run_layer(&c);
                    r->ulp = check_layer(&c, (const float *const *)typed[type].values);
                    r->wrong = r->ulp != 0;
                    if (!r->wrong) {
                        /* The memory's speed on a shared machine drifts by a third within
                           seconds: the bandwidth share is against reads timed in between. */
                        interleaved reads;
                        const record *unpacked, *one_thread;
                        reads.fn = run_read;
                        reads.context = &read_buffer;
                        r->t = measure(run_layer, &c, o->warmup, o->repeat, 0.02, &reads);
                        r->read_gbs = read_gbs(reads.t.median);
                        r->rate = flops / r->t.median * 1e-9;
                        r->gbs = (op ? 3.0 : 2.0) * (double)weights * (double)weight_bytes /
                                 r->t.median * 1e-9;
                        /* bf16 products on dot products: against their own peak */
                        r->peak_share = r->rate / (kind_precision[type] == GEGLU_PRECISION_BF16 &&
                                                           GEGLU__PATH_IN_USE->gate_dot_tile
                                                       ? dot_peak
                                                       : machine_peak);
                        r->bw_share = r->gbs / r->read_gbs;
                        unpacked = same_case(r, "unpacked", 1);
                        one_thread = same_case(r, "packed", 1);
                        r->ratio[0] = unpacked ? unpacked->t.median / r->t.median : 0.0;
                        r->ratio[1] = mode > 1 && one_thread ? one_thread->t.median / r->t.median : 0.0;
                        if (first_type != SIZE_MAX && !records[first_type].wrong)
                            r->ratio[2] = records[first_type].t.median / r->t.median;
                    }
                    if (first_type == SIZE_MAX) first_type = (size_t)(r - records);
                    free(c.workspace);
                    set_threads(1);
                }
            }
        }
    }
    for (type = 0; type < KINDS; type++)
        if (kind_wanted(o, type)) free_typed_layer(&typed[type]);
    for (t = 0; t < 3; t++) free(floats[t]);
    free(x);
    free(out);
}

int main(int argc, char **argv) {
    options o;
    size_t i;
    int k, status = parse_options(argc, argv, &o);
    if (status != 0) return status == 1 ? 0 : status;
    run_started = now_seconds();
    seed_random(o.seed);
    set_threads(1);
    choose_machine_loops();
    for (k = 0; !kind_wanted(&o, k); k++) continue;
    first_type_name = type_names[kind_type[k]];
    machine_peak = measure_peak_gflops();
    dot_peak = measure_dot_peak_gflops();
    alloc_read_buffer(o.quick ? (size_t)1 << 26 : (size_t)1 << 28);
    machine_bandwidth = measure_read_bandwidth();
    for (i = 0; i < o.size_count; i++)
        for (k = 0; k < 2; k++) {
            geglu_gelu kind = k ? GEGLU_GELU_TANH : GEGLU_GELU_ERF;
            if (o.kinds && !(o.kinds & (1 << k))) continue;
            if (o.ops & OP_GELU) bench_elementwise(&o, o.sizes[i], 0, kind);
            if (o.ops & OP_GELU_MUL) bench_elementwise(&o, o.sizes[i], 1, kind);
        }
    for (i = 0; i < o.layer_count && (o.ops & (OP_GATE | OP_FFN)); i++)
        for (k = 0; k < 2; k++) {
            geglu_gelu kind = k ? GEGLU_GELU_TANH : GEGLU_GELU_ERF;
            if (o.kinds ? !(o.kinds & (1 << k)) : kind != GEGLU_GELU_TANH) continue;
            bench_layer(&o, &o.layers[i], kind);
        }
    if (o.format == FORMAT_CSV) print_csv();
    else if (o.format == FORMAT_JSON) print_json();
    else {
        printf("geglu.h %s, ISA in use: %s\n\n", GEGLU_VERSION_STRING, geglu_isa());
        print_table(o.spread);
    }
    status = 0;
    for (i = 0; i < record_count; i++) status |= records[i].wrong;
    if (o.svg && write_svg(o.svg) != 0) status = 1;
    free(records);
    free(read_allocation);
    return status;
}

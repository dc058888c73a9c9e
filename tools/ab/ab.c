/* tools/ab.sh's driver: times the FFN of two versions of geglu.h (tools/ab/side.c), packed or
   on plain weights in either layout, on one layer in one process, the two calls alternating, and prints the median of the per-pair
   time ratios exp / base (below 1: exp is faster) and whether the outputs are bitwise equal.
   Alternating pairs cancel most of a shared machine's drift, which moves absolute times by
   tens of percent between minutes.

   usage: ab D_MODEL D_FF TOKENS [SAMPLES [WEIGHTS [PRECISION [CALL]]]]
          WEIGHTS f32 (default), bf16 or f16; PRECISION f32 (default) or bf16;
          CALL packed (default), in_out or out_in (geglu_ffn_f32 on weights in that layout),
          or BASE_CALL:EXP_CALL for a different call on each side (packed:out_in times the
          plain call against the packed one); the OUT_IN layer holds the same weights
          transposed, so every call gives the same bits */
#define _POSIX_C_SOURCE 199309L
#include "../../geglu.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const void *base_pack(const geglu_layer_f32 *layer);
size_t base_workspace_size(const void *packed, size_t tokens);
int base_ffn(const void *packed, const float *x, size_t tokens, float *y, void *ws, size_t n);
const void *exp_pack(const geglu_layer_f32 *layer);
size_t exp_workspace_size(const void *packed, size_t tokens);
int exp_ffn(const void *packed, const float *x, size_t tokens, float *y, void *ws, size_t n);
int base_convert(void *to, const float *from, size_t n, geglu_dtype type);
size_t base_plain_workspace_size(const geglu_layer_f32 *layer, size_t tokens);
int base_plain_ffn(const geglu_layer_f32 *layer, const float *x, size_t tokens, float *y, void *ws,
                   size_t n);
size_t exp_plain_workspace_size(const geglu_layer_f32 *layer, size_t tokens);
int exp_plain_ffn(const geglu_layer_f32 *layer, const float *x, size_t tokens, float *y, void *ws,
                  size_t n);

/* One FFN call of a side: packed when `packed` is not NULL, else on the plain layer. */
#define AB_CALL(side, packed, layer, x, tokens, y, ws, n)                                       \
    ((packed) ? side##_ffn(packed, x, tokens, y, ws, n) : side##_plain_ffn(layer, x, tokens, y, ws, n))

enum { PACKED, IN_OUT, OUT_IN };

/* The call named at the start of `name` (up to a ':' or its end). */
static int call_named(const char *name) {
    if (!strncmp(name, "in_out", 6)) return IN_OUT;
    if (!strncmp(name, "out_in", 6)) return OUT_IN;
    return PACKED;
}

/* rows x cols elements of `bytes` each, transposed into a new array. */
static void *transposed(const void *m, size_t rows, size_t cols, size_t bytes) {
    unsigned char *t = malloc(rows * cols * bytes);
    size_t i, j;
    if (!t) exit(2);
    for (i = 0; i < rows; i++)
        for (j = 0; j < cols; j++)
            memcpy(t + (j * rows + i) * bytes, (const unsigned char *)m + (i * cols + j) * bytes, bytes);
    return t;
}

#define MAX_SAMPLES 201

static double seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int by_value(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Uniform in [lo, hi), from a fixed xorshift sequence: both sides see the same data. */
static float uniform(unsigned long long *state, float lo, float hi) {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return lo + (hi - lo) * (float)((double)(*state >> 40) / 16777216.0);
}

static void fill(void *to, size_t n, geglu_dtype type, float scale, unsigned long long *state) {
    float *f = malloc(n * sizeof *f);
    size_t i;
    if (!f) exit(2);
    for (i = 0; i < n; i++) f[i] = uniform(state, -scale, scale);
    if (!base_convert(to, f, n, type)) exit(2);
    free(f);
}

int main(int argc, char **argv) {
    size_t d_model, d_ff, tokens, n, bytes, ws_base, ws_exp;
    int samples, k, call[2];
    geglu_layer_f32 layer, layers[2];
    geglu_dtype type = GEGLU_DTYPE_F32;
    unsigned long long state = 88172645463325252ull;
    double base_time[MAX_SAMPLES], exp_time[MAX_SAMPLES], ratio[MAX_SAMPLES];
    const void *base, *exp;
    void *w, *v, *w2, *ws_a, *ws_b;
    float *x, *y_base, *y_exp;
    if (argc < 4) {
        fprintf(stderr, "usage: ab D_MODEL D_FF TOKENS [SAMPLES [f32|bf16|f16 [f32|bf16 "
                        "[packed|in_out|out_in[:packed|in_out|out_in]]]]]\n");
        return 2;
    }
    d_model = strtoul(argv[1], NULL, 10);
    d_ff = strtoul(argv[2], NULL, 10);
    tokens = strtoul(argv[3], NULL, 10);
    samples = argc > 4 ? atoi(argv[4]) : 21;
    if (samples < 1 || samples > MAX_SAMPLES) samples = 21;
    if (argc > 5 && !strcmp(argv[5], "bf16")) type = GEGLU_DTYPE_BF16;
    if (argc > 5 && !strcmp(argv[5], "f16")) type = GEGLU_DTYPE_F16;
    n = d_model * d_ff;
    bytes = type == GEGLU_DTYPE_F32 ? 4 : 2;
    w = malloc(n * bytes);
    v = malloc(n * bytes);
    w2 = malloc(n * bytes);
    x = malloc(tokens * d_model * sizeof *x);
    y_base = malloc(tokens * d_model * sizeof *y_base);
    y_exp = malloc(tokens * d_model * sizeof *y_exp);
    if (!w || !v || !w2 || !x || !y_base || !y_exp) return 2;
    fill(w, n, type, 0.05f, &state);
    fill(v, n, type, 0.05f, &state);
    fill(w2, n, type, 0.03f, &state);
    fill(x, tokens * d_model, GEGLU_DTYPE_F32, 2.0f, &state);
    memset(&layer, 0, sizeof layer);
    layer.d_model = d_model;
    layer.d_ff = d_ff;
    layer.w = w;
    layer.v = v;
    layer.w2 = w2;
    layer.gelu = GEGLU_GELU_TANH;
    layer.weight_type = type;
    layer.precision = argc > 6 && !strcmp(argv[6], "bf16") ? GEGLU_PRECISION_BF16 : GEGLU_PRECISION_F32;
    call[0] = call_named(argc > 7 ? argv[7] : "packed");
    call[1] = argc > 7 && strchr(argv[7], ':') ? call_named(strchr(argv[7], ':') + 1) : call[0];
    for (k = 0; k < 2; k++) {
        layers[k] = layer;
        if (call[k] == OUT_IN) {
            layers[k].layout = GEGLU_LAYOUT_OUT_IN;
            layers[k].w = transposed(w, d_model, d_ff, bytes);
            layers[k].v = transposed(v, d_model, d_ff, bytes);
            layers[k].w2 = transposed(w2, d_ff, d_model, bytes);
        }
    }
    base = call[0] == PACKED ? base_pack(&layer) : NULL;
    exp = call[1] == PACKED ? exp_pack(&layer) : NULL;
    if ((call[0] == PACKED && !base) || (call[1] == PACKED && !exp)) {
        fprintf(stderr, "ab: a side refused the layer\n");
        return 2;
    }
    ws_base = base ? base_workspace_size(base, tokens) : base_plain_workspace_size(&layers[0], tokens);
    ws_exp = exp ? exp_workspace_size(exp, tokens) : exp_plain_workspace_size(&layers[1], tokens);
    ws_a = malloc(ws_base ? ws_base : 1);
    ws_b = malloc(ws_exp ? ws_exp : 1);
    if (!ws_a || !ws_b) return 2;
    if (!AB_CALL(base, base, &layers[0], x, tokens, y_base, ws_a, ws_base) ||
        !AB_CALL(exp, exp, &layers[1], x, tokens, y_exp, ws_b, ws_exp)) {
        fprintf(stderr, "ab: an FFN call failed\n");
        return 2;
    }
    printf("outputs: %s\n", memcmp(y_base, y_exp, tokens * d_model * sizeof *x) ? "DIFFER" : "bitwise equal");
    for (k = 0; k < samples; k++) {
        const double t0 = seconds();
        AB_CALL(base, base, &layers[0], x, tokens, y_base, ws_a, ws_base);
        {
            const double t1 = seconds();
            AB_CALL(exp, exp, &layers[1], x, tokens, y_exp, ws_b, ws_exp);
            exp_time[k] = seconds() - t1;
            base_time[k] = t1 - t0;
        }
        ratio[k] = exp_time[k] / base_time[k];
    }
    qsort(base_time, (size_t)samples, sizeof *base_time, by_value);
    qsort(exp_time, (size_t)samples, sizeof *exp_time, by_value);
    qsort(ratio, (size_t)samples, sizeof *ratio, by_value);
    printf("base median %.3f ms (min %.3f), exp median %.3f ms (min %.3f); exp / base: median of "
           "ratios %.3f, ratio of mins %.3f (%d pairs)\n",
           1e3 * base_time[samples / 2], 1e3 * base_time[0], 1e3 * exp_time[samples / 2],
           1e3 * exp_time[0], ratio[samples / 2], exp_time[0] / base_time[0], samples);
    return 0;
}

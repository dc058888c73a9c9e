/* t5_block: the feed-forward block of a T5 v1.1 layer (T5LayerFF) on batches of tokens,
 *     out = x + FFN(RMSNorm(x)),   FFN(n) = (GELU_tanh(n*wi_0) (x) n*wi_1) * wo   (no biases)
 *     RMSNorm(x) = x / sqrt(mean(x^2) + eps) * scale   (no mean subtraction, no bias; eps 1e-6)
 * with the weights read from a file once, packed once (geglu_pack_f32), and then run on many
 * batches: the way an inference program loads a checkpoint.
 *
 * USAGE
 *   t5_block write FILE [D_MODEL D_FF [in_out|out_in]]
 *       write a seeded random layer (default 512 1024 out_in: the sizes of t5-v1.1-small)
 *   t5_block run FILE [TOKENS BATCHES]
 *       load FILE, pack it, check the packed FFN against geglu_ffn_f32 on the first batch
 *       (bitwise equal: the library guarantees it), then run BATCHES batches of TOKENS tokens
 *       (default 32 and 20) and print a checksum and the time per batch
 *   t5_block
 *       both, on small layers in temporary files (both layouts), and check that damaged files
 *       are refused: the smoke test `make test` runs
 *   Exit status: 0 on success, 1 when a file is refused or a check fails, 2 on a usage error.
 *
 * FILE FORMAT (every field little-endian; floats are IEEE-754 binary32)
 *   offset  bytes  field
 *        0      8  magic "GEGLUT5" and a NUL byte
 *        8      4  uint32 version, 1
 *       12      4  uint32 d_model, 1 to 65536
 *       16      4  uint32 d_ff, 1 to 262144
 *       20      4  uint32 layout: 0 = in_out (wi_0, wi_1: d_model x d_ff; wo: d_ff x d_model)
 *                                1 = out_in (wi_0, wi_1: d_ff x d_model; wo: d_model x d_ff,
 *                                            as torch's nn.Linear.weight and T5 checkpoints)
 *       24         float32 scale[d_model]            the RMSNorm weight
 *                  float32 wi_0[d_model * d_ff]       the gate, through GELU (geglu's w)
 *                  float32 wi_1[d_model * d_ff]       the value (geglu's v)
 *                  float32 wo[d_ff * d_model]         the down projection (geglu's w2)
 *   and nothing after: the file is exactly 24 + 4 * (d_model + 3 * d_model * d_ff) bytes.
 *   Every weight must be finite.
 *
 *   cc -O2 -march=native examples/t5_block.c -lm -o t5_block && ./t5_block */
#define GEGLU_IMPLEMENTATION
#include "../geglu.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define T5_MAGIC "GEGLUT5" /* with its NUL: 8 bytes */
#define T5_VERSION 1u
#define T5_HEADER_BYTES 24
#define T5_MAX_D_MODEL 65536u
#define T5_MAX_D_FF 262144u
#define T5_EPS 1e-6 /* T5's layer_norm_epsilon */

typedef struct t5_weights {
    size_t d_model, d_ff;
    geglu_layout layout;
    float *scale, *w, *v, *w2; /* scale is the one allocation; w, v and w2 point into it */
} t5_weights;

/* ---- little-endian encoding -------------------------------------------------------------- */
static void put_u32(unsigned char *p, uint32_t u) {
    p[0] = (unsigned char)u;
    p[1] = (unsigned char)(u >> 8);
    p[2] = (unsigned char)(u >> 16);
    p[3] = (unsigned char)(u >> 24);
}

static uint32_t get_u32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Writes n floats as little-endian binary32; returns 0 on success. */
static int write_floats(FILE *f, const float *a, size_t n) {
    unsigned char buf[4096];
    size_t i, k;
    for (i = 0; i < n; i += k) {
        for (k = 0; k < sizeof buf / 4 && i + k < n; k++) {
            uint32_t u;
            memcpy(&u, &a[i + k], 4);
            put_u32(buf + 4 * k, u);
        }
        if (fwrite(buf, 4, k, f) != k) return 1;
    }
    return 0;
}

/* Reads n little-endian binary32 floats; returns how many it read. */
static size_t read_floats(FILE *f, float *a, size_t n) {
    unsigned char buf[4096];
    size_t i = 0;
    while (i < n) {
        size_t want = n - i < sizeof buf / 4 ? n - i : sizeof buf / 4, got = fread(buf, 4, want, f), k;
        for (k = 0; k < got; k++) {
            uint32_t u = get_u32(buf + 4 * k);
            memcpy(&a[i + k], &u, 4);
        }
        i += got;
        if (got < want) break;
    }
    return i;
}

/* ---- the layer: random weights, writing, loading ------------------------------------------ */
static uint64_t rng_state;

static float uniform(float limit) { /* in [-limit, limit), from a 64-bit LCG's top 24 bits */
    rng_state = rng_state * 6364136223846793005u + 1442695040888963407u;
    return limit * ((float)(rng_state >> 40) * (2.0f / 16777216.0f) - 1.0f);
}

static int alloc_weights(t5_weights *t, size_t d_model, size_t d_ff, geglu_layout layout) {
    size_t wsize = d_model * d_ff; /* the caller keeps the sizes in range: no overflow */
    t->d_model = d_model;
    t->d_ff = d_ff;
    t->layout = layout;
    t->scale = (float *)malloc((d_model + 3 * wsize) * sizeof(float));
    if (!t->scale) return 1;
    t->w = t->scale + d_model;
    t->v = t->w + wsize;
    t->w2 = t->v + wsize;
    return 0;
}

static int sizes_in_range(unsigned long d_model, unsigned long d_ff) {
    return d_model >= 1 && d_model <= T5_MAX_D_MODEL && d_ff >= 1 && d_ff <= T5_MAX_D_FF &&
           (unsigned long long)d_model * d_ff <= (SIZE_MAX / sizeof(float) - d_model) / 3;
}

static void random_weights(t5_weights *t, uint64_t seed) {
    size_t i, wsize = t->d_model * t->d_ff;
    float in_limit = 1.7f / sqrtf((float)t->d_model), out_limit = 1.7f / sqrtf((float)t->d_ff);
    rng_state = seed;
    for (i = 0; i < t->d_model; i++) t->scale[i] = 1.0f + uniform(0.25f);
    for (i = 0; i < wsize; i++) t->w[i] = uniform(in_limit);
    for (i = 0; i < wsize; i++) t->v[i] = uniform(in_limit);
    for (i = 0; i < wsize; i++) t->w2[i] = uniform(out_limit);
}

static int write_layer(FILE *f, const t5_weights *t) {
    unsigned char header[T5_HEADER_BYTES];
    memcpy(header, T5_MAGIC, 8);
    put_u32(header + 8, T5_VERSION);
    put_u32(header + 12, (uint32_t)t->d_model);
    put_u32(header + 16, (uint32_t)t->d_ff);
    put_u32(header + 20, (uint32_t)t->layout);
    if (fwrite(header, 1, sizeof header, f) != sizeof header) return 1;
    return write_floats(f, t->scale, t->d_model + 3 * t->d_model * t->d_ff) || fflush(f) != 0;
}

/* Reads and checks a layer file. On failure returns 1, writes why into err and allocates
   nothing; on success the caller frees t->scale. */
static int load_layer(FILE *f, t5_weights *t, char *err, size_t err_size) {
    unsigned char header[T5_HEADER_BYTES];
    unsigned long version, d_model, d_ff, layout;
    size_t n, got, i;
    if (fread(header, 1, sizeof header, f) != sizeof header) {
        snprintf(err, err_size, "too short for the %d-byte header", T5_HEADER_BYTES);
        return 1;
    }
    if (memcmp(header, T5_MAGIC, 8) != 0) {
        snprintf(err, err_size, "not a t5_block layer file (bad magic)");
        return 1;
    }
    version = get_u32(header + 8);
    d_model = get_u32(header + 12);
    d_ff = get_u32(header + 16);
    layout = get_u32(header + 20);
    if (version != T5_VERSION) {
        snprintf(err, err_size, "format version %lu; this program reads version %u", version,
                 T5_VERSION);
        return 1;
    }
    if (!sizes_in_range(d_model, d_ff)) {
        snprintf(err, err_size, "d_model %lu, d_ff %lu: out of range (1..%u, 1..%u)", d_model, d_ff,
                 T5_MAX_D_MODEL, T5_MAX_D_FF);
        return 1;
    }
    if (layout != GEGLU_LAYOUT_IN_OUT && layout != GEGLU_LAYOUT_OUT_IN) {
        snprintf(err, err_size, "unknown layout %lu (0 = in_out, 1 = out_in)", layout);
        return 1;
    }
    if (alloc_weights(t, d_model, d_ff, (geglu_layout)layout)) {
        snprintf(err, err_size, "out of memory for d_model %lu, d_ff %lu", d_model, d_ff);
        return 1;
    }
    n = d_model + 3 * d_model * d_ff;
    got = read_floats(f, t->scale, n);
    if (got != n || fgetc(f) != EOF) {
        snprintf(err, err_size, "%s: the header says %lu x %lu, so the file must be %.0f bytes",
                 got != n ? "truncated" : "data after the weights", d_model, d_ff,
                 (double)T5_HEADER_BYTES + 4.0 * (double)n);
        free(t->scale);
        return 1;
    }
    for (i = 0; i < n; i++) {
        if (!isfinite(t->scale[i])) {
            snprintf(err, err_size, "float %lu of the weights is not finite", (unsigned long)i);
            free(t->scale);
            return 1;
        }
    }
    return 0;
}

/* ---- the block ----------------------------------------------------------------------------- */
/* T5LayerNorm: n = x / sqrt(mean(x^2) + eps) * scale, one row of d_model per token. */
static void rms_norm(float *n, const float *x, const float *scale, size_t tokens, size_t d_model) {
    size_t t, i;
    for (t = 0; t < tokens; t++) {
        const float *xt = x + t * d_model;
        double sum = 0.0;
        float inv;
        for (i = 0; i < d_model; i++) sum += (double)xt[i] * xt[i];
        inv = (float)(1.0 / sqrt(sum / (double)d_model + T5_EPS));
        for (i = 0; i < d_model; i++) n[t * d_model + i] = xt[i] * inv * scale[i];
    }
}

static void random_hidden(float *x, size_t n, uint64_t seed) {
    size_t i;
    rng_state = seed;
    for (i = 0; i < n; i++) x[i] = uniform(2.0f) + uniform(2.0f); /* a hill around 0 */
}

static int fail(const char *what, geglu_status s) {
    fprintf(stderr, "t5_block: %s: %s\n", what, geglu_status_string(s));
    return 1;
}

/* Loads the layer from f, packs it, checks the first batch against the unpacked FFN, frees the
   unpacked weights and runs the batches. Returns the exit status. */
static int run_layer(FILE *f, const char *name, size_t tokens, size_t batches) {
    t5_weights t;
    geglu_layer_f32 layer = {0};
    const geglu_packed_f32 *packed = NULL;
    void *packed_buffer = NULL, *workspace = NULL;
    float *x = NULL, *n = NULL, *y = NULL, *y_check = NULL, *scale = NULL;
    size_t packed_size, ws_size, ws_check_size, d_model, b, i;
    geglu_status s;
    char err[200];
    double checksum = 0.0, seconds;
    uint32_t hash = 2166136261u;
    clock_t start;
    int status = 1;

    if (load_layer(f, &t, err, sizeof err)) {
        fprintf(stderr, "t5_block: %s: %s\n", name, err);
        return 1;
    }
    d_model = t.d_model;
    layer.d_model = t.d_model;
    layer.d_ff = t.d_ff;
    layer.w = t.w;
    layer.v = t.v;
    layer.w2 = t.w2;
    layer.gelu = GEGLU_GELU_TANH; /* T5 v1.1's gelu_new; no biases */
    layer.layout = t.layout;

    /* Pack once. The packed buffer holds everything the FFN needs. */
    packed_size = geglu_packed_size_f32(&layer);
    packed_buffer = malloc(packed_size);
    s = geglu_pack_f32(&layer, packed_buffer, packed_size, &packed);
    if (s != GEGLU_OK) {
        status = fail("geglu_pack_f32", s);
        goto done;
    }
    ws_size = geglu_ffn_packed_workspace_size(packed, tokens);
    ws_check_size = geglu_ffn_workspace_size(&layer, tokens);
    workspace = malloc(ws_size > ws_check_size ? ws_size : ws_check_size);
    scale = (float *)malloc(d_model * sizeof(float));
    x = (float *)malloc(tokens * d_model * sizeof(float));
    n = (float *)malloc(tokens * d_model * sizeof(float));
    y = (float *)malloc(tokens * d_model * sizeof(float));
    y_check = (float *)malloc(tokens * d_model * sizeof(float));
    if (!workspace || !scale || !x || !n || !y || !y_check) {
        fprintf(stderr, "t5_block: out of memory\n");
        goto done;
    }

    /* The check: on the first batch, the packed FFN must equal the unpacked one bit for bit. */
    random_hidden(x, tokens * d_model, 1);
    rms_norm(n, x, t.scale, tokens, d_model);
    s = geglu_ffn_f32(&layer, n, tokens, y_check, workspace, ws_check_size);
    if (s != GEGLU_OK) {
        status = fail("geglu_ffn_f32", s);
        goto done;
    }
    s = geglu_ffn_packed_f32(packed, n, tokens, y, workspace, ws_size);
    if (s != GEGLU_OK) {
        status = fail("geglu_ffn_packed_f32", s);
        goto done;
    }
    if (memcmp(y, y_check, tokens * d_model * sizeof(float)) != 0) {
        fprintf(stderr, "t5_block: the packed FFN differs from geglu_ffn_f32\n");
        goto done;
    }

    /* The unpacked weights are no longer needed: keep the norm's scale, free the rest. */
    memcpy(scale, t.scale, d_model * sizeof(float));
    free(t.scale);
    t.scale = NULL;

    /* Many batches on the packed layer: new hidden states each time, timed without the
       generation of the inputs. */
    seconds = 0.0;
    for (b = 0; b < batches; b++) {
        random_hidden(x, tokens * d_model, 1 + b);
        start = clock();
        rms_norm(n, x, scale, tokens, d_model);
        s = geglu_ffn_packed_f32(packed, n, tokens, y, workspace, ws_size);
        for (i = 0; i < tokens * d_model; i++) y[i] += x[i]; /* the residual */
        seconds += (double)(clock() - start) / CLOCKS_PER_SEC;
        if (s != GEGLU_OK) {
            status = fail("geglu_ffn_packed_f32", s);
            goto done;
        }
        for (i = 0; i < tokens * d_model; i++) {
            uint32_t u;
            checksum += y[i];
            memcpy(&u, &y[i], 4);
            hash = (hash ^ u) * 16777619u; /* FNV-1a over the 32-bit words */
        }
    }
    printf("t5_block %s: d_model %lu, d_ff %lu, %s, tanh GELU, %s; packed once: %.2f MB\n", name,
           (unsigned long)d_model, (unsigned long)layer.d_ff,
           layer.layout == GEGLU_LAYOUT_OUT_IN ? "out_in" : "in_out", geglu_isa(),
           (double)packed_size / 1e6);
    printf("  first batch: packed FFN == geglu_ffn_f32, bit for bit\n");
    printf("  %lu batches x %lu tokens: checksum %.9e, hash %08lx\n", (unsigned long)batches,
           (unsigned long)tokens, checksum, (unsigned long)hash);
    if (batches > 0 && seconds > 0.0)
        printf("  %.1f us per batch (CPU time), %.2f GFLOP/s in the FFN\n",
               1e6 * seconds / (double)batches,
               6.0 * (double)d_model * (double)layer.d_ff * (double)(tokens * batches) / seconds / 1e9);
    status = 0;
done:
    free(t.scale);
    free(packed_buffer);
    free(workspace);
    free(scale);
    free(x);
    free(n);
    free(y);
    free(y_check);
    return status;
}

/* ---- the commands -------------------------------------------------------------------------- */
static int parse_size(const char *s, unsigned long max, size_t *out) {
    char *end;
    unsigned long u = strtoul(s, &end, 10);
    if (*s == '-' || end == s || *end != '\0' || u < 1 || u > max) return 1;
    *out = u;
    return 0;
}

static int write_file(const char *path, size_t d_model, size_t d_ff, geglu_layout layout) {
    t5_weights t;
    FILE *f;
    int bad;
    if (alloc_weights(&t, d_model, d_ff, layout)) {
        fprintf(stderr, "t5_block: out of memory\n");
        return 1;
    }
    random_weights(&t, 20240607u);
    f = fopen(path, "wb");
    if (!f) {
        perror(path);
        free(t.scale);
        return 1;
    }
    bad = write_layer(f, &t);
    bad = fclose(f) != 0 || bad;
    free(t.scale);
    if (bad) {
        fprintf(stderr, "t5_block: %s: write failed\n", path);
        return 1;
    }
    printf("t5_block: wrote %s (d_model %lu, d_ff %lu, %s)\n", path, (unsigned long)d_model,
           (unsigned long)d_ff, layout == GEGLU_LAYOUT_OUT_IN ? "out_in" : "in_out");
    return 0;
}

/* Loading a copy of good[0..size) with patch written at offset at, or cut bytes cut off its end
   (cut < 0) or added to it (cut > 0), must fail with a message that contains expect. */
static int refused(const unsigned char *good, size_t size, size_t at, const char *patch, long cut,
                   const char *expect) {
    t5_weights t;
    char err[200] = "";
    FILE *f = tmpfile();
    size_t keep = cut < 0 ? size - (size_t)-cut : size;
    int loaded;
    if (!f) {
        perror("tmpfile");
        return 0;
    }
    fwrite(good, 1, keep, f);
    if (cut > 0) fwrite(good, 1, (size_t)cut, f);
    if (patch) {
        fseek(f, (long)at, SEEK_SET);
        fwrite(patch, 1, 4, f);
    }
    rewind(f);
    loaded = load_layer(f, &t, err, sizeof err) == 0;
    fclose(f);
    if (loaded) free(t.scale);
    if (loaded || !strstr(err, expect)) {
        fprintf(stderr, "t5_block: a damaged file was %s (expected \"%s\")\n",
                loaded ? "accepted" : err, expect);
        return 0;
    }
    printf("  refused as it should be: %s\n", err);
    return 1;
}

/* No arguments: write, load and run small layers in temporary files, then damaged files. */
static int self_test(void) {
    static const struct { size_t d_model, d_ff; geglu_layout layout; } cases[2] = {
        {40, 104, GEGLU_LAYOUT_OUT_IN}, {24, 72, GEGLU_LAYOUT_IN_OUT}};
    unsigned char *bytes;
    size_t size, c;
    t5_weights t;
    FILE *f;
    int ok = 1;

    for (c = 0; c < 2 && ok; c++) {
        f = tmpfile();
        if (!f || alloc_weights(&t, cases[c].d_model, cases[c].d_ff, cases[c].layout)) {
            fprintf(stderr, "t5_block: no temporary file or memory\n");
            return 1;
        }
        random_weights(&t, 1234u + c);
        ok = write_layer(f, &t) == 0;
        free(t.scale);
        rewind(f);
        ok = ok && run_layer(f, "(temporary file)", 7, 4) == 0;
        fclose(f);
    }
    if (!ok) return 1;

    /* A good file in memory, then copies with one thing wrong. */
    f = tmpfile();
    if (!f || alloc_weights(&t, 8, 16, GEGLU_LAYOUT_OUT_IN)) return 1;
    random_weights(&t, 99u);
    write_layer(f, &t);
    free(t.scale);
    size = (size_t)ftell(f);
    bytes = (unsigned char *)malloc(size);
    rewind(f);
    if (!bytes || fread(bytes, 1, size, f) != size) return 1;
    fclose(f);
    printf("t5_block: damaged files\n");
    ok = refused(bytes, size, 0, "GGUF", 0, "bad magic") &&
         refused(bytes, size, 8, "\2\0\0\0", 0, "version 2") &&
         refused(bytes, size, 12, "\0\0\2\0", 0, "out of range") &&
         refused(bytes, size, 20, "\5\0\0\0", 0, "unknown layout") &&
         refused(bytes, size, 0, NULL, -4, "truncated") &&
         refused(bytes, size, 0, NULL, 3, "data after the weights") &&
         refused(bytes, size, size - 4, "\0\0\300\177", 0, "not finite") && /* a NaN */
         refused(bytes, size, 0, NULL, -(long)(size - 10), "too short");
    free(bytes);
    return ok ? 0 : 1;
}

static int usage(void) {
    fprintf(stderr, "usage: t5_block write FILE [D_MODEL D_FF [in_out|out_in]]\n"
                    "       t5_block run FILE [TOKENS BATCHES]\n"
                    "       t5_block            (self-test on temporary files)\n");
    return 2;
}

int main(int argc, char **argv) {
    if (argc == 1) return self_test();
    if (argc >= 3 && strcmp(argv[1], "write") == 0) {
        size_t d_model = 512, d_ff = 1024;
        geglu_layout layout = GEGLU_LAYOUT_OUT_IN;
        if (argc != 3 && argc != 5 && argc != 6) return usage();
        if (argc >= 5 && (parse_size(argv[3], T5_MAX_D_MODEL, &d_model) ||
                          parse_size(argv[4], T5_MAX_D_FF, &d_ff) ||
                          !sizes_in_range((unsigned long)d_model, (unsigned long)d_ff)))
            return usage();
        if (argc == 6) {
            if (strcmp(argv[5], "in_out") == 0) layout = GEGLU_LAYOUT_IN_OUT;
            else if (strcmp(argv[5], "out_in") != 0) return usage();
        }
        return write_file(argv[2], d_model, d_ff, layout);
    }
    if (argc >= 3 && strcmp(argv[1], "run") == 0) {
        size_t tokens = 32, batches = 20;
        FILE *f;
        int status;
        if (argc != 3 && argc != 5) return usage();
        if (argc == 5 && (parse_size(argv[3], 1u << 20, &tokens) ||
                          parse_size(argv[4], 1u << 20, &batches)))
            return usage();
        f = fopen(argv[2], "rb");
        if (!f) {
            perror(argv[2]);
            return 1;
        }
        status = run_layer(f, argv[2], tokens, batches);
        fclose(f);
        return status;
    }
    return usage();
}

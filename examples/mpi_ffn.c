/* mpi_ffn: tensor parallelism over d_ff with Open MPI, the way an engine shards a GeGLU layer.
 *
 *   mpirun -np P build/mpi_ffn [d_model d_ff tokens]
 *
 * Rank r of P holds a contiguous shard of d_ff: columns [begin, end) of W, V, b and c, and the
 * matching rows of W2. It builds its shard from a seeded generator (nobody holds the whole
 * layer), packs it, computes its partial Y = GELU(X W_r + b_r) (x) (X V_r + c_r) W2_r, and
 * MPI_Allreduce sums the partials; b2 is added once, by rank 0's shard. Rank 0 then runs the
 * whole layer in one process and checks the sum against it: H is bitwise the same column by
 * column, so Y may differ only by the order of the final sum, which the bound below covers.
 * Exit status 0 on agreement, 1 on a mismatch or an error. */
#define GEGLU_IMPLEMENTATION
#include "../geglu.h"

#include <math.h>
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Entry (row, col) of matrix `which`, the same on every rank: a hash, not a stream, so that a
   rank can make its shard without the rest. Uniform in [-scale, scale). */
static float entry(unsigned which, size_t row, size_t col, float scale) {
    uint64_t z = (uint64_t)which * 0x9e3779b97f4a7c15ull ^ (uint64_t)row * 0xbf58476d1ce4e5b9ull ^
                 (uint64_t)col * 0x94d049bb133111ebull;
    z ^= z >> 31;
    z *= 0xd6e8feb86659fd93ull;
    z ^= z >> 32;
    return scale * (2.0f * (float)((z >> 40) * (1.0 / 16777216.0)) - 1.0f);
}

enum { X, W, V, B, C, W2, B2 };

static float *array(size_t n) {
    float *p = (float *)malloc((n ? n : 1) * sizeof(float));
    if (!p) {
        fprintf(stderr, "mpi_ffn: out of memory\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    return p;
}

/* The layer restricted to d_ff columns [begin, end), IN_OUT layout; b2 only when with_b2. */
static geglu_layer_f32 make_shard(size_t d_model, size_t d_ff, size_t begin, size_t end,
                                  int with_b2) {
    size_t n = end - begin, k, j;
    float *w = array(d_model * n), *v = array(d_model * n), *b = array(n), *c = array(n);
    float *w2 = array(n * d_model), *b2 = array(d_model);
    geglu_layer_f32 layer = {0};
    float scale = 2.0f / sqrtf((float)d_model), scale2 = 1.0f / sqrtf((float)(d_ff ? d_ff : 1));
    for (k = 0; k < d_model; k++)
        for (j = 0; j < n; j++) {
            w[k * n + j] = entry(W, k, begin + j, scale);
            v[k * n + j] = entry(V, k, begin + j, scale);
        }
    for (j = 0; j < n; j++) {
        b[j] = entry(B, 0, begin + j, 0.5f);
        c[j] = entry(C, 0, begin + j, 0.5f);
        for (k = 0; k < d_model; k++) w2[j * d_model + k] = entry(W2, begin + j, k, scale2);
    }
    for (k = 0; k < d_model; k++) b2[k] = entry(B2, 0, k, 0.5f);
    layer.d_model = d_model;
    layer.d_ff = n;
    layer.w = w;
    layer.v = v;
    layer.b = b;
    layer.c = c;
    layer.w2 = w2;
    layer.b2 = with_b2 ? b2 : NULL;
    layer.gelu = GEGLU_GELU_TANH;
    if (!with_b2) free(b2);
    return layer;
}

static void free_shard(geglu_layer_f32 *layer) {
    free((void *)layer->w);
    free((void *)layer->v);
    free((void *)layer->b);
    free((void *)layer->c);
    free((void *)layer->w2);
    free((void *)layer->b2);
}

/* Y for this layer through a packed copy; 0 on success. */
static int run_ffn(const geglu_layer_f32 *layer, const float *x, size_t tokens, float *y) {
    size_t packed_size = geglu_packed_size_f32(layer), ws_size;
    void *buffer = malloc(packed_size ? packed_size : 1), *ws;
    const geglu_packed_f32 *packed = NULL;
    geglu_status s = buffer ? geglu_pack_f32(layer, buffer, packed_size, &packed)
                            : GEGLU_ERROR_NULL_POINTER;
    if (s == GEGLU_OK) {
        ws_size = geglu_ffn_packed_workspace_size(packed, tokens);
        ws = malloc(ws_size + 1);
        s = ws ? geglu_ffn_packed_f32(packed, x, tokens, y, ws, ws_size) : GEGLU_ERROR_NULL_POINTER;
        free(ws);
    }
    free(buffer);
    if (s != GEGLU_OK) fprintf(stderr, "mpi_ffn: %s\n", geglu_status_string(s));
    return s != GEGLU_OK;
}

static size_t parse(const char *text, size_t fallback) {
    char *end;
    unsigned long value;
    if (!text) return fallback;
    value = strtoul(text, &end, 10);
    return *end == '\0' && value > 0 ? (size_t)value : fallback;
}

int main(int argc, char **argv) {
    int rank, ranks, failed = 0, any_failed = 0;
    size_t d_model, d_ff, tokens, begin, end, i, k, j;
    float *x, *y_part, *y;
    geglu_layer_f32 shard;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    d_model = parse(argc > 1 ? argv[1] : NULL, 48);
    d_ff = parse(argc > 2 ? argv[2] : NULL, 101);
    tokens = parse(argc > 3 ? argv[3] : NULL, 7);

    /* An even split of d_ff; with P not dividing it, the first d_ff % P shards are one wider. */
    {
        size_t p = (size_t)ranks, r = (size_t)rank, extra = d_ff % p;
        begin = d_ff / p * r + (r < extra ? r : extra);
        end = begin + d_ff / p + (r < extra ? 1 : 0);
    }
    x = array(tokens * d_model);
    y_part = array(tokens * d_model);
    y = array(tokens * d_model);
    for (i = 0; i < tokens; i++)
        for (k = 0; k < d_model; k++) x[i * d_model + k] = entry(X, i, k, 2.0f);
    shard = make_shard(d_model, d_ff, begin, end, rank == 0);
    failed = run_ffn(&shard, x, tokens, y_part);
    MPI_Allreduce(y_part, y, (int)(tokens * d_model), MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);

    if (rank == 0 && !failed) {
        geglu_layer_f32 whole = make_shard(d_model, d_ff, 0, d_ff, 1);
        float *y_one = array(tokens * d_model), *h = array(tokens * d_ff);
        double worst = 0.0;
        failed = run_ffn(&whole, x, tokens, y_one) ||
                 geglu_gate_f32(&whole, x, tokens, h) != GEGLU_OK;
        /* Both sums of d_ff (+ P) rounded terms: each within gamma(d_ff + P) * sum |h w2|. */
        for (i = 0; i < tokens && !failed; i++)
            for (k = 0; k < d_model; k++) {
                const float *w2 = (const float *)whole.w2; /* float weights */
                double sum_abs = fabs(whole.b2[k]), u = 1.0 / 16777216.0;
                double n = (double)(d_ff + (size_t)ranks);
                double diff = fabs((double)y[i * d_model + k] - y_one[i * d_model + k]);
                for (j = 0; j < d_ff; j++)
                    sum_abs += fabs((double)h[i * d_ff + j] * w2[j * d_model + k]);
                if (diff > worst) worst = diff;
                if (diff > 2.0 * n * u / (1.0 - n * u) * sum_abs) {
                    fprintf(stderr, "mpi_ffn: y[%zu][%zu] = %.9g on %d ranks, %.9g in one process\n",
                            i, k, (double)y[i * d_model + k], ranks, (double)y_one[i * d_model + k]);
                    failed = 1;
                    break;
                }
            }
        printf("mpi_ffn: %d ranks, d_model %zu, d_ff %zu (shards of %zu..%zu), %zu tokens: %s "
               "(largest difference from one process %.3g)\n",
               ranks, d_model, d_ff, d_ff / (size_t)ranks,
               (d_ff + (size_t)ranks - 1) / (size_t)ranks, tokens, failed ? "MISMATCH" : "agree",
               worst);
        free(y_one);
        free(h);
        free_shard(&whole);
    }
    MPI_Allreduce(&failed, &any_failed, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    free_shard(&shard);
    free(x);
    free(y_part);
    free(y);
    MPI_Finalize();
    return any_failed ? 1 : 0;
}

/* Every float32 input (or every stride-th one, with a stride argument), both GELU kinds, every path
 * compiled into this build, against the double-precision reference. Prints, per path and kind, the
 * largest distance in ULPs from the correctly rounded result, the largest error in ULPs from the
 * exact (unrounded) reference, and how many results are not the correctly rounded one; exits 1
 * when any distance exceeds geglu.h's bound: 2 ULP, and 1 ULP where the correctly rounded result
 * is subnormal (or zero).
 *   exhaustive [STRIDE [THREADS]]    THREADS defaults to the online cores; 1 runs without
 *                                    creating threads (qemu-user 7.2 hangs in pthread_create). */
#define GEGLU_IMPLEMENTATION
#include "../geglu.h"

#include <pthread.h>
#include <unistd.h>

#include "test_util.h"

#define CHUNK 4096
#define MAX_THREADS 64

typedef struct stats {
    int64_t max_ulp, max_ulp_subnormal;
    double max_exact_error;
    float worst_input;
    uint64_t misrounded;
} stats;

typedef struct job {
    geglu_gelu kind;
    uint64_t first, stride, count; /* inputs first + i * stride, i < count, taken a chunk at a time */
    uint64_t next_chunk;
    pthread_mutex_t lock;
    stats result[TEST_PATH_COUNT];
} job;

static double ulp_of(float rounded) {
    int e;
    if (rounded == 0.0f || fabsf(rounded) < FLT_MIN) return ldexp(1.0, -149);
    frexp(rounded, &e);
    return ldexp(1.0, e - 24);
}

static void *worker(void *arg) {
    job *jb = (job *)arg;
    stats local[TEST_PATH_COUNT];
    float x[CHUNK], y[CHUNK], want[CHUNK];
    double exact[CHUNK];
    size_t p, i;
    memset(local, 0, sizeof local);
    for (;;) {
        uint64_t chunk, start, n;
        pthread_mutex_lock(&jb->lock);
        chunk = jb->next_chunk++;
        pthread_mutex_unlock(&jb->lock);
        start = chunk * CHUNK;
        if (start >= jb->count) break;
        n = jb->count - start < CHUNK ? jb->count - start : CHUNK;
        for (i = 0; i < n; i++) {
            x[i] = test_float((uint32_t)(jb->first + (start + i) * jb->stride));
            exact[i] = ref_gelu(x[i], jb->kind);
            want[i] = (float)exact[i];
        }
        for (p = 0; p < TEST_PATH_COUNT; p++) {
            test_path_at(p)->gelu(y, x, n, jb->kind);
            for (i = 0; i < n; i++) {
                int64_t d = ulp_distance(y[i], want[i]);
                double e = 0.0;
                if (!isnan(x[i]) && !isinf(x[i]) && !isnan(y[i]))
                    e = fabs((double)y[i] - exact[i]) / ulp_of(want[i]);
                if (d != 0) local[p].misrounded++;
                if (fabsf(want[i]) < FLT_MIN && d > local[p].max_ulp_subnormal)
                    local[p].max_ulp_subnormal = d;
                if (d > local[p].max_ulp) {
                    local[p].max_ulp = d;
                    local[p].worst_input = x[i];
                }
                if (e > local[p].max_exact_error) local[p].max_exact_error = e;
            }
        }
    }
    pthread_mutex_lock(&jb->lock);
    for (p = 0; p < TEST_PATH_COUNT; p++) {
        stats *r = &jb->result[p];
        if (local[p].max_ulp > r->max_ulp) {
            r->max_ulp = local[p].max_ulp;
            r->worst_input = local[p].worst_input;
        }
        if (local[p].max_exact_error > r->max_exact_error) r->max_exact_error = local[p].max_exact_error;
        if (local[p].max_ulp_subnormal > r->max_ulp_subnormal)
            r->max_ulp_subnormal = local[p].max_ulp_subnormal;
        r->misrounded += local[p].misrounded;
    }
    pthread_mutex_unlock(&jb->lock);
    return NULL;
}

int main(int argc, char **argv) {
    uint64_t stride = argc > 1 ? strtoull(argv[1], NULL, 10) : 1;
    long threads = argc > 2 ? strtol(argv[2], NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN);
    int k, failed = 0;
    if (stride == 0) stride = 1;
    if (threads < 1) threads = 1;
    if (threads > MAX_THREADS) threads = MAX_THREADS;
    printf("geglu.h %s exhaustive check on %s, %s float32 inputs, %ld threads\n",
           GEGLU_VERSION_STRING, geglu_isa(), stride == 1 ? "all 2^32" : "a strided sample of",
           threads);
    if (stride != 1)
        printf("stride %llu: %llu inputs\n", (unsigned long long)stride,
               (unsigned long long)(((UINT64_C(1) << 32) + stride - 1) / stride));
    for (k = 0; k < 2; k++) {
        job jb;
        pthread_t tid[MAX_THREADS];
        long t;
        size_t p;
        memset(&jb, 0, sizeof jb);
        jb.kind = k ? GEGLU_GELU_TANH : GEGLU_GELU_ERF;
        jb.first = 0;
        jb.stride = stride;
        jb.count = ((UINT64_C(1) << 32) + stride - 1) / stride;
        pthread_mutex_init(&jb.lock, NULL);
        if (threads == 1) {
            worker(&jb);
        } else {
            for (t = 0; t < threads; t++) pthread_create(&tid[t], NULL, worker, &jb);
            for (t = 0; t < threads; t++) pthread_join(tid[t], NULL);
        }
        for (p = 0; p < TEST_PATH_COUNT; p++) {
            const stats *r = &jb.result[p];
            printf("%-4s %-7s max %lld ULP from correctly rounded (worst x = %.9g; %lld where "
                   "subnormal), max %.4f ULP from exact, %llu of %llu not correctly rounded\n",
                   k ? "tanh" : "erf", test_path_at(p)->name, (long long)r->max_ulp,
                   (double)r->worst_input, (long long)r->max_ulp_subnormal, r->max_exact_error,
                   (unsigned long long)r->misrounded, (unsigned long long)jb.count);
            if (r->max_ulp > 2 || r->max_ulp_subnormal > 1) failed = 1;
        }
        pthread_mutex_destroy(&jb.lock);
    }
    printf("%s\n", failed ? "FAILED: some result is off by more than the bound"
                          : "all within 2 ULP, subnormal results within 1 ULP");
    return failed;
}

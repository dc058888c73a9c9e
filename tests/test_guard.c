/* Guard pages: every input and output buffer sits flush against a PROT_NONE page, at its end and
 * then at its start, for every length 0..70 and every path, so that any read or write outside
 * [p, p + n) crashes the test. The gate, the FFN and the 16-bit conversions get the same
 * treatment. POSIX. */
#define _DEFAULT_SOURCE 1
#define GEGLU_IMPLEMENTATION
#include "../geglu.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_util.h"

/* A mapping with a PROT_NONE page on each side of the usable pages. */
typedef struct guard_region {
    unsigned char *map;
    size_t map_bytes, usable_bytes;
} guard_region;

static guard_region guard_map(size_t bytes) {
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    guard_region g;
    g.usable_bytes = (bytes + page - 1) / page * page;
    if (g.usable_bytes == 0) g.usable_bytes = page;
    g.map_bytes = g.usable_bytes + 2 * page;
    g.map = (unsigned char *)mmap(NULL, g.map_bytes, PROT_READ | PROT_WRITE,
                                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(g.map != MAP_FAILED);
    assert_int_equal(mprotect(g.map, page, PROT_NONE), 0);
    assert_int_equal(mprotect(g.map + page + g.usable_bytes, page, PROT_NONE), 0);
    return g;
}

/* n floats flush against the guard page after them (at_end) or before them. */
static float *guard_floats(const guard_region *g, size_t n, int at_end) {
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    unsigned char *first = g->map + page;
    return at_end ? (float *)(first + g->usable_bytes) - n : (float *)first;
}

/* n 16-bit elements flush against the guard page after them (at_end) or before them: an odd n
   ends half way into a float. */
static uint16_t *guard_halves(const guard_region *g, size_t n, int at_end) {
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    unsigned char *first = g->map + page;
    return at_end ? (uint16_t *)(void *)(first + g->usable_bytes) - n : (uint16_t *)(void *)first;
}

static void guard_unmap(guard_region *g) {
    munmap(g->map, g->map_bytes);
}

static void test_elementwise_guarded(void **state) {
    size_t path, n, i;
    int at_end, k;
    guard_region gx = guard_map(71 * sizeof(float)), gu = guard_map(71 * sizeof(float));
    guard_region gy = guard_map(71 * sizeof(float));
    (void)state;
    for (at_end = 0; at_end < 2; at_end++)
        for (n = 0; n <= 70; n++) {
            float *x = guard_floats(&gx, n, at_end), *u = guard_floats(&gu, n, at_end);
            float *y = guard_floats(&gy, n, at_end), want[70];
            for (i = 0; i < n; i++) {
                x[i] = (float)i * 0.37f - 12.0f;
                u[i] = 1.0f - (float)i * 0.01f;
            }
            for (path = 0; path < TEST_PATH_COUNT; path++)
                for (k = 0; k < 2; k++) {
                    geglu_gelu kind = k ? GEGLU_GELU_TANH : GEGLU_GELU_ERF;
                    geglu__gelu_f32_scalar(want, x, n, kind);
                    test_path_at(path)->gelu(y, x, n, kind);
                    assert_memory_equal(y, want, n * sizeof(float));
                    test_path_at(path)->gelu_mul(y, x, u, n, kind);
                    geglu__gelu_mul_f32_scalar(want, x, u, n, kind);
                    assert_memory_equal(y, want, n * sizeof(float));
                }
        }
    guard_unmap(&gx);
    guard_unmap(&gu);
    guard_unmap(&gy);
}

/* size bytes flush against the guard page after them (at_end) or before them. */
static unsigned char *guard_bytes(const guard_region *g, size_t size, int at_end) {
    unsigned char *first = g->map + (size_t)sysconf(_SC_PAGESIZE);
    return at_end ? first + g->usable_bytes - size : first;
}

/* The gate and the FFN, unpacked and packed, with every array (packed layer and workspaces
   included) flush against a guard page, both layouts, all biases, each weight type (the 16-bit
   weight arrays of odd length end half way into a float), dense and strided weights (the last
   row ends at the page: nothing past it is read); the shapes cover full and partial tiles and
   panels of every path. */
static void test_layer_guarded(void **state) {
    static const size_t dims[] = {1, 3, 7, 17, 33};
    size_t a, b, i, tokens = 13;
    int layout, placement;
    (void)state;
    for (a = 0; a < 5; a++)
        for (b = 0; b < 5; b++)
            for (layout = 0; layout < 2; layout++)
                for (placement = 0; placement < 4; placement++) {
                    const int at_end = placement % 2, strided = placement / 2;
                    size_t dm = dims[a], df = dims[b], ws_size;
                    /* rows and their length of w and v, then of w2 */
                    const size_t gate_rows = layout ? df : dm, gate_length = layout ? dm : df;
                    const size_t down_rows = layout ? dm : df, down_length = layout ? df : dm;
                    const geglu_dtype type = (geglu_dtype)((a + b + (size_t)layout) % 3);
                    guard_region r[9];
                    float *p[9];
                    const void *weights[9];
                    size_t count[9];
                    geglu_layer_f32 layer;
                    count[0] = tokens * dm; /* x */
                    count[1] = count[2] = (gate_rows - 1) * (gate_length + 3 * strided) + gate_length;
                    count[5] = (down_rows - 1) * (down_length + strided) + down_length;
                    count[3] = count[4] = df; /* b, c */
                    count[6] = dm; /* b2 */
                    count[7] = tokens * df; /* h */
                    count[8] = tokens * dm; /* y */
                    for (i = 0; i < 9; i++) {
                        const int is_weight = i == 1 || i == 2 || i == 5;
                        float *values = (float *)malloc(count[i] * sizeof(float) + 1);
                        size_t j;
                        assert_non_null(values);
                        for (j = 0; j < count[i]; j++)
                            values[j] = (float)((i * 7 + j * 13) % 11) / 8.0f - 0.6f;
                        if (is_weight && type != GEGLU_DTYPE_F32) {
                            uint16_t *halves;
                            r[i] = guard_map(count[i] * sizeof(uint16_t));
                            halves = guard_halves(&r[i], count[i], at_end);
                            assert_int_equal(type == GEGLU_DTYPE_BF16
                                                 ? geglu_f32_to_bf16(halves, values, count[i])
                                                 : geglu_f32_to_f16(halves, values, count[i]),
                                             GEGLU_OK);
                            p[i] = NULL;
                            weights[i] = halves;
                        } else {
                            r[i] = guard_map(count[i] * sizeof(float));
                            p[i] = guard_floats(&r[i], count[i], at_end);
                            memcpy(p[i], values, count[i] * sizeof(float));
                            weights[i] = p[i];
                        }
                        free(values);
                    }
                    memset(&layer, 0, sizeof layer);
                    layer.d_model = dm;
                    layer.d_ff = df;
                    layer.w = weights[1];
                    layer.v = weights[2];
                    layer.b = p[3];
                    layer.c = p[4];
                    layer.w2 = weights[5];
                    layer.wv_stride = strided ? gate_length + 3 : 0;
                    layer.w2_stride = strided ? down_length + 1 : 0;
                    layer.weight_type = type;
                    layer.precision = (dm + tokens) % 2 ? GEGLU_PRECISION_BF16 : GEGLU_PRECISION_F32;
                    layer.b2 = p[6];
                    layer.layout = layout ? GEGLU_LAYOUT_OUT_IN : GEGLU_LAYOUT_IN_OUT;
                    layer.gelu = at_end ? GEGLU_GELU_TANH : GEGLU_GELU_ERF;
                    assert_int_equal(geglu_gate_f32(&layer, p[0], tokens, p[7]), GEGLU_OK);
                    ws_size = geglu_ffn_workspace_size(&layer, tokens);
                    {
                        guard_region wr = guard_map(ws_size);
                        assert_int_equal(geglu_ffn_f32(&layer, p[0], tokens, p[8],
                                                       guard_bytes(&wr, ws_size, at_end), ws_size),
                                         GEGLU_OK);
                        guard_unmap(&wr);
                    }
                    {
                        size_t packed_size = geglu_packed_size_f32(&layer), pws_size;
                        guard_region pr = guard_map(packed_size), wr;
                        const geglu_packed_f32 *packed = NULL;
                        assert_int_equal(geglu_pack_f32(&layer, guard_bytes(&pr, packed_size, at_end),
                                                        packed_size, &packed),
                                         GEGLU_OK);
                        for (i = 0; i < 9; i++) /* the packed layer needs none of them */
                            if (i != 0 && i != 7 && i != 8)
                                assert_int_equal(mprotect(r[i].map, r[i].map_bytes, PROT_NONE), 0);
                        assert_int_equal(geglu_gate_packed_f32(packed, p[0], tokens, p[7]), GEGLU_OK);
                        pws_size = geglu_ffn_packed_workspace_size(packed, tokens);
                        wr = guard_map(pws_size);
                        assert_int_equal(geglu_ffn_packed_f32(packed, p[0], tokens, p[8],
                                                              guard_bytes(&wr, pws_size, at_end),
                                                              pws_size),
                                         GEGLU_OK);
                        guard_unmap(&wr);
                        guard_unmap(&pr);
                    }
                    for (i = 0; i < 9; i++) guard_unmap(&r[i]);
                }
}

/* The 16-bit conversions of every path, both ways, every length 0..70, both buffers flush
   against a guard page at their end and then at their start; checked against the scalar path. */
static void test_convert_guarded(void **state) {
    size_t path, n, i;
    int at_end;
    guard_region gf = guard_map(71 * sizeof(float)), gh = guard_map(71 * sizeof(uint16_t));
    (void)state;
    for (at_end = 0; at_end < 2; at_end++)
        for (n = 0; n <= 70; n++)
            for (path = 0; path < GEGLU__PATH_COUNT; path++) {
                const geglu__path *p = &geglu__paths[path];
                float *f = guard_floats(&gf, n, at_end), want_f[70];
                uint16_t *h = guard_halves(&gh, n, at_end), want_h[70];
                for (i = 0; i < n; i++) f[i] = (float)i * 0.37f - 12.0f;
                p->f32_to_bf16(h, f, n);
                geglu__f32_to_bf16_scalar(want_h, f, n);
                for (i = 0; i < n; i++) assert_int_equal(h[i], want_h[i]);
                p->bf16_to_f32(f, h, n);
                geglu__bf16_to_f32_scalar(want_f, h, n);
                for (i = 0; i < n; i++) assert_int_equal(test_bits(f[i]), test_bits(want_f[i]));
                p->f32_to_f16(h, f, n);
                geglu__f32_to_f16_scalar(want_h, f, n);
                for (i = 0; i < n; i++) assert_int_equal(h[i], want_h[i]);
                p->f16_to_f32(f, h, n);
                geglu__f16_to_f32_scalar(want_f, h, n);
                for (i = 0; i < n; i++) assert_int_equal(test_bits(f[i]), test_bits(want_f[i]));
            }
    guard_unmap(&gf);
    guard_unmap(&gh);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_elementwise_guarded),
        cmocka_unit_test(test_convert_guarded),
        cmocka_unit_test(test_layer_guarded),
    };
    return cmocka_run_group_tests_name(geglu_isa(), tests, NULL, NULL);
}

/* Runs README.md's snippets (extracted by tests/readme_snippets.sh): the plain call and the
 * packed call on one layer in the OUT_IN layout with the tanh GELU, as README.md sets it up.
 * They must succeed and agree bit for bit, and the output must not be trivial. */
#include "geglu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ffn(const float *w, const float *v, const float *w2, size_t d_model, size_t d_ff,
        const float *x, size_t tokens, float *y);
const geglu_packed_f32 *pack_layer(const geglu_layer_f32 *layer, void **buffer);

int main(void) {
    enum { D_MODEL = 24, D_FF = 40, TOKENS = 5 };
    static float w[D_FF * D_MODEL], v[D_FF * D_MODEL], w2[D_MODEL * D_FF], x[TOKENS * D_MODEL];
    static float y_plain[TOKENS * D_MODEL], y_packed[TOKENS * D_MODEL];
    geglu_layer_f32 layer;
    const geglu_packed_f32 *packed;
    size_t i, nonzero = 0, ws_size;
    void *buffer, *ws;
    int bad;
    for (i = 0; i < D_FF * D_MODEL; i++) {
        w[i] = (float)((i * 37) % 17) / 16.0f - 0.5f;
        v[i] = (float)((i * 11) % 13) / 12.0f - 0.5f;
        w2[i] = (float)((i * 7) % 19) / 18.0f - 0.5f;
    }
    for (i = 0; i < TOKENS * D_MODEL; i++) x[i] = (float)(i % 9) / 4.0f - 1.0f;
    if (ffn(w, v, w2, D_MODEL, D_FF, x, TOKENS, y_plain) != 0) return 1;

    memset(&layer, 0, sizeof layer);
    layer.d_model = D_MODEL;
    layer.d_ff = D_FF;
    layer.w = w;
    layer.v = v;
    layer.w2 = w2;
    layer.layout = GEGLU_LAYOUT_OUT_IN;
    layer.gelu = GEGLU_GELU_TANH;
    packed = pack_layer(&layer, &buffer);
    if (packed == NULL) return 1;
    ws_size = geglu_ffn_packed_workspace_size(packed, TOKENS);
    ws = malloc(ws_size);
    bad = ws == NULL || geglu_ffn_packed_f32(packed, x, TOKENS, y_packed, ws, ws_size) != GEGLU_OK;
    free(ws);
    free(buffer);
    for (i = 0; i < TOKENS * D_MODEL; i++) nonzero += y_plain[i] != 0.0f;
    bad |= memcmp(y_plain, y_packed, sizeof y_plain) != 0 || nonzero < TOKENS * D_MODEL / 2;
    printf("README.md's snippets: plain and packed FFN %s\n", bad ? "DISAGREE" : "agree bit for bit");
    return bad;
}

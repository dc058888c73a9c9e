/* The shortest correct use of geglu.h: one GeGLU feed-forward layer on a batch of tokens.
 *   cc -O2 -march=native examples/minimal.c -lm && ./a.out */
#define GEGLU_IMPLEMENTATION
#include "../geglu.h"

#include <stdio.h>
#include <stdlib.h>

int main(void) {
    enum { D_MODEL = 8, D_FF = 32, TOKENS = 4 };
    static float w[D_MODEL * D_FF], v[D_MODEL * D_FF], w2[D_FF * D_MODEL];
    float x[TOKENS * D_MODEL], y[TOKENS * D_MODEL];
    geglu_layer_f32 layer = {0}; /* no biases, erf GELU, weights as x*W (IN_OUT) */
    geglu_status status;
    void *workspace;
    int i;

    for (i = 0; i < D_MODEL * D_FF; i++) {
        w[i] = (float)((i * 37) % 17 - 8) / 32.0f;
        v[i] = (float)((i * 11) % 13 - 6) / 32.0f;
        w2[i] = (float)((i * 7) % 19 - 9) / 64.0f;
    }
    for (i = 0; i < TOKENS * D_MODEL; i++) x[i] = (float)(i % 5) - 2.0f;
    layer.d_model = D_MODEL;
    layer.d_ff = D_FF;
    layer.w = w;
    layer.v = v;
    layer.w2 = w2;

    /* The library allocates nothing: ask for the scratch size, pass the buffer. */
    workspace = malloc(geglu_ffn_workspace_size(&layer, TOKENS));
    status = geglu_ffn_f32(&layer, x, TOKENS, y, workspace, geglu_ffn_workspace_size(&layer, TOKENS));
    free(workspace);
    if (status != GEGLU_OK) {
        fprintf(stderr, "geglu_ffn_f32: %s\n", geglu_status_string(status));
        return 1;
    }
    printf("y[0][0..3] = %.6f %.6f %.6f %.6f (%s)\n", y[0], y[1], y[2], y[3], geglu_isa());
    return 0;
}

/* A C file of a program that vendors geglu.h: it includes the header for the declarations only;
 * the implementation is compiled once, in geglu_impl.c.
 *   cc -O2 -march=native -I../.. main.c geglu_impl.c -lm   (in your tree: -I wherever geglu.h is) */
#include "geglu.h"

#include <stdio.h>
#include <stdlib.h>

int main(void) {
    /* One token, d_model = 2, d_ff = 3, IN_OUT layout (w, v: 2 x 3; w2: 3 x 2), with biases. */
    static const float w[6] = {1.0f, -1.0f, 0.5f, 0.0f, 2.0f, -0.5f};
    static const float v[6] = {0.5f, 0.5f, 1.0f, -1.0f, 0.0f, 1.0f};
    static const float b[3] = {0.0f, 0.25f, -0.25f}, c[3] = {1.0f, 0.0f, 0.5f};
    static const float w2[6] = {1.0f, 0.0f, 0.0f, 1.0f, 1.0f, 1.0f};
    const float x[2] = {1.0f, 2.0f};
    float h[3], y[2];
    geglu_layer_f32 layer = {0};
    geglu_status status;
    size_t workspace_size;
    void *workspace;

    layer.d_model = 2;
    layer.d_ff = 3;
    layer.w = w;
    layer.v = v;
    layer.b = b;
    layer.c = c;
    layer.w2 = w2;
    layer.gelu = GEGLU_GELU_TANH;

    /* The library never allocates: the FFN's scratch memory comes from the caller. */
    workspace_size = geglu_ffn_workspace_size(&layer, 1);
    workspace = malloc(workspace_size);
    status = geglu_gate_f32(&layer, x, 1, h);
    if (status == GEGLU_OK) status = geglu_ffn_f32(&layer, x, 1, y, workspace, workspace_size);
    free(workspace);
    if (status != GEGLU_OK) {
        fprintf(stderr, "vendored (C): %s\n", geglu_status_string(status));
        return 1;
    }
    /* w2 sends h to (h0 + h2, h1 + h2), one rounding each, whatever the path. */
    if (y[0] != h[0] + h[2] || y[1] != h[1] + h[2]) {
        fprintf(stderr, "vendored (C): y is not h * w2\n");
        return 1;
    }
    printf("vendored (C, geglu.h %s, %s): h = %.6f %.6f %.6f, y = %.6f %.6f\n",
           GEGLU_VERSION_STRING, geglu_isa(), h[0], h[1], h[2], y[0], y[1]);
    return 0;
}

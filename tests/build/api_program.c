/* Uses every public function once; compiled as C99 and as C++ by `make test`, warning-free
 * under -pedantic -Wall -Wextra -Werror, and run: exit status 0 means the results made sense. */
#define GEGLU_IMPLEMENTATION
#include "../../geglu.h"

#include <stdio.h>

int main(void) {
    float x[6] = {-2.0f, -0.5f, 0.0f, 0.5f, 1.0f, 3.0f}, y[6], h[6];
    float w[2 * 3] = {1, 0, 0.5f, 0, 1, -0.5f}, v[2 * 3] = {1, 1, 1, 1, 1, 1}, w2[3 * 2] = {1, 0, 0, 1, 1, 1};
    float ws[64], out[2 * 2];
    geglu_layer_f32 layer = {0, 0, NULL, NULL, NULL, NULL, NULL, NULL, GEGLU_GELU_ERF, GEGLU_LAYOUT_IN_OUT};
    int bad = 0;
    layer.d_model = 2;
    layer.d_ff = 3;
    layer.w = w;
    layer.v = v;
    layer.w2 = w2;
    bad |= geglu_gelu_f32(y, x, 6, GEGLU_GELU_ERF) != GEGLU_OK || !(y[5] > 2.99f && y[0] < 0.0f);
    bad |= geglu_gelu_mul_f32(h, x, y, 6, GEGLU_GELU_TANH) != GEGLU_OK;
    bad |= geglu_gate_f32(&layer, x, 2, h) != GEGLU_OK;
    bad |= geglu_ffn_workspace_size(&layer, 2) > sizeof ws;
    bad |= geglu_ffn_f32(&layer, x, 2, out, ws, sizeof ws) != GEGLU_OK;
    bad |= geglu_status_string(GEGLU_ERROR_OVERLAP)[0] == '\0';
    printf("geglu %s on %s: %s\n", GEGLU_VERSION_STRING, geglu_isa(), bad ? "FAILED" : "ok");
    return bad;
}

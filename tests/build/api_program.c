/* Uses every public function once; compiled as C99 and as C++ by `make test`, warning-free
 * under -pedantic -Wall -Wextra -Werror, and run: exit status 0 means the results made sense. */
#define GEGLU_IMPLEMENTATION
#include "../../geglu.h"

#include <stdio.h>

int main(void) {
    float x[6] = {-2.0f, -0.5f, 0.0f, 0.5f, 1.0f, 3.0f}, y[6], h[6];
    float w[2 * 3] = {1, 0, 0.5f, 0, 1, -0.5f}, v[2 * 3] = {1, 1, 1, 1, 1, 1}, w2[3 * 2] = {1, 0, 0, 1, 1, 1};
    static float ws[8192], packed_buffer[8192];
    float out[2 * 2], out_packed[2 * 2];
    const geglu_packed_f32 *packed = NULL;
    geglu_layer_f32 layer = {0, 0, NULL, NULL, NULL, NULL, NULL, NULL, GEGLU_GELU_ERF, GEGLU_LAYOUT_IN_OUT,
                             GEGLU_DTYPE_F32, GEGLU_PRECISION_F32, 0, 0};
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
    bad |= geglu_packed_size_f32(&layer) > sizeof packed_buffer;
    bad |= geglu_pack_f32(&layer, packed_buffer, sizeof packed_buffer, &packed) != GEGLU_OK;
    bad |= geglu_gate_packed_f32(packed, x, 2, h) != GEGLU_OK;
    bad |= geglu_ffn_packed_workspace_size(packed, 2) > sizeof ws;
    bad |= geglu_ffn_packed_f32(packed, x, 2, out_packed, ws, sizeof ws) != GEGLU_OK;
    bad |= geglu_gate_packed_part_f32(packed, x, 2, h, 0, 1) != GEGLU_OK;
    bad |= geglu_down_packed_part_f32(packed, h, 2, out_packed, 0, 1) != GEGLU_OK;
    bad |= out_packed[0] != out[0] || out_packed[3] != out[3];
    bad |= geglu_status_string(GEGLU_ERROR_OVERLAP)[0] == '\0';
    printf("geglu %s on %s: %s\n", GEGLU_VERSION_STRING, geglu_isa(), bad ? "FAILED" : "ok");
    return bad;
}

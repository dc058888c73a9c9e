/* A private scalar copy of geglu.h (GEGLU_STATIC, GEGLU_NO_SIMD), compiled with the same flags as
 * the fuzzer, so with FMA: the reference path the contract says every path matches bit for bit. */
#define GEGLU_STATIC
#define GEGLU_NO_SIMD
#define GEGLU_IMPLEMENTATION
#include "../../geglu.h"

#include "fuzz_reference.h"

const char *ref_status_string(geglu_status status) { return geglu_status_string(status); }
const char *ref_isa(void) { return geglu_isa(); }

geglu_status ref_gelu_f32(float *y, const float *x, size_t n, geglu_gelu kind) {
    return geglu_gelu_f32(y, x, n, kind);
}

geglu_status ref_gelu_mul_f32(float *h, const float *a, const float *u, size_t n, geglu_gelu kind) {
    return geglu_gelu_mul_f32(h, a, u, n, kind);
}

geglu_status ref_gate_f32(const geglu_layer_f32 *layer, const float *x, size_t tokens, float *h) {
    return geglu_gate_f32(layer, x, tokens, h);
}

size_t ref_ffn_workspace_size(const geglu_layer_f32 *layer, size_t tokens) {
    return geglu_ffn_workspace_size(layer, tokens);
}

geglu_status ref_ffn_f32(const geglu_layer_f32 *layer, const float *x, size_t tokens, float *y,
                         void *workspace, size_t workspace_size) {
    return geglu_ffn_f32(layer, x, tokens, y, workspace, workspace_size);
}

geglu_status ref_f32_to_bf16(uint16_t *y, const float *x, size_t n) {
    return geglu_f32_to_bf16(y, x, n);
}

geglu_status ref_bf16_to_f32(float *y, const uint16_t *x, size_t n) {
    return geglu_bf16_to_f32(y, x, n);
}

geglu_status ref_f32_to_f16(uint16_t *y, const float *x, size_t n) {
    return geglu_f32_to_f16(y, x, n);
}

geglu_status ref_f16_to_f32(float *y, const uint16_t *x, size_t n) {
    return geglu_f16_to_f32(y, x, n);
}

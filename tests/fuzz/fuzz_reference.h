/* The public functions of a second, private copy of geglu.h built with GEGLU_NO_SIMD: the scalar
 * path the fuzzer compares every result and every status with (fuzz_reference.c). To fuzz a new
 * public function, add its wrapper here and in fuzz_reference.c, then an op in fuzz_geglu.c. */
#ifndef GEGLU_FUZZ_REFERENCE_H
#define GEGLU_FUZZ_REFERENCE_H

#include "../../geglu.h"

const char *ref_status_string(geglu_status status);
const char *ref_isa(void);
geglu_status ref_gelu_f32(float *y, const float *x, size_t n, geglu_gelu kind);
geglu_status ref_gelu_mul_f32(float *h, const float *a, const float *u, size_t n, geglu_gelu kind);
geglu_status ref_gate_f32(const geglu_layer_f32 *layer, const float *x, size_t tokens, float *h);
size_t ref_ffn_workspace_size(const geglu_layer_f32 *layer, size_t tokens);
geglu_status ref_ffn_f32(const geglu_layer_f32 *layer, const float *x, size_t tokens, float *y,
                         void *workspace, size_t workspace_size);
geglu_status ref_f32_to_bf16(uint16_t *y, const float *x, size_t n);
geglu_status ref_bf16_to_f32(float *y, const uint16_t *x, size_t n);
geglu_status ref_f32_to_f16(uint16_t *y, const float *x, size_t n);
geglu_status ref_f16_to_f32(float *y, const uint16_t *x, size_t n);

#endif

/* One side of tools/ab.sh: the header given as GEGLU_AB_HEADER, its FFN entry points wrapped
   with the prefix GEGLU_AB_SIDE (base or exp), so that two versions of geglu.h share one
   process. */
#define GEGLU_IMPLEMENTATION
#define GEGLU_STATIC
#include GEGLU_AB_HEADER
#include <stdlib.h>
#include <string.h>

#define AB_JOIN2(a, b) a##_##b
#define AB_JOIN(a, b) AB_JOIN2(a, b)
#define AB_NAME(name) AB_JOIN(GEGLU_AB_SIDE, name)

const void *AB_NAME(pack)(const geglu_layer_f32 *layer);
size_t AB_NAME(workspace_size)(const void *packed, size_t tokens);
int AB_NAME(ffn)(const void *packed, const float *x, size_t tokens, float *y, void *workspace,
                 size_t workspace_size);
int AB_NAME(convert)(void *to, const float *from, size_t n, geglu_dtype type);
size_t AB_NAME(plain_workspace_size)(const geglu_layer_f32 *layer, size_t tokens);
int AB_NAME(plain_ffn)(const geglu_layer_f32 *layer, const float *x, size_t tokens, float *y,
                       void *workspace, size_t workspace_size);

size_t AB_NAME(plain_workspace_size)(const geglu_layer_f32 *layer, size_t tokens) {
    return geglu_ffn_workspace_size(layer, tokens);
}

int AB_NAME(plain_ffn)(const geglu_layer_f32 *layer, const float *x, size_t tokens, float *y,
                       void *workspace, size_t workspace_size) {
    return geglu_ffn_f32(layer, x, tokens, y, workspace, workspace_size) == GEGLU_OK;
}

/* n floats as weights of `type`, rounded to nearest. */
int AB_NAME(convert)(void *to, const float *from, size_t n, geglu_dtype type) {
    if (type == GEGLU_DTYPE_F32) return memcpy(to, from, n * sizeof *from) != NULL;
    if (type == GEGLU_DTYPE_BF16) return geglu_f32_to_bf16((uint16_t *)to, from, n) == GEGLU_OK;
    return geglu_f32_to_f16((uint16_t *)to, from, n) == GEGLU_OK;
}

/* The layer packed into a buffer that lives until the process ends; NULL on failure. */
const void *AB_NAME(pack)(const geglu_layer_f32 *layer) {
    const size_t bytes = geglu_packed_size_f32(layer);
    void *buffer = bytes ? malloc(bytes) : NULL;
    const geglu_packed_f32 *packed = NULL;
    if (!buffer || geglu_pack_f32(layer, buffer, bytes, &packed) != GEGLU_OK) return NULL;
    return packed;
}

size_t AB_NAME(workspace_size)(const void *packed, size_t tokens) {
    return geglu_ffn_packed_workspace_size((const geglu_packed_f32 *)packed, tokens);
}

int AB_NAME(ffn)(const void *packed, const float *x, size_t tokens, float *y, void *workspace,
                 size_t workspace_size) {
    return geglu_ffn_packed_f32((const geglu_packed_f32 *)packed, x, tokens, y, workspace,
                                workspace_size) == GEGLU_OK;
}

/* geglu_gelu_f32 called `reps` times per call, so that bench/torch_gelu.py times the kernel and
 * not the ctypes call (about a microsecond, as long as 2000 elements take). */
#define GEGLU_IMPLEMENTATION
#include "../geglu.h"

const char *shim_isa(void) { return geglu_isa(); }

int shim_gelu(float *y, const float *x, size_t n, int tanh_kind, int reps) {
    int r;
    geglu_status status = GEGLU_OK;
    for (r = 0; r < reps && status == GEGLU_OK; r++)
        status = geglu_gelu_f32(y, x, n, tanh_kind ? GEGLU_GELU_TANH : GEGLU_GELU_ERF);
    return (int)status;
}

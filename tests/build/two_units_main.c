/* The declarations only: the implementation lives in two_units_impl.c. */
#include "../../geglu.h"

#include <stdio.h>

int main(void) {
    float x[3] = {-1.0f, 0.0f, 1.0f}, y[3];
    int bad = geglu_gelu_f32(y, x, 3, GEGLU_GELU_ERF) != GEGLU_OK || !(y[2] > 0.84f && y[2] < 0.85f);
    printf("two translation units on %s: %s\n", geglu_isa(), bad ? "FAILED" : "ok");
    return bad;
}

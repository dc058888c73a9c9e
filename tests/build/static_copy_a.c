/* Two translation units each with a private (GEGLU_STATIC) copy link into one program. */
#define GEGLU_STATIC
#define GEGLU_IMPLEMENTATION
#include "../../geglu.h"

#include <stdio.h>

float gelu_from_copy_b(float x);

int main(void) {
    float x = 1.0f, y;
    int bad = geglu_gelu_f32(&y, &x, 1, GEGLU_GELU_TANH) != GEGLU_OK || y != gelu_from_copy_b(x);
    printf("two static copies on %s: %s\n", geglu_isa(), bad ? "FAILED" : "ok");
    return bad;
}

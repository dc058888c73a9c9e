#define GEGLU_STATIC
#define GEGLU_IMPLEMENTATION
#include "../../geglu.h"

float gelu_from_copy_b(float x);

float gelu_from_copy_b(float x) {
    float y = 0.0f;
    geglu_gelu_f32(&y, &x, 1, GEGLU_GELU_TANH);
    return y;
}

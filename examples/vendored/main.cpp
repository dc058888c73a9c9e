// A C++ file of the same vendored program: geglu.h is plain C99 with extern "C" declarations,
// so C++ includes it as it is and links against the implementation compiled by geglu_impl.c.
//   cc  -O2 -march=native -I../.. -c geglu_impl.c
//   c++ -std=c++11 -O2 -march=native -I../.. main.cpp geglu_impl.o -lm
// (A C++ file may also define GEGLU_IMPLEMENTATION itself: the header compiles as C++ too.)
#include "geglu.h"

#include <cstdio>
#include <vector>

int main() {
    // A packed layer: pack once, run many batches. OUT_IN layout (as nn.Linear.weight stores
    // it), erf GELU, no biases; d_model = 16, d_ff = 40, a batch of 5 tokens.
    const std::size_t d_model = 16, d_ff = 40, tokens = 5;
    std::vector<float> w(d_ff * d_model), v(d_ff * d_model), w2(d_model * d_ff);
    std::vector<float> x(tokens * d_model), y_packed(tokens * d_model), y_plain(tokens * d_model);
    for (std::size_t i = 0; i < w.size(); i++) {
        w[i] = static_cast<float>(static_cast<int>(i * 37 % 23) - 11) / 64.0f;
        v[i] = static_cast<float>(static_cast<int>(i * 13 % 19) - 9) / 64.0f;
        w2[i] = static_cast<float>(static_cast<int>(i * 7 % 29) - 14) / 128.0f;
    }
    for (std::size_t i = 0; i < x.size(); i++)
        x[i] = static_cast<float>(static_cast<int>(i % 9) - 4) / 2.0f;

    geglu_layer_f32 layer = geglu_layer_f32(); // value-initialized: zero is the default
    layer.d_model = d_model;
    layer.d_ff = d_ff;
    layer.w = w.data();
    layer.v = v.data();
    layer.w2 = w2.data();
    layer.layout = GEGLU_LAYOUT_OUT_IN;

    // std::vector<unsigned char> is fine: the library asks for no alignment.
    std::vector<unsigned char> packed_buffer(geglu_packed_size_f32(&layer));
    const geglu_packed_f32 *packed = 0;
    geglu_status status = geglu_pack_f32(&layer, packed_buffer.data(), packed_buffer.size(), &packed);
    std::vector<unsigned char> workspace;
    if (status == GEGLU_OK) {
        workspace.resize(geglu_ffn_packed_workspace_size(packed, tokens));
        status = geglu_ffn_packed_f32(packed, x.data(), tokens, y_packed.data(), workspace.data(),
                                      workspace.size());
    }
    if (status == GEGLU_OK) {
        workspace.resize(geglu_ffn_workspace_size(&layer, tokens));
        status = geglu_ffn_f32(&layer, x.data(), tokens, y_plain.data(), workspace.data(),
                               workspace.size());
    }
    if (status != GEGLU_OK) {
        std::fprintf(stderr, "vendored (C++): %s\n", geglu_status_string(status));
        return 1;
    }
    // The library guarantees the packed and the unpacked FFN give bitwise the same results.
    if (y_packed != y_plain) {
        std::fprintf(stderr, "vendored (C++): packed and unpacked FFN differ\n");
        return 1;
    }
    std::printf("vendored (C++, geglu.h %s, %s): y[0][0..2] = %.6f %.6f %.6f, packed == unpacked\n",
                GEGLU_VERSION_STRING, geglu_isa(), y_packed[0], y_packed[1], y_packed[2]);
    return 0;
}

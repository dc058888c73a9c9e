#!/usr/bin/env python3
"""Writes the seed corpus of tests/fuzz/fuzz_geglu.c into tests/fuzz/corpus/ (run from anywhere).

Each seed is one or more operations in the byte format fuzz_geglu.c decodes: an op byte, then
that op's bytes in order. The regress-* files next to them are inputs the fuzzer found."""
import os
import struct

OPS = {"status_string": 0, "isa": 1, "gelu": 2, "gelu_mul": 3, "gate": 4, "workspace_size": 5, "ffn": 6}
FRESH = [5, 0]  # placement: fresh space in the arena, no gap
NICE, MIXED, RAW = 1, 2, 0


def values(n, start=0):
    return bytes((start + 37 * i) % 256 for i in range(n))


def elementwise(op, kind, n, mode, inputs):
    out = bytes([OPS[op], kind, n, mode]) + bytes(FRESH * (inputs + 1))
    for _ in range(inputs):
        out += bytes([10]) + (values(4 * n) if mode == RAW else values(n))
    return out


def layer(op, kind, layout, d_model, d_ff, tokens, mode, biases=7, ws_how=0, tail=None):
    out = bytes([OPS[op], 0, kind, layout, d_model, d_ff, tokens, biases, mode]) + bytes(FRESH * 8)
    sizes = [d_model * d_ff, d_model * d_ff, d_ff, d_ff, d_ff * d_model, d_model, tokens * d_model]
    for i, n in enumerate(sizes):
        out += bytes([8]) + values(n, i)  # scale 2^-2
    if op == "ffn":  # the layer's last bytes come before the workspace's
        out += (tail or strided(0, 0, None, None)) + bytes(FRESH) + bytes([1, ws_how])
    elif tail:
        out += tail
    return out


def strided(dtype, precision, gate_gap, down_gap):
    """The layer's last bytes: weight type, precision, then wv_stride and w2_stride as a whole
    row plus a gap (take_stride's case 4 for gaps up to 3, else case 5), or dense (None)."""
    def stride(gap):
        return 0 if gap is None else 4 + 8 * gap if gap < 4 else 5 + 8 * (gap - 1)
    return bytes([dtype, precision, stride(gate_gap), stride(down_gap)])


seeds = {
    "status-isa": bytes([0, 0x05, 0, 0x80, 1, 2, 3, 4, 1]),
    "gelu-erf-raw": elementwise("gelu", 0, 37, RAW, 1),
    "gelu-tanh-mixed": elementwise("gelu", 1, 70, MIXED, 1),
    "gelu-mul-erf-nice": elementwise("gelu_mul", 0, 33, NICE, 2),
    "gelu-mul-tanh-raw": elementwise("gelu_mul", 1, 17, RAW, 2),
    "gate-in-out": layer("gate", 0, 0, 7, 9, 3, NICE),
    "gate-out-in-mixed": layer("gate", 1, 1, 5, 13, 2, MIXED, biases=3),
    "ffn-in-out": layer("ffn", 1, 0, 6, 11, 2, NICE),
    "ffn-out-in-mixed": layer("ffn", 0, 1, 9, 4, 3, MIXED),
    "ffn-workspace-one-short": layer("ffn", 0, 0, 3, 5, 1, NICE, ws_how=1),
    "gate-in-out-fused": layer("gate", 0, 0, 7, 9, 3, NICE, tail=strided(0, 0, 9, 0)),
    "ffn-out-in-strided-bf16": layer("ffn", 1, 1, 9, 4, 3, NICE, tail=strided(1, 0, 2, 5)),
    "ffn-in-out-strided-f16": layer("ffn", 0, 0, 5, 17, 2, MIXED, tail=strided(2, 1, 1, 3)),
    "workspace-size-huge": bytes([OPS["workspace_size"], 0, 0, 0, 0xF0, 0xF2, 1, 0, 1]),
    "invalid-enums-overflow": bytes([OPS["gelu"], 0xC2, 0xF0, 0, 5, 0, 5, 0])
    + bytes([OPS["gate"], 0, 0, 0xC3, 4, 4, 0xF5, 0, 1]),
}

here = os.path.dirname(os.path.abspath(__file__))
corpus = os.path.join(here, "corpus")
os.makedirs(corpus, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(corpus, name), "wb") as f:
        f.write(data)
print("wrote %d seeds to %s" % (len(seeds), corpus))

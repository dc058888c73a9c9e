#!/usr/bin/env python3
"""geglu_gelu_f32 beside PyTorch's CPU GELU, in one process, on the same tensor, one thread.

Run:  make bench-torch [TORCH_ARGS="--n 1048576 --sd 3"]   (Debian: python3-torch)
The Makefile builds the shim (bench/torch_shim.c: the header compiled -O2 -march=native into a
shared library) and passes its path. For each kind and length the samples alternate between
the two, so that both see the same machine; each sample times enough calls to last about 20 ms,
and the table gives medians. Data: normal, mean 0, standard deviation --sd (default 3: the
tails of real pre-activations, where the deep negative tail and its slow lanes live).
Accuracy: the largest distance from the correctly rounded GELU (the double formula rounded to
float), in ULPs, for both, on the same data.
"""
import argparse
import ctypes
import statistics
import sys
import time

import torch


def ulp_distance(a, b):
    """|a - b| in ULPs, as the distance between the floats' places on the number line."""
    def ordered(t):
        i = t.view(torch.int32).to(torch.int64)
        return torch.where(i < 0, -(i & 0x7FFFFFFF), i)
    return (ordered(a) - ordered(b)).abs()


def reference(x, kind):
    """GELU in double, rounded once to float: the erf kind through erfc and the tanh kind through
    the logistic function, which do not cancel in the negative tail (1 + erf and 1 + tanh do)."""
    xd = x.double()
    if kind == "tanh":
        z = 2 * (2 / torch.pi) ** 0.5 * (xd + 0.044715 * xd**3)
        return (xd * torch.sigmoid(z)).float()
    return (0.5 * xd * torch.special.erfc(-xd / 2**0.5)).float()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shim", required=True, help="the shared library built from bench/torch_shim.c")
    ap.add_argument("--n", default="4096,1048576,16777216", help="lengths, comma-separated")
    ap.add_argument("--sd", type=float, default=3.0, help="standard deviation of the data")
    ap.add_argument("--repeat", type=int, default=15, help="samples per case (median reported)")
    ap.add_argument("--quick", action="store_true", help="one short length, 3 samples (a smoke run)")
    args = ap.parse_args()
    if args.quick:
        args.n, args.repeat = "65536", 3
    torch.set_num_threads(1)
    shim = ctypes.CDLL(args.shim)
    shim.shim_isa.restype = ctypes.c_char_p
    shim.shim_gelu.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int]
    print("geglu.h path %s beside torch %s (%s), one thread, data N(0, %g)"
          % (shim.shim_isa().decode(), torch.__version__, torch.backends.cpu.get_cpu_capability()
             if hasattr(torch.backends, "cpu") and hasattr(torch.backends.cpu, "get_cpu_capability")
             else "cpu", args.sd))
    print("%-5s %9s %10s %10s %8s %16s %10s" % ("kind", "n", "torch G/s", "geglu G/s", "x torch",
                                                "torch ULP (>2)", "geglu ULP (>2)"))
    # Both write into a tensor allocated once: torch's functional form allocates its result on
    # every call, which from 1M elements up costs page faults, not GELU.
    gelu_out = torch._C._nn.gelu
    gen = torch.Generator().manual_seed(1)
    for n in (int(v) for v in args.n.split(",")):
        x = torch.randn(n, generator=gen, dtype=torch.float32) * args.sd
        y, out = torch.empty_like(x), torch.empty_like(x)
        for kind in ("erf", "tanh"):
            approximate = "tanh" if kind == "tanh" else "none"
            want = reference(x, kind)
            got_torch = gelu_out(x, approximate=approximate, out=out).clone()
            if shim.shim_gelu(y.data_ptr(), x.data_ptr(), n, kind == "tanh", 1) != 0:
                sys.exit("geglu_gelu_f32 failed")
            d_torch, d_geglu = ulp_distance(got_torch, want), ulp_distance(y, want)
            err_torch = "%d (%d)" % (d_torch.max().item(), (d_torch > 2).sum().item())
            err_geglu = "%d (%d)" % (d_geglu.max().item(), (d_geglu > 2).sum().item())
            if d_geglu.max().item() > 2:
                sys.exit("geglu_gelu_f32 (%s) is %d ULP from the reference: geglu.h's bound is 2"
                         % (kind, d_geglu.max().item()))

            def torch_calls(calls):
                t0 = time.perf_counter()
                for _ in range(calls):
                    gelu_out(x, approximate=approximate, out=out)
                return time.perf_counter() - t0

            def geglu_calls(calls):
                t0 = time.perf_counter()
                shim.shim_gelu(y.data_ptr(), x.data_ptr(), n, kind == "tanh", calls)
                return time.perf_counter() - t0

            rates = {"torch": [], "geglu": []}
            calls = {name: 1 for name in rates}
            for name, fn in (("torch", torch_calls), ("geglu", geglu_calls)):
                while fn(calls[name]) < 0.02 and calls[name] < 1 << 20:
                    calls[name] *= 2
            for _ in range(args.repeat):
                for name, fn in (("torch", torch_calls), ("geglu", geglu_calls)):
                    rates[name].append(n * calls[name] / fn(calls[name]) * 1e-9)
            t, g = statistics.median(rates["torch"]), statistics.median(rates["geglu"])
            print("%-5s %9d %10.3f %10.3f %7.2fx %16s %10s" % (kind, n, t, g, g / t, err_torch, err_geglu))
    print("ULP (>2): the largest distance from the correctly rounded GELU on this data, and how many\n"
          "results are more than 2 ULP from it. torch's times include its Python call (a few\n"
          "microseconds: it dominates at n = 4096); both write into a tensor allocated once.")


if __name__ == "__main__":
    main()

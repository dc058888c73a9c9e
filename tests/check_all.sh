#!/bin/sh
# make check-all: make test, then every longer check of this repository, one after the other,
# each with its runtime, and a table of them at the end. A failed check does not stop the others;
# the exit status says whether all passed. This is the list CI runs (.ci/run adds the installs).
# Environment (make passes its variables): FUZZ_SECONDS (default 60); PYTHON, a python3 with
# numpy and mpmath (default: the first python3 that has them); REQUIRE_MPI=1 fails the MPI check
# where Open MPI is missing instead of skipping it; BLAS_CORE for bench-compare.
summary=$(mktemp)
trap 'rm -f "$summary"' EXIT
passed=0
failed=0
record() { # name result seconds
    echo "##### $1: $2 in $3 s"
    printf '%8s s  %-7s  %s\n' "$3" "$2" "$1" >>"$summary"
}
check() { # name command...
    name=$1
    shift
    echo "##### $name: $*"
    start=$(date +%s.%N)
    if "$@"; then result=ok; passed=$((passed + 1)); else result=FAILED; failed=$((failed + 1)); fi
    record "$name" $result "$(echo "$start $(date +%s.%N)" | awk '{printf "%.1f", $2 - $1}')"
}
skip() { # name why
    echo "##### $1: skipped: $2"
    printf '%8s    %-7s  %s (%s)\n' - skipped "$1" "$2" >>"$summary"
}
make=${MAKE:-make}
python=${PYTHON:-}
for candidate in python3 /usr/bin/python3; do
    [ -n "$python" ] && break
    "$candidate" -c 'import numpy, mpmath' 2>/dev/null && python=$candidate
done
python=${python:-python3}

check "make test (every build and suite, NEON and armhf under qemu)" $make --no-print-directory test
check "GELU constants vs tools/fit_gelu.py" $make --no-print-directory check-constants PYTHON="$python"
check "fuzzing for ${FUZZ_SECONDS:-60} s" $make --no-print-directory fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
check "exhaustive: every float32, every path" $make --no-print-directory test-exhaustive
if command -v mpicc >/dev/null 2>&1 && command -v mpirun >/dev/null 2>&1 || [ "${REQUIRE_MPI:-0}" = 1 ]; then
    check "the d_ff-sharded FFN over MPI, 2 and 3 ranks" $make --no-print-directory test-mpi
else
    skip "MPI" "needs Debian's openmpi-bin and libopenmpi-dev"
fi
check "benchmark runner, smoke run" sh -c "$make --no-print-directory build/geglu-bench && build/geglu-bench --quick"
check "A/B timing tool, smoke run" sh -c "tools/ab.sh geglu.h geglu.h 64 160 13 3 | tee /dev/stderr | grep -q 'bitwise equal'"
if "$python" -c 'import torch' 2>/dev/null; then
    check "GELU beside PyTorch, smoke run" $make --no-print-directory bench-torch PYTHON="$python" TORCH_ARGS=--quick
else
    skip "GELU beside PyTorch" "needs a python3 with torch (Debian: python3-torch)"
fi
check "FFN beside OpenBLAS and oneDNN, smoke run" $make --no-print-directory bench-compare ARGS=--quick
echo "##### runtimes (make test's runs are in its own table above)"
cat "$summary"
echo "check-all: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/bin/sh
# make check-all: every check of this repository, one after the other, each with its runtime, and
# a table of them at the end. A failed check does not stop the others; the exit status says
# whether all passed. The cross (NEON, armhf) checks need the packages .ci/run installs.
# FUZZ_SECONDS (default 60) sets the fuzzing time.
summary=$(mktemp)
trap 'rm -f "$summary"' EXIT
passed=0
failed=0
check() { # name command...
    name=$1
    shift
    echo "##### $name: $*"
    start=$(date +%s.%N)
    if "$@"; then result=ok; passed=$((passed + 1)); else result=FAILED; failed=$((failed + 1)); fi
    seconds=$(echo "$start $(date +%s.%N)" | awk '{printf "%.1f", $2 - $1}')
    echo "##### $name: $result in $seconds s"
    printf '%8s s  %-6s  %s\n' "$seconds" "$result" "$name" >>"$summary"
}
make=${MAKE:-make}
# tools/fit_gelu.py needs numpy and mpmath: take the first python3 that has them.
python=${PYTHON:-}
for candidate in python3 /usr/bin/python3; do
    [ -n "$python" ] && break
    "$candidate" -c 'import numpy, mpmath' 2>/dev/null && python=$candidate
done
check "x86-64 tests, sanitizers, valgrind, Nehalem, build matrix, install, fuzz corpus" \
    $make --no-print-directory test-x86
check "NEON (aarch64) under qemu" $make --no-print-directory test-neon
check "armhf (32-bit ARM, scalar) under qemu" $make --no-print-directory test-armhf
check "GELU constants vs tools/fit_gelu.py" $make --no-print-directory check-constants PYTHON="${python:-python3}"
check "fuzzing for ${FUZZ_SECONDS:-60} s" $make --no-print-directory fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
check "exhaustive: every float32, every path" $make --no-print-directory test-exhaustive
check "benchmark smoke run" sh -c "$make --no-print-directory build/geglu-bench && build/geglu-bench --quick"
echo "##### runtimes (the x86-64 line's parts are in its own table above)"
cat "$summary"
echo "check-all: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

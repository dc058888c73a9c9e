#!/bin/sh
# Compiles tests/build/api_program.c with every compiler, optimisation level and language standard
# the header supports, warning-free under -pedantic -Wall -Wextra -Werror, and runs each program.
# Usage: matrix.sh BUILD_DIR
out=${1:-build}/matrix
mkdir -p "$out"
failed=0
check() { # name compiler flags...
    name=$1
    shift
    if "$@" -pedantic -Wall -Wextra -Werror -march=native -o "$out/$name" tests/build/api_program.c -lm \
        && "$out/$name" >/dev/null; then
        echo "ok      $name"
    else
        echo "FAILED  $name"
        failed=1
    fi
}
for cc in gcc clang; do
    for opt in -O0 -O2 -O3; do
        for std in c99 c11; do check "$cc$opt-$std" "$cc" "$opt" -std=$std; done
    done
done
for cxx in g++ clang++; do
    for opt in -O0 -O2 -O3; do
        for std in c++11 c++17; do check "$cxx$opt-$std" "$cxx" "$opt" -std=$std -x c++; done
    done
done
exit $failed

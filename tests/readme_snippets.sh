#!/bin/sh
# README.md's C code blocks, extracted and compiled as they stand (C99 and C++11, warning-free
# under -pedantic -Wall -Wextra -Werror), then linked with tests/readme_main.c, which runs the
# plain and the packed snippet on one layer and checks that they agree bit for bit.
# Usage: readme_snippets.sh BUILD_DIR
out=${1:-build}/readme
rm -rf "$out" && mkdir -p "$out" || exit 1
awk -v out="$out" '
    /^```c$/ { n++; file = sprintf("%s/snippet%d.c", out, n); inside = 1; next }
    /^```/ { inside = 0; next }
    inside { print > file }
    END { if (n < 2) { print "README.md has " n + 0 " C code blocks, expected the plain and the packed call" > "/dev/stderr"; exit 1 } }
' README.md || exit 1
warn="-pedantic -Wall -Wextra -Werror"
objects=
for snippet in "$out"/snippet*.c; do
    ${CC:-cc} -std=c99 $warn -O2 -march=native -I. -c -o "${snippet%.c}.o" "$snippet" || exit 1
    ${CXX:-c++} -std=c++11 $warn -O2 -march=native -I. -x c++ -fsyntax-only "$snippet" || exit 1
    objects="$objects ${snippet%.c}.o"
done
# shellcheck disable=SC2086
${CC:-cc} -std=c99 $warn -O2 -march=native -I. -o "$out/readme" tests/readme_main.c $objects -lm || exit 1
"$out/readme"

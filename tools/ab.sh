#!/bin/sh
# Same-process A/B timing of two versions of geglu.h's FFN, packed (CALL packed, the default) or
# on plain weights (CALL in_out or out_in, the layout; BASE_CALL:EXP_CALL, e.g. packed:out_in,
# times two calls of one version against each other): both are compiled into one program
# (tools/ab/side.c twice, renamed), which alternates their calls and prints the median of the
# per-pair time ratios exp / base (below 1: exp is faster) and whether the outputs are bitwise
# equal. Each version is a header file or a git revision (REV means REV:geglu.h).
#
#   tools/ab.sh [-m MARCH] BASE EXP D_MODEL D_FF TOKENS [SAMPLES [WEIGHTS [PRECISION [CALL]]]]
#   tools/ab.sh HEAD geglu.h 2048 16384 64 15          # the working tree against HEAD, Gemma-2B
#   tools/ab.sh -m x86-64-v3 HEAD~1 HEAD 1024 2816 256  # the last commit, AVX2 build, T5-large
#   tools/ab.sh geglu.h geglu.h 2048 16384 1 15 f32 f32 packed:out_in  # plain over packed
set -eu
march=native
if [ "${1:-}" = -m ]; then march=$2; shift 2; fi
[ $# -ge 5 ] || { sed -n '9,12p' "$0" | sed 's/^# *//'; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
header() { # $1: a file or a git revision; $2: where to put it
    if [ -f "$1" ]; then cp "$1" "$2"; else git -C "$root" show "$1:geglu.h" > "$2"; fi
}
header "$1" "$work/base.h"
header "$2" "$work/exp.h"
shift 2
cc=${CC:-cc}
flags="-std=c99 -O2 -march=$march -Wall -Wextra"
$cc $flags -DGEGLU_AB_HEADER='"'"$work/base.h"'"' -DGEGLU_AB_SIDE=base -c "$root/tools/ab/side.c" -o "$work/base.o"
$cc $flags -DGEGLU_AB_HEADER='"'"$work/exp.h"'"' -DGEGLU_AB_SIDE=exp -c "$root/tools/ab/side.c" -o "$work/exp.o"
$cc $flags "$root/tools/ab/ab.c" "$work/base.o" "$work/exp.o" -o "$work/ab" -lm
"$work/ab" "$@"

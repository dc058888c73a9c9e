#!/bin/sh
# `make install` into a temporary prefix, then build a program the way a user would, through
# pkg-config, and run it.
set -e
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
make --no-print-directory -s install PREFIX="$prefix" >/dev/null
export PKG_CONFIG_PATH="$prefix/share/pkgconfig"
test "$(pkg-config --modversion geglu)" = "$(sed -n 's/^#define GEGLU_VERSION_STRING "\(.*\)"/\1/p' geglu.h)"
# shellcheck disable=SC2046
${CC:-cc} -O2 $(pkg-config --cflags geglu) -o "$prefix/minimal" examples/minimal.c $(pkg-config --libs geglu)
# The example includes "../geglu.h"; make sure the installed copy is the one that compiles too.
printf '#define GEGLU_IMPLEMENTATION\n#include <geglu.h>\nint main(void) { return geglu_isa()[0] == 0; }\n' \
    > "$prefix/use.c"
${CC:-cc} $(pkg-config --cflags geglu) -o "$prefix/use" "$prefix/use.c" $(pkg-config --libs geglu)
"$prefix/use"
echo "make install and pkg-config: ok"

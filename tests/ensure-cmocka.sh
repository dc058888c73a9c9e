#!/bin/sh
# Makes sure cmocka's header and library are there for the compiler in $1 (default cc), installing
# Debian's package when it can; otherwise it says the exact command and fails.
cc=${1:-cc}
have() { printf '#include <stdarg.h>\n#include <stddef.h>\n#include <setjmp.h>\n#include <cmocka.h>\nint main(void){return 0;}\n' |
    "$cc" -x c - -o /dev/null -lcmocka >/dev/null 2>&1; }
have && exit 0
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "cmocka is missing: installing libcmocka-dev"
    apt-get update -q || true
    apt-get install -y -q libcmocka-dev && have && exit 0
fi
echo "cmocka is missing: install it with  sudo apt-get install libcmocka-dev  (Debian/Ubuntu)" >&2
echo "                                  or  sudo dnf install libcmocka-devel  (Fedora)" >&2
exit 1

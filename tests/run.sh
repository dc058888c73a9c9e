#!/bin/sh
# Runs each argument as a test command, counts cmocka's results (a command that is not a cmocka
# program counts as one test, passed when it exits 0), and closes with one line of totals.
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for command in "$@"; do
    echo "=== $command"
    sh -c "$command" >"$log" 2>&1
    status=$?
    cat "$log"
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
    if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
        if [ $status -eq 0 ]; then p=1; else f=1; fi
    elif [ $status -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1 # a cmocka program that crashed or exited non-zero after its last report
    fi
    passed=$((passed + p))
    failed=$((failed + f))
done
echo "geglu tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/bin/sh
# Runs each argument as a test command, counts cmocka's results (a command that is not a cmocka
# program counts as one test, passed when it exits 0), prints each command's runtime, and closes
# with a table of runtimes and one line of totals.
passed=0
failed=0
log=$(mktemp)
times=$(mktemp)
trap 'rm -f "$log" "$times"' EXIT
now() { date +%s.%N; }
for command in "$@"; do
    echo "=== $command"
    start=$(now)
    sh -c "$command" >"$log" 2>&1
    status=$?
    seconds=$(echo "$start $(now)" | awk '{printf "%.1f", $2 - $1}')
    cat "$log"
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
    if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
        if [ $status -eq 0 ]; then p=1; else f=1; fi
    elif [ $status -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1 # a cmocka program that crashed or exited non-zero after its last report
    fi
    if [ "$f" -eq 0 ]; then result=ok; else result=FAILED; fi
    echo "--- $result in $seconds s"
    printf '%8s s  %-6s  %s\n' "$seconds" "$result" "$command" >>"$times"
    passed=$((passed + p))
    failed=$((failed + f))
done
echo "=== runtimes"
cat "$times"
echo "geglu tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

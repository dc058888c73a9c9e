#!/bin/sh
# The test runs of make test, which make starts in parallel as their programs are built:
#   run.sh one RESULT COMMAND   runs COMMAND, keeps its output in RESULT.log and its status,
#                               runtime, cmocka counts and text in RESULT; prints one line
#   run.sh report RESULT...     prints each run's output in the order given, a table of the
#                               runtimes and one line of totals; exits 1 if any run failed
# A command that is not a cmocka program counts as one test, passed when it exits 0. A RESULT
# that is missing (its program did not build) counts as one failed test.
now() { date +%s.%N; }

one() {
    result=$1
    command=$2
    start=$(now)
    sh -c "$command" >"$result.log" 2>&1
    status=$?
    seconds=$(echo "$start $(now)" | awk '{printf "%.1f", $2 - $1}')
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$result.log" | awk '{s+=$1} END {print s+0}')
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$result.log" | awk '{s+=$1} END {print s+0}')
    if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
        if [ $status -eq 0 ]; then p=1; else f=1; fi
    elif [ $status -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1 # a cmocka program that crashed or exited non-zero after its last report
    fi
    if [ "$f" -eq 0 ]; then verdict=ok; else verdict=FAILED; fi
    printf '%s %s %s %s\n%s\n' "$verdict" "$seconds" "$p" "$f" "$command" >"$result"
    printf '%s %-6s %6s s  %s\n' --- "$verdict" "$seconds" "$command"
}

report() {
    passed=0
    failed=0
    times=$(mktemp)
    trap 'rm -f "$times"' EXIT
    for result in "$@"; do
        if [ -f "$result" ]; then
            read -r verdict seconds p f <"$result"
            command=$(sed -n 2p "$result")
            echo "=== $command"
            cat "$result.log"
            echo "--- $verdict in $seconds s"
        else
            verdict=FAILED seconds=- p=0 f=1 command="${result##*/} (not run: a program it needs did not build)"
            echo "=== $command"
        fi
        printf '%8s s  %-6s  %s\n' "$seconds" "$verdict" "$command" >>"$times"
        passed=$((passed + p))
        failed=$((failed + f))
    done
    echo "=== runtimes"
    cat "$times"
    echo "tests: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}

mode=$1
shift
case $mode in
one) one "$@" ;;
report) report "$@" ;;
*) echo "usage: run.sh one RESULT COMMAND | run.sh report RESULT..." >&2; exit 2 ;;
esac

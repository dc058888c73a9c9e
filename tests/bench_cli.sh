#!/bin/sh
# The benchmark runner's command line: bad arguments are refused with a message and status 2,
# and every option and output format works (tiny cases, so that this takes a few seconds).
bench=${1:-build/geglu-bench}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

refuse() { # refuse "expected message part" args...
    want=$1
    shift
    "$bench" "$@" >"$tmp/out" 2>"$tmp/err"
    status=$?
    if [ $status -ne 2 ] || ! grep -q -- "$want" "$tmp/err"; then
        echo "FAILED: geglu-bench $* gave status $status and: $(cat "$tmp/err")"
        failures=$((failures + 1))
    fi
}

accept() { # accept file args...
    out=$1
    shift
    if ! "$bench" "$@" >"$out" 2>"$tmp/err"; then
        echo "FAILED: geglu-bench $* gave status $? and: $(cat "$tmp/err")"
        failures=$((failures + 1))
    fi
}

refuse "unknown option" --bogus
refuse "unknown option" extra
refuse "needs a value" --tokens
refuse "--op wants" --op relu
refuse "--op wants" --op gelu,
refuse "unknown preset" --preset gemma-9b
refuse "needs both" --d-model 64
refuse "needs --d-model" --preset custom
refuse "--d-ff wants" --d-model 64 --d-ff 0
refuse "--tokens wants" --tokens 1,x
refuse "--tokens wants" --tokens 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17
refuse "--n wants" --n -5
refuse "--gelu wants" --gelu sigmoid
refuse "--threads wants" --threads 0
refuse "--repeat wants" --repeat 1000
refuse "--warmup wants" --warmup x
refuse "--seed wants" --seed -1
refuse "--spread wants" --spread 0
refuse "--spread wants" --spread 3x
refuse "--format wants" --format xml
refuse "--format wants" --format csv,json
refuse "--weights wants" --weights f64
refuse "--weights wants" --weights bf16,
refuse "--precision wants" --precision f64
refuse "applies to bf16 weights" --precision bf16

small="--d-model 24 --d-ff 40 --tokens 1,5 --n 100 --repeat 1 --warmup 0"
accept "$tmp/help" --help
grep -q "usage: geglu-bench" "$tmp/help" || { echo "FAILED: --help"; failures=$((failures + 1)); }
accept "$tmp/list" --list
grep -q "gemma-7b" "$tmp/list" || { echo "FAILED: --list"; failures=$((failures + 1)); }
accept "$tmp/table" $small --op gelu,gelu-mul,gate,ffn --gelu erf --seed 7 --spread 8 --svg "$tmp/plot.svg"
for what in "gelu-mul  erf" "gate custom" "ffn  custom" "FMA peak" "standard deviation 8"; do
    grep -q "$what" "$tmp/table" || { echo "FAILED: table lacks '$what'"; failures=$((failures + 1)); }
done
if grep -q WRONG "$tmp/table"; then echo "FAILED: a wrong result"; failures=$((failures + 1)); fi
accept "$tmp/csv" $small --op ffn --unpacked --format csv
[ "$(cut -d, -f10 "$tmp/csv" | sort | uniq -c | tr -s ' ')" = " 2 out_in
 2 unpacked
 1 weights" ] ||
    { echo "FAILED: csv, unpacked only (both layouts): $(cat "$tmp/csv")"; failures=$((failures + 1)); }
accept "$tmp/json" $small --op gate --packed --gelu tanh --format json
python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
r = d["results"]
assert len(r) == 2 and all(x["weights"] == "packed" and x["correct"] for x in r), r' "$tmp/json" ||
    { echo "FAILED: json"; failures=$((failures + 1)); }
accept "$tmp/types" $small --op ffn --packed --weights bf16,f16 --format json
python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))["results"]
assert [x["weight_type"] for x in r] == ["bf16", "f16"] * 2 and all(x["correct"] for x in r), r
assert all(x["x_bf16"] > 0 for x in r if x["weight_type"] == "f16"), r' "$tmp/types" ||
    { echo "FAILED: --weights bf16,f16: $(cat "$tmp/types")"; failures=$((failures + 1)); }
accept "$tmp/precisions" $small --op ffn --packed --weights bf16 --precision f32,bf16 --format json
python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))["results"]
assert [x["precision"] for x in r] == ["f32", "bf16"] * 2 and all(x["correct"] for x in r), r' \
    "$tmp/precisions" || { echo "FAILED: --precision f32,bf16: $(cat "$tmp/precisions")"; failures=$((failures + 1)); }
python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' "$tmp/plot.svg" ||
    { echo "FAILED: svg is not well-formed XML"; failures=$((failures + 1)); }
if command -v rsvg-convert >/dev/null 2>&1; then
    rsvg-convert "$tmp/plot.svg" -o "$tmp/plot.png" || { echo "FAILED: svg does not render"; failures=$((failures + 1)); }
fi

if [ $failures -ne 0 ]; then
    echo "bench command line: $failures failures"
    exit 1
fi
echo "bench command line: ok"

#!/bin/sh
# Runs the geometry example into a fresh directory and renders each SVG it writes to PNG with
# rsvg-convert (Debian: librsvg2-bin), which fails on malformed SVG. Skipped, with a note, when
# rsvg-convert is not installed: the example itself must still run.  Usage: check_svgs.sh BUILD_DIR
build=${1:-build}
out="$build/svg"
rm -rf "$out" && mkdir -p "$out" || exit 1
"$build/geometry" "$out" || { echo "geometry failed"; exit 1; }
for name in gelu geglu_surface; do
    [ -s "$out/$name.svg" ] || { echo "geometry did not write $name.svg"; exit 1; }
done
if ! command -v rsvg-convert >/dev/null 2>&1; then
    echo "rsvg-convert not found (Debian: librsvg2-bin): rendering the SVGs skipped"
    exit 0
fi
for svg in "$out"/*.svg; do
    png="${svg%.svg}.png"
    rsvg-convert "$svg" -o "$png" || { echo "rsvg-convert failed on $svg"; exit 1; }
    # the file starts with the PNG signature
    [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
        { echo "$png is not a PNG"; exit 1; }
    echo "rendered $svg -> $png ($(wc -c < "$png") bytes)"
done

#!/usr/bin/env bash
# Whole-process timings, side by side in one run (hyperfine), with medians and ratios.
# Needs hyperfine (Debian: apt-get install hyperfine) and ../shared/corpus for the corpus rows.
#   scripts/bench.sh            all figures
#   RUNS=50 scripts/bench.sh    fewer runs
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-200}
corpus=../shared/corpus/api
work=${TMPDIR:-/tmp}/apicat-bench
mkdir -p "$work"
cargo build --release -q
bin=$PWD/target/release/apicat

median() { # hyperfine JSON file, command index → median in ms
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]; print("%.3f" % (r["median"]*1000))' "$1" "$2"
}
compare() { # label, command A, command B: prints both medians and A/B
  local label=$1 a=$2 b=$3 json="$work/result.json"
  hyperfine -N -w 20 -r "$runs" --export-json "$json" "$a" "$b" >/dev/null 2>&1
  local ma mb
  ma=$(median "$json" 0); mb=$(median "$json" 1)
  printf '%-46s %9s ms  vs %9s ms  ratio %s\n' "$label" "$ma" "$mb" "$(python3 -c "print('%.2f' % ($ma/$mb))")"
  last=$ma
}

echo "median of $runs runs each; ratio = apicat / reference"
compare "bundled: search urssaf / --version" "$bin search urssaf" "$bin --version"
peak=$(/usr/bin/time -f %M "$bin" search urssaf 2>&1 >/dev/null | tail -1)
printf '%-46s %9s KB\n' "bundled: search urssaf, peak memory" "$peak"

if [ -d "$corpus" ]; then
  "$bin" --catalogue "$corpus" search adresse >/dev/null   # index built once
  compare "corpus (170): search adresse / grep -ril" "$bin --catalogue $corpus search adresse" "grep -ril adresse $corpus"
  compare "corpus (170): --no-cache / grep -ril" "$bin --catalogue $corpus --no-cache search adresse" "grep -ril adresse $corpus"
  # Bigger catalogues: the real corpus copied under new names.
  per_k=""
  for n in 2500 5000 10000; do
    dir="$work/catalogue-$n"
    if [ "$(find "$dir" -name '*.md' 2>/dev/null | wc -l)" != "$n" ]; then
      rm -rf "$dir"; mkdir -p "$dir"
      i=0
      while [ "$i" -lt "$n" ]; do
        for f in "$corpus"/*.md; do
          [ "$i" -lt "$n" ] || break
          cp "$f" "$dir/$(basename "$f" .md)-$i.md"
          i=$((i + 1))
        done
      done
    fi
    "$bin" --catalogue "$dir" search adresse >/dev/null
    compare "$n entries: search adresse / grep -ril" "$bin --catalogue $dir search adresse" "grep -ril adresse $dir"
    per_k="$per_k $n:$(python3 -c "print('%.2f' % ($last*1000/$n))")"
  done
  # Linear growth shows as a steady (or falling, as fixed costs spread) time per entry.
  printf '%-46s %s\n' "ms per 1,000 entries (entries:ms)" "$per_k"
fi

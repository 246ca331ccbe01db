#!/usr/bin/env bash
# Whole-process timings, side by side in one run (hyperfine), with medians and ratios.
# Needs hyperfine (Debian: apt-get install hyperfine) and ../shared/corpus for the corpus rows.
#   scripts/bench.sh            all figures
#   RUNS=50 scripts/bench.sh    fewer runs
#   BIN=/path/to/apicat scripts/bench.sh   figures of another build (no cargo build)
#   ONLY=bounded scripts/bench.sh          only the part 8 targets (show, completion, index, memory)
#   ONLY=snapshot scripts/bench.sh         only the part 11 targets (a 1,000-item snapshot)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-200}
corpus=$PWD/../shared/corpus/api
work=${TMPDIR:-/tmp}/apicat-bench
mkdir -p "$work"
if [ -n "${BIN:-}" ]; then
  bin=$BIN
else
  cargo build --release -q
  bin=${CARGO_TARGET_DIR:-$PWD/target}/release/apicat
fi
# The index cache of these runs, not the user's; one per binary, as formats differ.
export XDG_CACHE_HOME=$work/cache-$(echo "$bin" | cksum | cut -d' ' -f1)

median() { # hyperfine JSON file, command index → median in ms
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]; print("%.3f" % (r["median"]*1000))' "$1" "$2"
}
compare() { # label, command A, command B: prints both medians and A/B
  # Five rounds of A then B, each ratio taken within its round: the machine's drift between
  # rounds (other work, frequency) then moves both sides alike. The median round is shown.
  local label=$1 a=$2 b=$3 json="$work/result.json" rounds=5 line
  local each=$(( runs / rounds < 5 ? 5 : runs / rounds ))
  local results=""
  for _ in $(seq $rounds); do
    hyperfine -N -w 5 -r "$each" --export-json "$json" "$a" "$b" >/dev/null 2>&1
    results="$results $(median "$json" 0):$(median "$json" 1)"
  done
  line=$(python3 -c '
import sys
rs = sorted((float(a) / float(b), a, b) for a, b in (p.split(":") for p in sys.argv[1:]))
r, a, b = rs[len(rs) // 2]
print(a, b, "%.2f" % r)' $results)
  set -- $line
  printf '%-46s %9s ms  vs %9s ms  ratio %s\n' "$label" "$1" "$2" "$3"
  last=$1
}

ratio() { python3 -c "print('%.2f' % ($1/$2))"; }

# The real corpus copied under new names: n entries in $work/catalogue-n.
make_catalogue() {
  local n=$1 dir="$work/catalogue-$1"
  if [ "$(find "$dir" -name '*.md' 2>/dev/null | wc -l)" != "$n" ]; then
    rm -rf "$dir"; mkdir -p "$dir"
    local i=0
    while [ "$i" -lt "$n" ]; do
      for f in "$corpus"/*.md; do
        [ "$i" -lt "$n" ] || break
        cp "$f" "$dir/$(basename "$f" .md)-$i.md"
        i=$((i + 1))
      done
    done
    # A folder changed within the file system's clock tick of a listing is listed again: a
    # catalogue just copied is not what a person has, so let it settle first.
    sleep 2
  fi
  echo "$dir"
}

bounded() {
  echo "part 8 targets: median of $runs runs each; ratio = apicat / reference (target)"
  compare "bundled: show api-entreprise / --version (1.5)" "$bin show api-entreprise --no-pager" "$bin --version"
  compare "corpus: cached search adresse / --version (1.5)" "$bin --catalogue $corpus search adresse" "$bin --version"
  # The floor of any cached run: the index is current only if every file's stamp is, so each
  # entry and producer file is stat'ed; `find -newer` does the same stats and nothing else.
  compare "corpus: find -newer (a stat per file) / --version" "find $corpus $corpus/../producteurs -name *.md -newer $corpus" "$bin --version"
  local big; big=$(make_catalogue 10000)
  "$bin" --catalogue "$big" list >/dev/null   # index built once
  # An entry with an access page, whatever number it got.
  local slug; slug=$(cd "$big" && ls | grep '^agent-connect-' | head -1); slug=${slug%.md}
  compare "10,000: show SLUG / --version (1.5)" "$bin --catalogue $big show $slug --no-pager" "$bin --version"
  compare "10,000: eligible SLUG --as / --version (1.5)" "$bin --catalogue $big eligible $slug --as entreprise" "$bin --version"
  # A TAB: the shell runs apicat with the words typed (env on both sides, for fairness).
  local tab="env APICAT_COMPLETE=bash _CLAP_COMPLETE_INDEX=4 _CLAP_COMPLETE_COMP_TYPE=9 _CLAP_COMPLETE_SPACE=true $bin -- apicat --catalogue $big show agent-conn"
  compare "10,000: completion of a slug / --version (1.5)" "$tab" "env A=1 $bin --version"
  for n in 1000 10000; do
    local dir; dir=$(make_catalogue "$n")
    local json="$work/first.json"
    hyperfine -N -w 2 -r "$(( runs < 20 ? runs : 20 ))" --export-json "$json" \
      --prepare "rm -rf $XDG_CACHE_HOME" "$bin --catalogue $dir list" "grep -ril adresse $dir" >/dev/null 2>&1
    local a b; a=$(median "$json" 0); b=$(median "$json" 1)
    printf '%-46s %9s ms  vs %9s ms  ratio %s\n' "$n: first index build / grep -ril (5)" "$a" "$b" "$(ratio "$a" "$b")"
  done
  local base peak
  base=$(/usr/bin/time -f %M "$bin" --version 2>&1 >/dev/null | tail -1)
  rm -rf "$XDG_CACHE_HOME"
  peak=$(/usr/bin/time -f %M "$bin" --catalogue "$big" list 2>&1 >/dev/null | tail -1)
  printf '%-46s %9s KB  per entry %s KB (3)\n' "10,000: index build (first list), peak" "$peak" "$(python3 -c "print('%.2f' % (($peak-$base)/10000))")"
  peak=$(/usr/bin/time -f %M "$bin" --catalogue "$big" --no-cache list 2>&1 >/dev/null | tail -1)
  printf '%-46s %9s KB  per entry %s KB (3)\n' "10,000: every entry held (--no-cache list), peak" "$peak" "$(python3 -c "print('%.2f' % (($peak-$base)/10000))")"
}

# Part 11: a 1,000-item data.gouv.fr snapshot (the test fixtures' items under new ids),
# imported with `update --file` into a home of its own.
snapshot() {
  local home="$work/snapshot-home" items="$work/dataservices-1000.jsonl"
  python3 - "$items" <<'PY'
import json, sys
src = [json.loads(l) for l in open("tests/fixtures/datagouv/items.jsonl") if l.strip()]
with open(sys.argv[1], "w") as out:
    for n in range(1000):
        x = dict(src[n % len(src)])
        x["id"] = "%024x" % (0xabc000 + n)
        x["slug"] = "%s-%d" % (x.get("slug") or "api", n)
        x["title"] = "%s %d" % (x["title"], n)
        out.write(json.dumps(x, ensure_ascii=False) + "\n")
PY
  rm -rf "$home"; mkdir -p "$home"
  local env="env HOME=$home XDG_DATA_HOME=$home/data XDG_CACHE_HOME=$home/cache XDG_CONFIG_HOME=$home/config"
  $env "$bin" update --file "$items" >/dev/null
  local slug; slug=$($env "$bin" list --format tsv | grep -- '-500	' | head -1 | cut -f1)
  echo "part 11 targets: 1,000-item snapshot; ratio = apicat / --version (target 1.5)"
  compare "snapshot: show SLUG / --version (1.5)" "$env $bin show $slug --no-pager" "$env $bin --version"
  compare "snapshot: search adresse / --version (1.5)" "$env $bin search adresse" "$env $bin --version"
  compare "snapshot: list / --version (1.5)" "$env $bin list" "$env $bin --version"
}

if [ "${ONLY:-}" = bounded ]; then
  bounded
  exit 0
fi
if [ "${ONLY:-}" = snapshot ]; then
  snapshot
  exit 0
fi

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
    dir=$(make_catalogue "$n")
    "$bin" --catalogue "$dir" search adresse >/dev/null
    compare "$n entries: search adresse / grep -ril" "$bin --catalogue $dir search adresse" "grep -ril adresse $dir"
    per_k="$per_k $n:$(python3 -c "print('%.2f' % ($last*1000/$n))")"
  done
  # Linear growth shows as a steady (or falling, as fixed costs spread) time per entry.
  printf '%-46s %s\n' "ms per 1,000 entries (entries:ms)" "$per_k"
fi

if [ -d "$corpus" ]; then
  bounded
fi
snapshot

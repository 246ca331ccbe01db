#!/usr/bin/env bash
# Search relevance of `apicat search` against tests/relevance.tsv (part 9).
#   scripts/relevance.sh [BIN] [CORPUS]
#     BIN     apicat binary           (default: target/release/apicat, relative to the repo root)
#     CORPUS  catalogue directory     (default: ../shared/corpus/api, relative to the repo root)
#   RELEVANCE=path/to/set.tsv overrides the query set (default: tests/relevance.tsv).
# Each query runs as `BIN --catalogue CORPUS search --json WORDS...` (the query split on
# whitespace, as typed in a shell) in a hermetic environment: fresh HOME and XDG_* dirs per
# query, NO_COLOR and APICAT_* unset, COLUMNS=80.
# Positives: reciprocal rank of the first wanted slug (0 if absent), MRR, success@1, success@3.
# Negatives: ok when the command exits 1 with an empty result.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)

abspath() { # resolve a path relative to the caller's directory (or $root for defaults)
  case $1 in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$2/$1" ;; esac
}
if [[ $# -ge 1 && -n $1 ]]; then bin=$(abspath "$1" "$PWD"); else bin=$root/target/release/apicat; fi
if [[ $# -ge 2 && -n $2 ]]; then corpus=$(abspath "$2" "$PWD"); else corpus=$root/../shared/corpus/api; fi
set=${RELEVANCE:-$root/tests/relevance.tsv}
set=$(abspath "$set" "$PWD")

[[ -x $bin ]] || { echo "relevance.sh: no executable binary at $bin (build it or pass one as \$1)" >&2; exit 2; }
[[ -d $corpus ]] || { echo "relevance.sh: no corpus directory at $corpus (pass one as \$2)" >&2; exit 2; }
[[ -f $set ]] || { echo "relevance.sh: no query set at $set" >&2; exit 2; }
command -v python3 >/dev/null || { echo "relevance.sh: python3 is needed" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/apicat-relevance.XXXXXX")
trap 'rm -rf "$work"' EXIT

# 1. Run every query; keep stdout, stderr and exit status per query.
n=0
while IFS=$'\t' read -r query wanted || [[ -n $query ]]; do
  [[ -z $query || $query == \#* ]] && continue
  n=$((n + 1))
  read -r -a words <<<"$query"   # split like a shell would, without glob expansion
  home=$work/home.$n
  mkdir -p "$home/cache" "$home/data" "$home/config"
  rc=0
  env -i PATH="$PATH" LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=dumb COLUMNS=80 \
      HOME="$home" XDG_CACHE_HOME="$home/cache" XDG_DATA_HOME="$home/data" XDG_CONFIG_HOME="$home/config" \
      "$bin" --catalogue "$corpus" search --json "${words[@]}" \
      >"$work/out.$n" 2>"$work/err.$n" </dev/null || rc=$?
  echo "$rc" >"$work/rc.$n"
done <"$set"

# 2. Score.
python3 - "$set" "$work" <<'PY'
import json, sys

set_path, work = sys.argv[1], sys.argv[2]
rows = []
for line in open(set_path, encoding="utf-8"):
    line = line.rstrip("\n").rstrip("\r")
    if not line or line.startswith("#"):
        continue
    query, _, wanted = line.partition("\t")
    rows.append((query, wanted.strip()))

def read(kind, i):
    with open(f"{work}/{kind}.{i}", encoding="utf-8", errors="replace") as f:
        return f.read()

rr_sum = at1 = at3 = npos = 0
neg_ok = nneg = 0
for i, (query, wanted) in enumerate(rows, 1):
    rc = int(read("rc", i).strip() or -1)
    out, err = read("out", i), read("err", i)
    slugs, note = [], ""
    if out.strip():
        try:
            slugs = [r["slug"] for r in json.loads(out)]
        except (ValueError, KeyError, TypeError) as e:
            note = f"  [unparsable JSON: {e}]"
    if rc not in (0, 1):
        note += f"  [exit {rc}: {err.strip().splitlines()[-1] if err.strip() else ''}]"
    top3 = ",".join(slugs[:3]) or "(none)"
    if wanted == "-":
        nneg += 1
        ok = rc == 1 and not slugs
        neg_ok += ok
        verdict = "ok" if ok else f"FAIL exit {rc}, {len(slugs)} results"
        print(f"neg  {verdict:<22} {query!r:<40} top3: {top3}{note}")
        continue
    npos += 1
    want = [s for s in wanted.split(",") if s]
    rank = next((k for k, s in enumerate(slugs, 1) if s in want), 0)
    rr_sum += 1 / rank if rank else 0
    at1 += rank == 1
    at3 += 1 <= rank <= 3
    shown = str(rank) if rank else "-"
    flag = "" if 1 <= rank <= 3 else "  <-- want " + wanted
    print(f"pos  rank {shown:>3} of {len(slugs):<3}      {query!r:<40} top3: {top3}{note}{flag}")

mrr = rr_sum / npos if npos else 0.0
p1 = 100 * at1 / npos if npos else 0.0
p3 = 100 * at3 / npos if npos else 0.0
print(f"MRR {mrr:.3f}  success@1 {p1:.1f}%  success@3 {p3:.1f}%  negatives ok {neg_ok}/{nneg}")
PY

#!/usr/bin/env bash
# Proves a refactor changed no behaviour: runs every command of apicat, built from a reference
# revision and from the working tree (or a second revision), on the bundled catalogue and on
# the real corpus, and compares stdout, stderr and exit status byte for byte.
#   scripts/compare.sh              db99c9e against the working tree
#   scripts/compare.sh REF          REF (any git revision) against the working tree
#   scripts/compare.sh REF NEW      REF against revision NEW
# Exit status: 0 no difference, 1 differences, 2 could not build or set up.
# Outputs (one file per case, in ref/ and new/, and diff.txt) go to a new directory under
# target/compare-out/ for each run, so that runs at the same time never mix; it is kept when
# there are differences, or always with KEEP=1.
# SHOW_DIFFS=N (20) cases get their first DIFF_LINES=N (8) lines of diff in the summary.
# Needs git, cargo, jq, flock and timeout.
# Revisions are built once into target/compare-ref and their binaries kept by commit hash
# (target/compare-ref/bin/HASH/apicat): delete that directory to force a rebuild.
set -uo pipefail
start=$SECONDS

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2
ref_rev=${1:-db99c9e}
new_rev=${2:-}
corpus=../shared/corpus/api       # relative to the repo root, as users and the README write it
history=../shared/corpus/history
[ -d "$corpus" ] || { echo "compare: $corpus not found" >&2; exit 2; }

revcache=$root/target/compare-ref
mkdir -p "$root/target/compare-out" "$revcache" || exit 2
outdir=$(mktemp -d "$root/target/compare-out/run.XXXXXX") || exit 2
work=$(mktemp -d "${TMPDIR:-/tmp}/apicat-compare.XXXXXX") || exit 2
keep_out=${KEEP:-0}
trap 'rm -rf "$work"; [ "$keep_out" = 1 ] || rm -rf "$outdir"' EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------------
# Binaries

# A committed revision never changes, so its binary is kept by hash and a rerun builds nothing.
# The sources come from `git archive` (not a worktree): nothing in .git changes while the other
# checkout is in use, and removing the temporary copy is all the cleaning there is.
build_rev() { # revision → prints the path of its binary
  local hash bin src
  hash=$(git rev-parse --verify --quiet "$1^{commit}") || { echo "compare: no revision $1" >&2; return 1; }
  bin=$revcache/bin/$hash/apicat
  (
    # One build at a time in the shared target dir: another run's build must not replace
    # release/apicat between this build and its copy.
    flock 9
    [ -x "$bin" ] && exit 0
    src=$work/src-$hash
    mkdir -p "$src" "${bin%/*}"
    echo "compare: building $1 ($hash)" >&2
    # -m: the files get the time of extraction, so cargo never takes an older commit's
    # sources for up to date against artifacts of a newer one.
    git archive "$hash" | tar -x -m -C "$src" || exit 1
    (cd "$src" && CARGO_TARGET_DIR=$revcache cargo build --release -q) >&2 || exit 1
    cp "$revcache/release/apicat" "$bin.tmp" && mv "$bin.tmp" "$bin" || exit 1
    rm -rf "$src"
  ) 9>"$revcache/lock" || return 1
  echo "$bin"
}

build_start=$SECONDS
ref_src=$(build_rev "$ref_rev") || { echo "compare: could not build $ref_rev" >&2; exit 2; }
if [ -n "$new_rev" ]; then
  new_src=$(build_rev "$new_rev") || { echo "compare: could not build $new_rev" >&2; exit 2; }
  new_label=$new_rev
else
  echo "compare: building the working tree" >&2
  if ! cargo build --release -q; then
    echo "compare: the working tree does not build; compare two revisions instead: $0 $ref_rev REV" >&2
    exit 2
  fi
  new_src=$root/target/release/apicat
  new_label="working tree ($(git status --porcelain | wc -l) changed files over $(git rev-parse --short HEAD))"
fi
# Copies, so a build started meanwhile in target/ cannot swap a binary in the middle of a run.
# Both named apicat: clap prints the name it was run as in usage lines.
mkdir -p "$work/ref" "$work/new"
cp "$ref_src" "$work/ref/apicat" && cp "$new_src" "$work/new/apicat" || exit 2
ref_bin=$work/ref/apicat new_bin=$work/new/apicat
build_time=$((SECONDS - build_start))

# ---------------------------------------------------------------------------------------------
# Hermetic runs

# Both binaries run with the very same HOME/XDG paths (so `paths` prints the same text), wiped
# between the two runs so no index cache crosses from one to the other. Within one run the
# cache is kept, as a user's would be: the first corpus case builds it, the others read it.
envroot=$work/env
base_env=(
  PATH=/usr/local/bin:/usr/bin:/bin
  HOME=$envroot/home
  XDG_DATA_HOME=$envroot/data
  XDG_CACHE_HOME=$envroot/cache
  XDG_CONFIG_HOME=$envroot/config
  TMPDIR=$envroot/tmp
  LANG=C.UTF-8
  PAGER=cat
  COLUMNS=80
)
fresh_env() {
  rm -rf "$envroot"
  mkdir -p "$envroot"/{home,data,cache,config,tmp}
}
# `env -i`: nothing of the caller's environment (NO_COLOR, APICAT_CATALOGUE, TERM…) gets in.
apicat_q() { # binary, args… → its stdout (to find slugs and profiles)
  local bin=$1; shift
  env -i "${base_env[@]}" "$bin" "$@" </dev/null 2>/dev/null
}

# ---------------------------------------------------------------------------------------------
# Cases: parallel arrays of name (file path under ref/ and new/), extra environment and
# arguments (both stored `printf %q`-quoted, read back with eval), and the command line as
# written at the top of each output file.
names=() envs=() argvs=() descs=()

# A case name part from any string: slugs, labels and queries may hold '/', spaces, accents,
# quotes. Kept: [A-Za-z0-9._-]; space → '+'; any other byte → %XX; a leading '.' too.
enc() {
  local LC_ALL=C s=$1 out="" c i x
  [ -z "$s" ] && { printf '%%empty'; return; }
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case $c in
      [A-Za-z0-9_-]) out+=$c ;;
      .) if ((i == 0)); then out+=%2E; else out+=.; fi ;;
      ' ') out+=+ ;;
      *) printf -v x '%%%02X' "'$c"; out+=$x ;;
    esac
  done
  printf '%s' "$out"
}

add() { # name [VAR=value…] -- args…
  local name=$1 e="" a="" x
  shift
  while [ "$1" != -- ]; do printf -v x '%q ' "$1"; e+=$x; shift; done
  shift
  for x in "$@"; do printf -v x ' %q' "$x"; a+=$x; done
  names+=("$name") envs+=("$e") argvs+=("$a") descs+=("${e}apicat$a")
}

# Union of two lists of shell-quoted words (one per line, jq @sh), first-seen order.
declare -A seen
union() { # var-name, then the texts
  local -n into=$1; shift
  local w t; seen=()
  into=()
  for t in "$@"; do
    eval "local -a ws=($t)"
    for w in "${ws[@]}"; do
      [ -n "${seen[x$w]+1}" ] && continue
      seen[x$w]=1; into+=("$w")
    done
  done
}

cases_start=$SECONDS
bins=("$ref_bin")
cmp "$ref_bin" "$new_bin" >/dev/null 2>&1 || bins+=("$new_bin")

queries=(urssaf entreprise adresse siret sirene impots cadastre transport educaton
  "l'association" "carte grise" ban agentconnect sirene_v3 "declaration impots" etudiant
  santé "permis de conduire" zzzzqqq emploi)

# Completion requests as the shells' registration scripts send them (completions/apicat.bash
# and apicat.fish; tests/part4.rs drives the former). $1: name, $2…: the words of the line,
# the last being the one completed.
add_completions() {
  local name=$1; shift
  local words=("$@")
  local idx=$((${#words[@]} - 1))
  add "$cat/complete/bash/$name" APICAT_COMPLETE=bash _CLAP_IFS=$'\013' \
    _CLAP_COMPLETE_INDEX=$idx _CLAP_COMPLETE_COMP_TYPE=9 _CLAP_COMPLETE_SPACE=true \
    -- -- "${words[@]}"
  add "$cat/complete/fish/$name" APICAT_COMPLETE=fish -- -- "${words[@]}"
}

fresh_env
for cat in bundled corpus; do
  if [ $cat = corpus ]; then f=(--catalogue "$corpus"); else f=(); fi

  # What to ask about, from both binaries, so that an entry or profile only one of them knows
  # still gets its cases.
  lists=() ; for b in "${bins[@]}"; do lists+=("$(apicat_q "$b" "${f[@]}" list --json | jq -r '.[].slug | @sh')"); done
  union slugs "${lists[@]}"
  refjson=$(apicat_q "$ref_bin" "${f[@]}" list --json)
  theme=$(jq -r '[.[].themes[]] | group_by(.) | max_by(length) | .[0]' <<<"$refjson")
  producer=$(jq -r '[.[].producer_slug // empty] | group_by(.) | max_by(length) | .[0] // empty' <<<"$refjson")
  [ -n "$producer" ] || producer=$(jq -r '.[0].producer' <<<"$refjson")
  words=() ; for b in "${bins[@]}"; do
    words+=("$(env -i "${base_env[@]}" APICAT_COMPLETE=fish "$b" -- apicat "${f[@]}" eligible --as '' \
      </dev/null 2>/dev/null | cut -f1 | jq -rR @sh)")
  done
  union profile_words "${words[@]}"
  first=${slugs[0]}

  # list
  for c in 40 80 120; do add "$cat/list/plain.c$c" COLUMNS=$c -- "${f[@]}" list; done
  add "$cat/list/json" -- "${f[@]}" list --json
  add "$cat/list/color-always" -- "${f[@]}" --color always list
  add "$cat/list/no-cache" -- "${f[@]}" --no-cache list
  for a in open account restricted; do
    add "$cat/list/access-$a" -- "${f[@]}" list --access $a
    add "$cat/list/access-$a.json" -- "${f[@]}" list --access $a --json
  done
  add "$cat/list/access-bogus" -- "${f[@]}" list --access bogus
  add "$cat/list/theme-$(enc "$theme")" -- "${f[@]}" list --theme "$theme"
  lower=$(tr '[:upper:]' '[:lower:]' <<<"$theme")
  add "$cat/list/theme-$(enc "$lower")" -- "${f[@]}" list --theme "$lower"
  typo=${theme:0:1}${theme:2}   # the second letter dropped
  add "$cat/list/theme-typo-$(enc "$typo")" -- "${f[@]}" list --theme "$typo"
  add "$cat/list/producer-$(enc "$producer")" -- "${f[@]}" list --producer "$producer"
  add "$cat/list/producer-$(enc "$producer").json" -- "${f[@]}" list --producer "$producer" --json
  add "$cat/list/producer-nobody" -- "${f[@]}" list --producer nobody-at-all

  # search
  for q in "${queries[@]}"; do
    read -ra qw <<<"$q"
    add "$cat/search/$(enc "$q")" -- "${f[@]}" search "${qw[@]}"
    ((${#qw[@]} > 1)) && add "$cat/search/$(enc "$q").one-arg" -- "${f[@]}" search "$q"
  done
  for q in urssaf entreprise adresse "carte grise" educaton zzzzqqq; do
    read -ra qw <<<"$q"
    add "$cat/search/$(enc "$q").json" -- "${f[@]}" search "${qw[@]}" --json
    add "$cat/search/$(enc "$q").n3" -- "${f[@]}" search -n 3 "${qw[@]}"
  done
  for c in 40 120; do add "$cat/search/urssaf.c$c" COLUMNS=$c -- "${f[@]}" search urssaf; done
  add "$cat/search/entreprise.access-open" -- "${f[@]}" search entreprise --access open
  add "$cat/search/entreprise.theme" -- "${f[@]}" search entreprise --theme "$theme"
  add "$cat/search/adresse.no-cache" -- "${f[@]}" --no-cache search adresse
  add "$cat/search/adresse.color-always" -- "${f[@]}" --color always search adresse
  add "$cat/search/%empty" -- "${f[@]}" search ''
  add "$cat/search/no-query" -- "${f[@]}" search

  # show, eligible: every entry, every profile its access page names
  for s in "${slugs[@]}"; do
    e=$(enc "$s")
    for c in 40 80 120; do
      add "$cat/show/$e.c$c" COLUMNS=$c -- "${f[@]}" show "$s" --no-pager --color never
    done
    add "$cat/show/$e.color" -- "${f[@]}" show "$s" --no-pager --color always
    add "$cat/show/$e.json" -- "${f[@]}" show "$s" --json
    add "$cat/eligible/$e/as-particulier" -- "${f[@]}" eligible "$s" --as particulier
    labels=() ; for b in "${bins[@]}"; do
      labels+=("$(apicat_q "$b" "${f[@]}" show "$s" --json | jq -r '
        .front_matter.access_page // [] | if type == "array" then .[] else empty end
        | objects | .who // empty | if type == "array" then .[] else . end | strings | @sh')")
    done
    union entry_labels "${labels[@]}"
    for l in "${entry_labels[@]}"; do
      add "$cat/eligible/$e/$(enc "$l")" -- "${f[@]}" eligible "$s" --as "$l"
      add "$cat/eligible/$e/$(enc "$l").json" -- "${f[@]}" eligible "$s" --as "$l" --json
    done
  done
  add "$cat/show/default-flags" -- "${f[@]}" show "$first"
  add "$cat/show/no-cache" -- "${f[@]}" --no-cache show "$first" --no-pager
  add "$cat/show/prefix" -- "${f[@]}" show "${first:0:5}" --no-pager
  add "$cat/show/by-title" -- "${f[@]}" show "$(jq -r '.[0].title' <<<"$refjson")" --no-pager
  add "$cat/show/misspelled" -- "${f[@]}" show "api-entrepirse" --no-pager
  add "$cat/show/%empty" -- "${f[@]}" show ''
  add "$cat/show/no-name" -- "${f[@]}" show

  # eligible over the whole catalogue, and its errors
  for p in collectivite particulier editeur entreprise administration; do
    add "$cat/eligible-all/$p" -- "${f[@]}" eligible --as $p
    add "$cat/eligible-all/$p.json" -- "${f[@]}" eligible --as $p --json
  done
  add "$cat/eligible-all/particulier.c40" COLUMNS=40 -- "${f[@]}" eligible --as particulier
  for p in "${profile_words[@]}"; do   # every profile completion offers
    add "$cat/eligible-all/completed-$(enc "$p")" -- "${f[@]}" eligible --as "$p"
  done
  add "$cat/eligible-all/no-as" -- "${f[@]}" eligible
  add "$cat/eligible-all/unknown-profile" -- "${f[@]}" eligible --as zorglub
  add "$cat/eligible/no-as" -- "${f[@]}" eligible "$first"
  add "$cat/eligible/unknown-profile" -- "${f[@]}" eligible "$first" --as zorglub
  add "$cat/eligible/unknown-profile.json" -- "${f[@]}" eligible "$first" --as zorglub --json
  add "$cat/eligible/unknown-slug" -- "${f[@]}" eligible api-entrepirse --as particulier

  # check, paths
  add "$cat/check/plain" -- "${f[@]}" check
  add "$cat/check/json" -- "${f[@]}" check --json
  add "$cat/paths" -- "${f[@]}" paths

  # dynamic completion: the line names the corpus with --catalogue, or not
  add_completions show-api- apicat "${f[@]}" show api-
  add_completions show-all apicat "${f[@]}" show ''
  add_completions eligible-slug apicat "${f[@]}" eligible api-
  add_completions eligible-as-coll apicat "${f[@]}" eligible --as coll
  add_completions eligible-as-all apicat "${f[@]}" eligible --as ''
  add_completions theme-en apicat "${f[@]}" list --theme en
  add_completions theme-all apicat "${f[@]}" list --theme ''
  add_completions search-theme-all apicat "${f[@]}" search x --theme ''
  add_completions producer-all apicat "${f[@]}" list --producer ''
  add_completions subcommand-sh apicat "${f[@]}" sh
done
# The catalogue named by the environment instead of the line.
add corpus/complete/bash/env-catalogue-show-all APICAT_CATALOGUE=$corpus APICAT_COMPLETE=bash \
  _CLAP_IFS=$'\013' _CLAP_COMPLETE_INDEX=2 _CLAP_COMPLETE_COMP_TYPE=9 \
  _CLAP_COMPLETE_SPACE=true -- -- apicat show ''
add corpus/env-catalogue-list APICAT_CATALOGUE=$corpus -- list
add corpus/env-catalogue-no-color NO_COLOR=1 -- --catalogue "$corpus" --color auto list

# history: old versions of the entries, many of them broken
add history/check/plain -- --catalogue "$history" check
add history/check/json -- --catalogue "$history" check --json
add history/list -- --catalogue "$history" list
add history/search-adresse -- --catalogue "$history" search adresse

# No catalogue involved
for sh in bash zsh fish powershell elvish; do add global/completions/$sh -- completions $sh; done
add global/completions/bogus -- completions tcsh
add global/man -- man
add global/help -- --help
add global/help-short -- -h
add global/help.c40 COLUMNS=40 -- --help
for sub in list search show eligible check completions man paths; do
  add global/help-$sub -- $sub --help
  add global/help-cmd-$sub -- help $sub
done
add global/version -- --version
add global/version-short -- -V
add global/no-args --
add global/unknown-command -- frobnicate
add global/unknown-flag -- list --frobnicate
add global/color-bogus -- --color sometimes list
add global/catalogue-missing -- --catalogue /nonexistent/apicat list

# ---------------------------------------------------------------------------------------------
# Runs

run_all() { # tree name, binary
  local tree=$outdir/$1 bin=$2 i f rc err
  local -A made=()
  fresh_env
  for i in "${!names[@]}"; do
    eval "local -a extra=(${envs[i]}) args=(${argvs[i]})"
    f=$tree/${names[i]}
    [ -n "${made[${f%/*}]+1}" ] || { mkdir -p "${f%/*}"; made[${f%/*}]=1; }
    {
      printf '$ %s\n--- stdout ---\n' "${descs[i]}"
      env -i "${base_env[@]}" "${extra[@]}" timeout 30 "$bin" "${args[@]}" \
        </dev/null 2>"$work/stderr"
      rc=$?
      err=""; IFS= read -rd '' err <"$work/stderr"
      printf '\n--- stderr ---\n%s\n--- exit %s ---\n' "$err" "$rc"
    } >"$f"
  done
}

cases_time=$((SECONDS - cases_start))
run_start=$SECONDS
run_all ref "$ref_bin"
run_all new "$new_bin"
run_time=$((SECONDS - run_start))

# ---------------------------------------------------------------------------------------------
# Summary

total=${#names[@]}
diff -r "$outdir/ref" "$outdir/new" >"$outdir/diff.txt"
mapfile -t differing < <(diff -rq "$outdir/ref" "$outdir/new" | sed -n "s|^Files $outdir/ref/\(.*\) and .* differ\$|\1|p; s|^Only in \(.*\)|only in \1|p")
ndiff=${#differing[@]}

echo
echo "reference: $ref_rev ($(git rev-parse --short "$ref_rev^{commit}"))"
echo "new:       $new_label"
echo "cases:     $total ($((total - ndiff)) identical, $ndiff differing)"
echo "time:      $((SECONDS - start)) s (builds $build_time s, finding cases $cases_time s, runs $run_time s)"
if ((ndiff > 0)) || [ "$keep_out" = 1 ]; then
  keep_out=1
  echo "outputs:   $outdir/{ref,new}, full diff in $outdir/diff.txt"
fi
if ((ndiff > 0)); then
  echo
  echo "differing cases:"
  shown=0
  for c in "${differing[@]}"; do
    echo "  $c"
    if ((shown < ${SHOW_DIFFS:-20})) && [ -f "$outdir/ref/$c" ]; then
      diff "$outdir/ref/$c" "$outdir/new/$c" | head -n "${DIFF_LINES:-8}" | sed 's/^/      /'
      shown=$((shown + 1))
    fi
  done
  exit 1
fi
echo "no difference"

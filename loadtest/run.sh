#!/usr/bin/env bash
# The hot-path benchmark, in one command: playgate and the HTTP floor, each on
# core 0 with one worker thread, loaded by wrk on core 1 with requests drawn
# from a 1M-account dataset; a table per endpoint printed and written to
# docs/PERF.md (between its loadtest markers).
#
#   loadtest/run.sh
#
# Steps: release build; `playgate demo-data --accounts 1000000` into
# target/loadtest/data (once: kept and reused while the marker file says it
# holds that many accounts); `requests write` (viewers sampled, tokens
# minted, the two load CDNs defined); the node started and every request of
# every file checked once against the store's prediction (`requests check`:
# the run stops on any difference); then per endpoint a 5 s warm-up and a
# measured wrk run. The content key is switched to ES256 for the ES256 row
# and back to HS256 at the end. The floor is measured first and last.
#
# Settings (environment): PLAYGATE_LT_ACCOUNTS (1000000), PLAYGATE_LT_DURATION
# seconds per measured run (30), PLAYGATE_LT_CONNECTIONS (64),
# PLAYGATE_LT_DATA (target/loadtest/data), PLAYGATE_LT_WRITE_PERF (1: update
# docs/PERF.md; 0: print only). Needs wrk and taskset (Debian: wrk,
# util-linux) and python3.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
accounts=${PLAYGATE_LT_ACCOUNTS:-1000000}
duration=${PLAYGATE_LT_DURATION:-30}
conns=${PLAYGATE_LT_CONNECTIONS:-64}
data=${PLAYGATE_LT_DATA:-$root/target/loadtest/data}
write_perf=${PLAYGATE_LT_WRITE_PERF:-1}
work=$(dirname "$data")/run
port=18080
floor_port=18090
bin=$root/target/release
lua=$root/loadtest/wrk/requests.lua

for tool in wrk taskset python3 curl; do
  command -v "$tool" >/dev/null || { echo "run.sh needs $tool (apt-get install wrk util-linux python3 curl)" >&2; exit 1; }
done
[ "$(nproc)" -ge 2 ] || { echo "run.sh needs two cores (server on 0, load on 1)" >&2; exit 1; }

echo "== release build"
cargo build --release -p playgate -p playgate-loadtest
echo "== ES256 signing time (criterion, core 0)"
sign_out=$(taskset -c 0 cargo bench --bench tokens -- --warm-up-time 1 --measurement-time 3 'token_sign_ES256$' 2>/dev/null)
es256_sign=$(printf '%s\n' "$sign_out" | python3 "$root/loadtest/report.py" criterion-median)
echo "token_sign_ES256: $es256_sign"

if [ ! -f "$data/.bulk-$accounts" ]; then
  echo "== demo data: $accounts accounts into $data"
  rm -rf "$data" && mkdir -p "$data"
  "$bin/playgate" demo-data --data-dir "$data" --accounts "$accounts" --seed 42 --tenant load
  touch "$data/.bulk-$accounts"
fi

rm -rf "$work" && mkdir -p "$work"
echo "== request files"
"$bin/requests" write --data-dir "$data" --tenant load --out "$work/requests"
files=(content_token url_builder_akamai url_builder_cat rmg_entitlements in_house token_validate)

# shellcheck source=loadtest/lib.sh
. "$root/loadtest/lib.sh"

# port_free PORT: stop if something already answers there (a server left
# from an earlier run would be measured instead of the one started).
port_free() {
  if curl -s -o /dev/null "http://127.0.0.1:$1/"; then
    echo "127.0.0.1:$1 is already serving; stop that server first" >&2
    exit 1
  fi
}

start_node() {
  port_free "$port"
  PLAYGATE_SERVER__WORKERS=1 PLAYGATE_LOG__LEVEL=warn \
    taskset -c 0 "$bin/playgate" serve --listen "127.0.0.1:$port" --data-dir "$data" \
    >>"$work/node.log" 2>&1 &
  pid=$!
  wait_ready "http://127.0.0.1:$port/readyz"
}

# start_floor [BODY_BYTES]: the floor, answering 2 bytes or BODY_BYTES.
start_floor() {
  port_free "$floor_port"
  PLAYGATE_FLOOR_BODY_BYTES=${1:-} PLAYGATE_FLOOR_WORKERS=1 taskset -c 0 "$bin/floor" "127.0.0.1:$floor_port" >>"$work/floor.log" 2>&1 &
  pid=$!
  wait_ready "http://127.0.0.1:$floor_port/"
}

# bench NAME FILE PORT: a warm-up, then the measured run; one TSV row with
# the server's CPU (user and system, from /proc) over the measured run.
bench() {
  local name=$1 file=$2 at=$3
  PLAYGATE_REQUESTS=$file taskset -c 1 wrk -t1 -c"$conns" -d5s --timeout 5s -s "$lua" "http://127.0.0.1:$at" >/dev/null
  local user0 sys0 user1 sys1 t0 t1 out
  read -r user0 sys0 < <(awk '{print $14, $15}' "/proc/$pid/stat")
  t0=$(date +%s.%N)
  out=$(PLAYGATE_REQUESTS=$file taskset -c 1 wrk -t1 -c"$conns" -d"${duration}s" --timeout 5s -s "$lua" "http://127.0.0.1:$at")
  t1=$(date +%s.%N)
  read -r user1 sys1 < <(awk '{print $14, $15}' "/proc/$pid/stat")
  local rss
  rss=$(awk '/^VmRSS/{print $2}' "/proc/$pid/status")
  local cpu
  cpu=$(python3 -c "
t = $(getconf CLK_TCK) * ($t1 - $t0)
print(round(100 * ($user1 + $sys1 - $user0 - $sys0) / t, 1), round(100 * ($user1 - $user0) / t, 1))")
  local result
  result=$(printf '%s\n' "$out" | grep '^PLAYGATE_RESULT' | cut -d' ' -f2-)
  printf '%s\tcpu_pct=%s user_pct=%s rss_kb=%s %s\n' "$name" "${cpu% *}" "${cpu#* }" "$rss" "$result" | tee -a "$work/results.tsv"
}

echo "== floor (first)"
start_floor
bench floor_first "$work/requests/content_token.txt" "$floor_port"
stop

echo "== playgate, HS256 content key"
start_node
echo "ready; VmRSS $(awk '/^VmRSS/{print $2}' "/proc/$pid/status") kB"
paths=()
for f in "${files[@]}"; do paths+=("$work/requests/$f.txt"); done
"$bin/requests" check --url "http://127.0.0.1:$port" "${paths[@]}"
for f in "${files[@]}"; do
  bench "$f" "$work/requests/$f.txt" "$port"
done
# How many bytes a granted content token answer takes, for the sized floor.
first=$(grep -m1 -E '^POST \S+ 200 ' "$work/requests/content_token.txt")
read -r _ target _ token <<<"$first"
sized=$(curl -s -o /dev/null -w '%{size_download}' -X POST -H "nv-tenant-id: load" \
  -H "Authorization: Bearer $token" "http://127.0.0.1:$port$target")
echo "a content token answer: $sized bytes"
stop

echo "== playgate, ES256 content key"
"$bin/playgate" keys rotate --data-dir "$data" --tenant load --purpose content --alg es256 --verify-for 60
start_node
"$bin/requests" check --url "http://127.0.0.1:$port" "$work/requests/content_token.txt"
bench content_token_es256 "$work/requests/content_token.txt" "$port"
stop
"$bin/playgate" keys rotate --data-dir "$data" --tenant load --purpose content --alg hs256 --verify-for 60

echo "== floor (last)"
start_floor
bench floor_last "$work/requests/content_token.txt" "$floor_port"
stop

# The floor answering as many bytes as a content token answer: what the
# answer's size alone costs the kernel (its own row, not part of the floor).
echo "== floor answering $sized bytes"
start_floor "$sized"
bench floor_sized "$work/requests/content_token.txt" "$floor_port"
stop

command="loadtest/run.sh (PLAYGATE_LT_ACCOUNTS=$accounts PLAYGATE_LT_DURATION=$duration PLAYGATE_LT_CONNECTIONS=$conns)"
args=(table "$work/results.tsv" --es256-sign "$es256_sign" --command "$command" --connections "$conns" --duration "$duration" --sized-bytes "$sized")
if [ "$write_perf" = 1 ]; then
  args+=(--perf "$root/docs/PERF.md")
fi
python3 "$root/loadtest/report.py" "${args[@]}"

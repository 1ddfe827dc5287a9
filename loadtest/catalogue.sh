#!/usr/bin/env bash
# The catalogue's answers through HTTP beside the floor, on the demo tenant:
# a cached image variant (IM-1), a Rocket item, a Rocket list page and an
# MDS v2 node browse, each against the floor answering as many bytes. The
# node and the floor each run on core 0 with one worker thread; wrk runs on
# core 1 (one thread, 64 connections) for a warm-up and a measured run.
#
#   loadtest/catalogue.sh
#
# Settings (environment): PLAYGATE_LT_DURATION seconds per measured run
# (15), PLAYGATE_LT_CONNECTIONS (64). Needs wrk, taskset, curl.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
duration=${PLAYGATE_LT_DURATION:-15}
conns=${PLAYGATE_LT_CONNECTIONS:-64}
port=18081
floor_port=18091
bin=$root/target/release
work=$root/target/loadtest/catalogue
for tool in wrk taskset curl; do
  command -v "$tool" >/dev/null || { echo "catalogue.sh needs $tool (apt-get install wrk util-linux curl)" >&2; exit 1; }
done

cargo build --release -p playgate -p playgate-loadtest
rm -rf "$work" && mkdir -p "$work"
"$bin/playgate" demo-data --data-dir "$work/data" >/dev/null

# shellcheck source=loadtest/lib.sh
. "$root/loadtest/lib.sh"

# bench NAME URL: warm-up, then the measured run; requests/s and latency.
bench() {
  taskset -c 1 wrk -t1 -c"$conns" -d3s -H 'nv-tenant-id: demo' "$2" >/dev/null
  local out
  out=$(taskset -c 1 wrk -t1 -c"$conns" -d"${duration}s" --latency -H 'nv-tenant-id: demo' "$2")
  local rps p50 p99
  rps=$(printf '%s\n' "$out" | awk '/^Requests\/sec/{print $2}')
  p50=$(printf '%s\n' "$out" | awk '$1=="50%"{print $2}')
  p99=$(printf '%s\n' "$out" | awk '$1=="99%"{print $2}')
  printf '%-34s %10s req/s   p50 %-8s p99 %s\n' "$1" "$rps" "$p50" "$p99"
}

PLAYGATE_SERVER__WORKERS=1 PLAYGATE_LOG__LEVEL=warn \
  taskset -c 0 "$bin/playgate" serve --listen "127.0.0.1:$port" --data-dir "$work/data" \
  >>"$work/node.log" 2>&1 &
pid=$!
wait_ready "http://127.0.0.1:$port/readyz"
base="http://127.0.0.1:$port"
image="$base/images/v1/image/imageid/img-movies-backdrop?width=450&height=253"
item="$base/api/items/ed-vod-entitled"
list="$base/api/lists/n-movies?page_size=12"
mds="$base/metadata/delivery/v2/GLOBAL/vod/editorials?filter=%7B%22nodeRefs%22%3A%22n-movies%22%7D&limit=12"
declare -A size
for name in image item list mds; do
  url=${!name}
  size[$name]=$(curl -s -H 'nv-tenant-id: demo' -o /dev/null -w '%{size_download}' "$url")
  code=$(curl -s -H 'nv-tenant-id: demo' -o /dev/null -w '%{http_code}' "$url")
  [ "$code" = 200 ] || { echo "$name answered $code" >&2; exit 1; }
done
bench "IM-1 cached variant (${size[image]} B)" "$image"
bench "Rocket item (${size[item]} B)" "$item"
bench "Rocket list page (${size[list]} B)" "$list"
bench "MDS v2 node browse (${size[mds]} B)" "$mds"
stop

for name in image item list mds; do
  PLAYGATE_FLOOR_BODY_BYTES=${size[$name]} PLAYGATE_FLOOR_WORKERS=1 \
    taskset -c 0 "$bin/floor" "127.0.0.1:$floor_port" >>"$work/floor.log" 2>&1 &
  pid=$!
  wait_ready "http://127.0.0.1:$floor_port/"
  bench "floor answering ${size[$name]} B" "http://127.0.0.1:$floor_port/"
  stop
done

#!/usr/bin/env bash
# Time from `playgate serve` start to /readyz 200 (the first snapshot built
# from the store), and the process's resident memory 2 s later (VmRSS, and
# its anonymous and file-backed parts).
#
#   loadtest/startup.sh DATA_DIR [PORT]
#   PLAYGATE_STORAGE__DATABASE_URL=postgres://... loadtest/startup.sh DATA_DIR [PORT]
#
# Uses target/release/playgate (build it first: cargo build --release).
set -euo pipefail
dir=${1:?data dir}
port=${2:-18080}
bin=$(dirname "$0")/../target/release/playgate
start=$(date +%s.%N)
"$bin" serve --listen "127.0.0.1:$port" --data-dir "$dir" >/dev/null 2>&1 &
pid=$!
trap 'kill -INT $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do
  kill -0 "$pid" 2>/dev/null || { echo "playgate exited" >&2; exit 1; }
  sleep 0.05
done
end=$(date +%s.%N)
sleep 2
read -r rss anon file < <(awk '/^VmRSS/{r=$2} /^RssAnon/{a=$2} /^RssFile/{f=$2} END{print r, a, f}' "/proc/$pid/status")
echo "ready after $(echo "$end - $start" | bc) s; VmRSS ${rss} kB (anonymous ${anon} kB, file ${file} kB)"

#!/usr/bin/env bash
# The activity load test, in one command: bookmark writes through HTTP on one
# node over PostgreSQL with the 1M-account bulk tenant, the 50 most recent
# bookmarks read back under that write load, and content tokens with and
# without it, beside the HTTP floor. The node (one worker thread) and the
# floor run on core 0, wrk on core 1, PostgreSQL where the kernel puts it.
#
#   loadtest/activity.sh
#
# Steps: release build; the bulk tenant written once into the database
# PLAYGATE_LT_PG names (kept while it holds PLAYGATE_LT_ACCOUNTS accounts);
# `requests activity` (bookmark writes and reads of sampled profiles) and
# `requests write` (content tokens); then, each a warm-up and a measured
# run: the floor; content tokens alone; bookmark writes alone; bookmark
# writes with recent-bookmark reads beside them; content tokens with a
# bookmark write load beside them. Rows land in activity_records at the
# end of the run (counted).
#
# Settings (environment): PLAYGATE_LT_PG (postgres://postgres@127.0.0.1:5432/pgactivity),
# PLAYGATE_LT_ACCOUNTS (1000000), PLAYGATE_LT_DURATION seconds per measured
# run (20), PLAYGATE_LT_CONNECTIONS (64). Needs wrk, taskset, curl, psql.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
pg=${PLAYGATE_LT_PG:-postgres://postgres@127.0.0.1:5432/pgactivity}
accounts=${PLAYGATE_LT_ACCOUNTS:-1000000}
duration=${PLAYGATE_LT_DURATION:-20}
conns=${PLAYGATE_LT_CONNECTIONS:-64}
port=18082
floor_port=18092
bin=$root/target/release
lua=$root/loadtest/wrk/requests.lua
work=$root/target/loadtest/activity
for tool in wrk taskset curl psql; do
  command -v "$tool" >/dev/null || { echo "activity.sh needs $tool (apt-get install wrk util-linux curl postgresql-client)" >&2; exit 1; }
done
cargo build --release -p playgate -p playgate-loadtest
rm -rf "$work" && mkdir -p "$work"
export PLAYGATE_STORAGE__DATABASE_URL=$pg
admin=${pg%/*}/postgres
db=${pg##*/}
psql -q "$admin" -tc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1 \
  || psql -q "$admin" -c "CREATE DATABASE $db"
have=$(psql -q "$pg" -tAc "SELECT count(*) FROM accounts WHERE tenant_id = 'load'" 2>/dev/null || echo 0)
if [ "$have" != "$accounts" ]; then
  echo "== bulk tenant: $accounts accounts into $pg"
  psql -q "$admin" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
  "$bin/playgate" demo-data --accounts "$accounts" --seed 42 --tenant load
fi
psql -q "$pg" -c "DELETE FROM activity_records WHERE tenant_id = 'load'"
echo "== request files"
"$bin/requests" activity --tenant load --out "$work/requests"
"$bin/requests" write --tenant load --out "$work/requests" --lines 50000 >/dev/null

# shellcheck source=loadtest/lib.sh
. "$root/loadtest/lib.sh"

# run NAME FILE PORT CONNECTIONS: the measured run's PLAYGATE_RESULT line.
run() {
  PLAYGATE_REQUESTS=$2 taskset -c 1 wrk -t1 -c"$4" -d"${duration}s" --timeout 5s -s "$lua" "http://127.0.0.1:$3" \
    | grep '^PLAYGATE_RESULT' | sed "s/^PLAYGATE_RESULT/$1/"
}
warm() {
  PLAYGATE_REQUESTS=$1 taskset -c 1 wrk -t1 -c"$3" -d3s --timeout 5s -s "$lua" "http://127.0.0.1:$2" >/dev/null
}
req=$work/requests

PLAYGATE_FLOOR_WORKERS=1 taskset -c 0 "$bin/floor" "127.0.0.1:$floor_port" >>"$work/floor.log" 2>&1 &
pid=$!
wait_ready "http://127.0.0.1:$floor_port/"
warm "$req/content_token.txt" "$floor_port" "$conns"
run floor "$req/content_token.txt" "$floor_port" "$conns" | tee -a "$work/results.txt"
stop

PLAYGATE_SERVER__WORKERS=1 PLAYGATE_LOG__LEVEL=warn \
  taskset -c 0 "$bin/playgate" serve --listen "127.0.0.1:$port" >>"$work/node.log" 2>&1 &
pid=$!
wait_ready "http://127.0.0.1:$port/readyz"
warm "$req/content_token.txt" "$port" "$conns"
run content_token_alone "$req/content_token.txt" "$port" "$conns" | tee -a "$work/results.txt"
warm "$req/bookmark_put.txt" "$port" "$conns"
run bookmark_put_alone "$req/bookmark_put.txt" "$port" "$conns" | tee -a "$work/results.txt"
# Reads under the write load: both at once, reads on 8 connections.
run bookmarks_recent_under_writes "$req/bookmarks_recent.txt" "$port" 8 >"$work/reads.txt" &
reads=$!
run bookmark_put_beside_reads "$req/bookmark_put.txt" "$port" "$((conns - 8))" | tee -a "$work/results.txt"
wait "$reads"; tee -a "$work/results.txt" <"$work/reads.txt"
run bookmarks_recent_alone "$req/bookmarks_recent.txt" "$port" 8 | tee -a "$work/results.txt"
# Content tokens with a write load beside them (4 connections of writes).
run bookmark_put_beside_tokens "$req/bookmark_put.txt" "$port" 4 >"$work/writes.txt" &
writes=$!
run content_token_beside_writes "$req/content_token.txt" "$port" "$conns" | tee -a "$work/results.txt"
wait "$writes"; tee -a "$work/results.txt" <"$work/writes.txt"
stop
echo "rows in activity_records: $(psql -q "$pg" -tAc "SELECT count(*) FROM activity_records WHERE tenant_id = 'load'")"

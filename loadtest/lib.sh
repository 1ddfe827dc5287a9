# Shell helpers the load-test scripts share (sourced, not run): the server
# a script started (its pid in $pid) stopped, and a wait for a URL to answer.

pid=
# stop: ends the server in $pid (if any) and waits for it.
stop() {
  if [ -n "$pid" ]; then
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    pid=
  fi
}
trap stop EXIT

# wait_ready URL: until URL answers 2xx; fails if the server in $pid exits.
wait_ready() {
  local url=$1
  until curl -sf -o /dev/null "$url"; do
    kill -0 "$pid" 2>/dev/null || { echo "server exited" >&2; exit 1; }
    sleep 0.1
  done
}

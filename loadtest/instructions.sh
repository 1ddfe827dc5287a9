#!/usr/bin/env bash
# Instructions per whole request, in-process, counted by callgrind: the
# benches of benches/requests.rs run under valgrind with collection on only
# inside the request (`in_process::send`), divided by the number of requests
# (`in_process::send` calls `in_process::request_sent`, never inlined, once
# per request). Unlike a timing, the count does not drift with what else the
# machine is doing, so two commits compare on it.
#
#   loadtest/instructions.sh [bench-name ...]
#
# Default benches: request_healthz request_content_token_HS256
# request_url_builder_akamai request_token_validate request_in_house.
# PROFILE_TIME (seconds, default 8) is how long each bench runs: one-time
# costs inside the measured span are divided by the requests counted, and
# 2 s runs (3 000-6 000 requests) moved by up to +-300 per request between
# runs of one binary. Caveat: valgrind hides SHA-NI, so ring's SHA-256 runs its AVX code under
# it and HMAC weighs more here than on the real core. Needs valgrind.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
command -v valgrind >/dev/null || { echo "instructions.sh needs valgrind (apt-get install valgrind)" >&2; exit 1; }
benches=("$@")
[ ${#benches[@]} -gt 0 ] || benches=(request_healthz request_content_token_HS256 request_url_builder_akamai request_token_validate request_in_house)

bin=$(cargo bench --bench requests --no-run --message-format=json 2>/dev/null |
  python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "requests" and m.get("executable"):
        print(m["executable"])')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for name in "${benches[@]}"; do
  out=$work/$name.out
  valgrind --tool=callgrind --callgrind-out-file="$out" --collect-atstart=no \
    '--toggle-collect=requests::in_process::send*' \
    "$bin" --bench --profile-time "${PROFILE_TIME:-8}" "$name\$" >"$work/$name.log" 2>&1
  python3 - "$out" "$name" <<'EOF'
import re, sys
path, name = sys.argv[1], sys.argv[2]
names, total, requests, cfn = {}, 0, 0, None
for line in open(path):
    m = re.match(r'(c?fn)=\((\d+)\)(?: (.*))?', line)
    if m:
        kind, i, n = m.groups()
        if n:
            names[i] = n
        if kind == 'cfn':
            cfn = i
        continue
    if line.startswith('summary:') or line.startswith('totals:'):
        total = int(line.split()[1])
    m = re.match(r'calls=(\d+)', line)
    if m and names.get(cfn, '').endswith('in_process::request_sent'):
        requests += int(m.group(1))
if not requests:
    sys.exit(f"{name}: no request counted")
print(f"{name}: {total // requests} instructions per request ({requests} requests)")
EOF
done

#!/usr/bin/env python3
"""The load test's report (used by loadtest/run.sh).

  report.py criterion-median < criterion-output    the first bench's median, microseconds
  report.py table RESULTS.tsv --es256-sign US --command CMD [--perf docs/PERF.md]

`table` prints the per-endpoint table and the goals, and with --perf
replaces the part of PERF.md between its loadtest markers (or appends one).
"""
import argparse
import datetime
import os
import re
import subprocess
import sys

BEGIN = "<!-- loadtest:begin -->"
END = "<!-- loadtest:end -->"

LABELS = {
    "content_token": "content token, HS256 (`POST /ias/v2/content_token`)",
    "content_token_es256": "content token, ES256",
    "url_builder_akamai": "URL Builder, Akamai EdgeAuth (`GET /urlbuilder/v1/playout/content/token`)",
    "url_builder_cat": "URL Builder, CTA-5007 CAT",
    "rmg_entitlements": "RMG entitlements (`GET /rmg/v1/user/entitlements`)",
    "in_house": "in-house test (`GET /lds/v1/user/inhouse`)",
    "token_validate": "token validation (`POST /tvs/v1/token/actions/validate`)",
}
FLOOR_LABELS = {
    "floor_first": "floor (first run)",
    "floor_last": "floor (last run)",
    "floor_sized": "floor answering {bytes} bytes",
}
ORDER = ["content_token", "content_token_es256", "url_builder_akamai", "url_builder_cat",
         "rmg_entitlements", "in_house", "token_validate"]


def criterion_median():
    text = sys.stdin.read()
    m = re.search(r"time:\s+\[\S+ \S+ (\S+) (\S+) \S+ \S+\]", text)
    if not m:
        sys.exit("no criterion estimate in the input")
    value, unit = float(m.group(1)), m.group(2)
    scale = {"ns": 1e-3, "µs": 1.0, "us": 1.0, "ms": 1e3, "s": 1e6}[unit]
    print(f"{value * scale:.2f}")


def read(path):
    rows = {}
    for line in open(path):
        name, rest = line.rstrip("\n").split("\t", 1)
        rows[name] = {k: float(v) for k, v in (kv.split("=") for kv in rest.split())}
    return rows


def machine():
    model = "unknown CPU"
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    mem = 0
    for line in open("/proc/meminfo"):
        if line.startswith("MemTotal"):
            mem = int(line.split()[1]) // (1024 * 1024)
    return f"{os.cpu_count()} cores ({model}), {mem} GiB"


def commit():
    try:
        rev = subprocess.check_output(["git", "rev-parse", "--short", "HEAD"], text=True).strip()
        dirty = subprocess.call(["git", "diff", "--quiet", "HEAD"]) != 0
        return rev + (" + uncommitted changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def table(args):
    rows = read(args.results)
    floors = [rows[n]["rps"] for n in ("floor_first", "floor_last") if n in rows]
    floor = sum(floors) / len(floors)
    floor_us = 1e6 / floor
    floor_rows = [rows[n] for n in ("floor_first", "floor_last") if n in rows]
    floor_cpu = sum(cpu_us(r) for r in floor_rows) / len(floor_rows)
    out = []
    out.append(f"Run of {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, "
               f"commit {commit()}, {machine()}.")
    out.append(f"Command: `{args.command}`; wrk `-t1 -c{args.connections} -d{args.duration}s` "
               f"on core 1, each server on core 0 with one worker thread; after a 5 s warm-up.")
    out.append("")
    out.append("| endpoint | req/s | µs/req | over the floor | of the floor | server CPU µs/req (user + system) | p50 | p99 | p99.9 | errors | refused | server CPU | RSS |")
    out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name in ("floor_first", "floor_last", "floor_sized"):
        if name in rows:
            r = rows[name]
            label = FLOOR_LABELS[name].format(bytes=args.sized_bytes)
            out.append(f"| {label} | {r['rps']:,.0f} | {1e6 / r['rps']:.2f} | – | "
                       f"{r['rps'] / floor:.0%} | {cpu_split(r)} | {ms(r['p50_us'])} | {ms(r['p99_us'])} | {ms(r['p999_us'])} | "
                       f"{errors(r)} | – | {r['cpu_pct']:.0f}% | {r['rss_kb'] / 1024:.0f} MiB |")
    for name in ORDER:
        if name not in rows:
            continue
        r = rows[name]
        us = 1e6 / r["rps"]
        refused = r["refused"] / max(r["answered"], 1)
        out.append(f"| {LABELS[name]} | {r['rps']:,.0f} | {us:.2f} | +{us - floor_us:.2f} µs | "
                   f"{r['rps'] / floor:.0%} | {cpu_split(r)} | {ms(r['p50_us'])} | {ms(r['p99_us'])} | {ms(r['p999_us'])} | "
                   f"{errors(r)} | {refused:.1%} | {r['cpu_pct']:.0f}% | {r['rss_kb'] / 1024:.0f} MiB |")
    out.append("")
    out.append(f"The floor is the mean of its first and last runs ({floor:,.0f} req/s, {floor_us:.2f} µs/req); "
               "the sized floor is the same server answering as many bytes as a content token "
               "answer, to show what the answer's size alone costs. "
               "`server CPU µs/req` is the server process's CPU time (user + system, from "
               "/proc) per answered request, split into user and system (kernel) time: where a "
               "server is not at 100% of its core (the floor: wrk on one core cannot quite "
               "saturate it) it is the fairer measure of cost. `errors` counts socket errors, timeouts and answers with a status no request of "
               "the file expects; `refused` is the share of expected refusals (403/404) answered. "
               "Every request of every file was first sent once and answered with the status "
               "the store predicts (`requests check`).")
    out.append("")
    out.append("Goals:")
    goals = []
    ct = rows.get("content_token")
    if ct:
        ratio = ct["rps"] / floor
        ok = ratio >= 0.75 and ct["p99_us"] <= 2000 and errors(ct) == 0
        goals.append((ok, f"content token HS256 ≥ 75% of the floor, p99 ≤ 2 ms, no errors: "
                          f"{ratio:.0%} ({floor_cpu / cpu_us(ct):.0%} by server CPU per request), "
                          f"p99 {ms(ct['p99_us'])}, {errors(ct)} errors"))
    for name in ("url_builder_akamai", "url_builder_cat"):
        r = rows.get(name)
        if r:
            ratio = r["rps"] / floor
            ok = ratio >= 0.65 and errors(r) == 0
            goals.append((ok, f"{LABELS[name].split(' (')[0]} ≥ 65% of the floor, no errors: "
                              f"{ratio:.0%} ({floor_cpu / cpu_us(r):.0%} by server CPU per request), "
                              f"{errors(r)} errors"))
    es = rows.get("content_token_es256")
    if es:
        budget = floor_us + args.es256_sign + 3
        us = 1e6 / es["rps"]
        goals.append((us <= budget and errors(es) == 0,
                      f"content token ES256 ≤ floor + ES256 sign ({args.es256_sign:.2f} µs, criterion, "
                      f"this run) + 3 µs = {budget:.2f} µs/req: {us:.2f} µs/req, {errors(es)} errors"))
    rss = max((r["rss_kb"] for n, r in rows.items() if not n.startswith("floor")), default=0)
    goals.append((rss <= 1024 * 1024, f"resident memory with the dataset loaded ≤ 1 GiB: "
                                      f"{rss / 1024:.0f} MiB at most"))
    for ok, text in goals:
        out.append(f"- {'**met**' if ok else '**missed**'}: {text}")
    sized = rows.get("floor_sized")
    if sized and ct:
        out.append("")
        out.append(f"Beside the sized floor ({sized['rps']:,.0f} req/s, {cpu_us(sized):.2f} µs of server "
                   f"CPU per request), the content token is at {ct['rps'] / sized['rps']:.0%} of its "
                   f"req/s and costs +{cpu_us(ct) - cpu_us(sized):.2f} µs of server CPU per request.")
    report = "\n".join(out)
    print(report)
    if args.perf:
        update(args.perf, report)
    return 0


def cpu_split(r):
    """`total (user + system)` server CPU per request, microseconds."""
    total = cpu_us(r)
    if "user_pct" not in r:
        return f"{total:.2f}"
    user = r["user_pct"] / 100 * 1e6 / r["rps"]
    return f"{total:.2f} ({user:.2f} + {total - user:.2f})"


def cpu_us(r):
    """Server CPU time per request (user + system), microseconds."""
    return r["cpu_pct"] / 100 * 1e6 / r["rps"]


def ms(us):
    return f"{us / 1000:.2f} ms"


def errors(r):
    return int(r["socket_errors"] + r["timeouts"] + r["unexpected"])


def update(path, report):
    text = open(path).read()
    block = f"{BEGIN}\n{report}\n{END}"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        text = head + block + tail
    else:
        text = text.rstrip("\n") + "\n\n## Whole requests under load (`loadtest/run.sh`)\n\n" + block + "\n"
    open(path, "w").write(text)


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("criterion-median")
    t = sub.add_parser("table")
    t.add_argument("results")
    t.add_argument("--es256-sign", type=float, required=True)
    t.add_argument("--command", required=True)
    t.add_argument("--connections", default="64")
    t.add_argument("--duration", default="30")
    t.add_argument("--sized-bytes", default="?", help="the sized floor's answer, bytes")
    t.add_argument("--perf")
    args = parser.parse_args()
    if args.cmd == "criterion-median":
        criterion_median()
        return 0
    return table(args)


if __name__ == "__main__":
    sys.exit(main())

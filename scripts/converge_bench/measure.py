"""Measurements for the converge benchmark, each printed as JSON on stdout:

  metrics URL                   trustline_aws_requests_total and trustline_iam_writes_total
                                from the operator's Prometheus /metrics
  kube-requests LOG FROM TO     requests in lines [FROM, TO) of kube-test-server's -v log,
                                leaving out the benchmark's own (label selector trustline-bench)
  lines LOG                     number of lines in the log now
  rss PID                       VmHWM and VmRSS of a process, in KiB, from /proc/PID/status, its
                                Rss and Anonymous from /proc/PID/smaps_rollup, and its CPU
                                seconds (user + system) from /proc/PID/stat
  period WORK K                 one line on resync period K of the steady-state window: its IAM
                                calls and Kubernetes requests, from the files the script wrote
  seconds DURATION              a Go-style duration (500ms, 5s, 1m, 1h30m) in seconds
"""
import json
import os
import re
import sys
import urllib.request

SAMPLE = re.compile(r'^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?P<labels>[^}]*)\})?\s+(?P<value>\S+)')
LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')
# kube-test-server -v: "... GET /apis/...?a=b -> 200 [application/json]"
REQUEST = re.compile(r'\b(GET|POST|PUT|PATCH|DELETE) (/\S*) -> (\d{3})\b')
BENCH_MARKER = "trustline-bench"


def parse_metrics(text):
    """Prometheus text exposition -> {"aws_requests": [{service, action, code, count}], "iam_writes": {action: count},
    "orphan_roles_deleted": count}."""
    aws, writes, orphans = [], {}, 0.0
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        match = SAMPLE.match(line)
        if not match:
            continue
        labels = dict(LABEL.findall(match["labels"] or ""))
        value = float(match["value"])
        if match["name"] == "trustline_aws_requests_total":
            aws.append({"service": labels.get("service", ""), "action": labels.get("action", ""),
                        "code": labels.get("code", ""), "count": value})
        elif match["name"] == "trustline_iam_writes_total":
            writes[labels.get("action", "")] = writes.get(labels.get("action", ""), 0) + value
        elif match["name"] == "trustline_orphan_roles_deleted_total":
            orphans += value
    return {"aws_requests": aws, "iam_writes": writes, "orphan_roles_deleted": orphans}


def fetch_metrics(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return parse_metrics(response.read().decode())


def kube_requests(log_path, first, last):
    """Counts the requests logged in lines [first, last) by verb and resource kind."""
    by_verb, by_path, total, own = {}, {}, 0, 0
    with open(log_path, errors="replace") as log:
        for number, line in enumerate(log):
            if number < first:
                continue
            if number >= last:
                break
            match = REQUEST.search(line)
            if not match:
                continue
            method, target, _ = match.groups()
            if BENCH_MARKER in target:
                own += 1
                continue
            total += 1
            path, _, query = target.partition("?")
            verb = method
            if method == "GET":
                verb = "WATCH" if "watch=true" in query else "GET"
            by_verb[verb] = by_verb.get(verb, 0) + 1
            kind = kind_of(path)
            by_path[f"{verb} {kind}"] = by_path.get(f"{verb} {kind}", 0) + 1
    return {"total": total, "by_verb": by_verb, "by_kind": by_path, "benchmark_own_requests_left_out": own}


def kind_of(path):
    """/api/v1/namespaces/x/serviceaccounts/y -> serviceaccounts; /apis/g/v/namespaces/x/p/n/status -> p/status."""
    parts = [part for part in path.split("/") if part]
    if parts[:1] == ["api"]:
        parts = parts[2:]
    elif parts[:1] == ["apis"]:
        parts = parts[3:]
    if parts[:1] == ["namespaces"] and len(parts) >= 3:
        parts = parts[2:]
    if not parts:
        return path or "/"
    kind = parts[0]
    if len(parts) >= 3:
        kind += "/" + parts[2]
    return kind


def count_lines(log_path):
    with open(log_path, "rb") as log:
        return sum(1 for _ in log)


def rss(pid):
    values = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                values[key] = int(rest.split()[0])
    # Where the resident pages are: anonymous (heap, stacks) or file-backed (the mapped binary).
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                key, _, rest = line.partition(":")
                if key in ("Anonymous", "Rss"):
                    values[f"smaps_{key}"] = int(rest.split()[0])
    except OSError:
        pass
    with open(f"/proc/{pid}/stat") as stat:
        # The command name (field 2) may hold spaces; utime and stime are fields 14 and 15.
        fields = stat.read().rpartition(")")[2].split()
    values["cpu_seconds"] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return values


def iam_total(metrics):
    return sum(sample["count"] for sample in metrics["aws_requests"] if sample["service"] == "iam")


def period(work, index):
    """The progress line of one steady-state period (the report prints the full table)."""
    def load(name):
        with open(os.path.join(work, name)) as file:
            return json.load(file)
    calls = iam_total(load(f"metrics_steady_{index}.json")) - iam_total(load(f"metrics_steady_{index - 1}.json"))
    return f"resync period {index}: IAM calls {calls:.0f}, Kubernetes requests {load(f'kube_steady_{index}.json')['total']}"


def seconds(text):
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}
    parts = re.findall(r'(\d+(?:\.\d+)?)(ms|s|m|h)', text)
    if not parts or "".join(number + unit for number, unit in parts) != text:
        raise SystemExit(f"--resync-period: cannot read '{text}'; write e.g. 5s, 30s, 1m or 1m30s")
    return sum(float(number) * units[unit] for number, unit in parts)


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    command, args = sys.argv[1], sys.argv[2:]
    if command == "metrics":
        result = fetch_metrics(args[0])
    elif command == "kube-requests":
        result = kube_requests(args[0], int(args[1]), int(args[2]))
    elif command == "lines":
        result = count_lines(args[0])
    elif command == "rss":
        result = rss(args[0])
    elif command == "seconds":
        result = seconds(args[0])
    elif command == "period":
        print(period(args[0], int(args[1])))
        return
    else:
        raise SystemExit(f"measure: unknown command {command}\n{__doc__}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()

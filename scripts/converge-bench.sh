#!/usr/bin/env bash
# Issue 4's benchmark: converge N WorkloadAwsAccess resources (one inline and one managed policy
# each) from empty against kube-test-server and moto, and compare with the floor the IAM endpoint
# allows (a boto3 script making only CreateRole, PutRolePolicy and AttachRolePolicy per resource
# at the same concurrency against the same moto, in a separate moto account).
#
# Reports: wall time from operator start to all Ready and its ratio to the floor, IAM calls per
# resource by action (operator /metrics), Kubernetes requests per resource (kube-test-server -v
# request log, the benchmark's own requests left out), peak RSS of the operator (VmHWM), and IAM
# writes, IAM calls and Kubernetes requests per resync period after convergence (the drift pass).
# Everything it starts is stopped on exit.
#
# Usage: scripts/converge-bench.sh [--count N] [--concurrency C] [--resync-period 5s] [--steady-periods K] [--bin-dir DIR]
#   --count N            resources to converge (default 100; issue 14's targets are at 1000 and 10000)
#   --concurrency C      operator --concurrency and boto3 floor threads (default 4)
#   --resync-period D    operator --resync-period (default 5s); at N = 10000 give it long enough
#                        for one drift pass to finish (e.g. 3m with per-role checks)
#   --steady-periods K   resync periods watched after convergence, each reported (default 3)
#   --bin-dir DIR        folder with trustline and kube-test-server (default .build/release if
#                        present, else .build/debug); this script never builds
# Env: BENCH_TIMEOUT (seconds to wait for all Ready, default 600 + 0.2 s per resource),
#      BENCH_KEEP=1 keeps the work folder, BENCH_HEAPTRACK=FILE.gz records the operator's heap
#      with heaptrack's preload library (read it with heaptrack_print FILE.gz; slows the operator
#      and adds to its RSS, so use it for where the memory goes, not for the timings).
# Needs: kubectl, python3 with moto[server], boto3 and kubernetes.
# Exit status: 0 when the benchmark ran (targets met or not, see the table); non-zero on failure.
set -euo pipefail

script="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
repo="$(dirname "$(dirname "$script")")"
caller_dir="$PWD"
cd "$repo"

say() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }
fail() { printf '\nconverge-bench failed: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '2,20p' "$script" | sed 's/^# \{0,1\}//'; }
# shellcheck source=lib/local-stack.sh
source "$repo/scripts/lib/local-stack.sh"

count=100
concurrency=4
resync_period=5s
steady_periods=3
bin_dir=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --count) [[ $# -ge 2 ]] || fail "--count needs a value"; count="$2"; shift 2 ;;
    --concurrency) [[ $# -ge 2 ]] || fail "--concurrency needs a value"; concurrency="$2"; shift 2 ;;
    --resync-period) [[ $# -ge 2 ]] || fail "--resync-period needs a value"; resync_period="$2"; shift 2 ;;
    --steady-periods) [[ $# -ge 2 ]] || fail "--steady-periods needs a value"; steady_periods="$2"; shift 2 ;;
    --bin-dir) [[ $# -ge 2 ]] || fail "--bin-dir needs a value"; bin_dir="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) fail "unknown argument '$1'; see --help" ;;
  esac
done
[[ "$count" =~ ^[1-9][0-9]*$ ]] || fail "--count must be a positive integer, got '$count'"
[[ "$concurrency" =~ ^[1-9][0-9]*$ ]] || fail "--concurrency must be a positive integer, got '$concurrency'"
[[ "$steady_periods" =~ ^[1-9][0-9]*$ ]] || fail "--steady-periods must be a positive integer, got '$steady_periods'"
if [[ -z "$bin_dir" ]]; then
  if [[ -x .build/release/trustline && -x .build/release/kube-test-server ]]; then bin_dir=.build/release; else bin_dir=.build/debug; fi
fi
case "$bin_dir" in /*|.build/*) ;; *) bin_dir="$caller_dir/$bin_dir" ;; esac
resolved_bin_dir="$(cd "$bin_dir" 2>/dev/null && pwd)" || fail "--bin-dir: no folder '$bin_dir'"
bin_dir="$resolved_bin_dir"
[[ -x "$bin_dir/trustline" && -x "$bin_dir/kube-test-server" ]] \
  || fail "no trustline and kube-test-server in $bin_dir; build them (swift build -c release --static-swift-stdlib --product trustline; swift build -c release --product kube-test-server) or pass --bin-dir"
# The shipped build links the Swift runtime statically; a dynamic one maps about 5 MiB more code.
if command -v ldd >/dev/null && ldd "$bin_dir/trustline" 2>/dev/null | grep -q libswiftCore; then
  printf 'note: %s/trustline links the Swift runtime dynamically; build it with --static-swift-stdlib to measure RSS as shipped\n' "$bin_dir" >&2
fi
debug=false
case "$bin_dir" in */debug|*/debug/*|*-debug*) debug=true ;; esac

need kubectl "install kubectl (https://kubernetes.io/docs/tasks/tools/)"
need python3 "install Python 3"
need moto_server "install it with: pip install 'moto[server]' boto3"
python3 -c 'import boto3' 2>/dev/null || fail "python3 cannot import boto3; install it with: pip install boto3"
python3 -c 'import kubernetes' 2>/dev/null || fail "python3 cannot import kubernetes; install it with: pip install kubernetes"

export PYTHONDONTWRITEBYTECODE=1
export PYTHONPATH="$repo/scripts${PYTHONPATH:+:$PYTHONPATH}"
py() { python3 -m "converge_bench.$1" "${@:2}"; }
resync_seconds="$(py measure seconds "$resync_period")" || fail "--resync-period: cannot read '$resync_period'"
# Converging takes about 20 ms of IAM per call, three calls per resource, on this kind of machine:
# the wait scales with N so that N = 10000 is not cut off at a fixed limit.
timeout_seconds="${BENCH_TIMEOUT:-$((600 + count / 5))}"
[[ "$timeout_seconds" =~ ^[1-9][0-9]*$ ]] || fail "BENCH_TIMEOUT must be a positive number of seconds, got '$timeout_seconds'"
namespace=converge-bench

work="$(mktemp -d "${TMPDIR:-/tmp}/converge-bench.XXXXXX")"
stack_stop_on_exit "${BENCH_KEEP:-0}" 30

say "converge-bench: N=$count, concurrency=$concurrency, resync period $resync_period x $steady_periods, binaries $bin_dir$([[ $debug == true ]] && echo ' (DEBUG build)')"

say "Starting moto_server (IAM and STS, AWS managed policies loaded)"
stack_start_moto 30
echo "moto: $moto_url" >&2

say "Starting kube-test-server (request log on)"
kube_log="$work/kube-test-server.log"
stack_start_kube_test_server "$bin_dir" "$kube_log" --verbose
kubectl get namespaces >/dev/null || fail "kubectl cannot reach kube-test-server"

say "Floor: boto3, minimal IAM calls for $count resources with $concurrency threads (moto account 111111111111)"
py boto3_floor --endpoint "$moto_url" --count "$count" --concurrency "$concurrency" --account-id 111111111111 \
  >"$work/floor.json" || fail "the boto3 floor failed (see above)"
python3 -c 'import json,sys; print("floor wall time: %.2fs" % json.load(open(sys.argv[1]))["wall_seconds"])' "$work/floor.json" >&2

say "Applying crds/ and creating $count WorkloadAwsAccess resources in namespace $namespace"
stack_apply_crds >&2
py kube_resources create --kubeconfig "$KUBECONFIG" --namespace "$namespace" --count "$count" \
  --threads "$((concurrency > 16 ? concurrency : 16))" || fail "creating the resources failed"
# Warm moto's default account (the operator's) outside the timing, as the floor did for its own:
# moto loads the AWS managed policies when an account is first used.
python3 - "$moto_url" <<'PY' || fail "moto warm-up failed"
import sys, boto3
boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1", aws_access_key_id="testing",
             aws_secret_access_key="testing").list_roles(MaxItems=1)
PY

heaptrack_raw=""
if [[ -n "${BENCH_HEAPTRACK:-}" ]]; then
  need heaptrack "install heaptrack (apt-get install heaptrack) or unset BENCH_HEAPTRACK"
  heaptrack_lib="$(dirname "$(readlink -f "$(command -v heaptrack)")")/../lib/heaptrack"
  [[ -f "$heaptrack_lib/libheaptrack_preload.so" && -x "$heaptrack_lib/libexec/heaptrack_interpret" ]] \
    || fail "BENCH_HEAPTRACK: no libheaptrack_preload.so and libexec/heaptrack_interpret under $heaptrack_lib"
  heaptrack_raw="$work/heaptrack.raw"
  stack_operator_env=("LD_PRELOAD=$heaptrack_lib/libheaptrack_preload.so" "DUMP_HEAPTRACK_OUTPUT=$heaptrack_raw")
fi

say "Starting trustline run (log: $work/operator.log) and waiting for all $count Ready (up to ${timeout_seconds}s)"
kube_start_line="$(py measure lines "$kube_log")"
start_epoch="$(python3 -c 'import time; print(repr(time.time()))')"
stack_start_operator "$bin_dir" bench "$resync_period" --concurrency "$concurrency"

py kube_resources wait-ready --kubeconfig "$KUBECONFIG" --namespace "$namespace" --count "$count" \
  --since "$start_epoch" --timeout "$timeout_seconds" >"$work/ready.json" \
  || fail "not every resource became Ready; $(cat "$work/ready.json" 2>/dev/null)"
kill -0 "$operator_pid" 2>/dev/null || fail "the operator exited"
kube_ready_line="$(py measure lines "$kube_log")"
py measure rss "$operator_pid" >"$work/rss_ready.json"
metrics_port="$(stack_metrics_port)"
[[ -n "$metrics_port" ]] || fail "the metrics port is not in the operator log ($work/operator.log)"
metrics_url="http://127.0.0.1:$metrics_port/metrics"
py measure metrics "$metrics_url" >"$work/metrics_ready.json" || fail "cannot read $metrics_url"
python3 -c 'import json,sys; print("all Ready after %.2fs" % json.load(open(sys.argv[1]))["wall_seconds"])' "$work/ready.json" >&2
py measure kube-requests "$kube_log" "$kube_start_line" "$kube_ready_line" >"$work/kube_converge.json"

# Each period is sampled at its end: IAM calls by action (the drift pass), IAM writes and the
# operator's Kubernetes requests. The periods are not aligned with the operator's resync timer
# (+-10% jitter), so one sample may hold a little of the pass before or after.
say "Steady state: $steady_periods resync periods of $resync_period after convergence"
py measure metrics "$metrics_url" >"$work/metrics_steady_0.json"
py measure lines "$kube_log" >"$work/kube_line_0.json"
period_start="$(python3 -c 'import time; print(repr(time.time()))')"
for period in $(seq 1 "$steady_periods"); do
  # Sleep to the period's end from the window's start, so sampling time does not add up.
  python3 -c 'import sys, time; time.sleep(max(0.0, float(sys.argv[1]) + int(sys.argv[2]) * float(sys.argv[3]) - time.time()))' \
    "$period_start" "$period" "$resync_seconds"
  kill -0 "$operator_pid" 2>/dev/null || fail "the operator exited during resync period $period"
  py measure metrics "$metrics_url" >"$work/metrics_steady_$period.json" || fail "cannot read $metrics_url"
  py measure lines "$kube_log" >"$work/kube_line_$period.json"
  py measure kube-requests "$kube_log" "$(cat "$work/kube_line_$((period - 1)).json")" "$(cat "$work/kube_line_$period.json")" \
    >"$work/kube_steady_$period.json"
  py measure period "$work" "$period" >&2
done
py measure rss "$operator_pid" >"$work/rss_end.json"
steady_seconds="$(python3 -c 'import sys; print(int(sys.argv[1]) * float(sys.argv[2]))' "$steady_periods" "$resync_seconds")"

printf '{"count": %s, "concurrency": %s, "resync_period": "%s", "steady_periods": %s, "steady_seconds": %s, "bin_dir": "%s", "debug": %s}\n' \
  "$count" "$concurrency" "$resync_period" "$steady_periods" "$steady_seconds" "$bin_dir" "$debug" >"$work/params.json"
py report "$work" || fail "the report failed"
if [[ -n "$heaptrack_raw" ]]; then
  # The dump is complete once the operator has exited.
  kill -TERM "$operator_pid" 2>/dev/null || true
  wait "$operator_pid" 2>/dev/null || true
  operator_pid=""
  case "$BENCH_HEAPTRACK" in /*) heaptrack_out="$BENCH_HEAPTRACK" ;; *) heaptrack_out="$caller_dir/$BENCH_HEAPTRACK" ;; esac
  "$heaptrack_lib/libexec/heaptrack_interpret" <"$heaptrack_raw" | gzip >"$heaptrack_out" \
    || fail "heaptrack_interpret failed on $heaptrack_raw"
  printf '\nheap profile: %s (heaptrack_print --print-peaks 1 %s)\n' "$heaptrack_out" "$heaptrack_out"
fi

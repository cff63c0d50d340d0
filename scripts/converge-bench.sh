#!/usr/bin/env bash
# Issue 4's benchmark: converge N WorkloadAwsAccess resources (one inline and one managed policy
# each) from empty against kube-test-server and moto, and compare with the floor the IAM endpoint
# allows (a boto3 script making only CreateRole, PutRolePolicy and AttachRolePolicy per resource
# at the same concurrency against the same moto, in a separate moto account).
#
# Reports: wall time from operator start to all Ready and its ratio to the floor, IAM calls per
# resource by action (operator /metrics), Kubernetes requests per resource (kube-test-server -v
# request log, the benchmark's own requests left out), peak RSS of the operator (VmHWM), and IAM
# writes over three resync periods after convergence. Everything it starts is stopped on exit.
#
# Usage: scripts/converge-bench.sh [--count N] [--concurrency C] [--resync-period 5s] [--bin-dir DIR]
#   --count N            resources to converge (default 100; the issue's RSS target is at 1000)
#   --concurrency C      operator --concurrency and boto3 floor threads (default 4)
#   --resync-period D    operator --resync-period; the steady-state window is three of them (default 5s)
#   --bin-dir DIR        folder with trustline and kube-test-server (default .build/release if
#                        present, else .build/debug); this script never builds
# Env: BENCH_TIMEOUT (seconds to wait for all Ready, default 900), BENCH_KEEP=1 keeps the work folder.
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
bin_dir=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --count) [[ $# -ge 2 ]] || fail "--count needs a value"; count="$2"; shift 2 ;;
    --concurrency) [[ $# -ge 2 ]] || fail "--concurrency needs a value"; concurrency="$2"; shift 2 ;;
    --resync-period) [[ $# -ge 2 ]] || fail "--resync-period needs a value"; resync_period="$2"; shift 2 ;;
    --bin-dir) [[ $# -ge 2 ]] || fail "--bin-dir needs a value"; bin_dir="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) fail "unknown argument '$1'; see --help" ;;
  esac
done
[[ "$count" =~ ^[1-9][0-9]*$ ]] || fail "--count must be a positive integer, got '$count'"
[[ "$concurrency" =~ ^[1-9][0-9]*$ ]] || fail "--concurrency must be a positive integer, got '$concurrency'"
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
timeout_seconds="${BENCH_TIMEOUT:-900}"
namespace=converge-bench

work="$(mktemp -d "${TMPDIR:-/tmp}/converge-bench.XXXXXX")"
stack_stop_on_exit "${BENCH_KEEP:-0}" 30

say "converge-bench: N=$count, concurrency=$concurrency, resync period $resync_period, binaries $bin_dir$([[ $debug == true ]] && echo ' (DEBUG build)')"

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
  || fail "creating the resources failed"
# Warm moto's default account (the operator's) outside the timing, as the floor did for its own:
# moto loads the AWS managed policies when an account is first used.
python3 - "$moto_url" <<'PY' || fail "moto warm-up failed"
import sys, boto3
boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1", aws_access_key_id="testing",
             aws_secret_access_key="testing").list_roles(MaxItems=1)
PY

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

steady_seconds="$(python3 -c 'import sys; print(round(3 * float(sys.argv[1]) * 1.1 + 1, 1))' "$resync_seconds")"
say "Steady state: watching IAM writes for ${steady_seconds}s (three resync periods of $resync_period, +10% jitter, +1s)"
py measure metrics "$metrics_url" >"$work/metrics_steady_start.json"
kube_steady_line="$(py measure lines "$kube_log")"
sleep "$steady_seconds"
kill -0 "$operator_pid" 2>/dev/null || fail "the operator exited during the steady-state window"
py measure metrics "$metrics_url" >"$work/metrics_steady_end.json"
py measure kube-requests "$kube_log" "$kube_steady_line" "$(py measure lines "$kube_log")" >"$work/kube_steady.json"
py measure rss "$operator_pid" >"$work/rss_end.json"

printf '{"count": %s, "concurrency": %s, "resync_period": "%s", "steady_seconds": %s, "bin_dir": "%s", "debug": %s}\n' \
  "$count" "$concurrency" "$resync_period" "$steady_seconds" "$bin_dir" "$debug" >"$work/params.json"
py report "$work" || fail "the report failed"

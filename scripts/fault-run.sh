#!/usr/bin/env bash
# Issue 14's fault run: N WorkloadAwsAccess resources converge while IAM and Kubernetes misbehave
# and the operator is SIGKILLed and restarted; then, faults off, nothing may be lost, doubled or
# left behind. README, "Fault run", has the numbers of a full run.
#
# Faults: a proxy in front of moto (scripts/fault_run/iam_fault_proxy.py, seeded) answers 20% of
# IAM calls with Throttling, 5% with HTTP 500 ServiceFailure/InternalFailure, cuts 1% off mid-response
# without forwarding and 1% after moto made the change; kube-test-server (--fault-control) drops
# watches, answers watches with 410, storms of 409 on status writes of trustline.dev, some 429
# and 500 (scripts/fault_run/kube_faults.py); the operator is SIGKILLed --kills times after a seeded
# number of its logged IAM writes, and restarted. Then faults off and the checks of
# scripts/fault_run/report.py: every resource Ready, no orphan role, no resource with two roles, no
# role of ours untagged, foreign roles untouched, IAM writes within the stated bound; then every
# resource deleted: no role of ours left, no resource left (no stuck finalizer), no ServiceAccount
# we created left.
#
# Usage: scripts/fault-run.sh [--count N] [--seed S] [--kills K] [--resync-period D] [--bin-dir DIR]
#                             [--report FILE] [--timeout S]
#   --count N      resources (default 500; the test suite runs N = 50)
#   --seed S       seed of every random choice: IAM faults, Kubernetes faults, kill moments (default 1)
#   --kills K      SIGKILLs of the operator (default 3)
#   --resync-period D  the operator's --resync-period (default 5s): how often its drift pass
#                  reads every role (GetAccountAuthorizationDetails, a call per 1000 roles)
#   --bin-dir DIR  folder with trustline and kube-test-server (default .build/release if both are
#                  there, else .build/debug); this script never builds
#   --report FILE  also write the JSON report there
#   --timeout S    seconds to wait for all Ready after faults off, and for all deleted (default 600)
# Env: FAULT_RUN_KEEP=1 keeps the work folder (logs, report) of a passing run.
# Needs: kubectl, python3 with moto[server], boto3 and kubernetes.
# Exit status: 0 when every check passed, 1 otherwise (the failed checks are printed).
set -euo pipefail

script="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
repo="$(dirname "$(dirname "$script")")"
caller_dir="$PWD"
cd "$repo"

say() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }
fail() { printf '\nfault-run failed: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '2,31p' "$script" | sed 's/^# \{0,1\}//'; }
# shellcheck source=lib/local-stack.sh
source "$repo/scripts/lib/local-stack.sh"

count=500
seed=1
kills=3
bin_dir=""
report=""
timeout_seconds=600
resync_period=5s
while [[ $# -gt 0 ]]; do
  case "$1" in
    --count) [[ $# -ge 2 ]] || fail "--count needs a value"; count="$2"; shift 2 ;;
    --seed) [[ $# -ge 2 ]] || fail "--seed needs a value"; seed="$2"; shift 2 ;;
    --kills) [[ $# -ge 2 ]] || fail "--kills needs a value"; kills="$2"; shift 2 ;;
    --resync-period) [[ $# -ge 2 ]] || fail "--resync-period needs a value"; resync_period="$2"; shift 2 ;;
    --bin-dir) [[ $# -ge 2 ]] || fail "--bin-dir needs a value"; bin_dir="$2"; shift 2 ;;
    --report) [[ $# -ge 2 ]] || fail "--report needs a value"; report="$2"; shift 2 ;;
    --timeout) [[ $# -ge 2 ]] || fail "--timeout needs a value"; timeout_seconds="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) fail "unknown argument '$1'; see --help" ;;
  esac
done
[[ "$count" =~ ^[1-9][0-9]*$ ]] || fail "--count must be a positive integer, got '$count'"
[[ "$seed" =~ ^[0-9]+$ ]] || fail "--seed must be a non-negative integer, got '$seed'"
[[ "$kills" =~ ^[0-9]+$ ]] || fail "--kills must be a non-negative integer, got '$kills'"
[[ "$resync_period" =~ ^[1-9][0-9]*(ms|s|m|h)$ ]] || fail "--resync-period must be a duration like 5s or 1m, got '$resync_period'"
[[ "$timeout_seconds" =~ ^[1-9][0-9]*$ ]] || fail "--timeout must be a positive number of seconds, got '$timeout_seconds'"
if [[ -z "$bin_dir" ]]; then
  if [[ -x .build/release/trustline && -x .build/release/kube-test-server ]]; then bin_dir=.build/release; else bin_dir=.build/debug; fi
fi
case "$bin_dir" in /*|.build/*) ;; *) bin_dir="$caller_dir/$bin_dir" ;; esac
bin_dir="$(cd "$bin_dir" 2>/dev/null && pwd)" || fail "--bin-dir: no such folder"
[[ -x "$bin_dir/trustline" && -x "$bin_dir/kube-test-server" ]] \
  || fail "no trustline and kube-test-server in $bin_dir; build them (swift build) or pass --bin-dir"
if [[ -n "$report" ]]; then
  case "$report" in /*) ;; *) report="$caller_dir/$report" ;; esac
fi

need kubectl "install kubectl (https://kubernetes.io/docs/tasks/tools/)"
need python3 "install Python 3"
need moto_server "install it with: pip install 'moto[server]' boto3"
python3 -c 'import boto3, kubernetes' 2>/dev/null || fail "python3 cannot import boto3 and kubernetes; pip install boto3 kubernetes"
export PYTHONDONTWRITEBYTECODE=1
export PYTHONPATH="$repo/scripts${PYTHONPATH:+:$PYTHONPATH}"

work="$(mktemp -d "${TMPDIR:-/tmp}/fault-run.XXXXXX")"
stack_stop_on_exit "${FAULT_RUN_KEEP:-0}" 40

say "fault run: N=$count, seed $seed, $kills kills, resync period $resync_period, binaries $bin_dir, work folder $work"
stack_start_moto 30
stack_start_iam_fault_proxy "$seed"
stack_start_kube_test_server "$bin_dir" "$work/kube-test-server.log" --fault-control --bookmark-interval 1
echo "moto: $moto_url, IAM fault proxy: $proxy_url" >&2
stack_apply_crds >&2

status=0
python3 -m fault_run.run --kubeconfig "$KUBECONFIG" --moto-url "$moto_url" --proxy-url "$proxy_url" \
  --bin-dir "$bin_dir" --work "$work" --count "$count" --seed "$seed" --kills "$kills" \
  --resync-period "$resync_period" --timeout "$timeout_seconds" --report "$work/report.json" &
stack_pids+=($!)
wait "${stack_pids[-1]}" || status=$?
unset 'stack_pids[-1]'
if [[ -n "$report" && -f "$work/report.json" ]]; then cp "$work/report.json" "$report"; fi
exit "$status"

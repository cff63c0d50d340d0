# Sourced by scripts/demo.sh and scripts/converge-bench.sh: the local stack they both run Trustline
# against (moto_server for IAM and STS, kube-test-server, `trustline run`) on free loopback ports,
# and a cleanup on exit that stops everything started here.
#
# The sourcing script defines fail() (prints its message and exits non-zero), sets `work` (a
# folder for logs) and calls stack_stop_on_exit before starting anything. Results are left in
# globals: moto_url (stack_start_moto), KUBECONFIG (stack_start_kube_test_server, exported) and
# operator_pid (stack_start_operator).

stack_pids=()
operator_pid=""
# Extra VAR=value settings for `trustline run` only (say, a heap profiler's LD_PRELOAD).
stack_operator_env=()
stack_keep=0
stack_log_lines=40

# Stops the operator (SIGTERM, 10s grace, SIGKILL), then everything else (5s grace). On failure
# it prints the end of the operator log; the work folder is removed unless the run failed or
# stack_keep is 1. Keeps the exit status.
stack_cleanup() {
  local status=$?
  set +e
  if [[ -n "$operator_pid" ]] && kill -0 "$operator_pid" 2>/dev/null; then
    kill -TERM "$operator_pid" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$operator_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$operator_pid" 2>/dev/null
    wait "$operator_pid" 2>/dev/null
  fi
  for pid in "${stack_pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${stack_pids[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  if [[ $status -ne 0 && -f "$work/operator.log" ]]; then
    echo "--- last lines of the operator log ($work/operator.log) ---" >&2
    tail -n "$stack_log_lines" "$work/operator.log" >&2
  fi
  if [[ "$stack_keep" == 1 || $status -ne 0 ]]; then
    echo "work folder kept: $work" >&2
  else
    rm -rf "$work"
  fi
  exit $status
}

# stack_stop_on_exit KEEP LOG_LINES: installs stack_cleanup on exit (and exit 130 on INT/TERM).
# KEEP=1 keeps the work folder of a successful run; LOG_LINES of the operator log are shown on failure.
stack_stop_on_exit() {
  stack_keep="$1"
  stack_log_lines="$2"
  trap stack_cleanup EXIT
  trap 'exit 130' INT TERM
}

# need COMMAND HINT: fails unless COMMAND is on PATH.
need() { command -v "$1" >/dev/null 2>&1 || fail "'$1' is not installed; $2"; }

# GET a URL and print the body (python3 is needed anyway; curl may not be installed).
http_get() {
  python3 -c 'import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())' "$1"
}

# A free TCP port on 127.0.0.1 (bound, read, released: another process may take it before we
# bind it, hence the retry in stack_start_moto).
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# stack_start_moto WAIT_SECONDS: starts moto_server (AWS managed policies loaded) on a free port,
# through moto_paged_server.py (GetAccountAuthorizationDetails paged by MaxItems and Marker, as
# AWS pages it), logging to $work/moto.log, and waits until it answers; sets moto_url. A port taken in between
# (moto says "Address already in use") is replaced by a new one, up to 5 times.
stack_start_moto() {
  local tries=$(($1 * 10)) port pid
  for _ in 1 2 3 4 5; do
    port="$(free_port)"
    MOTO_IAM_LOAD_MANAGED_POLICIES=true python3 "$repo/scripts/lib/moto_paged_server.py" -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
    pid=$!
    stack_pids+=("$pid")
    moto_url="http://127.0.0.1:$port"
    for _ in $(seq 1 "$tries"); do
      # Our moto says it listens on the port: the answer below is not another server's.
      if grep -q "Running on $moto_url" "$work/moto.log" && http_get "$moto_url/moto-api/" >/dev/null 2>&1; then
        return 0
      fi
      if ! kill -0 "$pid" 2>/dev/null; then
        if grep -q 'Address already in use' "$work/moto.log"; then
          wait "$pid" 2>/dev/null || true
          unset 'stack_pids[-1]'
          continue 2
        fi
        fail "moto_server exited; see $work/moto.log"
      fi
      sleep 0.1
    done
    fail "moto_server did not answer on $moto_url"
  done
  fail "moto_server found no free port in 5 attempts; see $work/moto.log"
}

# stack_start_kube_test_server BIN_DIR LOG [ARG...]: starts kube-test-server on a free port with
# its kubeconfig at $work/kubeconfig (exported as KUBECONFIG) and waits up to 30s for the file.
stack_start_kube_test_server() {
  local bin_dir="$1" log="$2"
  shift 2
  export KUBECONFIG="$work/kubeconfig"
  "$bin_dir/kube-test-server" --port 0 --kubeconfig-out "$KUBECONFIG" "$@" >"$log" 2>&1 &
  stack_pids+=($!)
  for _ in $(seq 1 300); do
    [[ -s "$KUBECONFIG" ]] && break
    kill -0 "${stack_pids[-1]}" 2>/dev/null || fail "kube-test-server exited; see $log"
    sleep 0.1
  done
  [[ -s "$KUBECONFIG" ]] || fail "kube-test-server wrote no kubeconfig within 30s"
}

# Applies crds/ (kubectl's output on stdout) and waits until the WorkloadAwsAccess kind is served.
stack_apply_crds() {
  kubectl apply -f crds/
  for _ in $(seq 1 100); do
    kubectl get workloadawsaccesses.trustline.dev -A >/dev/null 2>&1 && break
    sleep 0.1
  done
}

# stack_start_operator BIN_DIR CLUSTER_NAME RESYNC_PERIOD [ARG...]: starts `trustline run` against
# moto and kube-test-server, metrics and health on free ports, logging to $work/operator.log;
# sets operator_pid (the operator's own: env execs it). stack_operator_env is added to its environment.
stack_start_operator() {
  local bin_dir="$1" cluster_name="$2" resync_period="$3"
  shift 3
  env "${stack_operator_env[@]}" AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 \
    AWS_ENDPOINT_URL_IAM="$moto_url" AWS_ENDPOINT_URL_STS="$moto_url" \
    TRUSTLINE_NAMESPACE=default \
    "$bin_dir/trustline" run \
      --kubeconfig "$KUBECONFIG" \
      --cluster-name "$cluster_name" \
      --manage-oidc-provider \
      --resync-period "$resync_period" \
      "$@" \
      --metrics-bind-address 127.0.0.1:0 \
      --health-probe-bind-address 127.0.0.1:0 \
      >"$work/operator.log" 2>&1 &
  operator_pid=$!
}

# The port `trustline run` reported for its metrics endpoint (empty when not logged yet).
stack_metrics_port() {
  grep -m1 'endpoint=metrics' "$work/operator.log" | grep -o 'port=[0-9]*' | head -n 1 | cut -d= -f2 || true
}

# stack_start_iam_fault_proxy SEED (scripts/fault-run.sh sources this file too): starts
# scripts/fault_run/iam_fault_proxy.py in front of moto (stack_start_moto first) with seeded random
# IAM faults, logging to $work/iam-fault-proxy.log, and waits until it serves; sets proxy_url.
# Its faults start on; the program's docstring describes its control endpoints.
stack_start_iam_fault_proxy() {
  local seed="$1" port=""
  python3 "$repo/scripts/fault_run/iam_fault_proxy.py" --port 0 --upstream "$moto_url" --pattern random --seed "$seed" \
    >"$work/iam-fault-proxy.log" 2>&1 &
  stack_pids+=($!)
  for _ in $(seq 1 100); do
    port="$(sed -n 's/^listening \([0-9]*\)$/\1/p' "$work/iam-fault-proxy.log")"
    [[ -n "$port" ]] && break
    kill -0 "${stack_pids[-1]}" 2>/dev/null || fail "the IAM fault proxy exited; see $work/iam-fault-proxy.log"
    sleep 0.1
  done
  [[ -n "$port" ]] || fail "the IAM fault proxy did not start within 10s; see $work/iam-fault-proxy.log"
  proxy_url="http://127.0.0.1:$port"
}

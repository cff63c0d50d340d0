"""The fault run's driver (scripts/fault-run.sh starts moto, kube-test-server and the IAM fault
proxy, then runs this). Phases:

 1. foreign roles made straight in moto (under the role path and outside it, with tempting tags);
 2. N WorkloadAwsAccess resources created;
 3. faults on: the proxy's seeded IAM faults and kube-test-server's seeded schedule
    (kube_faults.py); the operator started, SIGKILLed --kills times at seeded moments while it
    is writing to IAM (after a seeded number of logged IAM writes) and restarted each time;
 4. faults off; wait for every resource Ready; check IAM (iam_state.check_roles), the foreign
    roles, and the IAM writes against the bound (report.py);
 5. every resource deleted; wait until none is left; check no role of ours, no ServiceAccount
    we created, the foreign roles still untouched.

Writes a JSON report (--report) and prints a summary; exits 1 when a check fails.
"""
import argparse
import json
import os
import random
import signal
import sys
import time
import urllib.request

from . import iam_state, report
from .kube_faults import FaultControl, KubeFaultSchedule
from .operator_process import OperatorProcess
from .resources import Resources, api_client

CLUSTER = "fault"
NAMESPACE = "fault-run"
ROLE_PATH = "/trustline/"


def proxy_call(proxy_url, command):
    method = "GET" if command == "stats" else "POST"
    request = urllib.request.Request(f"{proxy_url}/fault-proxy/{command}", method=method, data=None if method == "GET" else b"")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def operator_process(args):
    environment = dict(os.environ, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_REGION="us-east-1",
                       AWS_ENDPOINT_URL_IAM=args.proxy_url, AWS_ENDPOINT_URL_STS=args.proxy_url,
                       TRUSTLINE_NAMESPACE="default")
    arguments = ["run", "--kubeconfig", args.kubeconfig, "--cluster-name", CLUSTER, "--manage-oidc-provider",
                 "--role-path", ROLE_PATH, "--resync-period", args.resync_period, "--concurrency", str(args.concurrency),
                 "--orphan-grace-period", args.orphan_grace_period,
                 "--metrics-bind-address", "127.0.0.1:0", "--health-probe-bind-address", "127.0.0.1:0"]
    return OperatorProcess(os.path.join(args.bin_dir, "trustline"), arguments, environment,
                           os.path.join(args.work, "operator.log"))


def run(args, result):
    rng = random.Random(args.seed)
    iam = iam_state.iam_client(args.moto_url)
    api = api_client(args.kubeconfig)
    resources = Resources(api, NAMESPACE, args.count)
    control = FaultControl(api)

    say(f"foreign roles, then {args.count} resources in namespace {NAMESPACE}")
    foreign = iam_state.foreign_roles(ROLE_PATH)
    iam_state.create_foreign_roles(iam, foreign)
    foreign_before = {role["name"]: iam_state.role_snapshot(iam, role["name"]) for role in foreign}
    resources.create_all()

    say(f"faults on; operator started; {args.kills} SIGKILLs while it writes to IAM")
    schedule = KubeFaultSchedule(control, random.Random(rng.random()))
    proxy_call(args.proxy_url, "on")
    schedule.start()
    operator = operator_process(args)
    result["operator"] = operator
    run_started = time.monotonic()
    operator.start()
    kills = []
    for number in range(args.kills):
        threshold = rng.randint(1, max(1, args.count))
        kill = operator.kill_after_writes(threshold, idle_timeout=args.idle_kill_seconds)
        kills.append(kill)
        say(f"kill {number + 1}: SIGKILL after {kill['after_iam_writes']} logged IAM writes "
            f"({kill['seconds_after_start']}s after start); last line: {kill['last_log_line'][:160]}")
        time.sleep(rng.uniform(0.0, 1.0))
        operator.start()
    time.sleep(rng.uniform(1.0, 3.0))

    say("faults off; waiting for every resource to be Ready")
    kube_injected = schedule.stop()
    proxy_call(args.proxy_url, "off")
    faults_off = time.monotonic()
    iam_during_faults = proxy_call(args.proxy_url, "stats")["requests"]
    ready_seconds = resources.wait(lambda items: len(items) == args.count and all(map(Resources.is_ready, items)),
                                   args.timeout, f"all {args.count} Ready after faults off")
    converged_at = time.monotonic()
    if not operator.running():
        raise RuntimeError(f"the operator exited after the faults; see {operator.log_path}")
    live = resources.uids()
    roles = iam_state.check_roles(iam, CLUSTER, ROLE_PATH, {role["name"] for role in foreign}, live)
    iam_converge = proxy_call(args.proxy_url, "stats")["requests"]
    foreign_after_converge = {role["name"]: iam_state.role_snapshot(iam, role["name"]) for role in foreign}

    result.update({
        "count": args.count, "seed": args.seed, "kills": kills, "concurrency": args.concurrency,
        "resync_period": args.resync_period,
        "kube_faults_injected": kube_injected, "kube_fault_schedule_errors": schedule.errors[:5],
        "iam_during_faults": iam_during_faults, "iam_converge": iam_converge,
        "seconds_faults_window": round(faults_off - run_started, 2),
        "seconds_to_ready_after_faults_off": round(ready_seconds, 2),
        "seconds_start_to_all_ready": round(converged_at - run_started, 2),
        "roles_after_converge": roles, "operator_starts": operator.starts,
        "foreign_changed_by_converge": sorted(n for n in foreign_before if foreign_after_converge[n] != foreign_before[n]),
    })

    say("deleting every resource; waiting until none is left")
    resources.delete_all()
    try:
        delete_seconds = resources.wait(lambda items: not items, args.timeout, "every resource gone after delete")
    except TimeoutError as error:
        result["stuck_finalizers"] = resources.stuck_finalizers()
        result["iam_total"] = proxy_call(args.proxy_url, "stats")["requests"]
        raise RuntimeError(f"{error}; left: {result['stuck_finalizers'][:10]}") from error
    after_delete = iam_state.check_roles(iam, CLUSTER, ROLE_PATH, {role["name"] for role in foreign}, {})
    foreign_at_end = {role["name"]: iam_state.role_snapshot(iam, role["name"]) for role in foreign}
    result.update({
        "iam_total": proxy_call(args.proxy_url, "stats")["requests"],
        "seconds_to_all_deleted": round(delete_seconds, 2),
        "roles_after_delete": after_delete,
        "foreign_changed_at_end": sorted(n for n in foreign_before if foreign_at_end[n] != foreign_before[n]),
        "resources_left": len(resources.list()),
        "service_accounts_left": resources.service_accounts_left(),
    })


def say(text):
    print(f"\n== {text}", file=sys.stderr, flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kubeconfig", required=True)
    parser.add_argument("--moto-url", required=True)
    parser.add_argument("--proxy-url", required=True)
    parser.add_argument("--bin-dir", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--resync-period", default="5s")
    parser.add_argument("--orphan-grace-period", default="10s")
    parser.add_argument("--timeout", type=float, default=600, help="seconds for all Ready, and again for all deleted")
    parser.add_argument("--idle-kill-seconds", type=float, default=20,
                        help="kill anyway when the operator logged no IAM write for this long")
    parser.add_argument("--report", required=True, help="where the JSON report goes")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    result = {}
    failure = None
    try:
        run(args, result)
    except Exception as error:
        failure = f"{type(error).__name__}: {error}"
    finally:
        operator = result.pop("operator", None)
        if operator:
            operator.stop()
    checks = report.checks(result, failure)
    with open(args.report, "w") as out:
        json.dump(dict(result, checks=checks, failure=failure), out, indent=2, sort_keys=True)
    report.print_summary(result, checks, failure)
    return 0 if failure is None and all(check["ok"] for check in checks) else 1


if __name__ == "__main__":
    sys.exit(main())

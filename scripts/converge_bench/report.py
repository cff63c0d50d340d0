"""Prints the converge benchmark's results and the issue 4 targets, met or not, from the JSON
files scripts/converge-bench.sh wrote into its work folder:

  params.json  floor.json  ready.json  metrics_ready.json  metrics_steady_start.json
  metrics_steady_end.json  kube_converge.json  kube_steady.json  rss_ready.json  rss_end.json

Writes summary.json next to them. Exit status 0 whether or not the targets are met (it is a
benchmark); 1 when a file is missing or unreadable.
"""
import json
import os
import sys

ONE_TIME_IAM_ACTIONS = ("GetOpenIDConnectProvider", "CreateOpenIDConnectProvider",
                        "ListOpenIDConnectProviders", "UpdateOpenIDConnectProviderThumbprint",
                        "AddClientIDToOpenIDConnectProvider",
                        # Managed policy reads for the guardrails: once per policy, not per resource.
                        "GetPolicy", "GetPolicyVersion")


def load(work, name):
    path = os.path.join(work, name)
    try:
        with open(path) as file:
            return json.load(file)
    except (OSError, ValueError) as error:
        raise SystemExit(f"report: cannot read {path}: {error}")


def iam_by_action(metrics):
    counts = {}
    for sample in metrics["aws_requests"]:
        if sample["service"] == "iam":
            counts[sample["action"]] = counts.get(sample["action"], 0) + sample["count"]
    return counts


def non_ok(metrics):
    return {f'{s["service"]}:{s["action"]}:{s["code"]}': s["count"]
            for s in metrics["aws_requests"] if s["code"] != "OK"}


def main():
    if len(sys.argv) != 2:
        raise SystemExit("usage: report.py WORK_DIR")
    work = sys.argv[1]
    params = load(work, "params.json")
    floor = load(work, "floor.json")
    ready = load(work, "ready.json")
    metrics_ready = load(work, "metrics_ready.json")
    steady_start = load(work, "metrics_steady_start.json")
    steady_end = load(work, "metrics_steady_end.json")
    kube_converge = load(work, "kube_converge.json")
    kube_steady = load(work, "kube_steady.json")
    rss_ready = load(work, "rss_ready.json")
    rss_end = load(work, "rss_end.json")

    n, c = params["count"], params["concurrency"]
    build = "DEBUG build (timings and RSS are not representative of a release build)" if params["debug"] else "release build"
    print(f"\nconverge-bench: N={n} resources, concurrency={c}, resync period {params['resync_period']}, "
          f"binaries {params['bin_dir']} [{build}]")

    wall, floor_wall = ready["wall_seconds"], floor["wall_seconds"]
    ratio = wall / floor_wall if floor_wall > 0 else float("inf")
    print(f"\nWall time, operator start to all {n} Ready: {wall:.2f}s")
    print(f"Floor (boto3, CreateRole+PutRolePolicy+AttachRolePolicy per resource, {c} threads, same moto): "
          f"{floor_wall:.2f}s")
    print(f"Ratio operator / floor: {ratio:.2f}")

    iam = iam_by_action(metrics_ready)
    iam_total = sum(iam.values())
    one_time = sum(count for action, count in iam.items() if action in ONE_TIME_IAM_ACTIONS)
    per_resource = (iam_total - one_time) / n
    print(f"\nIAM calls until all Ready: {iam_total:.0f} in all, {iam_total / n:.2f} per resource; "
          f"{per_resource:.2f} per resource without the {one_time:.0f} operator-wide OIDC provider and managed policy read call(s)")
    for action, count in sorted(iam.items(), key=lambda item: (-item[1], item[0])):
        print(f"  {action:<34} {count:>7.0f}  {count / n:6.2f} per resource")
    sts = {s["action"]: s["count"] for s in metrics_ready["aws_requests"] if s["service"] == "sts"}
    if sts:
        print("  (STS, operator-wide: " + ", ".join(f"{a} {v:.0f}" for a, v in sorted(sts.items())) + ")")
    errors = non_ok(metrics_ready)
    if errors:
        print("  non-OK answers (counted above): " + ", ".join(f"{k}={v:.0f}" for k, v in sorted(errors.items())))

    print(f"\nKubernetes requests by the operator until all Ready (kube-test-server -v log): "
          f"{kube_converge['total']} in all, {kube_converge['total'] / n:.2f} per resource")
    for key, count in sorted(kube_converge["by_kind"].items(), key=lambda item: (-item[1], item[0])):
        print(f"  {key:<44} {count:>7}  {count / n:6.2f} per resource")

    writes_start, writes_end = steady_start["iam_writes"], steady_end["iam_writes"]
    write_delta = {action: writes_end.get(action, 0) - writes_start.get(action, 0)
                   for action in set(writes_start) | set(writes_end)}
    steady_writes = sum(write_delta.values())
    reads_delta = sum(iam_by_action(steady_end).values()) - sum(iam_by_action(steady_start).values())
    # Each re-observation of a resource starts with one GetRole: how many passes over all N the
    # window really covered (fewer than three when IAM cannot re-read N roles per resync period).
    passes = (iam_by_action(steady_end).get("GetRole", 0) - iam_by_action(steady_start).get("GetRole", 0)) / n
    print(f"\nSteady state, {params['steady_seconds']:.1f}s after convergence (three resync periods of "
          f"{params['resync_period']}, +10% jitter, +1s): IAM writes {steady_writes:.0f}"
          + ("" if steady_writes == 0 else " (" + ", ".join(f"{a} {v:.0f}" for a, v in sorted(write_delta.items()) if v) + ")")
          + f"; IAM requests in all {reads_delta:.0f} ({reads_delta / n:.2f} per resource, "
          f"{passes:.2f} drift-check passes over all {n} resources); "
          f"Kubernetes requests {kube_steady['total']} "
          + "(" + ", ".join(f"{k} {v}" for k, v in sorted(kube_steady["by_verb"].items())) + ")")

    orphans = steady_end.get("orphan_roles_deleted", 0)
    print(f"Orphan sweep: {orphans:.0f} roles deleted since the operator started (trustline_orphan_roles_deleted_total)")

    hwm_mib = rss_end["VmHWM"] / 1024
    print(f"\nOperator memory: peak RSS (VmHWM) {hwm_mib:.1f} MiB at the end "
          f"({rss_ready['VmHWM'] / 1024:.1f} MiB when all were Ready); RSS now {rss_end['VmRSS'] / 1024:.1f} MiB")

    rss_applies = n >= 1000
    targets = [
        ("IAM calls per new resource", "<= 5", f"{per_resource:.2f}", per_resource <= 5),
        ("IAM writes over three resync periods at steady state", "0", f"{steady_writes:.0f}", steady_writes == 0),
        ("Wall time / boto3 floor", "<= 1.5x", f"{ratio:.2f}x", ratio <= 1.5),
        ("Peak RSS of the operator (target at N = 1000)", "< 50 MiB", f"{hwm_mib:.1f} MiB",
         hwm_mib < 50),
    ]
    print(f"\nTargets of issue 4 (N={n}, {'debug' if params['debug'] else 'release'} binaries)")
    print(f"  {'target':<54} {'wanted':<10} {'measured':<12} result")
    for name, wanted, measured, met in targets:
        result = "met" if met else "NOT MET"
        if name.startswith("Peak RSS") and not rss_applies:
            result += f" (measured at N={n}; the target is for N=1000)"
        print(f"  {name:<54} {wanted:<10} {measured:<12} {result}")
    if passes < 3:
        print(f"  note: the steady-state window covered {passes:.2f} drift-check passes, not 3: re-reading "
              f"{n} roles takes longer than {params['resync_period']} here; use a longer --resync-period")

    summary = {
        "count": n, "concurrency": c, "resync_period": params["resync_period"], "debug_build": params["debug"],
        "wall_seconds": wall, "floor_wall_seconds": floor_wall, "ratio": ratio,
        "iam_calls_by_action": iam, "iam_calls_per_resource": per_resource,
        "iam_calls_per_resource_including_one_time": iam_total / n,
        "kube_requests": kube_converge["total"], "kube_requests_per_resource": kube_converge["total"] / n,
        "kube_requests_by_kind": kube_converge["by_kind"],
        "steady_state_iam_writes": steady_writes, "steady_state_iam_requests": reads_delta,
        "steady_state_kube_requests": kube_steady["total"], "steady_state_drift_check_passes": passes,
        "orphan_roles_deleted": orphans,
        "peak_rss_mib": hwm_mib, "targets": {name: met for name, _, _, met in targets},
    }
    with open(os.path.join(work, "summary.json"), "w") as file:
        json.dump(summary, file, indent=2)


if __name__ == "__main__":
    main()

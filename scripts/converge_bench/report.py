"""Prints the converge benchmark's results and the targets of issues 4 and 14, met or not, from
the JSON files scripts/converge-bench.sh wrote into its work folder:

  params.json  floor.json  ready.json  metrics_ready.json  kube_converge.json  rss_ready.json
  rss_end.json  metrics_steady_K.json (K = 0 .. periods)  kube_steady_K.json (K = 1 .. periods)

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
    kube_converge = load(work, "kube_converge.json")
    periods = params["steady_periods"]
    steady = [load(work, f"metrics_steady_{k}.json") for k in range(periods + 1)]
    kube_steady = [load(work, f"kube_steady_{k}.json") for k in range(1, periods + 1)]
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

    # One row per resync period: what the drift pass cost, and whether it wrote anything.
    rows = []
    for k in range(1, periods + 1):
        before, after = steady[k - 1], steady[k]
        calls = {action: count - iam_by_action(before).get(action, 0)
                 for action, count in iam_by_action(after).items()}
        writes = {action: count - before["iam_writes"].get(action, 0)
                  for action, count in after["iam_writes"].items()}
        rows.append({"iam_calls": sum(calls.values()), "iam_calls_by_action": {a: v for a, v in calls.items() if v},
                     "iam_writes": sum(writes.values()), "kube_requests": kube_steady[k - 1]["total"],
                     "kube_watch_renewals": kube_steady[k - 1]["by_verb"].get("WATCH", 0),
                     "kube_requests_by_verb": kube_steady[k - 1]["by_verb"]})
    print(f"\nIAM calls per resync period (drift pass), {periods} periods of {params['resync_period']} "
          f"after convergence:")
    # A watch ends after the timeoutSeconds its client asked for (5 to 10 minutes, as client-go
    # picks it) and is opened again from the last resourceVersion: one request per watched kind
    # every few minutes, whatever the number of resources. Counted apart from the requests that
    # would grow with N (reads, writes, relists).
    print(f"  {'period':<8} {'IAM calls':>10} {'IAM writes':>11} {'Kubernetes requests':>20} {'of them watch renewals':>23}  IAM calls by action")
    for k, row in enumerate(rows, start=1):
        actions = ", ".join(f"{a} {v:.0f}" for a, v in sorted(row["iam_calls_by_action"].items(), key=lambda i: (-i[1], i[0])))
        print(f"  {k:<8} {row['iam_calls']:>10.0f} {row['iam_writes']:>11.0f} {row['kube_requests']:>20} {row['kube_watch_renewals']:>23}  {actions or '-'}")
    steady_writes = sum(row["iam_writes"] for row in rows)
    steady_kube = sum(row["kube_requests"] - row["kube_watch_renewals"] for row in rows)
    steady_renewals = sum(row["kube_watch_renewals"] for row in rows)
    # The largest period holds a whole pass (or more than one when a pass is shorter than a period).
    pass_calls = max(row["iam_calls"] for row in rows)

    orphans = steady[-1].get("orphan_roles_deleted", 0)
    print(f"Orphan sweep: {orphans:.0f} roles deleted since the operator started (trustline_orphan_roles_deleted_total)")

    hwm_mib = rss_end["VmHWM"] / 1024
    print(f"\nOperator memory: peak RSS (VmHWM) {hwm_mib:.1f} MiB at the end "
          f"({rss_ready['VmHWM'] / 1024:.1f} MiB when all were Ready); RSS now {rss_end['VmRSS'] / 1024:.1f} MiB")
    if "smaps_Anonymous" in rss_end:
        anonymous = rss_end["smaps_Anonymous"] / 1024
        print(f"  of RSS now: {anonymous:.1f} MiB anonymous (heap, stacks), "
              f"{rss_end['smaps_Rss'] / 1024 - anonymous:.1f} MiB file-backed (the mapped binary and libraries)")
    if "cpu_seconds" in rss_end:
        print(f"Operator CPU: {rss_ready['cpu_seconds']:.1f}s until all Ready, {rss_end['cpu_seconds']:.1f}s at the end")

    rss_limit = 35 if n <= 1000 else 100
    targets = [
        ("IAM calls per new resource (issue 4)", "<= 5", f"{per_resource:.2f}", per_resource <= 5),
        ("Wall time / boto3 floor (issue 14)", "<= 1.2x", f"{ratio:.2f}x", ratio <= 1.2),
        (f"Peak RSS of the operator (issue 14, at N {'= 1000' if n <= 1000 else '= 10000'})", f"< {rss_limit} MiB",
         f"{hwm_mib:.1f} MiB", hwm_mib < rss_limit),
        ("IAM calls of the largest resync period (drift pass)", "<= 50", f"{pass_calls:.0f}", pass_calls <= 50),
        ("IAM writes in steady state", "0", f"{steady_writes:.0f}", steady_writes == 0),
        (f"Kubernetes requests in steady state (+{steady_renewals} watch renewals)", "0", f"{steady_kube}", steady_kube == 0),
    ]
    print(f"\nTargets (N={n}, {'debug' if params['debug'] else 'release'} binaries; the ratio counts, "
          f"not the seconds: the floor is measured in the same run, on the same loaded machine)")
    print(f"  {'target':<60} {'wanted':<10} {'measured':<12} result")
    for name, wanted, measured, met in targets:
        print(f"  {name:<60} {wanted:<10} {measured:<12} {'met' if met else 'NOT MET'}")

    summary = {
        "count": n, "concurrency": c, "resync_period": params["resync_period"], "debug_build": params["debug"],
        "wall_seconds": wall, "floor_wall_seconds": floor_wall, "ratio": ratio,
        "iam_calls_by_action": iam, "iam_calls_per_resource": per_resource,
        "iam_calls_per_resource_including_one_time": iam_total / n,
        "kube_requests": kube_converge["total"], "kube_requests_per_resource": kube_converge["total"] / n,
        "kube_requests_by_kind": kube_converge["by_kind"],
        "steady_state_iam_writes": steady_writes, "steady_state_kube_requests": steady_kube,
        "steady_state_watch_renewals": steady_renewals,
        "resync_periods": rows, "largest_period_iam_calls": pass_calls,
        "operator_cpu_seconds_ready": rss_ready.get("cpu_seconds"), "operator_cpu_seconds_end": rss_end.get("cpu_seconds"),
        "orphan_roles_deleted": orphans,
        "peak_rss_mib": hwm_mib, "rss_end_kib": rss_end, "targets": {name: met for name, _, _, met in targets},
    }
    with open(os.path.join(work, "summary.json"), "w") as file:
        json.dump(summary, file, indent=2)


if __name__ == "__main__":
    main()

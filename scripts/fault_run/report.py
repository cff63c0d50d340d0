"""The fault run's checks and summary. IAM write counts come from the fault proxy (every request
the operator sent, across its restarts), not from the operator's metrics (reset by each kill).

The bound on IAM writes. A resource needs three writes to converge (CreateRole with its tags,
PutRolePolicy, AttachRolePolicy) and three to go (DeleteRolePolicy, DetachRolePolicy,
DeleteRole); the OIDC provider one more (CreateOpenIDConnectProvider). So converging N resources
changes IAM at least 3N + 1 times. A write is made again only when its answer was lost: the proxy
cut moto's answer off (lost_after_upstream), or the operator was killed between the write and
its record, at most one write per in-flight reconcile (--concurrency) per kill. Hence the checked
bound on writes that reached moto and succeeded:

    changed <= 3N + 1 + lost_after_upstream (successful writes) + kills * concurrency

and deletion, run with faults off and no kill, must take exactly 3N. Attempts (refused by the
proxy or by moto included) are reported beside it.
"""
import sys

WRITE_PREFIXES = ("Create", "Put", "Attach", "Detach", "Delete", "Tag", "Untag", "Update", "Add", "Remove")


def is_write(action):
    return action.startswith(WRITE_PREFIXES)


def tally(stats):
    """{action: {outcome: n}} -> counts of write attempts, successful writes, lost answers, faults by kind."""
    totals = {"write_attempts": 0, "writes_changed": 0, "writes_lost_after_upstream": 0, "writes_refused_by_moto": 0,
              "write_faults": 0, "read_attempts": 0, "faults": {}}
    for action, outcomes in stats.items():
        for outcome, count in outcomes.items():
            status = outcome.rsplit("_", 1)[-1]
            succeeded = status.isdigit() and status.startswith("2")
            if outcome in ("throttled", "server_error", "truncated") or outcome.startswith("lost_after_upstream"):
                kind = "lost_after_upstream" if outcome.startswith("lost_after_upstream") else outcome
                totals["faults"][kind] = totals["faults"].get(kind, 0) + count
            if not is_write(action):
                totals["read_attempts"] += count
                continue
            totals["write_attempts"] += count
            if not outcome.startswith("upstream_"):
                totals["write_faults"] += count
            if succeeded:
                totals["writes_changed"] += count
                if outcome.startswith("lost_after_upstream"):
                    totals["writes_lost_after_upstream"] += count
            elif status.isdigit() and outcome.startswith("upstream_"):
                totals["writes_refused_by_moto"] += count
    return totals


def subtract(after, before):
    return {action: {outcome: count - before.get(action, {}).get(outcome, 0) for outcome, count in outcomes.items()}
            for action, outcomes in after.items()}


def checks(result, failure):
    if "roles_after_converge" not in result:
        return [{"name": "the run completed", "ok": False, "detail": failure or "no result"}]
    n, kills = result["count"], len(result["kills"])
    converge = tally(result["iam_converge"])
    minimum = 3 * n + 1
    bound = minimum + converge["writes_lost_after_upstream"] + kills * result["concurrency"]
    result["iam_writes"] = {"converge": converge, "converge_minimum": minimum, "converge_bound": bound}
    roles = result["roles_after_converge"]
    found = [
        {"name": "every resource Ready after faults off", "ok": True,
         "detail": f"{n} in {result['seconds_to_ready_after_faults_off']}s"},
        {"name": "the operator was killed and restarted", "ok": result["operator_starts"] == kills + 1,
         "detail": f"{kills} kills, {sum(k['in_flight'] for k in result['kills'])} while writing to IAM"},
        {"name": "no orphan role", "ok": not roles["orphans"], "detail": roles["orphans"][:5]},
        {"name": "no resource with two roles", "ok": not roles["doubled"], "detail": roles["doubled"][:5]},
        {"name": "every resource has its role", "ok": not roles["resources_without_role"] and roles["roles_ours"] == n,
         "detail": f"{roles['roles_ours']} roles of ours; without: {roles['resources_without_role'][:5]}"},
        {"name": "no role of ours without ownership tags", "ok": not roles["untagged"], "detail": roles["untagged"][:5]},
        {"name": "no role of ours outside the role path", "ok": not roles["outside_path"], "detail": roles["outside_path"][:5]},
        {"name": "foreign roles untouched by converging", "ok": not result["foreign_changed_by_converge"],
         "detail": result["foreign_changed_by_converge"]},
        {"name": "IAM writes within the bound", "ok": minimum <= converge["writes_changed"] <= bound,
         "detail": f"{converge['writes_changed']} changed (minimum {minimum}, bound {bound}); "
                   f"{converge['write_attempts']} attempts"},
        {"name": "faults were injected", "ok": bool(converge["faults"]) and bool(result["kube_faults_injected"])
         and not result["kube_fault_schedule_errors"],
         "detail": {"iam": converge["faults"], "kubernetes": result["kube_faults_injected"],
                    "schedule errors": result["kube_fault_schedule_errors"]}},
    ]
    if "iam_total" in result:
        delete = tally(subtract(result["iam_total"], result["iam_converge"]))
        result["iam_writes"].update({"delete": delete, "delete_minimum": 3 * n})
    if "roles_after_delete" not in result:
        return found + [{"name": "deletion completed", "ok": False, "detail": failure or "no result"}]
    gone = result["roles_after_delete"]
    return found + [
        {"name": "foreign roles untouched at the end", "ok": not result["foreign_changed_at_end"],
         "detail": result["foreign_changed_at_end"]},
        {"name": "deletion: no role left, exactly 3N writes", "ok": gone["roles_ours"] == 0 and delete["writes_changed"] == 3 * n,
         "detail": f"{gone['roles_ours']} roles of ours left; {delete['writes_changed']} writes"},
        {"name": "deletion: no resource left (no finalizer stuck)", "ok": result["resources_left"] == 0,
         "detail": result.get("stuck_finalizers", [])[:5]},
        {"name": "deletion: no ServiceAccount we created left", "ok": not result["service_accounts_left"],
         "detail": result["service_accounts_left"][:5]},
    ]


def print_summary(result, checks, failure):
    out = sys.stderr
    if failure:
        print(f"\nthe fault run failed: {failure}", file=out)
    if "iam_writes" in result:
        writes = result["iam_writes"]
        print(f"\nN={result['count']} seed={result['seed']} kills={len(result['kills'])} "
              f"concurrency={result['concurrency']} resync={result['resync_period']}", file=out)
        print(f"faults window {result['seconds_faults_window']}s; all Ready {result['seconds_to_ready_after_faults_off']}s "
              f"after faults off; all deleted in {result.get('seconds_to_all_deleted', '-')}s", file=out)
        print(f"IAM faults injected: {writes['converge']['faults']}", file=out)
        print(f"Kubernetes faults injected: {result['kube_faults_injected']}", file=out)
        for phase in [p for p in ("converge", "delete") if p in writes]:
            t = writes[phase]
            print(f"IAM {phase}: {t['writes_changed']} writes changed IAM (minimum {writes[phase + '_minimum']}), "
                  f"{t['write_attempts']} write attempts ({t['write_faults']} met an injected fault, "
                  f"{t['writes_refused_by_moto']} refused by moto), "
                  f"{t['writes_lost_after_upstream']} answers lost after moto wrote, {t['read_attempts']} reads", file=out)
    print("", file=out)
    for check in checks:
        print(f"{'ok  ' if check['ok'] else 'FAIL'} {check['name']}: {check['detail']}", file=out)

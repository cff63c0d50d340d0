"""Creates the benchmark's N WorkloadAwsAccess resources (one inline and one managed policy each)
and waits until all of them are Ready, with the Python `kubernetes` client against the
kube-test-server of the run.

Every request this module makes carries the label selector `trustline-bench=converge` (or creates
an object that has it), so the API server's request log can tell them from the operator's.

  create --count N --namespace NS [--threads T]
                                             creates the namespace and the N resources, T at a time
  wait-ready --count N --namespace NS --since EPOCH --timeout S
                                             prints {"ready_at", "wall_seconds", "ready"} as JSON
"""
import argparse
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException

GROUP, VERSION, PLURAL = "trustline.dev", "v1alpha1", "workloadawsaccesses"
LABEL_KEY, LABEL_VALUE = "trustline-bench", "converge"
SELECTOR = f"{LABEL_KEY}={LABEL_VALUE}"
MANAGED_POLICY_ARN = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"


def resource_name(index):
    return f"bench-{index:05d}"


def resource(namespace, index):
    """One benchmark resource: defaults everywhere, one inline and one managed policy."""
    return {
        "apiVersion": f"{GROUP}/{VERSION}",
        "kind": "WorkloadAwsAccess",
        "metadata": {"name": resource_name(index), "namespace": namespace,
                     "labels": {LABEL_KEY: LABEL_VALUE}},
        "spec": {
            "inlinePolicies": [{
                "name": "s3-read",
                "document": {
                    "Version": "2012-10-17",
                    "Statement": [{
                        "Effect": "Allow",
                        "Action": ["s3:GetObject", "s3:ListBucket"],
                        "Resource": [f"arn:aws:s3:::bench-bucket-{index}",
                                     f"arn:aws:s3:::bench-bucket-{index}/*"],
                    }],
                },
            }],
            "managedPolicyArns": [MANAGED_POLICY_ARN],
        },
    }


def api_clients(kubeconfig, pool_size=None):
    configuration = client.Configuration()
    config.load_kube_config(config_file=kubeconfig, client_configuration=configuration)
    if pool_size:
        # One connection per creating thread (the default pool is 5 per CPU).
        configuration.connection_pool_maxsize = pool_size
    api = client.ApiClient(configuration)
    return client.CoreV1Api(api), client.CustomObjectsApi(api)


def create(args):
    core, custom = api_clients(args.kubeconfig, pool_size=args.threads)
    try:
        core.create_namespace({"apiVersion": "v1", "kind": "Namespace",
                               "metadata": {"name": args.namespace, "labels": {LABEL_KEY: LABEL_VALUE}}})
    except ApiException as error:
        if error.status != 409:
            raise

    def create_one(index):
        # The answer is not decoded (_preload_content=False): at N = 10000 decoding 10000 objects
        # in Python would cost more than the requests themselves. A failure still raises.
        response = custom.create_namespaced_custom_object(GROUP, VERSION, args.namespace, PLURAL,
                                                          resource(args.namespace, index), _preload_content=False)
        response.release_conn()

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=args.threads) as pool:
        list(pool.map(create_one, range(args.count)))
    elapsed = time.monotonic() - started
    print(f"created {args.count} WorkloadAwsAccess resources in namespace {args.namespace} "
          f"in {elapsed:.1f}s ({args.count / max(elapsed, 0.001):.0f}/s, {args.threads} threads)", file=sys.stderr)


def is_ready(obj):
    for condition in (obj.get("status") or {}).get("conditions") or []:
        if condition.get("type") == "Ready":
            return condition.get("status") == "True"
    return False


def wait_ready(args):
    """Lists, then watches from the list's resourceVersion; re-lists when a watch ends or fails.
    The moment the last resource turns Ready is the time its event arrived here."""
    _, custom = api_clients(args.kubeconfig)
    deadline = args.since + args.timeout
    ready = {}
    not_ready_reasons = {}

    def note(obj):
        name = obj["metadata"]["name"]
        ready[name] = is_ready(obj)
        if not ready[name]:
            conditions = (obj.get("status") or {}).get("conditions") or []
            not_ready_reasons[name] = [(c.get("type"), c.get("status"), c.get("reason")) for c in conditions]

    def all_ready():
        return len(ready) >= args.count and all(ready.values())

    while time.time() < deadline:
        listing = custom.list_namespaced_custom_object(GROUP, VERSION, args.namespace, PLURAL,
                                                       label_selector=SELECTOR)
        ready.clear()
        for obj in listing.get("items", []):
            note(obj)
        if all_ready():
            break
        stream = watch.Watch()
        try:
            for event in stream.stream(custom.list_namespaced_custom_object, GROUP, VERSION,
                                       args.namespace, PLURAL, label_selector=SELECTOR,
                                       resource_version=listing["metadata"].get("resourceVersion"),
                                       timeout_seconds=max(1, min(300, int(deadline - time.time())))):
                obj = event.get("object")
                if not isinstance(obj, dict) or obj.get("kind") != "WorkloadAwsAccess":
                    continue
                if event.get("type") == "DELETED":
                    ready.pop(obj["metadata"]["name"], None)
                else:
                    note(obj)
                if all_ready() or time.time() >= deadline:
                    stream.stop()
                    break
        except (ApiException, ValueError, OSError) as error:
            print(f"watch ended ({error}); listing again", file=sys.stderr)
            time.sleep(0.2)
        if all_ready():
            break

    ready_at = time.time()
    done = all_ready()
    result = {"ready": done, "ready_at": ready_at, "wall_seconds": ready_at - args.since,
              "ready_count": sum(1 for value in ready.values() if value), "seen": len(ready)}
    if not done:
        result["not_ready_sample"] = dict(list((name, not_ready_reasons.get(name))
                                               for name, ok in ready.items() if not ok)[:5])
    print(json.dumps(result))
    if not done:
        sys.exit(f"kube_resources: only {result['ready_count']} of {args.count} resources were Ready "
                 f"after {args.timeout:.0f}s")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["create", "wait-ready"])
    parser.add_argument("--kubeconfig", required=True)
    parser.add_argument("--namespace", default="converge-bench")
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--threads", type=int, default=16, help="concurrent create requests (create)")
    parser.add_argument("--since", type=float, help="epoch seconds the operator was started (wait-ready)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds after --since to give up (wait-ready)")
    args = parser.parse_args()
    if args.command == "create":
        create(args)
    else:
        if args.since is None:
            sys.exit("kube_resources wait-ready: --since is required (epoch seconds of the operator start)")
        wait_ready(args)


if __name__ == "__main__":
    main()

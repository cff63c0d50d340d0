"""Fidelity check with the official Python `kubernetes` client against kube-test-server.

Usage: python3 python_client_check.py KUBECONFIG NAMESPACE
Lists WorkloadAwsAccess objects, then watches them while creating, status-patching and
deleting one, and prints one JSON line per observation for the Swift test to assert on.
"""
import json
import sys
import threading
import time

from kubernetes import client, config, watch

GROUP, VERSION, PLURAL = "trustline.dev", "v1alpha1", "workloadawsaccesses"


def main():
    kubeconfig, namespace = sys.argv[1], sys.argv[2]
    config.load_kube_config(config_file=kubeconfig)
    api = client.CustomObjectsApi()
    core = client.CoreV1Api()

    listed = api.list_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL)
    print(json.dumps({"step": "list", "names": sorted(i["metadata"]["name"] for i in listed["items"]),
                      "resourceVersion": listed["metadata"]["resourceVersion"]}), flush=True)
    all_namespaces = api.list_cluster_custom_object(GROUP, VERSION, PLURAL)
    print(json.dumps({"step": "list-all", "count": len(all_namespaces["items"])}), flush=True)

    body = {
        "apiVersion": f"{GROUP}/{VERSION}", "kind": "WorkloadAwsAccess",
        "metadata": {"name": "from-python", "namespace": namespace},
        "spec": {"role": {"maxSessionDurationSeconds": 7200}},
    }

    def writer():
        time.sleep(0.5)
        api.create_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, body)
        api.patch_namespaced_custom_object_status(
            GROUP, VERSION, namespace, PLURAL, "from-python",
            {"status": {"roleArn": "arn:aws:iam::123456789012:role/py"}})
        api.delete_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, "from-python")

    thread = threading.Thread(target=writer)
    thread.start()
    stream = watch.Watch()
    seen = []
    for event in stream.stream(api.list_namespaced_custom_object, GROUP, VERSION, namespace, PLURAL,
                               resource_version=listed["metadata"]["resourceVersion"], timeout_seconds=10):
        obj = event["object"]
        seen.append(event["type"])
        print(json.dumps({"step": "watch", "type": event["type"], "name": obj["metadata"]["name"],
                          "generation": obj["metadata"].get("generation"),
                          "audience": obj.get("spec", {}).get("audience"),
                          "roleArn": obj.get("status", {}).get("roleArn")}), flush=True)
        if event["type"] == "DELETED":
            stream.stop()
            break
    thread.join()

    try:
        api.get_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, "from-python")
        print(json.dumps({"step": "get-after-delete", "status": 200}), flush=True)
    except client.exceptions.ApiException as error:
        print(json.dumps({"step": "get-after-delete", "status": error.status,
                          "reason": json.loads(error.body).get("reason")}), flush=True)

    namespaces = core.list_namespace()
    print(json.dumps({"step": "namespaces", "names": sorted(n.metadata.name for n in namespaces.items)}), flush=True)


if __name__ == "__main__":
    main()

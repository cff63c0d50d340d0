"""The run's WorkloadAwsAccess resources, with the Python `kubernetes` client: create N, read which
are Ready at their current generation, delete them all, and list what is left."""
import time
from concurrent.futures import ThreadPoolExecutor

from kubernetes import client, config
from kubernetes.client.rest import ApiException

GROUP, VERSION, PLURAL = "trustline.dev", "v1alpha1", "workloadawsaccesses"
MANAGED_POLICY_ARN = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"


def api_client(kubeconfig):
    configuration = client.Configuration()
    config.load_kube_config(config_file=kubeconfig, client_configuration=configuration)
    return client.ApiClient(configuration)


def resource(namespace, index):
    return {
        "apiVersion": f"{GROUP}/{VERSION}", "kind": "WorkloadAwsAccess",
        "metadata": {"name": f"app-{index:04d}", "namespace": namespace},
        "spec": {
            "inlinePolicies": [{"name": "s3-read", "document": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": [f"arn:aws:s3:::fault-bucket-{index}/*"]}]}}],
            "managedPolicyArns": [MANAGED_POLICY_ARN],
        },
    }


class Resources:
    def __init__(self, api, namespace, count):
        self.core, self.custom = client.CoreV1Api(api), client.CustomObjectsApi(api)
        self.namespace, self.count = namespace, count

    def create_all(self):
        self.core.create_namespace({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": self.namespace}})
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(lambda index: self.custom.create_namespaced_custom_object(
                GROUP, VERSION, self.namespace, PLURAL, resource(self.namespace, index)), range(self.count)))

    def list(self):
        return self.custom.list_namespaced_custom_object(GROUP, VERSION, self.namespace, PLURAL)["items"]

    @staticmethod
    def is_ready(item):
        status = item.get("status") or {}
        ready = [c for c in status.get("conditions") or [] if c.get("type") == "Ready"]
        return (bool(ready) and ready[0].get("status") == "True"
                and status.get("observedGeneration") == item["metadata"].get("generation"))

    def wait(self, done, timeout, what):
        """Polls list() until done(items) holds; returns the seconds it took. Raises on timeout."""
        started = time.monotonic()
        while True:
            items = self.list()
            if done(items):
                return time.monotonic() - started
            if time.monotonic() - started > timeout:
                raise TimeoutError(f"{what}: not within {timeout}s ({len(items)} resources listed, "
                                   f"{sum(self.is_ready(i) for i in items)} Ready)")
            time.sleep(0.5)

    def uids(self):
        return {item["metadata"]["uid"]: f"{self.namespace}/{item['metadata']['name']}" for item in self.list()}

    def delete_all(self):
        names = [item["metadata"]["name"] for item in self.list()]
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(lambda name: self.custom.delete_namespaced_custom_object(
                GROUP, VERSION, self.namespace, PLURAL, name), names))

    def stuck_finalizers(self):
        return sorted(f"{item['metadata']['name']}: {item['metadata'].get('finalizers')}" for item in self.list())

    def service_accounts_left(self):
        """ServiceAccounts named like the run's resources (the operator created them) still present."""
        names = {f"app-{index:04d}" for index in range(self.count)}
        try:
            accounts = self.core.list_namespaced_service_account(self.namespace).items
        except ApiException as error:
            if error.status == 404:
                return []
            raise
        return sorted(sa.metadata.name for sa in accounts if sa.metadata.name in names)

    def service_account_count(self):
        return len(self.service_accounts_left())

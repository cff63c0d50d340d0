"""The Kubernetes side of the fault run: kube-test-server's test-only fault control
(`kube-test-server --fault-control`, Sources/KubeTestServer/FaultControl.swift), and a seeded
schedule of faults fired while the run's fault window is open: dropped watches, watches answered
410 Gone, storms of 409 Conflict on the resources' status writes, and a few 429 and 500 answers."""
import json
import threading
import urllib.parse

GROUP_PREFIX = "/apis/trustline.dev/"


class FaultControl:
    """POSTs to /fault-injection with the admin token of the run's kubeconfig."""

    def __init__(self, api_client):
        self.api = api_client

    def _call(self, verb, command="", **query):
        configuration = self.api.configuration
        url = f"{configuration.host}/fault-injection{command}"
        if query:
            url += "?" + urllib.parse.urlencode(query)
        response = self.api.call_api(verb, url, header_params={
            "Authorization": configuration.get_api_key_with_prefix("BearerToken"), "Accept": "application/json"})
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"{verb} {url}: {response.status} {body[:300]!r}")
        return json.loads(body or b"{}")

    def drop_watches(self):
        return self._call("POST", "/drop-watches")

    def gone_watches(self, count):
        return self._call("POST", "/gone-watches", count=count)

    def fail_requests(self, count, status, **match):
        return self._call("POST", "/fail-requests", count=count, status=status, **match)

    def reset(self):
        return self._call("POST", "/reset")

    def counts(self):
        return self._call("GET")


class KubeFaultSchedule:
    """Every `tick` seconds, draws from `rng` which faults to fire for the next `tick` seconds; runs in
    a thread until stop()."""

    def __init__(self, control, rng, tick=0.5):
        self.control, self.rng, self.tick = control, rng, tick
        self.stopped = threading.Event()
        self.errors = []
        self.thread = threading.Thread(target=self._run, name="kube-faults", daemon=True)

    def start(self):
        self.thread.start()

    def stop(self):
        """Stops firing and switches every injected fault off; returns what was injected by kind."""
        self.stopped.set()
        self.thread.join()
        self.control.reset()
        return self.control.counts()

    def _run(self):
        while not self.stopped.wait(self.tick):
            try:
                self._fire_some()
            except Exception as error:  # reported, and a failed check of the run
                self.errors.append(f"{type(error).__name__}: {error}")

    def _fire_some(self):
        rng, control = self.rng, self.control
        # Armed request faults wait for the next matching request: without this reset they would
        # pile up while the operator backs off, and its every retry (a relist after a restart)
        # would meet one. Each tick's faults live until the next tick.
        control.reset()
        if rng.random() < 0.15:
            control.drop_watches()
        if rng.random() < 0.10:
            control.gone_watches(rng.randint(1, 3))
        if rng.random() < 0.5:
            # A storm: the next status writes of the resources all conflict.
            control.fail_requests(rng.randint(5, 25), 409, method="PUT", pathPrefix=GROUP_PREFIX, pathSuffix="/status")
        if rng.random() < 0.10:
            control.fail_requests(rng.randint(1, 3), 429, pathPrefix=GROUP_PREFIX, retryAfterSeconds=1)
        if rng.random() < 0.10:
            prefix = GROUP_PREFIX if rng.random() < 0.5 else "/api/v1/namespaces/"
            control.fail_requests(rng.randint(1, 3), 500, pathPrefix=prefix)

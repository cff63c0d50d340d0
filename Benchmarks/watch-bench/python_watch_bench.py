#!/usr/bin/env python3
"""The Python half of watch-bench: the official `kubernetes` client against the same test server.
Its Swift twin is watch-bench's consume-throughput / consume-latency mode (SwiftConsumer.swift).

Usage:
  python_watch_bench.py throughput KUBECONFIG NAMESPACE OBJECTS ROUNDS
      Per round, watches NAMESPACE's ConfigMaps from resourceVersion 0 and times the replay of
      OBJECTS ADDED events, each decoded into a typed V1ConfigMap (the client's default).
      Then reads the same replay's lines once without decoding and, per round, times decoding them
      alone with the client's own Watch.unmarshal_event (no network; the client's CPU cost).
      Prints {"eventsPerSecond": [...], "decodeEventsPerSecond": [...], "rawLinesPerSecond": x,
      "clientVersion": "..."}.
  python_watch_bench.py latency KUBECONFIG NAMESPACE TOTAL
      Watches NAMESPACE's ConfigMaps until TOTAL ADDED events arrived; for each, the time from
      the send time in its annotation to its arrival here. Prints {"latencies": {name: seconds}}.
The kubeconfig is the one the server wrote; TLS verifies against its CA.
"""
import json
import sys
import time

try:
    import kubernetes
    from kubernetes import client, config, watch
except ImportError:
    sys.stderr.write("python_watch_bench.py: the Python kubernetes client is missing; run `pip install kubernetes`\n")
    sys.exit(3)

SENT_AT = "watch-bench.trustline.dev/sent-at"


def core_api(kubeconfig):
    config.load_kube_config(config_file=kubeconfig)
    return client.CoreV1Api()


def throughput(api, namespace, objects, rounds):
    rates = []
    for _ in range(rounds):
        w = watch.Watch()
        added = 0
        data_keys = 0
        start = time.perf_counter()
        for event in w.stream(api.list_namespaced_config_map, namespace, resource_version="0", timeout_seconds=120):
            if event["type"] != "ADDED":
                continue
            added += 1
            data_keys += len(event["object"].data or {})
            if added == objects:
                w.stop()
                break
        elapsed = time.perf_counter() - start
        if added != objects or data_keys != objects * 3:
            sys.stderr.write(f"python_watch_bench.py: watch ended after {added} of {objects} objects\n")
            sys.exit(1)
        rates.append(objects / elapsed)
    decode_rates, raw_rate = decode_only(api, namespace, objects, rounds)
    return {"eventsPerSecond": rates, "decodeEventsPerSecond": decode_rates, "rawLinesPerSecond": raw_rate,
            "clientVersion": kubernetes.__version__}


def decode_only(api, namespace, objects, rounds):
    response = api.list_namespaced_config_map(
        namespace, watch=True, resource_version="0", timeout_seconds=120, _preload_content=False)
    lines = []
    start = time.perf_counter()
    for line in watch.watch.iter_resp_lines(response):
        if line:
            lines.append(line)
        if len(lines) == objects:
            break
    raw_rate = objects / (time.perf_counter() - start)
    response.close()
    response.release_conn()
    if len(lines) != objects:
        sys.stderr.write(f"python_watch_bench.py: raw watch ended after {len(lines)} of {objects} lines\n")
        sys.exit(1)
    rates = []
    for _ in range(rounds):
        w = watch.Watch()
        data_keys = 0
        start = time.perf_counter()
        for line in lines:
            data_keys += len(w.unmarshal_event(line, "V1ConfigMap")["object"].data or {})
        elapsed = time.perf_counter() - start
        if data_keys != objects * 3:
            sys.stderr.write("python_watch_bench.py: decoded objects lack their data keys\n")
            sys.exit(1)
        rates.append(objects / elapsed)
    return rates, raw_rate


def latency(api, namespace, total):
    latencies = {}
    w = watch.Watch()
    for event in w.stream(api.list_namespaced_config_map, namespace, timeout_seconds=120):
        if event["type"] != "ADDED":
            continue
        received = time.time()
        obj = event["object"]
        sent = (obj.metadata.annotations or {}).get(SENT_AT)
        if sent is not None:
            latencies[obj.metadata.name] = received - float(sent)
        if len(latencies) == total:
            w.stop()
            break
    if len(latencies) != total:
        sys.stderr.write(f"python_watch_bench.py: saw {len(latencies)} of {total} timestamped events\n")
        sys.exit(1)
    return {"latencies": latencies}


def main():
    if len(sys.argv) < 4 or sys.argv[1] not in ("throughput", "latency"):
        sys.stderr.write(__doc__)
        sys.exit(2)
    mode, kubeconfig, namespace = sys.argv[1], sys.argv[2], sys.argv[3]
    api = core_api(kubeconfig)
    if mode == "throughput":
        result = throughput(api, namespace, int(sys.argv[4]), int(sys.argv[5]))
    else:
        result = latency(api, namespace, int(sys.argv[4]))
    print(json.dumps(result))


if __name__ == "__main__":
    main()

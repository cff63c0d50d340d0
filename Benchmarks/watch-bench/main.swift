// watch-bench: watch throughput and write-to-event latency of Trustline's KubeClient against the
// official Python `kubernetes` client, both against the same KubeTestServer in one run.
// Not a test; run it in release mode:
//   swift run -c release watch-bench [--objects N] [--rounds N] [--writes M] [--latency-passes N]
//     [--warmup-writes N] [--gap-ms MS] [--python-script PATH]
// The server and the writer run in this process; each client runs as a child process
// (watch-bench itself in consumer mode, and python_watch_bench.py), so both are measured alike.
import Foundation
import KubeClient
import KubeModels
import KubeTestServer

/// Writes a line unbuffered, so progress shows even when stdout is a pipe.
func report(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// The 1-minute, 5-minute and 15-minute load averages, to read the numbers against.
func loadAverage() -> String {
    guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "n/a" }
    return text.split(separator: " ").prefix(3).joined(separator: " ")
}

let throughputNamespace = "watch-bench-throughput"

/// Each latency pass watches a namespace of its own, empty until its writes start.
func latencyNamespace(client: String, pass: Int) -> String { "watch-bench-latency-\(client)-\(pass)" }

/// One client's measurements, gathered over the run.
struct ClientResults {
    var throughput: ThroughputResult
    var latencies: [Double] = []
}

/// Runs every measurement against `server` and prints the table.
func runBenchmark(server: KubeTestServer, swift: ConsumerProcess, python: ConsumerProcess, options: BenchOptions) async throws {
    try server.writeKubeconfig(to: swift.kubeconfig)
    let writer = BenchWriter(server: server, client: try KubernetesClient.load(kubeconfigPath: swift.kubeconfig))
    let latencyNamespaces = (1...options.latencyPasses).flatMap {
        [latencyNamespace(client: "swift", pass: $0), latencyNamespace(client: "python", pass: $0)]
    }
    for name in [throughputNamespace] + latencyNamespaces {
        _ = try await writer.client.create(Namespace(name: name))
    }
    let clock = ContinuousClock()
    let setupStart = clock.now
    try await writer.createObjects(count: options.objects, namespace: throughputNamespace)
    report(String(format: "created %d ConfigMaps in %.1f s", options.objects, seconds(clock.now - setupStart)))

    // Throughput: the same replay of N objects to each client.
    var results: [String: ClientResults] = [:]
    for consumer in [swift, python] {
        _ = writer.endStaleWatches()
        let throughput = try await consumer.throughput(
            namespace: throughputNamespace, objects: options.objects, rounds: options.rounds)
        results[consumer.label] = ClientResults(throughput: throughput)
        report("  \(consumer.label): watch " + rates(throughput.eventsPerSecond) + " events/s; decode only "
            + rates(throughput.decodeEventsPerSecond) + String(format: "; raw lines %.0f/s", throughput.rawLinesPerSecond))
    }

    // Latency: the same writer for both consumers, passes alternating Swift and Python.
    for pass in 1...options.latencyPasses {
        for (consumer, name) in [(swift, "swift"), (python, "python")] {
            let latencies = try await writer.latencyPass(
                consumer: consumer, namespace: latencyNamespace(client: name, pass: pass), writes: options.writes,
                warmup: options.warmupWrites, gap: .milliseconds(options.gapMilliseconds))
            results[consumer.label]?.latencies += latencies
        }
        report("  latency pass \(pass) done")
    }

    guard let swiftResults = results[swift.label], let pythonResults = results[python.label] else {
        throw BenchError.measurement("a client's results are missing")
    }
    printTable(options: options, swift: swiftResults, python: pythonResults)
}

func rates(_ values: [Double]) -> String {
    values.map { String(format: "%.0f", $0) }.joined(separator: ", ")
}

func printTable(options: BenchOptions, swift: ClientResults, python: ClientResults) {
    let labelWidth = 50
    func row(_ label: String, _ columns: [Double], format: String) -> String {
        label.padding(toLength: labelWidth, withPad: " ", startingAt: 0)
            + columns.map { String(format: format, $0) }.joined(separator: " ")
    }
    func header(_ columns: [String], width: Int) -> String {
        "client".padding(toLength: labelWidth, withPad: " ", startingAt: 0)
            + columns.map { String(repeating: " ", count: max(0, width - $0.count)) + $0 }.joined(separator: " ")
    }
    let swiftName = "Trustline KubeClient"
    let pythonName = "Python kubernetes \(python.throughput.clientVersion)"
    let swiftWatch = Samples(swift.throughput.eventsPerSecond)
    let pythonWatch = Samples(python.throughput.eventsPerSecond)
    let swiftDecode = Samples(swift.throughput.decodeEventsPerSecond)
    let pythonDecode = Samples(python.throughput.decodeEventsPerSecond)

    report("")
    report("Watch throughput: \(options.objects) ConfigMaps replayed from resourceVersion 0, decoded into typed objects, \(options.rounds) rounds")
    report(header(["median ev/s", "best ev/s"], width: 12))
    report(row("\(swiftName) (Watcher)", [swiftWatch.median, swiftWatch.maximum], format: "%12.0f"))
    report(row("\(pythonName) (watch.Watch)", [pythonWatch.median, pythonWatch.maximum], format: "%12.0f"))
    report(String(format: "ratio Swift/Python: %.2fx median, %.2fx best (higher is better)",
                  swiftWatch.median / pythonWatch.median, swiftWatch.maximum / pythonWatch.maximum))
    report(String(format: "(raw lines, read without decoding, one pass: %.0f/s via libcurl, %.0f/s via the Python client's urllib3)",
                  swift.throughput.rawLinesPerSecond, python.throughput.rawLinesPerSecond))
    report("")
    report("Decoding only: the same \(options.objects) captured watch lines, each client's own watch decoder, no network")
    report(header(["median ev/s", "best ev/s"], width: 12))
    report(row("\(swiftName) (WatchConnection)", [swiftDecode.median, swiftDecode.maximum], format: "%12.0f"))
    report(row("\(pythonName) (Watch.unmarshal_event)", [pythonDecode.median, pythonDecode.maximum], format: "%12.0f"))
    report(String(format: "ratio Swift/Python: %.2fx median, %.2fx best (higher is better)",
                  swiftDecode.median / pythonDecode.median, swiftDecode.maximum / pythonDecode.maximum))
    report("")
    let swiftLatency = Samples(swift.latencies)
    let pythonLatency = Samples(python.latencies)
    report("Write-to-event latency: \(options.latencyPasses) x \(options.writes) creates (+\(options.warmupWrites) warm-up each) per client, \(options.gapMilliseconds) ms apart, same writer")
    report(header(["p50 ms", "p99 ms", "max ms"], width: 10))
    for (name, samples) in [("\(swiftName) (Watcher)", swiftLatency), ("\(pythonName) (watch.Watch)", pythonLatency)] {
        report(row(name, [samples.median * 1000, samples.percentile(0.99) * 1000, samples.maximum * 1000], format: "%10.2f"))
    }
    report(String(format: "ratio Swift/Python: %.2fx p50, %.2fx p99 (lower is better)",
                  swiftLatency.median / pythonLatency.median,
                  swiftLatency.percentile(0.99) / pythonLatency.percentile(0.99)))
}

/// Benchmark mode: starts the server, runs everything, stops everything. Returns the exit status.
func runAsBenchmark() async -> Int32 {
    let options: BenchOptions
    do {
        options = try BenchOptions(arguments: CommandLine.arguments)
    } catch {
        FileHandle.standardError.write(Data("\(error)\n".utf8))
        return 2
    }
    let workDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("watch-bench-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: workDirectory) }
    let kubeconfig = workDirectory.appendingPathComponent("kubeconfig").path
    do {
        let python = try ConsumerProcess.python(script: options.pythonScript, kubeconfig: kubeconfig)
        let swift = try ConsumerProcess.swift(kubeconfig: kubeconfig)
        defer {
            swift.terminate()
            python.terminate()
        }
        try FileManager.default.createDirectory(at: workDirectory, withIntermediateDirectories: true)
        var serverOptions = KubeTestServerOptions()
        serverOptions.watchHistoryLimit = options.objects + 2 * options.latencyPasses * (options.writes + options.warmupWrites) + 1000
        let server = try await KubeTestServer.start(serverOptions)
        report("watch-bench: KubeTestServer on \(server.baseURL.absoluteString); load average \(loadAverage()) on \(ProcessInfo.processInfo.activeProcessorCount) cores")
        var status: Int32 = 0
        do {
            try await runBenchmark(server: server, swift: swift, python: python, options: options)
        } catch {
            FileHandle.standardError.write(Data("watch-bench: \(error)\n".utf8))
            status = 1
        }
        await server.stop()
        report("load average at the end: \(loadAverage())")
        return status
    } catch {
        FileHandle.standardError.write(Data("watch-bench: \(error)\n".utf8))
        return 1
    }
}

let arguments = Array(CommandLine.arguments.dropFirst())
if let mode = arguments.first, mode == "consume-throughput" || mode == "consume-latency" {
    do {
        try await SwiftConsumer.runMode(arguments)
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("watch-bench \(mode): \(error)\n".utf8))
        exit(1)
    }
}
exit(await runAsBenchmark())

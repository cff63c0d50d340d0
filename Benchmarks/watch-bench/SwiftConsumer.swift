import Foundation
import HTTPTransport
import KubeClient
import KubeModels

/// The Trustline side of the benchmark, run in a child process of watch-bench exactly as the
/// Python script is (same kubeconfig, same modes, same JSON on stdout), so neither client shares
/// a process with the server or the writer.
struct SwiftConsumer {
    /// The watching client, loaded from the kubeconfig the server wrote.
    let client: KubernetesClient

    init(kubeconfig: String) throws {
        client = try KubernetesClient.load(kubeconfigPath: kubeconfig)
    }

    /// Watch rounds, then one raw capture of the replay and decode-only rounds over it.
    func throughput(namespace: String, objects: Int, rounds: Int) async throws -> ThroughputResult {
        var rates: [Double] = []
        for _ in 0..<rounds { rates.append(try await typedThroughput(namespace: namespace, objects: objects)) }
        let capture = try await captureLines(namespace: namespace, objects: objects)
        var decodeRates: [Double] = []
        for _ in 0..<rounds { decodeRates.append(try await Self.decodeThroughput(lines: capture.lines)) }
        return ThroughputResult(
            eventsPerSecond: rates, decodeEventsPerSecond: decodeRates, rawLinesPerSecond: capture.rate,
            clientVersion: "KubeClient")
    }

    /// Events per second the client's `Watcher` yields as typed `BenchConfigMap`s, counting from
    /// before the watch request until the `objects`-th ADDED event of the replay from version 0.
    func typedThroughput(namespace: String, objects: Int) async throws -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        var added = 0
        var dataKeys = 0
        for try await event in client.watch(BenchConfigMap.self, namespace: namespace, resourceVersion: "0") {
            guard case .added(let object) = event else { continue }
            added += 1
            dataKeys += object.data?.count ?? 0
            if added == objects { break }
        }
        let elapsed = seconds(clock.now - start)
        guard added == objects, dataKeys == objects * 3 else {
            throw BenchError.measurement("Swift watch ended after \(added) of \(objects) objects")
        }
        return Double(objects) / elapsed
    }

    /// Reads the same replay through libcurl without decoding: the lines, and lines per second
    /// (what the server and transport allow before any decoding).
    func captureLines(namespace: String, objects: Int) async throws -> (rate: Double, lines: [Data]) {
        let configuration = client.configuration
        guard case .bearerToken(let token) = configuration.authentication else {
            throw BenchError.setup("the raw capture needs a kubeconfig with a bearer token")
        }
        let address = "\(configuration.server.absoluteString)/api/v1/namespaces/\(namespace)/configmaps?watch=true&resourceVersion=0"
        guard let url = URL(string: address) else { throw BenchError.setup("bad watch URL \(address)") }
        var request = HTTPRequest(url: url, timeout: nil)
        request.bearerToken = token
        let http = CurlHTTPClient(tls: configuration.tls)
        let clock = ContinuousClock()
        let start = clock.now
        let response = try await http.stream(request)
        guard response.status == 200 else { throw BenchError.measurement("raw watch answered HTTP \(response.status)") }
        var lines: [Data] = []
        lines.reserveCapacity(objects)
        for try await line in response.lines where !line.isEmpty {
            lines.append(line)
            if lines.count == objects { break }
        }
        let elapsed = seconds(clock.now - start)
        guard lines.count == objects else {
            throw BenchError.measurement("raw watch ended after \(lines.count) of \(objects) lines")
        }
        return (Double(objects) / elapsed, lines)
    }

    /// Events per second of the client's own line decoder (`WatchConnection`) over captured
    /// lines, no network: the client's CPU cost per event.
    static func decodeThroughput(lines: [Data]) async throws -> Double {
        let (stream, continuation) = AsyncThrowingStream<Data, any Error>.makeStream(bufferingPolicy: .unbounded)
        for line in lines { continuation.yield(line) }
        continuation.finish()
        let clock = ContinuousClock()
        let start = clock.now
        var decoded = 0
        var dataKeys = 0
        for try await event in WatchConnection<BenchConfigMap>(lines: stream) {
            guard case .added(let object) = event else { continue }
            decoded += 1
            dataKeys += object.data?.count ?? 0
        }
        let elapsed = seconds(clock.now - start)
        guard decoded == lines.count, dataKeys == lines.count * 3 else {
            throw BenchError.measurement("decoded \(decoded) of \(lines.count) captured events")
        }
        return Double(decoded) / elapsed
    }

    /// Watches an empty namespace until `total` timestamped ADDED events arrived; for each, the
    /// seconds from the send time in its annotation to its arrival here, by object name.
    func latency(namespace: String, total: Int) async throws -> [String: Double] {
        var latencies: [String: Double] = [:]
        let watch = client.watch(BenchConfigMap.self, namespace: namespace, resourceVersion: nil)
        for try await event in watch {
            guard case .added(let object) = event else { continue }
            let receivedAt = Date()
            if let name = object.metadata.name, let latency = object.latency(receivedAt: receivedAt) {
                latencies[name] = latency
            }
            if latencies.count == total { break }
        }
        guard latencies.count == total else {
            throw BenchError.measurement("Swift consumer saw \(latencies.count) of \(total) timestamped events")
        }
        return latencies
    }

    /// Runs one consumer mode from the command line (`consume-throughput` or `consume-latency`)
    /// and prints its JSON result, as `python_watch_bench.py` does.
    static func runMode(_ arguments: [String]) async throws {
        func argument(_ index: Int, _ name: String) throws -> String {
            guard index < arguments.count else { throw BenchError.usage("\(arguments[0]) needs \(name)") }
            return arguments[index]
        }
        func number(_ index: Int, _ name: String) throws -> Int {
            let text = try argument(index, name)
            guard let value = Int(text), value > 0 else { throw BenchError.usage("\(name) wants a positive integer, got \"\(text)\"") }
            return value
        }
        let consumer = try SwiftConsumer(kubeconfig: try argument(1, "KUBECONFIG"))
        let namespace = try argument(2, "NAMESPACE")
        let encoder = JSONEncoder()
        let output: Data
        switch arguments[0] {
        case "consume-throughput":
            output = try encoder.encode(
                try await consumer.throughput(
                    namespace: namespace, objects: try number(3, "OBJECTS"), rounds: try number(4, "ROUNDS")))
        default:
            output = try encoder.encode(
                LatencyResult(latencies: try await consumer.latency(namespace: namespace, total: try number(3, "TOTAL"))))
        }
        FileHandle.standardOutput.write(output + Data("\n".utf8))
    }
}

/// What a consumer's throughput mode prints (both the Swift and the Python consumer).
struct ThroughputResult: Codable {
    /// Events per second of each watch round.
    let eventsPerSecond: [Double]
    /// Events per second of each round of decoding captured lines, no network.
    let decodeEventsPerSecond: [Double]
    /// Lines per second of the raw capture (no decoding).
    let rawLinesPerSecond: Double
    let clientVersion: String
}

/// What a consumer's latency mode prints: seconds from send to arrival, by object name.
struct LatencyResult: Codable {
    let latencies: [String: Double]
}

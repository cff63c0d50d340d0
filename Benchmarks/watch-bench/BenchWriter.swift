import Foundation
import KubeClient
import KubeModels
import KubeTestServer

/// The writing side, in the benchmark process next to the server: creates the replayed objects
/// and makes the timestamped latency writes, the same way for both consumers.
struct BenchWriter {
    let server: KubeTestServer
    let client: KubernetesClient

    /// Creates `count` sample ConfigMaps with `parallelism` concurrent writers.
    func createObjects(count: Int, namespace: String, parallelism: Int = 8) async throws {
        let client = self.client
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<parallelism {
                group.addTask {
                    for index in stride(from: worker, to: count, by: parallelism) {
                        _ = try await client.create(
                            BenchConfigMap.sample(name: String(format: "obj-%06d", index), namespace: namespace))
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// Creates `count` ConfigMaps `lat-00000`... one after another, each stamped with its send time.
    func writeTimestamped(namespace: String, count: Int, gap: Duration) async throws {
        for index in 0..<count {
            let object = BenchConfigMap.sample(name: Self.latencyName(index), namespace: namespace, sentAt: Date())
            _ = try await client.create(object)
            if gap > .zero { try await Task.sleep(for: gap) }
        }
    }

    /// Ends every watch the server still holds (consumers that stopped reading stay registered
    /// until the server next writes to them), so a new consumer's watch shows in the count.
    /// Returns the count afterwards.
    func endStaleWatches() -> Int {
        server.faults.dropAllWatches()
        return server.openWatchCount
    }

    /// Waits until the server holds more open watches than `count`: the consumer is subscribed,
    /// so no write lands before its watch exists.
    func waitForWatch(above count: Int, who: String, alive: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while server.openWatchCount <= count {
            guard alive() else { throw BenchError.measurement("\(who) exited before opening its watch") }
            guard ContinuousClock.now < deadline else {
                throw BenchError.measurement("\(who) did not open its watch within 60 s")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// One latency pass: starts `consumer` on an empty namespace, writes `warmup + writes`
    /// objects once its watch is open, and returns the latencies of the measured writes.
    func latencyPass(
        consumer: ConsumerProcess, namespace: String, writes: Int, warmup: Int, gap: Duration
    ) async throws -> [Double] {
        let total = warmup + writes
        let watchesBefore = endStaleWatches()
        let received = try await consumer.latency(namespace: namespace, total: total) {
            try await waitForWatch(above: watchesBefore, who: "the \(consumer.label) consumer", alive: { consumer.isRunning })
            try await writeTimestamped(namespace: namespace, count: total, gap: gap)
        }
        let names = (warmup..<total).map(Self.latencyName)
        let missing = names.filter { received[$0] == nil }
        guard missing.isEmpty else {
            throw BenchError.measurement("\(consumer.label) consumer missed \(missing.count) events, first \(missing[0])")
        }
        return names.compactMap { received[$0] }
    }

    static func latencyName(_ index: Int) -> String { String(format: "lat-%05d", index) }
}

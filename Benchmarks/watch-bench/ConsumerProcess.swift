import Dispatch
import Foundation
import Synchronization

/// One client under test as a child process: `python_watch_bench.py` (the official Python
/// `kubernetes` client) or watch-bench itself in consumer mode (Trustline's KubeClient). Both
/// get the same kubeconfig and modes and print JSON on stdout.
final class ConsumerProcess: Sendable {
    /// Shown in the table.
    let label: String
    let executable: String
    /// Arguments before the mode's own (the script path for Python).
    let leadingArguments: [String]
    /// Mode names: throughput and latency.
    let modes: (throughput: String, latency: String)
    let kubeconfig: String
    /// Process id of the running child (0 when none), so it can be ended if the benchmark fails.
    private let runningPID = Mutex<Int32>(0)
    private let exited = Mutex<Bool>(true)
    /// Set by `terminate()`; a child that starts after it is ended at once.
    private let stopRequested = Mutex<Bool>(false)

    private init(label: String, executable: String, leadingArguments: [String], modes: (String, String), kubeconfig: String) {
        self.label = label
        self.executable = executable
        self.leadingArguments = leadingArguments
        self.modes = modes
        self.kubeconfig = kubeconfig
    }

    /// The Python baseline; fails clearly when python3 or the script is missing.
    static func python(script: String, kubeconfig: String) throws(BenchError) -> ConsumerProcess {
        guard let python = find("python3") else {
            throw BenchError.setup("python3 is not on PATH; the Python baseline needs it (and `pip install kubernetes`)")
        }
        guard FileManager.default.fileExists(atPath: script) else {
            throw BenchError.setup("baseline script not found at \(script); pass --python-script PATH")
        }
        return ConsumerProcess(
            label: "Python kubernetes", executable: python, leadingArguments: [script], modes: ("throughput", "latency"),
            kubeconfig: kubeconfig)
    }

    /// This executable in consumer mode (see `SwiftConsumer.runMode`).
    static func swift(kubeconfig: String) throws(BenchError) -> ConsumerProcess {
        guard let executable = Bundle.main.executablePath else {
            throw BenchError.setup("cannot find the watch-bench executable to start the Swift consumer")
        }
        return ConsumerProcess(
            label: "Trustline KubeClient", executable: executable, leadingArguments: [],
            modes: ("consume-throughput", "consume-latency"), kubeconfig: kubeconfig)
    }

    /// Whether the last started child is still running.
    var isRunning: Bool { !exited.withLock { $0 } }

    /// Starts the child with `arguments` and returns the task that yields its stdout. The child
    /// counts as running from this call on; blocking work stays off the cooperative thread pool
    /// (which the in-process server needs).
    func start(_ arguments: [String]) -> Task<Data, any Error> {
        exited.withLock { $0 = false }
        stopRequested.withLock { $0 = false }
        return Task { try await self.runToEnd(arguments) }
    }

    private func runToEnd(_ arguments: [String]) async throws -> Data {
        let executable = self.executable
        let fullArguments = leadingArguments + arguments
        let label = self.label
        let outcome: Result<Data, BenchError> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: executable)
                process.arguments = fullArguments
                let output = Pipe()
                process.standardOutput = output
                process.standardError = FileHandle.standardError
                do {
                    try process.run()
                } catch {
                    self.exited.withLock { $0 = true }
                    continuation.resume(returning: .failure(.setup("could not start \(executable): \(error)")))
                    return
                }
                self.runningPID.withLock { $0 = process.processIdentifier }
                if self.stopRequested.withLock({ $0 }) { process.terminate() }
                let data = output.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                self.runningPID.withLock { $0 = 0 }
                self.exited.withLock { $0 = true }
                if process.terminationStatus == 0 {
                    continuation.resume(returning: .success(data))
                } else {
                    continuation.resume(returning: .failure(.measurement(
                        "\(label) consumer (\(arguments.first ?? "")) exited with status \(process.terminationStatus); see its stderr above")))
                }
            }
        }
        return try outcome.get()
    }

    /// Ends the running child, if any (used when the benchmark fails mid-run).
    func terminate() {
        stopRequested.withLock { $0 = true }
        let pid = runningPID.withLock { $0 }
        if pid > 0 { kill(pid, SIGTERM) }
    }

    /// Watch rounds, then decode-only rounds, as the child measured them.
    func throughput(namespace: String, objects: Int, rounds: Int) async throws -> ThroughputResult {
        let data = try await start([modes.throughput, kubeconfig, namespace, String(objects), String(rounds)]).value
        return try decode(ThroughputResult.self, from: data)
    }

    /// Starts the latency consumer; `whileWatching` makes the writes once its watch is open.
    /// Returns latencies by object name.
    func latency(namespace: String, total: Int, whileWatching: @Sendable () async throws -> Void) async throws
        -> [String: Double]
    {
        let consumer = start([modes.latency, kubeconfig, namespace, String(total)])
        do {
            try await whileWatching()
        } catch {
            terminate()
            _ = try? await consumer.value
            throw error
        }
        return try decode(LatencyResult.self, from: try await consumer.value).latencies
    }

    private func decode<Value: Decodable>(_ type: Value.Type, from data: Data) throws -> Value {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            let text = String(decoding: data.prefix(300), as: UTF8.self)
            throw BenchError.measurement("\(label) consumer printed no valid result (\(error)): \(text)")
        }
    }

    static func find(_ command: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(command)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

import Foundation

/// The command line of watch-bench, with defaults that finish in well under two minutes on two cores.
struct BenchOptions {
    /// Objects replayed to each throughput watch.
    var objects = 5000
    /// Throughput rounds per client; the table shows the median round and the best one.
    var rounds = 3
    /// Measured writes per latency pass.
    var writes = 300
    /// Latency passes per client, run alternately (Swift, Python, Swift, ...); samples are pooled.
    var latencyPasses = 2
    /// Writes before the measured ones, excluded from the latency statistics.
    var warmupWrites = 10
    /// Pause between two latency writes.
    var gapMilliseconds = 5
    var pythonScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("python_watch_bench.py").path

    static let usage =
        "usage: watch-bench [--objects N] [--rounds N] [--writes M] [--latency-passes N] [--warmup-writes N] [--gap-ms MS] [--python-script PATH]"

    init(arguments: [String]) throws(BenchError) {
        var iterator = arguments.dropFirst().makeIterator()
        while let flag = iterator.next() {
            if flag == "--help" || flag == "-h" { throw BenchError.usage("") }
            guard let value = iterator.next() else { throw BenchError.usage("\(flag) needs a value") }
            switch flag {
            case "--objects": objects = try Self.count(value, flag, minimum: 1)
            case "--rounds": rounds = try Self.count(value, flag, minimum: 1)
            case "--writes": writes = try Self.count(value, flag, minimum: 1)
            case "--latency-passes": latencyPasses = try Self.count(value, flag, minimum: 1)
            case "--warmup-writes": warmupWrites = try Self.count(value, flag, minimum: 0)
            case "--gap-ms": gapMilliseconds = try Self.count(value, flag, minimum: 0)
            case "--python-script": pythonScript = value
            default: throw BenchError.usage("unknown option \(flag)")
            }
        }
    }

    private static func count(_ value: String, _ flag: String, minimum: Int) throws(BenchError) -> Int {
        guard let number = Int(value), number >= minimum else {
            throw BenchError.usage("\(flag) wants an integer >= \(minimum), got \"\(value)\"")
        }
        return number
    }
}

/// Why the benchmark could not run; printed as is.
enum BenchError: Error, CustomStringConvertible {
    case usage(String)
    case setup(String)
    case measurement(String)

    var description: String {
        switch self {
        case .usage(let message): return (message.isEmpty ? "" : "usage error: \(message)\n") + BenchOptions.usage
        case .setup(let message): return "setup failed: \(message)"
        case .measurement(let message): return "measurement failed: \(message)"
        }
    }
}

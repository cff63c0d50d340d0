import Foundation
import Synchronization
import Testing

@testable import KubeClient

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The exec plugin runner holds no thread while a plugin runs, and kills plugins that hang.
@Suite("Running exec plugins without blocking", .timeLimit(.minutes(2)))
struct ProcessCommandRunnerTests {
    static let cluster = KubeConfiguration(server: URL(string: "https://127.0.0.1:1")!)

    /// More slow plugins at once than Swift's cooperative pool has threads: if running a plugin
    /// held a pool thread, nothing else could run until they finish. Each plugin sleeps 2 s and
    /// then waits for a release file the test writes only after 50 small tasks have finished, so
    /// "finished while the plugins were still running" holds by construction, however loaded the
    /// machine is; a blocking runner would leave those tasks waiting until the plugins give up
    /// (30 s) and return, and the check fails.
    @Test func slowPluginsLeaveThePoolFreeForOtherTasks() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let plugin = try dir.write("slow-plugin.sh", """
            #!/bin/sh
            : > "$STARTED"
            sleep 2
            i=0
            while [ ! -f "$RELEASE" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
            printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"slow-%s"}}\\n' "$INDEX"
            """, executable: true)
        let pluginCount = ProcessInfo.processInfo.activeProcessorCount + 2
        let release = dir.file("release")
        let providers = (0..<pluginCount).map { index in
            ExecCredentialProvider(
                configuration: ExecConfiguration(
                    command: plugin,
                    environment: [
                        .init(name: "STARTED", value: dir.file("started-\(index)")),
                        .init(name: "RELEASE", value: release),
                        .init(name: "INDEX", value: String(index)),
                    ],
                    user: "slow-\(index)"),
                cluster: Self.cluster)
        }
        let pluginsReturned = ReturnCounter()
        let start = ContinuousClock.now

        let tokens = try await withThrowingTaskGroup(of: String?.self) { group in
            for provider in providers {
                group.addTask {
                    let credentials = try await provider.credentials()
                    pluginsReturned.count.add(1, ordering: .sequentiallyConsistent)
                    return credentials.authorization
                }
            }
            // Every plugin process is running (each has written its marker).
            let allStarted = try await Self.waitUntil(timeout: .seconds(20)) {
                (0..<pluginCount).allSatisfy { FileManager.default.fileExists(atPath: dir.file("started-\($0)")) }
            }
            #expect(allStarted, "the plugins did not all start")

            let finishedWhilePluginsRan = await withTaskGroup(of: Bool.self) { small in
                for n in 0..<50 {
                    small.addTask {
                        await Task.yield()
                        try? await Task.sleep(for: .milliseconds(5 + n % 5))
                        return pluginsReturned.count.load(ordering: .sequentiallyConsistent) == 0
                    }
                }
                var count = 0
                for await stillRunning in small where stillRunning { count += 1 }
                return count
            }
            let smallTasksDone = ContinuousClock.now - start
            #expect(finishedWhilePluginsRan == 50, "small tasks that finished while the plugins were still running")
            #expect(pluginsReturned.count.load(ordering: .sequentiallyConsistent) == 0)
            #expect(smallTasksDone < .seconds(20), "small tasks took \(smallTasksDone)")

            try Data().write(to: URL(fileURLWithPath: release))
            var tokens: [String?] = []
            for try await token in group { tokens.append(token) }
            return tokens
        }
        #expect(Set(tokens) == Set((0..<pluginCount).map { "Bearer slow-\($0)" }))
        #expect(ContinuousClock.now - start >= .seconds(2), "the plugins really were slow")
    }

    @Test func hungPluginIsKilledAfterTheTimeoutWithAClearError() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        // The shell and its background child both hold stdout open; both must die.
        let plugin = try dir.write("hung-plugin.sh", """
            #!/bin/sh
            echo $$ > "$PIDS"
            sleep 600 &
            echo $! >> "$PIDS"
            wait
            """, executable: true)
        let provider = ExecCredentialProvider(
            configuration: ExecConfiguration(
                command: plugin, environment: [.init(name: "PIDS", value: dir.file("pids"))], user: "ci-robot"),
            cluster: Self.cluster,
            runner: ProcessCommandRunner(timeout: .seconds(1)))
        let start = ContinuousClock.now
        let error = await #expect(throws: ExecPluginError.self) { try await provider.credentials() }
        let elapsed = ContinuousClock.now - start
        // The bound is far below the plugin's 600 s but wide enough for a starved 2-core pool
        // (the whole test run shares two cooperative threads).
        #expect(elapsed >= .seconds(1) && elapsed < .seconds(120), "gave up after \(elapsed)")
        #expect(error?.user == "ci-robot")
        #expect(error?.command == plugin)
        let text = error.map(String.init(describing:)) ?? ""
        #expect(text.contains("exec credential plugin \(plugin) (kubeconfig user \"ci-robot\")"), "\(text)")
        #expect(text.contains("did not finish within 1 s and was killed"), "\(text)")

        let pids = try String(contentsOfFile: dir.file("pids"), encoding: .utf8)
            .split(separator: "\n").compactMap { pid_t($0.trimmingCharacters(in: .whitespaces)) }
        #expect(pids.count == 2)
        for pid in pids {
            let gone = try await Self.waitUntil(timeout: .seconds(60)) { Self.isGone(pid) }
            #expect(gone, "process \(pid) still alive after the timeout")
        }
    }

    @Test func cancellingTheCallerKillsTheCommand() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let script = try dir.write("sleeper.sh", "#!/bin/sh\necho $$ > \"$PIDS\"\nexec sleep 600\n", executable: true)
        let runner = ProcessCommandRunner(timeout: .seconds(900))
        let task = Task {
            try await runner.run(executable: script, arguments: [], environment: ["PIDS": dir.file("pids")])
        }
        let started = try await Self.waitUntil(timeout: .seconds(60)) {
            FileManager.default.fileExists(atPath: dir.file("pids"))
                && ((try? String(contentsOfFile: dir.file("pids"), encoding: .utf8)) ?? "").hasSuffix("\n")
        }
        #expect(started)
        let start = ContinuousClock.now
        task.cancel()
        let result = await task.result
        // Far below the command's 600 s; wide for a starved 2-core pool.
        #expect(ContinuousClock.now - start < .seconds(120))
        #expect(throws: CommandRunnerError.cancelled) { try result.get() }
        let pid = try #require(pid_t(try String(contentsOfFile: dir.file("pids"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(try await Self.waitUntil(timeout: .seconds(60)) { Self.isGone(pid) }, "process \(pid) survived cancellation")
    }

    /// More output than a pipe buffer holds, on both streams at once, arrives whole.
    @Test func collectsLargeOutputOnBothStreams() async throws {
        let result = try await ProcessCommandRunner().run(
            executable: "/bin/sh",
            arguments: ["-c", "head -c 300000 /dev/zero | tr '\\0' o & head -c 200000 /dev/zero | tr '\\0' e >&2; wait; exit 7"],
            environment: ["PATH": "/usr/bin:/bin"])
        #expect(result.exitCode == 7)
        #expect(result.standardOutput.count == 300_000)
        #expect(result.standardOutput.allSatisfy { $0 == UInt8(ascii: "o") })
        #expect(result.standardError.count == 200_000)
        #expect(result.standardError.allSatisfy { $0 == UInt8(ascii: "e") })
    }

    @Test func passesExactlyTheGivenEnvironmentAndNoInput() async throws {
        let result = try await ProcessCommandRunner().run(
            executable: "/bin/sh", arguments: ["-c", "env | sort; cat; echo end"], environment: ["ONLY": "this", "PATH": "/usr/bin:/bin"])
        let lines = String(decoding: result.standardOutput, as: UTF8.self).split(separator: "\n")
        #expect(lines.contains("ONLY=this"))
        #expect(!lines.contains { $0.hasPrefix("HOME=") })
        #expect(lines.last == "end", "stdin is empty, so cat returns at once")
        #expect(result.exitCode == 0)
    }

    @Test func aCommandThatCannotStartIsAnError() async throws {
        await #expect(throws: (any Error).self) {
            try await ProcessCommandRunner().run(executable: "/nonexistent/plugin", arguments: [], environment: [:])
        }
    }

    /// How many plugin runs have returned; shared by the test's tasks.
    final class ReturnCounter: Sendable {
        let count = Atomic<Int>(0)
    }

    /// Polls `condition` every 20 ms without blocking a thread; false if `timeout` passes first.
    static func waitUntil(timeout: Duration, _ condition: () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }

    /// The process no longer exists, or is a zombie waiting for its parent to reap it.
    static func isGone(_ pid: pid_t) -> Bool {
        if kill(pid, 0) != 0 { return errno == ESRCH }
        #if os(Linux)
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        if let state = stat.split(separator: ")").last?.split(separator: " ").first { return state == "Z" }
        #endif
        return false
    }
}

import Foundation
import TestSupport
import Testing

/// TestSupport's `ChildProcess`: output capture, the stdout line reader's timeout, stop and the
/// temporary log's removal.
@Suite("ChildProcess")
struct ChildProcessTests {
    @Test("the first stdout line is read; stderr goes to the log; stop ends the process with SIGTERM and removes its temporary log")
    func readsLineAndStops() async throws {
        let python = try ExecutableSearch.require("python3", install: "install Python 3")
        let child = try ChildProcess(
            name: "echo", executable: python,
            arguments: ["-c", "import sys, time; print('to-log', file=sys.stderr, flush=True); print(4711, flush=True); time.sleep(60)"],
            capturesStdout: true)
        defer { child.stop() }
        #expect(try await child.readLine(timeout: .seconds(20)) == "4711")
        #expect(child.log.contains("to-log"))
        // SIGTERM ended it, not the SIGKILL sent when the grace period runs out.
        #expect(child.stop(grace: .seconds(30)) == SIGTERM)
        #expect(!child.isRunning)
        #expect(!FileManager.default.fileExists(atPath: child.logPath))
    }

    @Test("a process that prints nothing: readLine gives up after its timeout instead of waiting for the process")
    func readLineTimesOut() async throws {
        let child = try ChildProcess(name: "silent", executable: "/bin/sh", arguments: ["-c", "exec sleep 60"], capturesStdout: true)
        defer { child.stop() }
        let started = ContinuousClock.now
        await #expect(throws: TestSetupError.self) { _ = try await child.readLine(timeout: .milliseconds(300)) }
        // Far below the 60 s the process lives (generous: parallel tests can keep the pool busy).
        #expect(ContinuousClock.now - started < .seconds(30))
        #expect(child.isRunning)
    }

    @Test("with a log directory, stdout and stderr go to <name>.log, which stop keeps; the exit status is returned")
    func logDirectoryAndStatus() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let child = try ChildProcess(
            name: "worker", executable: "/bin/sh", arguments: ["-c", "echo out; echo err >&2; exit 3"], logDirectory: directory)
        while child.isRunning { usleep(10_000) }
        #expect(child.stop() == 3)
        #expect(child.logPath == directory + "/worker.log")
        #expect(child.log.contains("out"))
        #expect(child.log.contains("err"))
    }

    @Test("an executable that does not exist: a setup error naming it")
    func missingExecutable() throws {
        let error = try #require(throws: TestSetupError.self) {
            _ = try ChildProcess(name: "ghost", executable: "/nonexistent/ghost", arguments: [])
        }
        #expect(error.description.contains("could not start ghost (/nonexistent/ghost)"), "\(error)")
    }
}

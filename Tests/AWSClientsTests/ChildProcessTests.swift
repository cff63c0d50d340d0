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
        try await withTeardown { () async throws in
            #expect(try await child.readLine(timeout: .seconds(20)) == "4711")
            #expect(child.log.contains("to-log"))
            // SIGTERM ended it, not the SIGKILL sent when the grace period runs out.
            #expect(await child.stop(grace: .seconds(30)) == SIGTERM)
            #expect(!child.isRunning)
            #expect(!FileManager.default.fileExists(atPath: child.logPath))
        } teardown: {
            await child.stop()
        }
    }

    @Test("a process that prints nothing: readLine gives up after its timeout instead of waiting for the process")
    func readLineTimesOut() async throws {
        let child = try ChildProcess(name: "silent", executable: "/bin/sh", arguments: ["-c", "exec sleep 60"], capturesStdout: true)
        await withTeardown {
            let started = ContinuousClock.now
            await #expect(throws: TestSetupError.self) { _ = try await child.readLine(timeout: .milliseconds(300)) }
            // Far below the 60 s the process lives (generous: parallel tests can keep the pool busy).
            #expect(ContinuousClock.now - started < .seconds(30))
            #expect(child.isRunning)
        } teardown: {
            await child.stop()
        }
    }

    @Test("with a log directory, stdout and stderr go to <name>.log, which stop keeps; the exit status is returned")
    func logDirectoryAndStatus() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let child = try ChildProcess(
            name: "worker", executable: "/bin/sh", arguments: ["-c", "echo out; echo err >&2; exit 3"], logDirectory: directory)
        #expect(await child.waitForExit() == 3)
        #expect(await child.stop() == 3)
        #expect(child.logPath == directory + "/worker.log")
        #expect(child.log.contains("out"))
        #expect(child.log.contains("err"))
    }

    @Test("a process that ignores SIGTERM: stop sends SIGKILL after the grace period and reports it")
    func stopEscalatesToSIGKILL() async throws {
        let child = try ChildProcess(
            name: "stubborn", executable: "/bin/sh", arguments: ["-c", "trap '' TERM; echo ignoring; exec sleep 60"],
            capturesStdout: true)
        // SIGTERM only once the shell ignores it.
        #expect(try await child.readLine(timeout: .seconds(20)) == "ignoring")
        let started = ContinuousClock.now
        #expect(await child.stop(grace: .milliseconds(300)) == SIGKILL)
        #expect(!child.isRunning)
        #expect(ContinuousClock.now - started < .seconds(30))
    }

    @Test("kill9 ends the process at once; a child whose last reference goes away is stopped in the background")
    func kill9AndRelease() async throws {
        let killed = try ChildProcess(name: "killed", executable: "/bin/sh", arguments: ["-c", "exec sleep 60"])
        await killed.kill9()
        #expect(!killed.isRunning)
        #expect(await killed.waitForExit() == SIGKILL)

        var released: ChildProcess? = try ChildProcess(name: "released", executable: "/bin/sh", arguments: ["-c", "exec sleep 60"])
        let pid = try #require(released?.pid)
        let logPath = try #require(released?.logPath)
        #expect(kill(pid, 0) == 0)
        released = nil
        // Foundation reaps the child once SIGTERM ended it; then the pid is gone and the log removed.
        let deadline = ContinuousClock.now + .seconds(30)
        while kill(pid, 0) == 0 || FileManager.default.fileExists(atPath: logPath), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(kill(pid, 0) == -1)
        #expect(!FileManager.default.fileExists(atPath: logPath))
        _ = released
    }

    @Test("an executable that does not exist: a setup error naming it")
    func missingExecutable() throws {
        let error = try #require(throws: TestSetupError.self) {
            _ = try ChildProcess(name: "ghost", executable: "/nonexistent/ghost", arguments: [])
        }
        #expect(error.description.contains("could not start ghost (/nonexistent/ghost)"), "\(error)")
    }

    @Test("Command.run returns the status and both outputs; a command past its timeout is killed and named in the error")
    func commandRunAndTimeout() async throws {
        let done = try await Command.run("/bin/sh", ["-c", "echo out; echo err >&2; exit 4"])
        #expect(done.status == 4)
        #expect(done.outputText == "out\n")
        #expect(done.errorText == "err\n")

        let started = ContinuousClock.now
        let error = await #expect(throws: TestSetupError.self) {
            _ = try await Command.run("/bin/sh", ["-c", "echo started; exec sleep 120"], timeout: .milliseconds(500))
        }
        // Killed at the timeout, far sooner than the sleep (generous bound for a loaded machine).
        #expect(ContinuousClock.now - started < .seconds(60))
        let description = error.map { "\($0)" } ?? ""
        #expect(description.contains("did not finish within"), "\(description)")
        #expect(description.contains("started"), "\(description)")
    }
}

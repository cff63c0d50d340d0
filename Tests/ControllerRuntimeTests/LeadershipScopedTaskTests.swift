import Synchronization
import Testing

@testable import ControllerRuntime

@Suite(.timeLimit(.minutes(1))) struct LeadershipScopedTaskTests {
    final class Runs: Sendable {
        let started = Mutex(0)
        let finished = Mutex(0)
    }

    @Test func startsOnceCancelsOnStopAndCanStartAgain() async throws {
        let runs = Runs()
        let scoped = LeadershipScopedTask {
            runs.started.withLock { $0 += 1 }
            while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(1)) }
            runs.finished.withLock { $0 += 1 }
        }
        await scoped.stop()  // nothing running: no effect
        scoped.start()
        scoped.start()
        #expect(try await eventually { runs.started.withLock { $0 } == 1 })
        #expect(scoped.isRunning)
        await scoped.stop()
        #expect(runs.finished.withLock { $0 } == 1, "stop waits until the work has returned")
        #expect(try await eventually { !scoped.isRunning })
        scoped.start()
        #expect(try await eventually { runs.started.withLock { $0 } == 2 })
        await scoped.stop()
        #expect(runs.finished.withLock { $0 } == 2)
    }

    @Test func leaderElectionStartsAndStopsTheControllerWork() async throws {
        let clock = ManualClock()
        let lease = InMemoryLease()
        let runs = Runs()
        let scoped = LeadershipScopedTask {
            runs.started.withLock { $0 += 1 }
            while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(1)) }
            runs.finished.withLock { $0 += 1 }
        }
        let connection = lease.connection(for: "solo")
        let stoppedAt = TimeLog()
        let elector = LeaderElector(
            configuration: try LeaderElectionConfiguration(identity: "solo"), store: connection, clock: clock,
            logger: quietLogger, onStartedLeading: { scoped.start() }, onStoppedLeading: {
                stoppedAt.append(clock.now)
                await scoped.stop()
            })
        let run = Task { await elector.run() }
        defer { run.cancel() }
        await clock.waitForSleepers()
        #expect(try await eventually { runs.started.withLock { $0 } == 1 })
        // Cut off from the API server, the leader stops its work by the renew deadline.
        let renewedAt = try #require(elector.isLeader ? clock.now : nil)
        connection.cut.withLock { $0 = true }
        var rounds = 0
        while elector.isLeader && rounds < 100 {
            rounds += 1
            await clock.waitForSleepers()
            clock.advanceToNextDeadline()
            await Task.yield()
        }
        #expect(!elector.isLeader)
        let lostAt = try #require(try await eventually { stoppedAt.count == 1 } ? stoppedAt.first : nil)
        #expect(lostAt <= renewedAt + .seconds(10), "leadership ends by the renew deadline")
        #expect(try await eventually { runs.finished.withLock { $0 } == 1 })
        #expect(runs.finished.withLock { $0 } == 1)
        #expect(try await eventually { !scoped.isRunning })
    }
}

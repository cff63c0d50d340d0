import AWSSigV4
import Foundation
import Synchronization
@testable import AWSClients

/// A settable clock for credential tests.
final class CredentialTestClock: Sendable {
    private let current: Mutex<Date>
    init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) { current = Mutex(start) }
    var now: Date { current.withLock { $0 } }
    func advance(by seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// A fake STS that records every exchange, issues credentials valid for `lifetime` from the injected
/// clock, can be slowed down (to hold a refresh in flight) and made to fail.
actor RecordingWebIdentityExchanger: WebIdentityTokenExchanger {
    struct Exchange: Equatable {
        var roleArn: String
        var roleSessionName: String
        var token: String
        var durationSeconds: Int?
    }

    struct ExchangeFailure: Error {}

    private(set) var exchanges: [Exchange] = []
    private let clock: CredentialTestClock
    private let lifetime: TimeInterval
    private var delay: Duration
    private var failing = false

    init(clock: CredentialTestClock, lifetime: TimeInterval = 3_600, delay: Duration = .zero) {
        self.clock = clock
        self.lifetime = lifetime
        self.delay = delay
    }

    func setFailing(_ failing: Bool) { self.failing = failing }

    func assumeRoleWithWebIdentity(
        roleArn: String, roleSessionName: String, webIdentityToken: String, durationSeconds: Int?
    ) async throws -> AWSCredentials {
        exchanges.append(Exchange(
            roleArn: roleArn, roleSessionName: roleSessionName, token: webIdentityToken, durationSeconds: durationSeconds))
        let number = exchanges.count
        if delay > .zero { try await Task.sleep(for: delay) }
        if failing { throw ExchangeFailure() }
        return AWSCredentials(
            accessKeyId: "ASIA\(number)", secretAccessKey: "secret-\(number)", sessionToken: "session-\(number)",
            expiration: clock.now.addingTimeInterval(lifetime))
    }
}

/// A fresh directory under the system temporary directory, removed by `remove()`.
struct TemporaryCredentialDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appending(path: "trustline-credentials-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = url.appending(path: name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
        return file.path
    }

    func path(_ name: String) -> String { url.appending(path: name).path }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

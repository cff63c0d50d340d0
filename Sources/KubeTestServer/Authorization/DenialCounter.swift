import Synchronization

/// Counts requests that authentication (401) or authorization (403) refused, so a test can
/// assert that a client with least-privilege RBAC was never refused.
final class DenialCounter: Sendable {
    private let counts = Mutex((unauthorized: 0, forbidden: 0))

    func recordUnauthorized() { counts.withLock { $0.unauthorized += 1 } }
    func recordForbidden() { counts.withLock { $0.forbidden += 1 } }
    var unauthorized: Int { counts.withLock { $0.unauthorized } }
    var forbidden: Int { counts.withLock { $0.forbidden } }
}

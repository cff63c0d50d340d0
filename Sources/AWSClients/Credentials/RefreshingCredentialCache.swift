import AWSSigV4
import Foundation

/// Caches temporary credentials and runs at most one refresh at a time: callers arriving while a
/// refresh is in flight await that same refresh instead of starting their own.
actor RefreshingCredentialCache {
    private var cached: AWSCredentials?
    private var inFlight: Task<AWSCredentials, any Error>?

    /// Returns the cached credentials unless they expire within `refreshWindow` of `now`, else refreshes.
    /// When a refresh fails while the cached credentials have not yet expired, those are returned instead,
    /// so a brief STS outage inside the refresh window does not fail requests that would still succeed.
    func credentials(
        now: Date, refreshWindow: TimeInterval,
        refresh: @escaping @Sendable () async throws -> AWSCredentials
    ) async throws -> AWSCredentials {
        if let cached, !Self.needsRefresh(cached, now: now, refreshWindow: refreshWindow) {
            return cached
        }
        let task: Task<AWSCredentials, any Error>
        if let inFlight {
            task = inFlight
        } else {
            task = Task { try await refresh() }
            inFlight = task
        }
        do {
            let fresh = try await task.value
            if inFlight == task {
                cached = fresh
                inFlight = nil
            }
            return fresh
        } catch {
            if inFlight == task { inFlight = nil }
            if let cached, let expiration = cached.expiration, now < expiration {
                return cached
            }
            throw error
        }
    }

    static func needsRefresh(_ credentials: AWSCredentials, now: Date, refreshWindow: TimeInterval) -> Bool {
        guard let expiration = credentials.expiration else { return false }
        return expiration.timeIntervalSince(now) <= refreshWindow
    }
}

import Foundation

/// A bearer token read from a file that rotates (the in-cluster projected ServiceAccount token,
/// kubeconfig `tokenFile`): re-read when older than `refreshInterval` (one minute) and after a 401.
public actor TokenFileCredentialProvider: CredentialProvider {
    public let path: String
    public let refreshInterval: TimeInterval
    private let readFile: @Sendable (String) throws -> Data
    private let now: @Sendable () -> Date
    private var cached: (token: String, readAt: Date)?

    public init(
        path: String,
        refreshInterval: TimeInterval = 60,
        readFile: @escaping @Sendable (String) throws -> Data,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.path = path
        self.refreshInterval = refreshInterval
        self.readFile = readFile
        self.now = now
    }

    public func credentials() async throws -> RequestCredentials {
        let current = now()
        if let cached, current.timeIntervalSince(cached.readAt) < refreshInterval {
            return RequestCredentials(authorization: "Bearer \(cached.token)")
        }
        let token: String
        do {
            let data = try readFile(path)
            token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            // A transient read failure during rotation: keep using the last token if there is one.
            if let cached { return RequestCredentials(authorization: "Bearer \(cached.token)") }
            throw KubeconfigError(file: path, field: nil, problem: "token file cannot be read: \(error)")
        }
        guard !token.isEmpty else {
            throw KubeconfigError(file: path, field: nil, problem: "token file is empty")
        }
        cached = (token, current)
        return RequestCredentials(authorization: "Bearer \(token)")
    }

    public func invalidate() async -> Bool {
        cached = nil
        return true
    }
}

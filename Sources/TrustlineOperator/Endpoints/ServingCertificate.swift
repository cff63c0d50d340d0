import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The key pair an HTTPS endpoint serves, read from `tls.crt` and `tls.key` in a directory (a
/// cert-manager Secret mounted as a volume) and read again when the files change: cert-manager
/// rotates them by writing a new `..data` directory and swapping the symlink, so the files'
/// identity (device, inode, size, modification time, followed through the symlinks) changes.
/// The check is cheap and made at most once per `checkInterval`, when a connection is accepted.
/// A new pair that does not load (half written, key and certificate not matching) is logged
/// and the previous one kept; it is tried again once the files change again.
final class ServingCertificate: Sendable {
    static let certificateFile = "tls.crt"
    static let keyFile = "tls.key"

    /// Why the pair could not be loaded at start; names the directory and `--cert-dir`.
    struct StartFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// The identity of both files: when it changes, they are read again.
    struct FileIdentity: Equatable, Sendable {
        var certificate: [Int64]
        var key: [Int64]
    }

    private struct State {
        var current: TLSServerContext
        var loadedIdentity: FileIdentity
        /// The last identity looked at (loaded or refused), so a broken pair is reported once.
        var seenIdentity: FileIdentity
        var lastCheck: ContinuousClock.Instant
    }

    let directory: String
    let checkInterval: Duration
    let logger: Logger
    private let state: Mutex<State>

    /// Loads the pair from `directory`; a missing or unloadable pair is an error naming it.
    init(directory: String, checkInterval: Duration = .seconds(1), logger: Logger) throws(StartFailure) {
        self.directory = directory
        self.checkInterval = checkInterval
        self.logger = logger
        let identity = Self.identity(in: directory)
        let loaded: TLSServerContext
        do {
            loaded = try Self.load(from: directory)
        } catch {
            throw StartFailure(description: "--cert-dir \(directory): \(error); mount the webhook's TLS Secret there (tls.crt and tls.key) or point --cert-dir at the directory holding them")
        }
        state = Mutex(State(current: loaded, loadedIdentity: identity, seenIdentity: identity, lastCheck: .now))
    }

    /// The context to serve a new connection with, after looking at the files if the last look
    /// is older than `checkInterval`.
    func current() -> TLSServerContext {
        let now = ContinuousClock.now
        let due = state.withLock { state -> FileIdentity? in
            guard state.lastCheck.duration(to: now) >= checkInterval else { return nil }
            state.lastCheck = now
            return state.seenIdentity
        }
        guard let seen = due else { return state.withLock { $0.current } }
        let identity = Self.identity(in: directory)
        guard identity != seen else { return state.withLock { $0.current } }
        do {
            let fresh = try Self.load(from: directory)
            logger.info("serving a new TLS certificate", metadata: ["certDir": "\(directory)"])
            return state.withLock { state in
                state.current = fresh
                state.loadedIdentity = identity
                state.seenIdentity = identity
                return fresh
            }
        } catch {
            logger.error(
                "the TLS certificate changed but does not load; still serving the previous one",
                metadata: ["certDir": "\(directory)", "reason": "\(error)"])
            return state.withLock { state in
                state.seenIdentity = identity
                return state.current
            }
        }
    }

    private static func load(from directory: String) throws -> TLSServerContext {
        let certificatePath = directory + "/" + certificateFile
        let keyPath = directory + "/" + keyFile
        guard let certificate = FileManager.default.contents(atPath: certificatePath) else {
            throw TLSServerContext.LoadFailure(description: "cannot read \(certificatePath)")
        }
        guard let key = FileManager.default.contents(atPath: keyPath) else {
            throw TLSServerContext.LoadFailure(description: "cannot read \(keyPath)")
        }
        do {
            return try TLSServerContext(certificateChain: Array(certificate), privateKey: Array(key))
        } catch {
            throw TLSServerContext.LoadFailure(description: "\(certificatePath) and \(keyPath) do not load: \(error)")
        }
    }

    /// Device, inode, size and modification time of both files (symlinks followed); zeros for
    /// a file that cannot be looked at.
    static func identity(in directory: String) -> FileIdentity {
        FileIdentity(certificate: fileIdentity(directory + "/" + certificateFile), key: fileIdentity(directory + "/" + keyFile))
    }

    private static func fileIdentity(_ path: String) -> [Int64] {
        var status = stat()
        guard stat(path, &status) == 0 else { return [0, 0, 0, 0, 0] }
        #if canImport(Darwin)
        let modified = status.st_mtimespec
        #else
        let modified = status.st_mtim
        #endif
        return [Int64(status.st_dev), Int64(status.st_ino), Int64(status.st_size), Int64(modified.tv_sec), Int64(modified.tv_nsec)]
    }
}

import CCurl
import Foundation
import Synchronization

/// Settings every transfer of one client shares.
struct CurlClientSettings: Sendable {
    var tls: TLSConfiguration
    var connectTimeout: Duration
    var maxConnectionsPerHost: Int
    /// libcurl's trace on stderr, for debugging (`TRUSTLINE_CURL_VERBOSE=1`).
    var verbose = ProcessInfo.processInfo.environment["TRUSTLINE_CURL_VERBOSE"] == "1"
}

/// The lock-protected inbox of the thread that drives one `curl_multi` handle. Callers enqueue
/// commands and wake the thread with `curl_multi_wakeup`, the one multi call libcurl allows from
/// other threads. Sendable because its only state is the `Mutex`; the multi handle pointer inside
/// is used by other threads solely for `curl_multi_wakeup`, under the lock, and is cleared (under
/// the lock) before the multi thread cleans the handle up.
final class CurlMultiLoop: Sendable {
    private struct Inbox {
        var commands: [LoopCommand] = []
        var multi: WakeableMultiHandle?
        var shutdownRequested = false
        var exited = false
        var unavailableReason: String?
    }

    private let inbox = Mutex(Inbox())

    init(settings: CurlClientSettings) {
        CurlGlobal.initialize()
        let thread = Thread { [self] in
            CurlMultiDriver(settings: settings, loop: self).run()
        }
        thread.name = "trustline-curl-multi"
        thread.start()
    }

    /// Queues a command and wakes the multi thread.
    func enqueue(_ command: LoopCommand) {
        let rejected = inbox.withLock { inbox -> (TransferSubmission, String)? in
            if inbox.exited || inbox.unavailableReason != nil {
                if case .start(let submission) = command {
                    return (submission, inbox.unavailableReason ?? "the HTTP client was shut down")
                }
                return nil
            }
            inbox.commands.append(command)
            inbox.multi?.wakeUp()
            return nil
        }
        if let (submission, reason) = rejected {
            submission.sink.fail(.other(code: Int(CURLE_FAILED_INIT.rawValue), message: reason))
        }
    }

    /// Lets the multi thread exit once every transfer in flight has finished.
    func requestShutdown() {
        inbox.withLock { inbox in
            inbox.shutdownRequested = true
            inbox.multi?.wakeUp()
        }
    }

    // MARK: Multi thread side

    /// Makes the multi handle reachable for wake-ups.
    func publish(multi: UnsafeMutableRawPointer) {
        let handle = WakeableMultiHandle(raw: multi)
        inbox.withLock { $0.multi = handle }
    }

    /// The multi handle could not be created: fail everything queued and everything to come.
    func markUnavailable(reason: String) -> [LoopCommand] {
        inbox.withLock { inbox in
            inbox.unavailableReason = reason
            defer { inbox.commands = [] }
            return inbox.commands
        }
    }

    /// Takes the queued commands. Returns nil when the thread should exit (shutdown requested,
    /// nothing queued, nothing in flight); the multi handle is unpublished first.
    func takeCommands(hasActiveTransfers: Bool) -> [LoopCommand]? {
        inbox.withLock { inbox in
            if inbox.commands.isEmpty && inbox.shutdownRequested && !hasActiveTransfers {
                inbox.multi = nil
                inbox.exited = true
                return nil
            }
            defer { inbox.commands = [] }
            return inbox.commands
        }
    }
}

/// The address of a multi handle, shared with other threads only so they can wake its thread.
/// `@unchecked Sendable` is safe because the one operation offered, `curl_multi_wakeup`, is the
/// multi call libcurl documents as callable from any thread, and the value is only reachable
/// inside `CurlMultiLoop`'s lock, where it is removed before the owning thread cleans it up.
struct WakeableMultiHandle: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer

    func wakeUp() {
        _ = curl_multi_wakeup(raw)
    }
}

/// `curl_global_init` once per process, before the first handle.
enum CurlGlobal {
    private static let initialized: Bool = {
        curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK
    }()

    static func initialize() {
        _ = initialized
    }
}

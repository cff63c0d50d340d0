import Foundation
import Synchronization

/// Switchable failures for tests of clients and controllers: drop or stall watches, answer
/// watches with 410, answer chosen requests with 409/429/500, and slow every response down.
/// Thread-safe; every switch can be flipped while requests are in flight. It counts what it
/// injected (`injectedCounts`), so a fault run can report the faults that really happened.
public final class FaultInjector: Sendable {
    /// How an injected 410 reaches a watch: as the real server does for a too-old
    /// resourceVersion (HTTP 200 with an `ERROR` event carrying a 410 `Status`), or as HTTP 410.
    public enum GoneStyle: Sendable {
        case errorEvent
        case httpStatus
    }

    struct RequestFault: Sendable {
        var remaining: Int
        var status: Int
        var method: String?
        var pathPrefix: String?
        var pathSuffix: String?
        var retryAfterSeconds: Int?
    }

    struct State: Sendable {
        var stalled = false
        var latency: Duration = .zero
        var goneWatches = 0
        var goneStyle: GoneStyle = .errorEvent
        var requestFaults: [RequestFault] = []
        var injected: [String: Int] = [:]
    }

    private let state = Mutex(State())
    private let dropWatches: @Sendable () -> Void

    init(dropWatches: @escaping @Sendable () -> Void) {
        self.dropWatches = dropWatches
    }

    /// Closes every open watch stream now (the client sees a clean end of the response).
    public func dropAllWatches() {
        state.withLock { $0.injected["watchDrops", default: 0] += 1 }
        dropWatches()
    }

    /// While true, open and new watches send nothing (no events, no bookmarks) but stay open;
    /// held events are delivered once it is switched off again.
    public var watchesStalled: Bool {
        get { state.withLock { $0.stalled } }
        set { state.withLock { $0.stalled = newValue } }
    }

    /// Added before every response (including the first byte of a watch).
    public var latency: Duration {
        get { state.withLock { $0.latency } }
        set { state.withLock { $0.latency = newValue } }
    }

    /// The next `count` watch requests fail with 410 Gone.
    public func failNextWatchesWithGone(_ count: Int, style: GoneStyle = .errorEvent) {
        state.withLock {
            $0.goneWatches = count
            $0.goneStyle = style
        }
    }

    /// The next `count` requests matching `method` (e.g. "PUT"), `pathPrefix` (e.g.
    /// "/apis/trustline.dev/") and `pathSuffix` (e.g. "/status") are answered with `status` (409,
    /// 429, 500, 503...) and a proper `Status` body; 429 and 503 carry `Retry-After`.
    public func failNextRequests(
        _ count: Int, status: Int, method: String? = nil, pathPrefix: String? = nil, pathSuffix: String? = nil,
        retryAfterSeconds: Int? = nil
    ) {
        state.withLock {
            $0.requestFaults.append(RequestFault(
                remaining: count, status: status, method: method?.uppercased(), pathPrefix: pathPrefix,
                pathSuffix: pathSuffix, retryAfterSeconds: retryAfterSeconds))
        }
    }

    /// Switches every fault off; the counts of what was injected are kept.
    public func reset() {
        state.withLock { $0 = State(injected: $0.injected) }
    }

    /// What was injected so far, by kind: `watchDrops` (calls of `dropAllWatches`), `watchGone`
    /// (watches answered 410) and `status409`, `status429`, ... (requests answered with that code).
    public var injectedCounts: [String: Int] {
        state.withLock { $0.injected }
    }

    // MARK: Used by the server

    func takeRequestFault(method: String, path: String) -> APIError? {
        state.withLock { state in
            guard let index = state.requestFaults.firstIndex(where: { fault in
                fault.remaining > 0 && (fault.method.map { $0 == method } ?? true)
                    && (fault.pathPrefix.map { path.hasPrefix($0) } ?? true)
                    && (fault.pathSuffix.map { path.hasSuffix($0) } ?? true)
            }) else { return nil }
            state.requestFaults[index].remaining -= 1
            let fault = state.requestFaults[index]
            state.injected["status\(fault.status)", default: 0] += 1
            if fault.remaining == 0 { state.requestFaults.remove(at: index) }
            return APIError.injected(code: fault.status, retryAfterSeconds: fault.retryAfterSeconds)
        }
    }

    func takeWatchFault() -> GoneStyle? {
        state.withLock { state in
            guard state.goneWatches > 0 else { return nil }
            state.goneWatches -= 1
            state.injected["watchGone", default: 0] += 1
            return state.goneStyle
        }
    }
}

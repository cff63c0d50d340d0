import Synchronization

/// Back-pressure counters of one client's streams, so tests (and debugging) can see that slow
/// readers really paused transfers instead of buffering without bound.
final class StreamStatistics: Sendable {
    struct Snapshot: Sendable, Equatable {
        /// Times a write callback returned `CURL_WRITEFUNC_PAUSE`.
        var pauses = 0
        /// Times a reader asked the multi thread to resume a paused transfer.
        var resumes = 0
        /// The most lines any one stream held unread.
        var mostLinesBuffered = 0
    }

    private let counters = Mutex(Snapshot())

    var snapshot: Snapshot { counters.withLock { $0 } }

    func recordPause() { counters.withLock { $0.pauses += 1 } }

    func recordResume() { counters.withLock { $0.resumes += 1 } }

    func recordBuffered(_ lines: Int) {
        counters.withLock { $0.mostLinesBuffered = max($0.mostLinesBuffered, lines) }
    }
}

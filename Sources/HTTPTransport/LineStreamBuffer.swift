import Foundation
import Synchronization

/// The bounded hand-off of body lines from the multi thread (producer) to the task reading
/// `HTTPStreamingResponse.lines` (consumer). When it holds `capacity` lines the producer is told
/// to pause the transfer; once the consumer has drained it to half, the consumer is told to ask
/// for a resume. Sendable because all state sits in one `Mutex`.
final class LineStreamBuffer: Sendable {
    /// What the write callback should do with a chunk.
    enum Admission: Equatable {
        case accept
        /// The buffer is full: return `CURL_WRITEFUNC_PAUSE` (the chunk is redelivered on resume).
        case pause
        /// Nobody reads any more: abort the transfer.
        case consumerGone
    }

    private struct State {
        var lines: [Data] = []
        var readIndex = 0
        var waiter: CheckedContinuation<Data?, any Error>?
        var end: Result<Void, HTTPTransportError>?
        var endDelivered = false
        var producerPaused = false
        var consumerGone = false

        var buffered: Int { lines.count - readIndex }

        mutating func popFirst() -> Data? {
            guard readIndex < lines.count else { return nil }
            let line = lines[readIndex]
            readIndex += 1
            if readIndex == lines.count {
                lines.removeAll(keepingCapacity: true)
                readIndex = 0
            } else if readIndex > 64 && readIndex * 2 > lines.count {
                lines.removeFirst(readIndex)
                readIndex = 0
            }
            return line
        }
    }

    let capacity: Int
    private let state = Mutex(State())
    private let statistics: StreamStatistics

    init(capacity: Int, statistics: StreamStatistics) {
        self.capacity = max(1, capacity)
        self.statistics = statistics
    }

    // MARK: Producer side (multi thread)

    /// Asks whether a new chunk may be consumed now.
    func admit() -> Admission {
        let admission: Admission = state.withLock { state in
            if state.consumerGone { return .consumerGone }
            if state.buffered >= capacity {
                state.producerPaused = true
                return .pause
            }
            return .accept
        }
        if admission == .pause { statistics.recordPause() }
        return admission
    }

    /// Hands over complete lines; a waiting consumer gets the first one directly.
    func deliver(_ newLines: [Data]) {
        guard !newLines.isEmpty else { return }
        let (handOff, buffered) = state.withLock { state -> ((CheckedContinuation<Data?, any Error>, Data)?, Int) in
            state.lines.append(contentsOf: newLines)
            let buffered = state.buffered
            guard let waiter = state.waiter, let first = state.popFirst() else { return (nil, buffered) }
            state.waiter = nil
            return ((waiter, first), buffered)
        }
        statistics.recordBuffered(buffered)
        if let (waiter, line) = handOff { waiter.resume(returning: line) }
    }

    /// Marks the end of the body; the consumer sees it after the buffered lines.
    func finish(_ end: Result<Void, HTTPTransportError>) {
        let waiter: CheckedContinuation<Data?, any Error>? = state.withLock { state in
            guard state.end == nil else { return nil }
            state.end = end
            guard state.buffered == 0, let waiter = state.waiter else { return nil }
            state.waiter = nil
            state.endDelivered = true
            return waiter
        }
        guard let waiter else { return }
        switch end {
        case .success: waiter.resume(returning: nil)
        case .failure(let error): waiter.resume(throwing: error)
        }
    }

    // MARK: Consumer side

    /// The outcome of one read: a line (or the end) now, or a registered wait.
    struct Take {
        /// True when the producer is paused and the buffer drained enough to resume it.
        var shouldResumeProducer = false
    }

    /// Resumes `continuation` with the next line, the end (`nil`), or the transfer's error,
    /// now or as soon as one is available.
    func take(into continuation: CheckedContinuation<Data?, any Error>) -> Take {
        enum Outcome { case line(Data), end, failure(any Error), wait }
        var take = Take()
        let outcome: Outcome = state.withLock { state in
            if state.consumerGone { return .failure(HTTPTransportError.cancelled) }
            if let line = state.popFirst() {
                if state.producerPaused && state.buffered <= capacity / 2 {
                    state.producerPaused = false
                    take.shouldResumeProducer = true
                }
                return .line(line)
            }
            if let end = state.end {
                if state.endDelivered { return .end }
                state.endDelivered = true
                switch end {
                case .success: return .end
                case .failure(let error): return .failure(error)
                }
            }
            state.waiter = continuation
            return .wait
        }
        if take.shouldResumeProducer { statistics.recordResume() }
        switch outcome {
        case .line(let line): continuation.resume(returning: line)
        case .end: continuation.resume(returning: nil)
        case .failure(let error): continuation.resume(throwing: error)
        case .wait: break
        }
        return take
    }

    /// The consumer stopped reading (cancelled or dropped the stream). Returns true if the
    /// transfer may still be running and should be cancelled.
    @discardableResult
    func abandon() -> Bool {
        let (waiter, stillRunning): (CheckedContinuation<Data?, any Error>?, Bool) = state.withLock { state in
            state.consumerGone = true
            let waiter = state.waiter
            state.waiter = nil
            return (waiter, state.end == nil)
        }
        waiter?.resume(throwing: HTTPTransportError.cancelled)
        return stillRunning
    }
}

import Synchronization

/// Identity and cancellation flag of one submitted transfer, shared by the caller's task and
/// the multi thread. Setting the flag before enqueueing `.cancel` closes the race where the
/// cancellation arrives before the multi thread has started the transfer.
final class TransferTicket: Sendable {
    private let cancelled = Mutex(false)

    var isCancelled: Bool { cancelled.withLock { $0 } }

    func markCancelled() { cancelled.withLock { $0 = true } }
}

/// Where a transfer's outcome goes; resumed exactly once, by the multi thread.
enum TransferSink: Sendable {
    case buffered(CheckedContinuation<Result<HTTPResponse, HTTPTransportError>, Never>)
    case streaming(CheckedContinuation<Result<ResponseHead, HTTPTransportError>, Never>, LineStreamBuffer)

    func fail(_ error: HTTPTransportError) {
        switch self {
        case .buffered(let continuation): continuation.resume(returning: .failure(error))
        case .streaming(let continuation, let buffer):
            continuation.resume(returning: .failure(error))
            buffer.finish(.failure(error))
        }
    }
}

/// One request handed to the multi thread.
struct TransferSubmission: Sendable {
    var request: HTTPRequest
    var ticket: TransferTicket
    var sink: TransferSink
}

/// Work for the multi thread, queued by any thread.
enum LoopCommand: Sendable {
    case start(TransferSubmission)
    case cancel(TransferTicket)
    case resume(TransferTicket)
}

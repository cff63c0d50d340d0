import Foundation

/// The consumer end of one streaming transfer, captured by the `lines` sequence. Reading asks
/// the multi thread to resume a paused transfer; cancellation of the reading task, or the
/// sequence being released, cancels the transfer. Sendable: immutable references to Sendable
/// objects only.
final class StreamLineReader: Sendable {
    private let buffer: LineStreamBuffer
    private let loop: CurlMultiLoop
    private let ticket: TransferTicket

    init(buffer: LineStreamBuffer, loop: CurlMultiLoop, ticket: TransferTicket) {
        self.buffer = buffer
        self.loop = loop
        self.ticket = ticket
    }

    @Sendable func next() async throws -> Data? {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                if buffer.take(into: continuation).shouldResumeProducer {
                    loop.enqueue(.resume(ticket))
                }
            }
        } onCancel: {
            stop()
        }
    }

    private func stop() {
        if buffer.abandon() {
            ticket.markCancelled()
            loop.enqueue(.cancel(ticket))
        }
    }

    deinit {
        stop()
    }
}

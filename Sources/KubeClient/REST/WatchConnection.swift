import Foundation
import KubeModels

/// One watch connection's events, decoded line by line as they arrive. It ends when the server
/// closes the stream (e.g. after `timeoutSeconds`); restarting is `Watcher`'s job.
public struct WatchConnection<Object: KubernetesResource>: AsyncSequence, Sendable {
    public typealias Element = WatchEvent<Object>

    private let lines: AsyncThrowingStream<Data, any Error>

    /// Events from raw JSON lines, as the API server writes them.
    public init(lines: AsyncThrowingStream<Data, any Error>) {
        self.lines = lines
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(lines: lines.makeAsyncIterator())
    }

    /// Decodes one line per event, skipping blank keep-alive lines.
    public struct Iterator: AsyncIteratorProtocol {
        var lines: AsyncThrowingStream<Data, any Error>.AsyncIterator

        /// The next event; objects that do not decode are skipped (use `nextElement` to see them).
        public mutating func next() async throws -> WatchEvent<Object>? {
            while let element = try await nextElement() {
                if case .event(let event) = element { return event }
            }
            return nil
        }

        /// The next event or object that does not decode. Throws when a line is not a watch event
        /// at all (the stream is garbled); an object that does not decode is one bad object.
        public mutating func nextElement() async throws -> WatchElement<Object>? {
            while let line = try await lines.next() {
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { continue }
                return try TolerantDecoding.watchLine(Object.self, line)
            }
            return nil
        }
    }
}

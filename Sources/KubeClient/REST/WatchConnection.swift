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
        let decoder = JSONDecoder()

        public mutating func next() async throws -> WatchEvent<Object>? {
            while let line = try await lines.next() {
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { continue }
                do {
                    return try decoder.decode(WatchEvent<Object>.self, from: line)
                } catch {
                    throw KubeClientError.undecodableResponse(
                        type: "WatchEvent<\(Object.descriptor.kind)>", problem: "\(error)",
                        bodyPrefix: String(decoding: line.prefix(300), as: UTF8.self))
                }
            }
            return nil
        }
    }
}

import Foundation
import Testing

@testable import HTTPTransport

@Suite("ResponseHeadParser")
struct ResponseHeadParserTests {
    @Test func parsesStatusVersionAndHeadersInOrder() {
        var parser = ResponseHeadParser()
        let lines = ["HTTP/1.1 201 Created\r\n", "Content-Type: application/json\r\n", "X-Multi: a\r\n",
                     "X-Multi:  b \r\n", "Folded: one\r\n", "\t two\r\n", "\r\n"]
        let completions = lines.map { parser.consume($0) }

        #expect(completions == [false, false, false, false, false, false, true])
        let head = parser.completedHead
        #expect(head?.status == 201)
        #expect(head?.httpVersion == "HTTP/1.1")
        #expect(head?.headers.values(for: "x-multi") == ["a", "b"])
        #expect(head?.headers["content-type"] == "application/json")
        #expect(head?.headers["Folded"] == "one two")
    }

    @Test func skipsInterimResponsesAndIgnoresTrailers() {
        var parser = ResponseHeadParser()
        for line in ["HTTP/1.1 100 Continue\r\n", "\r\n", "HTTP/2 200 \r\n", "etag: x\r\n", "\r\n", "Trailer: y\r\n", "\r\n"] {
            _ = parser.consume(line)
        }

        #expect(parser.completedHead == ResponseHead(status: 200, headers: ["etag": "x"], httpVersion: "HTTP/2"))
    }
}

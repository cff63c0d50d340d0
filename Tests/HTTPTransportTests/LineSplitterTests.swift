import Foundation
import Testing

@testable import HTTPTransport

@Suite("LineSplitter")
struct LineSplitterTests {
    @Test(arguments: [
        (["a\nb\n"], ["a", "b"], nil),
        (["al", "pha\nbe", "ta\n"], ["alpha", "beta"], nil),
        (["one\r\ntwo\r", "\nthree"], ["one", "two"], "three"),
        (["\n\n"], ["", ""], nil),
        (["no newline"], [], "no newline"),
        ([""], [], nil),
        (["x\r"], [], "x"),
    ] as [([String], [String], String?)])
    func splitsChunksIntoLines(chunks: [String], lines: [String], tail: String?) {
        var splitter = LineSplitter()
        var produced: [String] = []
        for chunk in chunks {
            produced += splitter.append(Data(chunk.utf8)).map { String(decoding: $0, as: UTF8.self) }
        }

        #expect(produced == lines)
        #expect(splitter.finish().map { String(decoding: $0, as: UTF8.self) } == tail)
    }

    @Test func everyWayOfCuttingTheBodyYieldsTheSameLines() {
        let body = Data("first\nsecond\r\n\nfourth line\nfifth".utf8)
        let expected = ["first", "second", "", "fourth line", "fifth"]
        for cut in 0...body.count {
            for secondCut in cut...body.count {
                var splitter = LineSplitter()
                var lines = splitter.append(body.subdata(in: 0..<cut))
                lines += splitter.append(body.subdata(in: cut..<secondCut))
                lines += splitter.append(body.subdata(in: secondCut..<body.count))
                if let tail = splitter.finish() { lines.append(tail) }
                #expect(lines.map { String(decoding: $0, as: UTF8.self) } == expected, "cuts at \(cut), \(secondCut)")
            }
        }
    }
}

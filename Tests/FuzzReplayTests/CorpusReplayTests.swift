import Foundation
import FuzzTargets
import Testing

/// Every input in `Tests/Fuzz/Corpus/<target>/` (seeds, what fuzzing added, and the reproducers
/// of what it found) goes through its fuzz entry point on every test run, so a fix that regresses
/// shows up here without a fuzzing session (docs/fuzzing.md).
@Suite struct CorpusReplayTests {
    static let corpusRoot = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: "Fuzz").appending(path: "Corpus")

    static func inputs(of target: FuzzTarget) throws -> [URL] {
        let folder = corpusRoot.appending(path: target.corpusFolder)
        return try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { !$0.hasDirectoryPath }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    @Test(arguments: FuzzTarget.allCases)
    func corpusHoldsNoFinding(target: FuzzTarget) throws {
        let files = try Self.inputs(of: target)
        #expect(files.count >= 10, "the \(target.rawValue) corpus has \(files.count) inputs; seed it (Tests/Fuzz/Corpus/README.md)")
        for file in files {
            let finding = target.run(Array(try Data(contentsOf: file)))
            #expect(finding == nil, "\(file.lastPathComponent): \(finding.map(String.init(describing:)) ?? "")")
        }
    }

    /// The corpus is kept small so replaying it stays fast (docs/fuzzing.md: under 200 KB).
    @Test func corpusStaysSmall() throws {
        var total = 0
        for target in FuzzTarget.allCases {
            for file in try Self.inputs(of: target) {
                total += try Data(contentsOf: file).count
            }
        }
        #expect(total < 200_000, "the corpus holds \(total) bytes")
    }

    /// Input a parser refuses is no finding: refusing with a typed error is the correct answer.
    static let refusedInputs: [(FuzzTarget, String)] = [
        (.xml, "<a><b>x</a>"), (.xml, "<!DOCTYPE a><a/>"), (.xml, ""),
        (.policy, #"{"Version":"#), (.policy, "%E0%A4%A"),
        (.kubeconfig, "clusters: [name: x"), (.kubeconfig, "current-context: nowhere\n"),
        (.settings, "clusterName: [a, b]"), (.settings, "concurrency: many\nclusterName: c\n"),
    ]

    @Test(arguments: refusedInputs)
    func refusedInputIsNoFinding(target: FuzzTarget, input: String) {
        #expect(target.run(Array(input.utf8)) == nil)
    }
}

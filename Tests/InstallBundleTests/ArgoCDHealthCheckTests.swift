import Foundation
import Testing
import TestSupport

/// `config/argocd/health.lua`, driven by lua5.4 over the table cases in
/// `Fixtures/argocd_health_cases.lua` (Healthy at the current generation, Degraded for blockers
/// only a person can lift, Progressing otherwise).
@Suite struct ArgoCDHealthCheckTests {
    static func lua() throws -> String {
        try ExecutableSearch.require("lua5.4", install: "apt-get install -y lua5.4")
    }

    @Test func everyCasePasses() async throws {
        let result = try await Command.run(
            try Self.lua(), [Repository.fixture("argocd_health_cases.lua"), Repository.path("config/argocd/health.lua")],
            mergesErrorOutput: true, timeout: .seconds(60))
        #expect(result.status == 0, "\(result.outputText)")
        #expect(result.outputText.contains("cases 18 failures 0"), "\(result.outputText)")
        #expect(!result.outputText.contains("FAIL"), "\(result.outputText)")
    }

    /// The cases can fail: a check that calls everything Healthy fails all but the Healthy cases.
    @Test func casesCatchAWrongCheck() async throws {
        let directory = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let wrong = directory.appendingPathComponent("always-healthy.lua")
        try Data("return { status = \"Healthy\", message = \"\" }\n".utf8).write(to: wrong)
        let result = try await Command.run(
            try Self.lua(), [Repository.fixture("argocd_health_cases.lua"), wrong.path], mergesErrorOutput: true, timeout: .seconds(60))
        #expect(result.status == 1)
        #expect(result.outputText.contains("FAIL invalid spec is degraded"), "\(result.outputText)")
        #expect(result.outputText.contains("FAIL no status yet"), "\(result.outputText)")
    }

    /// The kustomization puts the script, unchanged, under the key Argo CD reads.
    @Test func kustomizationCarriesTheScript() async throws {
        let rendered = try await Kustomize.build("config/argocd")
        try #require(rendered.objects.count == 1)
        let object = rendered.objects[0]
        #expect(object["kind"] as? String == "ConfigMap")
        #expect(object.value(at: ["metadata", "name"]) as? String == "argocd-cm")
        #expect(object.value(at: ["metadata", "namespace"]) as? String == "argocd")
        let script = try String(contentsOfFile: Repository.path("config/argocd/health.lua"), encoding: .utf8)
        #expect(object.value(at: ["data", "resource.customizations.health.trustline.dev_WorkloadAwsAccess"]) as? String == script)
    }
}

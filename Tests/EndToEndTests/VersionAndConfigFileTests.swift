import Foundation
import Testing
import TestSupport

extension EndToEndSuite {
    /// Issue 9: `trustline --version`, and a `--config` file whose typo is refused naming the key
    /// and the file (a ConfigMap typo must not be silently ignored).
    @Suite("End to end: trustline --version and --config errors")
    struct VersionAndConfigFileTests {
        /// The version as written in its one place, read the way release tooling reads it.
        static func declaredVersion() throws -> String {
            let source = try String(contentsOfFile: TestTools.repositoryRoot + "/Sources/trustline/TrustlineVersion.swift", encoding: .utf8)
            let pattern = try NSRegularExpression(pattern: #"static let current = "([^"]+)""#)
            guard let match = pattern.firstMatch(in: source, range: NSRange(source.startIndex..., in: source)),
                let range = Range(match.range(at: 1), in: source)
            else { throw TestSetupError("no `static let current = \"...\"` in TrustlineVersion.swift") }
            return String(source[range])
        }

        @Test("--version prints the declared version, a semantic version, and exits 0")
        func version() async throws {
            let declared = try Self.declaredVersion()
            #expect(declared.range(of: #"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$"#, options: .regularExpression) != nil, "\(declared)")
            let result = try await TestTools.run(try TestTools.trustlineBinary(), ["--version"], environment: ProcessInfo.processInfo.environment)
            #expect(result.status == 0)
            #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines) == declared)
        }

        @Test("an unknown key in the --config file is a usage error naming the key and the file")
        func unknownKeyInTheConfigFile() async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trustline-config-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let config = (directory as NSString).appendingPathComponent("trustline.yaml")
            try "clusterName: prod\nhealthProbeBindAdress: :8081\n".write(toFile: config, atomically: true, encoding: .utf8)
            var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TRUSTLINE_") }
            environment["KUBECONFIG"] = (directory as NSString).appendingPathComponent("absent")
            let result = try await TestTools.run(try TestTools.trustlineBinary(), ["run", "--config", config], environment: environment)
            #expect(result.status == 2, "\(result.output)")
            #expect(result.output.contains("healthProbeBindAdress"), "\(result.output)")
            #expect(result.output.contains(config), "\(result.output)")
            #expect(result.output.contains("unknown setting"), "\(result.output)")
        }
    }
}

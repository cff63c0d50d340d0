import Foundation
import Testing
import TrustlineCore

/// The README's reference tables keep up with the code: every setting has a row in "Settings",
/// every condition reason a row in "Troubleshooting".
@Suite struct ReadmeReferenceTests {
    static func section(_ heading: String) throws -> String {
        let readme = try String(contentsOfFile: Repository.path("README.md"), encoding: .utf8)
        let parts = readme.components(separatedBy: "\n## \(heading)\n")
        try #require(parts.count == 2, "README has no single section \"## \(heading)\"")
        return parts[1].components(separatedBy: "\n## ").first ?? ""
    }

    @Test func everySettingHasARow() throws {
        let settings = try Self.section("Settings")
        for setting in SettingKey.all {
            #expect(settings.contains("| `\(setting.key)` | `\(setting.flag)` |"), "README Settings lacks a row for \(setting.key)")
        }
        for key in ["metricsBindAddress", "healthProbeBindAddress", "leaderElect"] {
            #expect(settings.contains("| `\(key)` |"), "README Settings lacks a row for \(key)")
        }
    }

    @Test func everyReasonHasATroubleshootingRow() throws {
        let troubleshooting = try Self.section("Troubleshooting")
        for reason in ConditionReason.allCases {
            #expect(troubleshooting.contains("| `\(reason.rawValue)` |"), "README Troubleshooting lacks a row for \(reason.rawValue)")
        }
    }
}

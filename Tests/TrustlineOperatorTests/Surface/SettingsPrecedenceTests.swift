import Foundation
import Logging
import Testing
import TrustlineCore
@testable import TrustlineOperator

/// docs/design.md section 3 as the resolver sees it: a flag beats `TRUSTLINE_*`, which beats the
/// `--config` file; whatever wins is used as is, and only an unset fact is discovered.
struct SettingsPrecedenceTests {
    struct Layers: CustomTestStringConvertible, Sendable {
        var label: String
        var file: String?
        var environment: String?
        var flag: String?
        var testDescription: String { label }
    }

    static let layers: [Layers] = [
        Layers(label: "file only", file: "111111111111", environment: nil, flag: nil),
        Layers(label: "environment beats file", file: "111111111111", environment: "222222222222", flag: nil),
        Layers(label: "flag beats environment and file", file: "111111111111", environment: "222222222222", flag: "333333333333"),
        Layers(label: "flag beats file", file: "111111111111", environment: nil, flag: "333333333333"),
    ]

    @Test(arguments: layers)
    func theWinningLayerIsUsedAndNothingIsDiscovered(_ row: Layers) async throws {
        var file: [String: RawSetting] = ["clusterName": .scalar("prod"), "oidcIssuer": .scalar("https://file.example.com")]
        if let value = row.file { file["awsAccountId"] = .scalar(value) }
        var environment: [String: String] = [:]
        if let value = row.environment {
            environment["TRUSTLINE_AWS_ACCOUNT_ID"] = value
            environment["TRUSTLINE_OIDC_ISSUER"] = "https://environment.example.com"
        }
        var flags: [String: RawSetting] = [:]
        if let value = row.flag { flags["awsAccountId"] = .scalar(value) }
        let settings = try SettingsLoader.load(file: file, environment: SettingsLoader.environmentLayer(environment), flags: flags)

        let peers = try ScriptedPeers(kubernetes: ScriptedPeers.unexpected, aws: ScriptedPeers.unexpected)
        let resolved = try await EnvironmentResolver(
            settings: settings, kubernetes: peers.kubernetes, aws: peers.aws, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        ).resolve()
        #expect(resolved.accountId == (row.flag ?? row.environment ?? row.file))
        #expect(resolved.oidcIssuer == (row.environment == nil ? "https://file.example.com" : "https://environment.example.com"))
        #expect(peers.kubernetesHTTP.requests.isEmpty && peers.awsHTTP.requests.isEmpty)
    }

    @Test(arguments: [
        ("awsAccountId", "TRUSTLINE_AWS_ACCOUNT_ID", "12345"),
        ("oidcIssuer", "TRUSTLINE_OIDC_ISSUER", "http://not-https.example.com"),
    ])
    func aBadValueIsAnErrorNamingTheSetting(key: String, variable: String, value: String) {
        #expect {
            _ = try SettingsLoader.load(
                file: ["clusterName": .scalar("prod")], environment: SettingsLoader.environmentLayer([variable: value]), flags: [:])
        } throws: { error in
            (error as? SettingsError)?.setting == key && "\(error)".contains(key)
        }
    }
}

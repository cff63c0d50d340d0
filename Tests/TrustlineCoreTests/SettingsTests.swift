import Foundation
import KubeModels
import Testing
@testable import TrustlineCore

@Suite struct SettingsTests {
    struct DurationCase: Sendable {
        var text: String
        var milliseconds: Int64
        var formatted: String
    }

    static let durations: [DurationCase] = [
        DurationCase(text: "500ms", milliseconds: 500, formatted: "500ms"),
        DurationCase(text: "20s", milliseconds: 20_000, formatted: "20s"),
        DurationCase(text: "10m", milliseconds: 600_000, formatted: "10m"),
        DurationCase(text: "1h", milliseconds: 3_600_000, formatted: "1h"),
        DurationCase(text: "1h30m", milliseconds: 5_400_000, formatted: "1h30m"),
        DurationCase(text: "1.5h", milliseconds: 5_400_000, formatted: "1h30m"),
        DurationCase(text: "2m3s500ms", milliseconds: 123_500, formatted: "2m3s500ms"),
        DurationCase(text: "0", milliseconds: 0, formatted: "0s"),
        DurationCase(text: "90s", milliseconds: 90_000, formatted: "1m30s"),
    ]

    @Test(arguments: durations)
    func parseAndFormatDurations(_ testCase: DurationCase) throws {
        let duration = try DurationText.parse(testCase.text, setting: "resyncPeriod")
        #expect(duration == .milliseconds(testCase.milliseconds))
        #expect(DurationText.format(duration) == testCase.formatted)
        #expect(try DurationText.parse(DurationText.format(duration), setting: "x") == duration)
    }

    @Test(arguments: ["", "10", "10 minutes", "m", "1x", "-5m", "1h-5m", "1..5s"])
    func badDurationsNameTheSetting(_ text: String) {
        #expect {
            try DurationText.parse(text, setting: "resyncPeriod")
        } throws: { error in
            (error as? SettingsError)?.setting == "resyncPeriod"
        }
    }

    @Test func spellingsAreDerivedFromTheKey() throws {
        let cluster = try #require(SettingKey.named("clusterName"))
        #expect(cluster.flag == "--cluster-name")
        #expect(cluster.environmentVariable == "TRUSTLINE_CLUSTER_NAME")
        #expect(SettingKey.named("manageOidcProvider")?.flag == "--manage-oidc-provider")
        #expect(SettingKey.named("resyncPeriod")?.flag == "--resync-period")
        #expect(SettingKey.named("guardrails.deniedActions")?.environmentVariable == "TRUSTLINE_GUARDRAILS_DENIED_ACTIONS")
        #expect(SettingKey.named("guardrails.quotas.tagsPerRole")?.flag == "--guardrails-quotas-tags-per-role")
    }

    @Test func defaults() throws {
        let settings = try SettingsLoader.load(flags: ["clusterName": .scalar("prod")])
        #expect(settings == OperatorSettings(clusterName: "prod"))
        #expect(settings.rolePath == "/trustline/")
        #expect(settings.resyncPeriod == .seconds(600))
        #expect(settings.adoptionPolicy == .never)
        #expect(settings.guardrails.deniedActions == ["iam:*", "sts:*", "organizations:*", "account:*"])
        #expect(settings.guardrails.quotas == QuotaSettings(trustPolicySize: 2048, inlinePolicySize: 10240, managedPoliciesPerRole: 10, tagsPerRole: 50))
        #expect(settings.guardrails.deniedManagedPolicyArns.count == 3)
        #expect(settings.manageOidcProvider == false)
        #expect(settings.watchNamespaces == [])
    }

    @Test func flagBeatsEnvironmentBeatsFile() throws {
        let file = try SettingsLoader.fileLayer(
            try Fixtures.json(#"{"clusterName":"from-file","rolePath":"/file/","resyncPeriod":"5m","concurrency":8,"manageOidcProvider":true,"guardrails":{"deniedActions":["iam:*"],"allowedNamespaces":["team-*"],"quotas":{"managedPoliciesPerRole":20}}}"#))
        let environment = SettingsLoader.environmentLayer([
            "TRUSTLINE_CLUSTER_NAME": "from-env", "TRUSTLINE_ROLE_PATH": "/env/", "PATH": "/usr/bin",
            "TRUSTLINE_WATCH_NAMESPACES": "a, b", "TRUSTLINE_ADOPTION_POLICY": "TaggedOnly",
        ])
        let flags: [String: RawSetting] = ["clusterName": .scalar("from-flag"), "guardrails.deniedActions": .list(["iam:*", "sts:*"])]
        let settings = try SettingsLoader.load(file: file, environment: environment, flags: flags)
        #expect(settings.clusterName == "from-flag")
        #expect(settings.rolePath == "/env/")
        #expect(settings.resyncPeriod == .seconds(300))
        #expect(settings.concurrency == 8)
        #expect(settings.manageOidcProvider)
        #expect(settings.watchNamespaces == ["a", "b"])
        #expect(settings.adoptionPolicy == .taggedOnly)
        #expect(settings.guardrails.deniedActions == ["iam:*", "sts:*"])
        #expect(settings.guardrails.allowedNamespaces == ["team-*"])
        #expect(settings.guardrails.quotas.managedPoliciesPerRole == 20)
    }

    struct BadCase: Sendable {
        var key: String
        var value: String
    }

    static let badCases: [BadCase] = [
        BadCase(key: "clusterName", value: ""),
        BadCase(key: "clusterName", value: "has space"),
        BadCase(key: "oidcIssuer", value: "http://plain"),
        BadCase(key: "awsAccountId", value: "12345"),
        BadCase(key: "rolePath", value: "trustline"),
        BadCase(key: "permissionsBoundaryArn", value: "arn:aws:s3:::x"),
        BadCase(key: "manageOidcProvider", value: "maybe"),
        BadCase(key: "resyncPeriod", value: "soon"),
        BadCase(key: "resyncPeriod", value: "0s"),
        BadCase(key: "concurrency", value: "0"),
        BadCase(key: "concurrency", value: "many"),
        BadCase(key: "adoptionPolicy", value: "Always"),
        BadCase(key: "guardrails.quotas.trustPolicySize", value: "5000"),
        BadCase(key: "guardrails.quotas.tagsPerRole", value: "51"),
    ]

    @Test(arguments: badCases)
    func badValuesNameTheSetting(_ testCase: BadCase) {
        var flags: [String: RawSetting] = ["clusterName": .scalar("prod")]
        flags[testCase.key] = .scalar(testCase.value)
        #expect {
            try SettingsLoader.load(flags: flags)
        } throws: { error in
            guard let error = error as? SettingsError else { return false }
            return error.setting == testCase.key && !error.message.isEmpty
        }
    }

    @Test func unknownFileKeysAreErrors() throws {
        #expect(throws: SettingsError(setting: "guardrails.deniedAction", message: "unknown setting; known settings are \(SettingKey.all.map(\.key).joined(separator: ", "))")) {
            try SettingsLoader.fileLayer(try Fixtures.json(#"{"guardrails":{"deniedAction":["x"]}}"#))
        }
        #expect(throws: SettingsError.self) {
            try SettingsLoader.fileLayer(try Fixtures.json(#"{"concurrency":[1,2]}"#))
        }
    }

    /// Found while writing the settings fuzz target's file-versus-environment invariant (docs/fuzzing.md): a
    /// null or blank value in the config file leaves the setting unset, as an empty `TRUSTLINE_*`
    /// variable does. It used to turn a boolean on, clear a default list and fail a number.
    @Test func nullOrBlankFileValuesLeaveTheSettingUnset() throws {
        let file = try SettingsLoader.fileLayer(
            try Fixtures.json(#"{"clusterName":"c","manageOidcProvider":null,"leaderElect":"","concurrency":"  ","resyncPeriod":null,"guardrails":{"deniedActions":null}}"#))
        #expect(file == ["clusterName": .scalar("c")])
        let settings = try SettingsLoader.load(file: file)
        #expect(!settings.manageOidcProvider)
        #expect(settings.concurrency == OperatorSettings.defaultConcurrency)
        #expect(settings.resyncPeriod == OperatorSettings.defaultResyncPeriod)
        #expect(settings.guardrails.deniedActions == GuardrailSettings.defaultDeniedActions)
        #expect(try !SettingsLoader.loadProcess(file: file).leaderElect)
        // An explicit empty list still clears a default list.
        let cleared = try SettingsLoader.fileLayer(try Fixtures.json(#"{"guardrails":{"deniedActions":[]}}"#))
        #expect(cleared == ["guardrails.deniedActions": .list([])])
        // A typo stays an error even with a null value.
        #expect(throws: SettingsError.self) {
            try SettingsLoader.fileLayer(try Fixtures.json(#"{"manageOidcProvidr":null}"#))
        }
    }

    struct ProcessLayerCase: Sendable, CustomTestStringConvertible {
        var key: String
        var file: String?
        var environment: String?
        var flag: String?
        /// What `ProcessSettings` must hold, as text.
        var expected: String
        var testDescription: String { "\(key): file \(file ?? "-"), env \(environment ?? "-"), flag \(flag ?? "-")" }
    }

    /// The three settings that used to be flags and environment only, now also file keys, with
    /// docs/design.md section 3's precedence: a flag beats the environment, which beats the file.
    static let processLayerCases: [ProcessLayerCase] = [
        ProcessLayerCase(key: "metricsBindAddress", file: nil, environment: nil, flag: nil, expected: ":8080"),
        ProcessLayerCase(key: "metricsBindAddress", file: "127.0.0.1:9001", environment: nil, flag: nil, expected: "127.0.0.1:9001"),
        ProcessLayerCase(key: "metricsBindAddress", file: "127.0.0.1:9001", environment: ":9002", flag: nil, expected: ":9002"),
        ProcessLayerCase(key: "metricsBindAddress", file: "127.0.0.1:9001", environment: ":9002", flag: "0", expected: "0"),
        ProcessLayerCase(key: "healthProbeBindAddress", file: nil, environment: nil, flag: nil, expected: ":8081"),
        ProcessLayerCase(key: "healthProbeBindAddress", file: ":7001", environment: nil, flag: nil, expected: ":7001"),
        ProcessLayerCase(key: "healthProbeBindAddress", file: ":7001", environment: ":7002", flag: nil, expected: ":7002"),
        ProcessLayerCase(key: "healthProbeBindAddress", file: ":7001", environment: ":7002", flag: ":7003", expected: ":7003"),
        ProcessLayerCase(key: "healthProbeBindAddress", file: ":7001", environment: "", flag: nil, expected: ":7001"),
        ProcessLayerCase(key: "leaderElect", file: nil, environment: nil, flag: nil, expected: "false"),
        ProcessLayerCase(key: "leaderElect", file: "true", environment: nil, flag: nil, expected: "true"),
        ProcessLayerCase(key: "leaderElect", file: "true", environment: "false", flag: nil, expected: "false"),
        ProcessLayerCase(key: "leaderElect", file: "false", environment: "true", flag: "false", expected: "false"),
        ProcessLayerCase(key: "leaderElect", file: "false", environment: nil, flag: "true", expected: "true"),
        ProcessLayerCase(key: "leaderElect", file: "true", environment: "", flag: nil, expected: "true"),
        ProcessLayerCase(key: "logLevel", file: "debug", environment: "warning", flag: nil, expected: "warning"),
        ProcessLayerCase(key: "logFormat", file: "json", environment: nil, flag: nil, expected: "json"),
        // TRUSTLINE_NAMESPACE, once read by hand in the operator, is a setting like the others.
        ProcessLayerCase(key: "namespace", file: nil, environment: nil, flag: nil, expected: "(pod's)"),
        ProcessLayerCase(key: "namespace", file: "ops", environment: nil, flag: nil, expected: "ops"),
        ProcessLayerCase(key: "namespace", file: "ops", environment: "trustline-system", flag: nil, expected: "trustline-system"),
        ProcessLayerCase(key: "namespace", file: "ops", environment: " ", flag: "other", expected: "other"),
        ProcessLayerCase(key: "namespace", file: "ops", environment: "", flag: nil, expected: "ops"),
    ]

    @Test(arguments: processLayerCases)
    func processSettingsFollowThePrecedence(_ row: ProcessLayerCase) throws {
        let setting = try #require(SettingKey.named(row.key))
        var yaml: [String: Any] = [:]
        if let file = row.file { yaml[row.key] = setting.kind == .bool ? (file == "true") as Any : file as Any }
        let fileLayer = try SettingsLoader.fileLayer(try Fixtures.json(String(decoding: try JSONSerialization.data(withJSONObject: yaml), as: UTF8.self)))
        let environment = SettingsLoader.environmentLayer(row.environment.map { [setting.environmentVariable: $0] } ?? [:])
        let flags: [String: RawSetting] = row.flag.map { [row.key: .scalar($0)] } ?? [:]
        let loaded = try SettingsLoader.loadProcess(file: fileLayer, environment: environment, flags: flags)
        let actual: String
        switch row.key {
        case "metricsBindAddress": actual = loaded.metricsBindAddress
        case "healthProbeBindAddress": actual = loaded.healthProbeBindAddress
        case "leaderElect": actual = "\(loaded.leaderElect)"
        case "logLevel": actual = loaded.logLevel
        case "namespace": actual = loaded.namespace ?? "(pod's)"
        default: actual = loaded.logFormat
        }
        #expect(actual == row.expected)
        // The same file is accepted by the operator settings too (one ConfigMap for the Deployment).
        var withCluster = fileLayer
        withCluster["clusterName"] = .scalar("prod")
        _ = try SettingsLoader.load(file: withCluster, environment: environment, flags: flags)
    }

    @Test func processSettingsHaveTheDocumentedSpellingsAndRejectBadBooleans() throws {
        #expect(SettingKey.named("metricsBindAddress")?.flag == "--metrics-bind-address")
        #expect(SettingKey.named("healthProbeBindAddress")?.environmentVariable == "TRUSTLINE_HEALTH_PROBE_BIND_ADDRESS")
        #expect(SettingKey.named("leaderElect")?.flag == "--leader-elect")
        #expect(SettingKey.named("leaderElect")?.environmentVariable == "TRUSTLINE_LEADER_ELECT")
        #expect(throws: SettingsError.self) {
            try SettingsLoader.loadProcess(environment: SettingsLoader.environmentLayer(["TRUSTLINE_LEADER_ELECT": "maybe"]))
        }
        #expect(throws: SettingsError.self) {
            try SettingsLoader.fileLayer(try Fixtures.json(#"{"leaderElection":true}"#))
        }
    }
}

import Foundation
import Testing
@testable import TrustlineCore

/// The setting flags are made from `SettingKey` alone; these pin every spelling the command line
/// has always accepted, and the help that lists them.
@Suite struct SettingArgumentsTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var arguments: [String]
        var flags: [String: RawSetting]
        var remaining: [String]
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let cases: [Case] = [
        Case(arguments: ["--cluster-name", "prod", "dir"], flags: ["clusterName": .scalar("prod")], remaining: ["dir"]),
        Case(arguments: ["--cluster-name=prod"], flags: ["clusterName": .scalar("prod")], remaining: []),
        Case(arguments: ["--cluster-name", "a", "--cluster-name", "b"], flags: ["clusterName": .scalar("b")], remaining: []),
        Case(arguments: ["--manage-oidc-provider"], flags: ["manageOidcProvider": .scalar("true")], remaining: []),
        Case(arguments: ["--no-manage-oidc-provider"], flags: ["manageOidcProvider": .scalar("false")], remaining: []),
        Case(arguments: ["--leader-elect", "--log-level", "debug"], flags: ["leaderElect": .scalar("true"), "logLevel": .scalar("debug")], remaining: []),
        Case(
            arguments: ["--watch-namespaces", "a,b", "--watch-namespaces", "c"], flags: ["watchNamespaces": .list(["a,b", "c"])], remaining: []),
        Case(
            arguments: ["--guardrails-quotas-tags-per-role", "40", "--output", "json"],
            flags: ["guardrails.quotas.tagsPerRole": .scalar("40")], remaining: ["--output", "json"]),
        Case(arguments: ["--config", "c.yaml", "--kubeconfig", "k"], flags: [:], remaining: ["--config", "c.yaml", "--kubeconfig", "k"]),
        Case(arguments: ["--concurrency", "-1"], flags: ["concurrency": .scalar("-1")], remaining: []),
        Case(arguments: ["--", "--cluster-name", "x"], flags: [:], remaining: ["--", "--cluster-name", "x"]),
        Case(arguments: ["--no-cluster-name", "--unknown"], flags: [:], remaining: ["--no-cluster-name", "--unknown"]),
    ]

    @Test(arguments: cases)
    func extractsSettingFlags(_ testCase: Case) throws {
        let extracted = try SettingArguments.extract(testCase.arguments, settings: SettingKey.all)
        #expect(extracted.flags == testCase.flags)
        #expect(extracted.remaining == testCase.remaining)
    }

    @Test("a valued flag without its value is an error naming the setting and how to write it", arguments: [
        ["--cluster-name"], ["--resync-period", "--cluster-name", "x"],
    ])
    func missingValueNamesTheSetting(_ arguments: [String]) {
        #expect {
            try SettingArguments.extract(arguments, settings: SettingKey.all)
        } throws: { error in
            guard let error = error as? SettingsError else { return false }
            return SettingKey.named(error.setting)?.flag == arguments[0] && error.message.contains("\(arguments[0]) <")
        }
    }

    @Test("only the settings handed in are taken: plan does not take the process flags")
    func onlyTheGivenSettings() throws {
        let extracted = try SettingArguments.extract(["--leader-elect", "--cluster-name", "x"], settings: SettingKey.operatorSettings)
        #expect(extracted.flags == ["clusterName": .scalar("x")])
        #expect(extracted.remaining == ["--leader-elect"])
    }

    @Test("every setting's flag round-trips into its key, and its kind decides list or scalar", arguments: SettingKey.all)
    func everyFlagReachesItsKey(_ setting: SettingKey) throws {
        let arguments = setting.kind == .bool ? [setting.flag] : [setting.flag, "v"]
        let extracted = try SettingArguments.extract(arguments, settings: SettingKey.all)
        let expected: RawSetting = setting.kind == .bool ? .scalar("true") : setting.kind == .list ? .list(["v"]) : .scalar("v")
        #expect(extracted.flags == [setting.key: expected])
        #expect(extracted.remaining.isEmpty)
    }

    @Test("the help section names every setting's flag, variable and file key, within 80 columns")
    func helpListsEverySetting() {
        let help = SettingsHelp.section(title: "Settings", settings: SettingKey.all)
        #expect(help.hasPrefix("SETTINGS:\n"))
        let flattened = help.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        for setting in SettingKey.all {
            #expect(help.contains("  \(setting.flag)" + (setting.valueName.map { " <\($0)>" } ?? "/\(setting.negatedFlag)")))
            #expect(flattened.contains("Env: \(setting.environmentVariable). File: \(setting.key)."), "\(setting.key)")
        }
        // Only a single word longer than the text column (a long variable name) may overrun.
        for line in help.split(separator: "\n") where line.trimmingCharacters(in: .whitespaces).contains(" ") {
            #expect(line.count <= 80, "\(line)")
        }
    }
}

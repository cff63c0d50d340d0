import ArgumentParser
import Foundation
import KubeClient
import TrustlineCore

/// The operator settings of docs/design.md section 3 as flags. Each is also read from its `TRUSTLINE_*`
/// variable and from the `--config` YAML file (camelCase keys); a flag beats the environment,
/// which beats the file. The layering and every check live in TrustlineCore's `SettingsLoader`.
struct SettingsOptions: ParsableArguments {
    @Option(name: .customLong("config"), help: ArgumentHelp("YAML file of settings, camelCase keys (usually a mounted ConfigMap); flags and TRUSTLINE_* variables override it. Env: TRUSTLINE_CONFIG. (default: none)", valueName: "file"))
    var configFile: String?

    @Option(name: name("clusterName"), help: help("clusterName", valueName: "name"))
    var clusterName: String?
    @Option(name: name("oidcIssuer"), help: help("oidcIssuer", valueName: "url"))
    var oidcIssuer: String?
    @Option(name: name("awsAccountId"), help: help("awsAccountId", valueName: "id"))
    var awsAccountId: String?
    @Option(name: name("rolePath"), help: help("rolePath", valueName: "path"))
    var rolePath: String?
    @Option(name: name("permissionsBoundaryArn"), help: help("permissionsBoundaryArn", valueName: "arn"))
    var permissionsBoundaryArn: String?
    @Flag(name: name("manageOidcProvider"), inversion: .prefixedNo, help: help("manageOidcProvider"))
    var manageOidcProvider: Bool?
    @Option(name: name("watchNamespaces"), help: help("watchNamespaces", valueName: "ns,..."))
    var watchNamespaces: [String] = []
    @Option(name: name("resyncPeriod"), help: help("resyncPeriod", valueName: "duration"))
    var resyncPeriod: String?
    @Option(name: name("orphanGracePeriod"), help: help("orphanGracePeriod", valueName: "duration"))
    var orphanGracePeriod: String?
    @Option(name: name("concurrency"), help: help("concurrency", valueName: "n"))
    var concurrency: String?
    @Option(name: name("adoptionPolicy"), help: help("adoptionPolicy", valueName: "policy"))
    var adoptionPolicy: String?
    @Option(name: name("adoptableRoleNames"), help: help("adoptableRoleNames", valueName: "glob,..."))
    var adoptableRoleNames: [String] = []
    @Option(name: name("guardrails.allowedNamespaces"), help: help("guardrails.allowedNamespaces", valueName: "glob,..."))
    var allowedNamespaces: [String] = []
    @Option(name: name("guardrails.deniedNamespaces"), help: help("guardrails.deniedNamespaces", valueName: "glob,..."))
    var deniedNamespaces: [String] = []
    @Option(name: name("guardrails.deniedActions"), help: help("guardrails.deniedActions", valueName: "glob,..."))
    var deniedActions: [String] = []
    @Option(name: name("guardrails.allowedManagedPolicyArns"), help: help("guardrails.allowedManagedPolicyArns", valueName: "glob,..."))
    var allowedManagedPolicyArns: [String] = []
    @Option(name: name("guardrails.deniedManagedPolicyArns"), help: help("guardrails.deniedManagedPolicyArns", valueName: "glob,..."))
    var deniedManagedPolicyArns: [String] = []
    @Option(name: name("guardrails.quotas.trustPolicySize"), help: help("guardrails.quotas.trustPolicySize", valueName: "chars"))
    var trustPolicySize: String?
    @Option(name: name("guardrails.quotas.inlinePolicySize"), help: help("guardrails.quotas.inlinePolicySize", valueName: "chars"))
    var inlinePolicySize: String?
    @Option(name: name("guardrails.quotas.managedPoliciesPerRole"), help: help("guardrails.quotas.managedPoliciesPerRole", valueName: "n"))
    var managedPoliciesPerRole: String?
    @Option(name: name("guardrails.quotas.tagsPerRole"), help: help("guardrails.quotas.tagsPerRole", valueName: "n"))
    var tagsPerRole: String?

    private static func name(_ key: String) -> NameSpecification {
        .customLong(String((SettingKey.named(key)?.flag ?? key).dropFirst(2)))
    }

    private static func help(_ key: String, valueName: String? = nil) -> ArgumentHelp {
        guard let setting = SettingKey.named(key) else { return ArgumentHelp(key) }
        let list = setting.kind == .list ? " Repeat the flag or separate with commas." : ""
        let noDefault = setting.summary.contains("default") || setting.summary.contains("required") ? "" : " (default: none)"
        return ArgumentHelp("\(setting.summary)\(noDefault)\(list) Env: \(setting.environmentVariable). File: \(setting.key).", valueName: valueName)
    }

    /// The flags the user gave, by setting key.
    var flagLayer: [String: RawSetting] {
        var layer: [String: RawSetting] = [:]
        let scalars: [(String, String?)] = [
            ("clusterName", clusterName), ("oidcIssuer", oidcIssuer), ("awsAccountId", awsAccountId), ("rolePath", rolePath),
            ("permissionsBoundaryArn", permissionsBoundaryArn), ("manageOidcProvider", manageOidcProvider.map { $0 ? "true" : "false" }),
            ("resyncPeriod", resyncPeriod), ("orphanGracePeriod", orphanGracePeriod), ("concurrency", concurrency), ("adoptionPolicy", adoptionPolicy),
            ("guardrails.quotas.trustPolicySize", trustPolicySize), ("guardrails.quotas.inlinePolicySize", inlinePolicySize),
            ("guardrails.quotas.managedPoliciesPerRole", managedPoliciesPerRole), ("guardrails.quotas.tagsPerRole", tagsPerRole),
        ]
        for case let (key, value?) in scalars { layer[key] = .scalar(value) }
        let lists: [(String, [String])] = [
            ("watchNamespaces", watchNamespaces), ("adoptableRoleNames", adoptableRoleNames), ("guardrails.allowedNamespaces", allowedNamespaces),
            ("guardrails.deniedNamespaces", deniedNamespaces), ("guardrails.deniedActions", deniedActions),
            ("guardrails.allowedManagedPolicyArns", allowedManagedPolicyArns),
            ("guardrails.deniedManagedPolicyArns", deniedManagedPolicyArns),
        ]
        for (key, values) in lists where !values.isEmpty { layer[key] = .list(values) }
        return layer
    }

    /// The `--config` file (else `TRUSTLINE_CONFIG`) as a layer of raw settings; empty without
    /// one. Every error names the file, and an unknown key is one (a typo in a ConfigMap must
    /// not pass silently).
    func fileLayer(environment: [String: String]) throws -> [String: RawSetting] {
        guard let configFile = configFile ?? environment["TRUSTLINE_CONFIG"].flatMap({ $0.isEmpty ? nil : $0 }) else { return [:] }
        guard let data = FileManager.default.contents(atPath: configFile) else {
            throw ValidationError("--config: cannot read \(configFile); give the path of a YAML settings file")
        }
        let documents = try YAMLManifest.documents(String(decoding: data, as: UTF8.self), source: configFile)
        guard documents.count <= 1 else {
            throw ValidationError("--config: \(configFile) holds \(documents.count) YAML documents; give one mapping of settings")
        }
        guard let document = documents.first else { return [:] }
        do {
            return try SettingsLoader.fileLayer(document.value)
        } catch {
            throw ValidationError("--config \(configFile): \(error)")
        }
    }

    /// Reads the config file (if any), the environment and the flags into checked settings.
    /// `requireClusterName: false` fills in a placeholder for commands that can run without it.
    func load(environment: [String: String], requireClusterName: Bool = true) throws -> OperatorSettings {
        try load(file: fileLayer(environment: environment), environment: environment, requireClusterName: requireClusterName)
    }

    /// The same from a file layer already read.
    func load(file: [String: RawSetting], environment: [String: String], requireClusterName: Bool = true) throws -> OperatorSettings {
        var flags = flagLayer
        let environmentLayer = SettingsLoader.environmentLayer(environment)
        if !requireClusterName, flags["clusterName"] == nil, environmentLayer["clusterName"] == nil, file["clusterName"] == nil {
            flags["clusterName"] = .scalar("cluster")
        }
        return try SettingsLoader.load(file: file, environment: environmentLayer, flags: flags)
    }
}

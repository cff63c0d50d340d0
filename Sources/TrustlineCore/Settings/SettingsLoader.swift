import KubeModels

/// Builds `OperatorSettings` from three layers of raw values, file < environment < flags, and
/// checks every value, with errors naming the setting. Pure: the CLI reads the file, the
/// process environment and the command line and hands the raw values in.
public enum SettingsLoader {
    /// The layers merged, later ones winning per key.
    public static func merge(file: [String: RawSetting], environment: [String: RawSetting], flags: [String: RawSetting]) -> [String: RawSetting] {
        var merged = file
        merged.merge(environment) { _, new in new }
        merged.merge(flags) { _, new in new }
        return merged
    }

    /// Picks the `TRUSTLINE_*` variables of known settings out of a process environment. A
    /// variable set to the empty string counts as unset (a Deployment's `value: ""` left over),
    /// so it neither overrides the file nor turns a boolean on.
    public static func environmentLayer(_ environment: [String: String]) -> [String: RawSetting] {
        var layer: [String: RawSetting] = [:]
        for setting in SettingKey.all {
            if let value = environment[setting.environmentVariable], !value.trimmingWhitespace().isEmpty {
                layer[setting.key] = .scalar(value)
            }
        }
        return layer
    }

    /// Flattens the config file (a JSON/YAML object, camelCase keys, `guardrails` and
    /// `guardrails.quotas` nested) into dotted keys. Unknown keys are errors, so typos do not pass silently.
    public static func fileLayer(_ document: JSONValue) throws(SettingsError) -> [String: RawSetting] {
        guard case .object(let members) = document else {
            if case .null = document { return [:] }
            throw SettingsError(setting: "(file)", message: "the config file must be a YAML mapping of settings, found a \(document.jsonTypeName)")
        }
        var layer: [String: RawSetting] = [:]
        try flatten(members, prefix: "", into: &layer)
        return layer
    }

    private static func flatten(_ members: [String: JSONValue], prefix: String, into layer: inout [String: RawSetting]) throws(SettingsError) {
        for (name, value) in members.sorted(by: { $0.key < $1.key }) {
            let key = prefix.isEmpty ? name : prefix + "." + name
            let isGroup = SettingKey.all.contains { $0.key.hasPrefix(key + ".") }
            if case .null = value, isGroup { continue }
            if let setting = SettingKey.named(key) {
                if let raw = try raw(value, for: setting) { layer[key] = raw }
            } else if case .object(let nested) = value, isGroup {
                try flatten(nested, prefix: key, into: &layer)
            } else {
                throw SettingsError(setting: key, message: "unknown setting; known settings are \(SettingKey.all.map(\.key).joined(separator: ", "))")
            }
        }
    }

    /// The raw value of one file entry, or nil when it leaves the setting unset: YAML null
    /// (`manageOidcProvider:` with nothing after it) or a blank string, as an empty `TRUSTLINE_*`
    /// variable does. Otherwise null turned a boolean on, cleared a default list and failed a
    /// number (found while writing the settings fuzz target, docs/fuzzing.md). An explicit `[]` still clears a list.
    private static func raw(_ value: JSONValue, for setting: SettingKey) throws(SettingsError) -> RawSetting? {
        switch value {
        case .string(let text): return text.trimmingWhitespace().isEmpty ? nil : .scalar(text)
        case .bool(let flag): return .scalar(flag ? "true" : "false")
        case .number(let number): return .scalar(CompactJSON.format(number))
        case .null: return nil
        case .array(let elements):
            guard setting.kind == .list else {
                throw SettingsError(setting: setting.key, message: "expected a single value, found a list")
            }
            var items: [String] = []
            for element in elements {
                guard case .string(let text) = element else {
                    throw SettingsError(setting: setting.key, message: "list items must be strings, found a \(element.jsonTypeName)")
                }
                items.append(text)
            }
            return .list(items)
        case .object:
            throw SettingsError(setting: setting.key, message: "expected a value, found a mapping")
        }
    }

    /// Merges the layers and builds checked settings.
    public static func load(file: [String: RawSetting] = [:], environment: [String: RawSetting] = [:], flags: [String: RawSetting] = [:]) throws(SettingsError) -> OperatorSettings {
        let values = merge(file: file, environment: environment, flags: flags)
        for key in values.keys where SettingKey.named(key) == nil {
            throw SettingsError(setting: key, message: "unknown setting")
        }
        let reader = RawSettingReader(values: values)

        guard let clusterName = try reader.string("clusterName"), !clusterName.isEmpty else {
            throw SettingsError(setting: "clusterName", message: "is required; pass --cluster-name, TRUSTLINE_CLUSTER_NAME or clusterName in the config file")
        }
        var settings = OperatorSettings(clusterName: clusterName)
        settings.oidcIssuer = try reader.string("oidcIssuer").flatMap { $0.isEmpty ? nil : $0 }
        settings.awsAccountId = try reader.string("awsAccountId").flatMap { $0.isEmpty ? nil : $0 }
        settings.rolePath = try reader.string("rolePath").flatMap { $0.isEmpty ? nil : $0 } ?? OperatorSettings.defaultRolePath
        settings.permissionsBoundaryArn = try reader.string("permissionsBoundaryArn").flatMap { $0.isEmpty ? nil : $0 }
        settings.manageOidcProvider = try reader.bool("manageOidcProvider") ?? false
        settings.oidcPublishBucket = try reader.string("oidcPublishBucket").flatMap { $0.isEmpty ? nil : $0 }
        settings.oidcPublishPrefix = try reader.string("oidcPublishPrefix") ?? ""
        settings.watchNamespaces = try reader.list("watchNamespaces") ?? []
        settings.resyncPeriod = try reader.duration("resyncPeriod") ?? OperatorSettings.defaultResyncPeriod
        settings.orphanGracePeriod = try reader.duration("orphanGracePeriod") ?? OperatorSettings.defaultOrphanGracePeriod
        settings.concurrency = try reader.integer("concurrency") ?? OperatorSettings.defaultConcurrency
        settings.iamRequestsPerSecond = try reader.integer("iamRequestsPerSecond") ?? 0
        if let text = try reader.string("adoptionPolicy"), !text.isEmpty {
            guard let policy = AdoptionPolicy.allCases.first(where: { $0.rawValue.lowercased() == text.lowercased() }) else {
                throw SettingsError(setting: "adoptionPolicy", message: "\"\(text)\" is not a policy; use Never or TaggedOnly")
            }
            settings.adoptionPolicy = policy
        }
        settings.adoptableRoleNames = try reader.list("adoptableRoleNames") ?? []
        var guardrails = GuardrailSettings()
        guardrails.allowedNamespaces = try reader.list("guardrails.allowedNamespaces") ?? guardrails.allowedNamespaces
        guardrails.deniedNamespaces = try reader.list("guardrails.deniedNamespaces") ?? guardrails.deniedNamespaces
        guardrails.deniedActions = try reader.list("guardrails.deniedActions") ?? guardrails.deniedActions
        guardrails.allowedManagedPolicyArns = try reader.list("guardrails.allowedManagedPolicyArns") ?? guardrails.allowedManagedPolicyArns
        guardrails.deniedManagedPolicyArns = try reader.list("guardrails.deniedManagedPolicyArns") ?? guardrails.deniedManagedPolicyArns
        guardrails.quotas.trustPolicySize = try reader.integer("guardrails.quotas.trustPolicySize") ?? guardrails.quotas.trustPolicySize
        guardrails.quotas.inlinePolicySize = try reader.integer("guardrails.quotas.inlinePolicySize") ?? guardrails.quotas.inlinePolicySize
        guardrails.quotas.managedPoliciesPerRole = try reader.integer("guardrails.quotas.managedPoliciesPerRole") ?? guardrails.quotas.managedPoliciesPerRole
        guardrails.quotas.tagsPerRole = try reader.integer("guardrails.quotas.tagsPerRole") ?? guardrails.quotas.tagsPerRole
        settings.guardrails = guardrails
        try SettingsValidation.check(settings)
        return settings
    }
}

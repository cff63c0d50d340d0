import KubeClient
import KubeModels
import TrustlineCore

/// Settings loading as `trustline --config FILE` does it: the YAML of the file
/// (`YAMLManifest`), its settings layer (`SettingsLoader.fileLayer`), then the checked operator
/// and process settings. Invariants: every refusal is a typed error with a message; a loaded
/// duration prints and parses back to itself; and a setting means the same in the file as in its
/// `TRUSTLINE_*` variable (docs/design.md section 3: the layers differ only in precedence).
enum SettingsFuzzTarget {
    static func run(_ bytes: [UInt8]) -> FuzzFinding? {
        let documents: [YAMLManifest.Document]
        do {
            documents = try YAMLManifest.documents(String(decoding: bytes, as: UTF8.self), source: "config.yaml")
        } catch {
            return error.problem.isEmpty ? FuzzFinding(.settings, "a YAML error without a message") : nil
        }
        guard documents.count == 1, let document = documents.first else { return nil }
        let file: [String: RawSetting]
        do {
            file = try SettingsLoader.fileLayer(document.value)
        } catch {
            return error.message.isEmpty ? FuzzFinding(.settings, "a file error without a message") : nil
        }
        let fromFile = Result { () throws(SettingsError) in try SettingsLoader.load(file: file) }
        if case .success(let settings) = fromFile {
            for duration in [settings.resyncPeriod, settings.orphanGracePeriod] {
                let text = DurationText.format(duration)
                guard (try? DurationText.parse(text, setting: "resyncPeriod")) == duration else {
                    return FuzzFinding(.settings, "the duration \(duration) prints as \(text), which does not parse back")
                }
            }
        }
        guard let environment = environmentSpelling(of: file) else { return nil }
        let fromEnvironment = Result { () throws(SettingsError) in
            try SettingsLoader.load(environment: SettingsLoader.environmentLayer(environment))
        }
        if fromFile != fromEnvironment {
            return FuzzFinding(
                .settings,
                "the file and the same values as TRUSTLINE_* variables disagree: \(describe(fromFile)) vs \(describe(fromEnvironment))")
        }
        let processFromFile = Result { () throws(SettingsError) in try SettingsLoader.loadProcess(file: file) }
        let processFromEnvironment = Result { () throws(SettingsError) in
            try SettingsLoader.loadProcess(environment: SettingsLoader.environmentLayer(environment))
        }
        if processFromFile != processFromEnvironment {
            return FuzzFinding(.settings, "the process settings from the file and from TRUSTLINE_* variables disagree")
        }
        return nil
    }

    /// The file layer written as environment variables, or nil when some value has no such
    /// spelling: several values for a one-value setting (an error only the file can make) or an
    /// explicitly empty list (which clears a default; an empty variable means unset).
    private static func environmentSpelling(of layer: [String: RawSetting]) -> [String: String]? {
        var variables: [String: String] = [:]
        for (key, raw) in layer {
            guard let setting = SettingKey.named(key) else { return nil }
            switch raw {
            case .scalar(let text):
                variables[setting.environmentVariable] = text
            case .list(let items):
                let joined = items.joined(separator: ",")
                guard setting.kind == .list || items.count <= 1,
                    joined.contains(where: { !$0.isWhitespace && $0 != "," })
                else { return nil }
                variables[setting.environmentVariable] = joined
            }
        }
        return variables
    }

    private static func describe<Value>(_ result: Result<Value, SettingsError>) -> String {
        switch result {
        case .success: "loaded"
        case .failure(let error): error.description.escapedForFinding()
        }
    }
}

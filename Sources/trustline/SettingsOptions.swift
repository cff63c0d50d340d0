import ArgumentParser
import Foundation
import KubeClient
import TrustlineCore

/// The settings of a command (docs/design.md section 3): `--config` is an ordinary option; the
/// flag of every setting is taken off the command line before parsing (`SettingArguments`, see
/// `SettingFlagsCommand`) and lands in `givenFlags`. Each setting is also read from its
/// `TRUSTLINE_*` variable and from the `--config` YAML file (camelCase keys); a flag beats the
/// environment, which beats the file. The layering and every check live in TrustlineCore's
/// `SettingsLoader`.
struct SettingsOptions: ParsableArguments {
    @Option(name: .customLong("config"), help: ArgumentHelp("YAML file of settings, camelCase keys (usually a mounted ConfigMap); flags and TRUSTLINE_* variables override it. Env: TRUSTLINE_CONFIG. (default: none)", valueName: "file"))
    var configFile: String?

    /// The setting flags of the command line, by key; filled in by `TrustlineCommand.main`,
    /// not by the parser (hence left out of `CodingKeys`).
    var givenFlags: [String: RawSetting] = [:]

    enum CodingKeys: String, CodingKey {
        case configFile
    }

    /// `--cluster-name` as given on the command line, if it was.
    var clusterName: String? {
        guard case .scalar(let name)? = givenFlags["clusterName"] else { return nil }
        return name
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
        var flags = givenFlags
        let environmentLayer = SettingsLoader.environmentLayer(environment)
        if !requireClusterName, flags["clusterName"] == nil, environmentLayer["clusterName"] == nil, file["clusterName"] == nil {
            flags["clusterName"] = .scalar("cluster")
        }
        return try SettingsLoader.load(file: file, environment: environmentLayer, flags: flags)
    }

    /// The `--config` file layer and the process settings, read before anything else a command
    /// does; a problem is a usage error (exit 2) naming the setting or the file.
    func processStart(environment: [String: String]) throws -> (file: [String: RawSetting], process: ProcessSettings) {
        do {
            let file = try fileLayer(environment: environment)
            return (file, try loadProcess(file: file, environment: environment))
        } catch {
            throw UsageFailure.exit("\(error)")
        }
    }

    /// The process settings (endpoints, leader election, logging) from the same three layers.
    func loadProcess(file: [String: RawSetting], environment: [String: String]) throws -> ProcessSettings {
        try SettingsLoader.loadProcess(file: file, environment: SettingsLoader.environmentLayer(environment), flags: givenFlags)
    }
}

import ArgumentParser
import Logging
import TrustlineCore
import TrustlineOperator

/// `--log-format` and `--log-level`; like every setting, also `TRUSTLINE_LOG_FORMAT`,
/// `TRUSTLINE_LOG_LEVEL` and the `logFormat`, `logLevel` keys of the `--config` file.
struct LoggingOptions: ParsableArguments {
    @Option(help: ProcessFlagHelp.help("logFormat", valueName: "format"))
    var logFormat: String?

    @Option(help: ProcessFlagHelp.help("logLevel", valueName: "level"))
    var logLevel: String?

    /// The flags the user gave, by setting key.
    var flagLayer: [String: RawSetting] {
        var layer: [String: RawSetting] = [:]
        if let logFormat { layer["logFormat"] = .scalar(logFormat) }
        if let logLevel { layer["logLevel"] = .scalar(logLevel) }
        return layer
    }

    /// Installs the structured handler for the whole process and returns the root logger.
    static func bootstrap(label: String, settings: ProcessSettings) throws -> Logger {
        guard let format = StructuredLogHandler.Format(rawValue: settings.logFormat.lowercased()) else {
            throw ValidationError("setting logFormat (--log-format, TRUSTLINE_LOG_FORMAT, logFormat in --config): \"\(settings.logFormat)\" is not a format; use logfmt or json")
        }
        guard let level = Logger.Level(rawValue: settings.logLevel.lowercased()) else {
            throw ValidationError("setting logLevel (--log-level, TRUSTLINE_LOG_LEVEL, logLevel in --config): \"\(settings.logLevel)\" is not a level; use trace, debug, info, notice, warning or error")
        }
        LoggingSystem.bootstrap { label in StructuredLogHandler(label: label, format: format, level: level) }
        return Logger(label: label)
    }
}

/// Help text of the process settings' flags, from their `SettingKey`, naming all three spellings.
enum ProcessFlagHelp {
    static func help(_ key: String, valueName: String? = nil) -> ArgumentHelp {
        guard let setting = SettingKey.named(key) else { return ArgumentHelp(key) }
        return ArgumentHelp("\(setting.summary) Env: \(setting.environmentVariable). File: \(setting.key).", valueName: valueName)
    }
}

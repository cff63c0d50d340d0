import ArgumentParser
import Logging
import TrustlineCore
import TrustlineOperator

/// Installs the process's log handler from the `logFormat` and `logLevel` settings, which, like
/// every setting, come from a flag, a `TRUSTLINE_*` variable or the `--config` file.
enum LogBootstrap {
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

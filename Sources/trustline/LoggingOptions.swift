import ArgumentParser
import Logging
import TrustlineOperator

/// `--log-format` and `--log-level`, shared by every subcommand.
struct LoggingOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Log line format on stderr: logfmt or json. Env: TRUSTLINE_LOG_FORMAT. (default: logfmt)", valueName: "format"))
    var logFormat: String?

    @Option(help: ArgumentHelp("Least severe level logged: trace, debug, info, notice, warning, error. Env: TRUSTLINE_LOG_LEVEL. (default: info)", valueName: "level"))
    var logLevel: String?

    /// Installs the structured handler for the whole process and returns the root logger.
    func bootstrap(label: String, environment: [String: String]) throws -> Logger {
        let formatText = logFormat ?? environment["TRUSTLINE_LOG_FORMAT"] ?? "logfmt"
        guard let format = StructuredLogHandler.Format(rawValue: formatText.lowercased()) else {
            throw ValidationError("--log-format: \"\(formatText)\" is not a format; use logfmt or json")
        }
        let levelText = logLevel ?? environment["TRUSTLINE_LOG_LEVEL"] ?? "info"
        guard let level = Logger.Level(rawValue: levelText.lowercased()) else {
            throw ValidationError("--log-level: \"\(levelText)\" is not a level; use trace, debug, info, notice, warning or error")
        }
        LoggingSystem.bootstrap { label in StructuredLogHandler(label: label, format: format, level: level) }
        return Logger(label: label)
    }
}

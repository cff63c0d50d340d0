import ArgumentParser
import TrustlineCore

/// A subcommand that takes setting flags. `TrustlineCommand.main` takes the flags of
/// `settingKeys` off its command line before swift-argument-parser sees it, hands them to
/// `settings`, and adds them to its `--help`; so a setting declared in `SettingKey` is a flag
/// of every such command with nothing else to write.
protocol SettingFlagsCommand: ParsableCommand {
    /// The settings whose flags the command takes.
    static var settingKeys: [SettingKey] { get }
    /// Where the flags go.
    var settings: SettingsOptions { get set }
}

extension RunCommand: SettingFlagsCommand {
    static var settingKeys: [SettingKey] { SettingKey.all }
}

extension PlanCommand: SettingFlagsCommand {
    static var settingKeys: [SettingKey] { SettingKey.operatorSettings }
}

extension SettingFlagsCommand {
    /// The parser's help, its usage line ending in `[<setting flags>]`, followed by the setting flags.
    static func helpWithSettings() -> String {
        var lines = TrustlineCommand.helpMessage(for: Self.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if let usage = lines.firstIndex(where: { $0.hasPrefix("USAGE: ") }) {
            lines[usage] += " [<setting flags>]"
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        let title = "Setting flags (each also a TRUSTLINE_* variable and a --config key)"
        return lines.joined(separator: "\n") + "\n\n" + SettingsHelp.section(title: title, settings: settingKeys)
    }
}

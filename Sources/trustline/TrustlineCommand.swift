import ArgumentParser
import Foundation
import TrustlineCore

/// `trustline`: the operator (`run`), the offline and live dry run (`plan`) and the end-to-end
/// check of one resource (`verify`), as docs/design.md section 6 describes them.
@main
struct TrustlineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trustline",
        abstract: "Gives Kubernetes workloads AWS access without stored credentials (IAM roles with IRSA trust policies).",
        version: TrustlineVersion.current,
        subcommands: [RunCommand.self, PlanCommand.self, VerifyCommand.self, WebhookCommand.self])

    /// Like ArgumentParser's, except that the setting flags are taken off the command line first
    /// (`SettingFlagsCommand`), and that usage errors (unknown flags, bad values) exit with 2,
    /// the status docs/design.md section 6 gives them, instead of 64.
    static func main() async {
        do {
            var arguments = Array(CommandLine.arguments.dropFirst())
            var settingFlags: [String: RawSetting] = [:]
            if let subcommand = settingFlagsCommand(named: arguments.first) {
                let extracted: SettingArguments
                do {
                    extracted = try SettingArguments.extract(Array(arguments.dropFirst()), settings: subcommand.settingKeys)
                } catch {
                    throw UsageFailure.exit("\(error)")
                }
                if extracted.remaining.prefix(while: { $0 != "--" }).contains(where: { ["-h", "--help", "-help"].contains($0) }) {
                    print(subcommand.helpWithSettings(), terminator: "")
                    return
                }
                arguments = [arguments[0]] + extracted.remaining
                settingFlags = extracted.flags
            } else if arguments.first == "help", let subcommand = settingFlagsCommand(named: arguments.dropFirst().first) {
                print(subcommand.helpWithSettings(), terminator: "")
                return
            }
            var command = try parseAsRoot(arguments)
            if var takesSettings = command as? any SettingFlagsCommand {
                takesSettings.settings.givenFlags = settingFlags
                command = takesSettings
            }
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }

    /// The subcommand called `name` when it takes setting flags.
    private static func settingFlagsCommand(named name: String?) -> (any SettingFlagsCommand.Type)? {
        guard let name else { return nil }
        return configuration.subcommands
            .first { $0._commandName == name }
            .flatMap { $0 as? any SettingFlagsCommand.Type }
    }
}

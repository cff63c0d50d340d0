import ArgumentParser
import Foundation

/// `trustline`: the operator (`run`), the offline and live dry run (`plan`) and the end-to-end
/// check of one resource (`verify`), as docs/design.md section 6 describes them.
@main
struct TrustlineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trustline",
        abstract: "Gives Kubernetes workloads AWS access without stored credentials (IAM roles with IRSA trust policies).",
        version: TrustlineVersion.current,
        subcommands: [RunCommand.self, PlanCommand.self, VerifyCommand.self])

    /// Like ArgumentParser's, except that usage errors (unknown flags, bad values) exit with 2,
    /// the status docs/design.md section 6 gives them, instead of 64.
    static func main() async {
        do {
            var command = try parseAsRoot()
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
}

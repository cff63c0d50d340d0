import ArgumentParser
import Foundation
import TrustlineCore
import TrustlineOperator

/// `trustline run`: the operator.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the operator: converge every WorkloadAwsAccess into an IAM role and an annotated ServiceAccount.",
        discussion: """
            Settings come from flags, TRUSTLINE_* environment variables and the --config YAML file, \
            in that order of precedence. AWS credentials, region and endpoints are read the SDK way \
            (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE, \
            AWS_PROFILE; AWS_REGION; AWS_ENDPOINT_URL_IAM, AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL). \
            SIGTERM or SIGINT drains in-flight reconciles and releases the leader lease before exiting.
            """)

    @Option(help: ArgumentHelp("Kubeconfig file; always used when given. Without it: the in-cluster config in a pod, else KUBECONFIG, else ~/.kube/config.", valueName: "file"))
    var kubeconfig: String?

    /// `--config`; the setting flags reach it from `TrustlineCommand.main` (`SettingFlagsCommand`).
    @OptionGroup
    var settings: SettingsOptions

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        GlibcMallocSettings.apply(environment: environment)
        let (file, process) = try settings.processStart(environment: environment)
        let logger = try LogBootstrap.bootstrap(label: "trustline", settings: process)
        let operatorSettings: OperatorSettings
        var options = OperatorRuntimeOptions(kubeconfigPath: kubeconfig, environment: environment)
        do {
            operatorSettings = try settings.load(file: file, environment: environment)
            options.metricsBindAddress = try ListenAddress.parse(process.metricsBindAddress, setting: "metricsBindAddress")
            options.healthProbeBindAddress = try ListenAddress.parse(process.healthProbeBindAddress, setting: "healthProbeBindAddress")
            if process.leaderElect {
                // The namespace setting already read TRUSTLINE_NAMESPACE; without it, the pod's.
                options.leaderElection = try LeaderElectionOptions(
                    namespace: process.namespace ?? OperatorNamespace.resolve(environment: [:]),
                    identity: LeaderElectionOptions.defaultIdentity(environment: environment))
            }
        } catch {
            throw UsageFailure.exit("\(error)")
        }
        logger.info(
            "starting trustline operator",
            metadata: [
                "version": "\(TrustlineVersion.current)",
                "clusterName": "\(operatorSettings.clusterName)", "resyncPeriod": "\(DurationText.format(operatorSettings.resyncPeriod))",
                "concurrency": "\(operatorSettings.concurrency)", "leaderElect": "\(options.leaderElection != nil)",
                "watchNamespaces": "\(operatorSettings.watchNamespaces.isEmpty ? "*" : operatorSettings.watchNamespaces.joined(separator: ","))",
            ])
        do {
            try await OperatorRuntime.run(settings: operatorSettings, options: options, logger: logger)
        } catch {
            logger.critical("operator failed: \(error)")
            throw ExitCode.failure
        }
    }
}

/// A usage error (bad flag value, unreadable config): printed on stderr with what to do, exit
/// code 2 (docs/design.md section 6).
enum UsageFailure {
    /// Prints the message and returns the exit code ArgumentParser should use.
    static func exit(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
        return ExitCode(2)
    }
}

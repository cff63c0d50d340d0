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

    @Option(help: ArgumentHelp("Address of the Prometheus /metrics endpoint, host:port; 0 disables it. Env: TRUSTLINE_METRICS_BIND_ADDRESS. (default: :8080)", valueName: "address"))
    var metricsBindAddress: String?

    @Option(help: ArgumentHelp("Address of the /healthz and /readyz endpoints, host:port; 0 disables them. Env: TRUSTLINE_HEALTH_PROBE_BIND_ADDRESS. (default: :8081)", valueName: "address"))
    var healthProbeBindAddress: String?

    @Flag(inversion: .prefixedNo, help: ArgumentHelp("Campaign for the Lease trustline-leader in the operator's namespace (TRUSTLINE_NAMESPACE, else the pod's namespace, else default) and reconcile only while leading. Env: TRUSTLINE_LEADER_ELECT. (default: off)"))
    var leaderElect: Bool?

    @OptionGroup(title: "Operator settings")
    var settings: SettingsOptions

    @OptionGroup(title: "Logging")
    var logging: LoggingOptions

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let logger = try logging.bootstrap(label: "trustline", environment: environment)
        let operatorSettings: OperatorSettings
        var options = OperatorRuntimeOptions(kubeconfigPath: kubeconfig, environment: environment)
        do {
            operatorSettings = try settings.load(environment: environment)
            options.metricsBindAddress = try ListenAddress.parse(
                metricsBindAddress ?? environment["TRUSTLINE_METRICS_BIND_ADDRESS"] ?? ":8080", setting: "metricsBindAddress")
            options.healthProbeBindAddress = try ListenAddress.parse(
                healthProbeBindAddress ?? environment["TRUSTLINE_HEALTH_PROBE_BIND_ADDRESS"] ?? ":8081", setting: "healthProbeBindAddress")
            if try leaderElect ?? Self.bool(environment["TRUSTLINE_LEADER_ELECT"], setting: "leaderElect") {
                options.leaderElection = try LeaderElectionOptions(
                    namespace: OperatorNamespace.resolve(environment: environment),
                    identity: LeaderElectionOptions.defaultIdentity(environment: environment))
            }
        } catch {
            throw UsageFailure.exit("\(error)")
        }
        logger.info(
            "starting trustline operator",
            metadata: [
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

    static func bool(_ text: String?, setting: String) throws(SettingsError) -> Bool {
        guard let text = text?.lowercased(), !text.isEmpty else { return false }
        switch text {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default: throw SettingsError(setting: setting, message: "\"\(text)\" is not a boolean; use true or false")
        }
    }
}

/// A usage error (bad flag value, unreadable config): printed on stderr with what to do, exit
/// code 2 (DESIGN section 6).
enum UsageFailure {
    /// Prints the message and returns the exit code ArgumentParser should use.
    static func exit(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
        return ExitCode(2)
    }
}

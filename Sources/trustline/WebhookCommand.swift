import ArgumentParser
import Foundation
import TrustlineCore
import TrustlineOperator

/// `trustline webhook`: the pod identity admission webhook (docs/pod-identity-webhook.md).
struct WebhookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhook",
        abstract: "Serve the pod identity admission webhook: inject AWS_ROLE_ARN, the token file and its volume into pods.",
        discussion: """
            On pod CREATE (POST /mutate, AdmissionReview v1 over HTTPS), a pod whose ServiceAccount \
            a WorkloadAwsAccess names, or that carries eks.amazonaws.com/role-arn, gets what the EKS \
            pod identity webhook adds; nothing the pod sets is overwritten. HTTPS serves tls.crt and \
            tls.key from --cert-dir and reads them again when they change (cert-manager rotation). \
            The role ARN is derived as `trustline run` derives it, so it reads the same settings \
            (clusterName, rolePath, ...) and needs the AWS account: awsAccountId, else STS \
            GetCallerIdentity with the SDK's credentials. The region injected into pods \
            (AWS_REGION, AWS_DEFAULT_REGION) is this process's AWS_REGION, else AWS_DEFAULT_REGION; \
            unset, none is injected. /healthz and /readyz are served on the HTTPS port and in plain \
            HTTP on --health-probe-bind-address. SIGTERM or SIGINT stops accepting and answers the \
            reviews already received. Every replica serves; there is no leader election.
            """)

    @Option(help: ArgumentHelp("Kubeconfig file; always used when given. Without it: the in-cluster config in a pod, else KUBECONFIG, else ~/.kube/config.", valueName: "file"))
    var kubeconfig: String?

    @Option(help: ArgumentHelp("Address of the HTTPS endpoint (/mutate, /healthz, /readyz), host:port. Env: TRUSTLINE_BIND_ADDRESS. (default: :9443)", valueName: "address"))
    var bindAddress: String?

    @Option(help: ArgumentHelp("Directory holding tls.crt and tls.key, read again when they change. Env: TRUSTLINE_CERT_DIR. (default: /etc/trustline/webhook-certs)", valueName: "dir"))
    var certDir: String?

    /// `--config`; the setting flags reach it from `TrustlineCommand.main` (`SettingFlagsCommand`).
    @OptionGroup
    var settings: SettingsOptions

    static let defaultCertDirectory = "/etc/trustline/webhook-certs"

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        GlibcMallocSettings.apply(environment: environment)
        let (file, process) = try settings.processStart(environment: environment)
        let logger = try LogBootstrap.bootstrap(label: "trustline", settings: process)
        let operatorSettings: OperatorSettings
        var options: WebhookRuntimeOptions
        do {
            operatorSettings = try settings.load(file: file, environment: environment)
            let bind = bindAddress ?? Self.nonEmpty(environment["TRUSTLINE_BIND_ADDRESS"]) ?? ":9443"
            guard let address = try ListenAddress.parse(bind, setting: "bindAddress") else {
                throw ValidationError("--bind-address (TRUSTLINE_BIND_ADDRESS): the webhook cannot be switched off with 0; give host:port such as :9443")
            }
            options = WebhookRuntimeOptions(
                kubeconfigPath: kubeconfig, bindAddress: address,
                certDirectory: certDir ?? Self.nonEmpty(environment["TRUSTLINE_CERT_DIR"]) ?? Self.defaultCertDirectory,
                environment: environment)
            options.healthProbeBindAddress = try ListenAddress.parse(process.healthProbeBindAddress, setting: "healthProbeBindAddress")
        } catch {
            throw UsageFailure.exit("\(error)")
        }
        logger.info("starting trustline webhook", metadata: ["version": "\(TrustlineVersion.current)", "clusterName": "\(operatorSettings.clusterName)"])
        do {
            try await WebhookRuntime.run(settings: operatorSettings, options: options, logger: logger)
        } catch {
            logger.critical("webhook failed: \(error)")
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }
}

extension WebhookCommand: SettingFlagsCommand {
    /// The settings that shape a role ARN, plus the probe address and logging; the operator's
    /// other process settings (metrics, leader election) mean nothing here.
    static var settingKeys: [SettingKey] {
        SettingKey.operatorSettings + SettingKey.processSettings.filter { ["healthProbeBindAddress", "logFormat", "logLevel"].contains($0.key) }
    }
}

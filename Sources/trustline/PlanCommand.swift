import AWSClients
import ArgumentParser
import Foundation
import KubeClient
import TrustlineCore
import TrustlineOperator

/// `trustline plan`: what the operator would make of manifests, without writing anything.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Validate WorkloadAwsAccess manifests against the guardrails and print what the operator would render.",
        discussion: """
            Reads YAML files or directories, or - for standard input (multi-document; kind List items \
            are read one by one; other kinds are skipped, with a warning when the kind is one edit \
            away from WorkloadAwsAccess). Each document is first checked as the API server would \
            check it (the CRD's schema, carried in the binary: unknown fields, types, bounds, \
            patterns, the apiVersion) and against the other documents (one ServiceAccount or one \
            role claimed twice); every problem is reported with its file and document index. Then \
            it prints, for each resource, the role name and ARN, trust policy, inline and managed policies, tags and \
            ServiceAccount annotations, or every violation with the field it concerns. With --live it \
            also reads IAM (read-only, AWS credentials the usual way) and prints the exact IAM write \
            calls a reconcile would make. Exit status: 0 clean, 1 violations, 2 usage error.
            """)

    @Argument(help: ArgumentHelp("Manifest files or directories, or - for standard input (default: the current directory).", valueName: "path"))
    var paths: [String] = []

    @Flag(help: "Also observe IAM read-only and print the IAM calls a reconcile would make.")
    var live = false

    @Option(help: ArgumentHelp("Output format: text or json.", valueName: "format"))
    var output: String = "text"

    @Option(help: ArgumentHelp("Kubeconfig for discovering the OIDC issuer with --live when --oidc-issuer is not set.", valueName: "file"))
    var kubeconfig: String?

    @OptionGroup(title: "Operator settings (the same as trustline run)")
    var settings: SettingsOptions

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard output == "text" || output == "json" else { throw UsageFailure.exit("--output: \"\(output)\" is not a format; use text or json") }
        let operatorSettings: OperatorSettings
        let scan: AccessPlanning.ManifestScan
        do {
            operatorSettings = try settings.load(environment: environment, requireClusterName: false)
            scan = try AccessPlanning.scan(paths.isEmpty ? ["."] : paths)
        } catch {
            throw usageFailure("\(error)")
        }
        var aws: AWSConnections?
        var kubernetes: KubernetesClient?
        if live {
            do {
                aws = try AWSConnections(environment: environment)
            } catch {
                throw usageFailure("--live: \(error)")
            }
            kubernetes = try? KubernetesClient.load(kubeconfigPath: kubeconfig)
        }
        let resolved: (context: RenderingContext, notes: [String])
        do {
            resolved = try await AccessPlanning.renderingContext(
                settings: operatorSettings, aws: aws, kubernetes: kubernetes, region: EndpointResolver.region(environment: environment))
        } catch {
            throw usageFailure("--live: cannot reach AWS STS: \(error)")
        }
        let context = resolved.context
        var notes = resolved.notes
        let clusterNameGiven = settings.clusterName != nil || environment["TRUSTLINE_CLUSTER_NAME"] != nil
            || settings.configFile != nil || environment["TRUSTLINE_CONFIG"] != nil
        if !clusterNameGiven {
            notes.append("no --cluster-name: role names use the placeholder cluster name \"\(operatorSettings.clusterName)\"")
        }
        var planned = scan.resources.map { AccessPlanning.evaluate($0.resource, source: $0.source, settings: operatorSettings, context: context) }
        let problems = scan.problems + AccessPlanning.conflicts(scanned: scan.resources, planned: planned)
        if let aws {
            for index in planned.indices {
                planned[index] = await AccessPlanning.observeLive(planned[index], iam: aws.iam, settings: operatorSettings)
            }
        }
        if output == "json" {
            print(PlanReport.json(planned, problems: problems, notes: notes))
            // People watching a pipeline read stderr; tools read the JSON on stdout.
            FileHandle.standardError.write(Data(PlanReport.text(problems: problems).utf8))
        } else {
            print(PlanReport.text(planned, problems: problems, notes: notes), terminator: "")
        }
        let status = PlanReport.exitStatus(for: planned, problems: problems)
        if status != 0 { throw ExitCode(status) }
    }

    /// A usage error (exit 2): the message on stderr and, with `--output json`, a JSON report
    /// carrying it on stdout, so a tool reading stdout always gets JSON.
    private func usageFailure(_ message: String) -> ExitCode {
        if output == "json" { print(PlanReport.json([], notes: [], usageError: message)) }
        return UsageFailure.exit(message)
    }
}

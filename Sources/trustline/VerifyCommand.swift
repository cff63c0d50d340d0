import ArgumentParser
import Foundation
import KubeClient
import TrustlineOperator

/// `trustline verify NAMESPACE/NAME`: proves a resource's ServiceAccount can become its role.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Mint a ServiceAccount token, exchange it with STS and print the assumed-role ARN.",
        discussion: """
            Reads the WorkloadAwsAccess, requests a token for its ServiceAccount with the spec's \
            audience (TokenRequest API), calls STS AssumeRoleWithWebIdentity with it, then \
            GetCallerIdentity with the returned credentials. Then it checks the newest pod of the \
            ServiceAccount (Running before Pending; none is not a failure) for what the pod identity \
            webhook injects: AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE, AWS_STS_REGIONAL_ENDPOINTS \
            when asked for, the aws-iam-token volume and its read-only mounts, one line each with \
            ✓ or ✗. Listing pods needs RBAC verb list on pods in the namespace. Exit status 0 when \
            every step and every line passes, 1 otherwise, 2 for a usage error.
            """)

    @Argument(help: ArgumentHelp("The resource, as namespace/name.", valueName: "namespace/name"))
    var resource: String

    @Option(help: ArgumentHelp("Kubeconfig file; always used when given. Without it: the in-cluster config in a pod, else KUBECONFIG, else ~/.kube/config.", valueName: "file"))
    var kubeconfig: String?

    func run() async throws {
        let parts = resource.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw UsageFailure.exit("\"\(resource)\" is not namespace/name, e.g. production/my-app")
        }
        let kubernetes: KubernetesClient
        let aws: AWSConnections
        do {
            kubernetes = try KubernetesClient.load(kubeconfigPath: kubeconfig)
            aws = try AWSConnections()
        } catch {
            throw UsageFailure.exit("\(error)")
        }
        let podCheck: PodInjectionVerification.Outcome
        do {
            let outcome = try await AccessVerification(kubernetes: kubernetes, aws: aws).verify(namespace: String(parts[0]), name: String(parts[1]))
            print("role:            \(outcome.roleArn)")
            print("serviceAccount:  \(outcome.serviceAccount) (audience \(outcome.audience))")
            print("assumed role:    \(outcome.assumedRoleArn)")
            podCheck = try await PodInjectionVerification(kubernetes: kubernetes).check(
                namespace: outcome.namespace, serviceAccountName: outcome.serviceAccountName, expected: outcome.podInjection)
            print(Self.podHeading(podCheck, serviceAccount: outcome.serviceAccount))
        } catch {
            FileHandle.standardError.write(Data("verify failed at \(error.step): \(error.description)\n".utf8))
            throw ExitCode.failure
        }
        for line in podCheck.lines { print("  \(line)") }
        guard podCheck.passed else {
            let failed = podCheck.lines.filter { !$0.passed }.count
            FileHandle.standardError.write(Data("verify failed at pod check: \(failed) of \(podCheck.lines.count) items failed\n".utf8))
            throw ExitCode.failure
        }
    }

    /// The line naming the pod checked, or saying there is none (which is not a failure: the
    /// webhook injects at pod creation, and no pod has been created yet).
    static func podHeading(_ check: PodInjectionVerification.Outcome, serviceAccount: String) -> String {
        guard let name = check.podName else {
            return "pod:             none found for ServiceAccount \(serviceAccount); nothing to check until one is created"
        }
        switch check.phase {
        case "Running"?:
            return "pod:             \(name) (Running)"
        case "Pending"?:
            return "pod:             \(name) (Pending: not started yet; its spec is what the webhook wrote at creation)"
        case let phase:
            return "pod:             \(name) (\(phase ?? "no phase"): no Running or Pending pod; its spec is what the webhook wrote)"
        }
    }
}

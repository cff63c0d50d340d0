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
            GetCallerIdentity with the returned credentials. Exit status 0 when all three succeed.
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
        do {
            let outcome = try await AccessVerification(kubernetes: kubernetes, aws: aws).verify(namespace: String(parts[0]), name: String(parts[1]))
            print("role:            \(outcome.roleArn)")
            print("serviceAccount:  \(outcome.serviceAccount) (audience \(outcome.audience))")
            print("assumed role:    \(outcome.assumedRoleArn)")
        } catch {
            FileHandle.standardError.write(Data("verify failed at \(error.step): \(error.description)\n".utf8))
            throw ExitCode.failure
        }
    }
}

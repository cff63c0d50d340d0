import AWSClients
import KubeClient
import KubeModels
import TrustlineCore

/// `trustline verify`: the seed's end-to-end check as one call. Mints a token for the resource's
/// ServiceAccount with the spec's audience (TokenRequest), exchanges it with STS
/// AssumeRoleWithWebIdentity, and asks GetCallerIdentity with the credentials that came back.
public struct AccessVerification: Sendable {
    /// What the check established.
    public struct Outcome: Sendable, Encodable {
        public var roleArn: String
        public var serviceAccount: String
        public var audience: String
        /// `arn:aws:sts::ACCT:assumed-role/ROLE/SESSION`, as GetCallerIdentity reports it.
        public var assumedRoleArn: String
        public var account: String
        /// Where the pods run, and what the pod identity webhook should have given them
        /// (`PodInjectionVerification` checks it); not part of the printed outcome.
        public var namespace: String
        public var serviceAccountName: String
        public var podInjection: PodIdentityInjection

        enum CodingKeys: String, CodingKey {
            case roleArn, serviceAccount, audience, assumedRoleArn, account
        }
    }

    /// A step that failed, named, with what to check.
    public struct Failure: Error, CustomStringConvertible {
        public var step: String
        public var description: String
    }

    public static let sessionName = "trustline-verify"

    let kubernetes: any KubernetesAPI
    let aws: AWSConnections

    public init(kubernetes: any KubernetesAPI, aws: AWSConnections) {
        self.kubernetes = kubernetes
        self.aws = aws
    }

    public func verify(namespace: String, name: String) async throws(Failure) -> Outcome {
        let resource: WorkloadAwsAccess
        do {
            guard let found = try await kubernetes.getIfPresent(WorkloadAwsAccess.self, namespace: namespace, name: name) else {
                throw Failure(step: "read resource", description: "WorkloadAwsAccess \(namespace)/\(name) does not exist")
            }
            resource = found
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(step: "read resource", description: "could not read WorkloadAwsAccess \(namespace)/\(name): \(error)")
        }
        guard let roleArn = resource.status?.roleArn, !roleArn.isEmpty, let podInjection = PodInjectionCheck.expectedInjection(for: resource) else {
            let ready = resource.status?.condition(.ready)
            throw Failure(
                step: "read resource",
                description: "\(namespace)/\(name) has no status.roleArn yet (Ready=\(ready?.status.rawValue ?? "Unknown") \(ready?.reason ?? "")); wait for it with kubectl wait --for=condition=Ready")
        }
        let serviceAccount = resource.status?.serviceAccountName ?? RoleNaming.serviceAccountName(for: resource)
        let audience = resource.spec.audience
        let token: String
        do {
            let minted = try await kubernetes.requestToken(
                namespace: namespace, serviceAccountName: serviceAccount,
                spec: TokenRequestSpec(audiences: [audience], expirationSeconds: 600))
            guard let value = minted.status?.token, !value.isEmpty else {
                throw Failure(step: "TokenRequest", description: "the API server returned no token for ServiceAccount \(namespace)/\(serviceAccount)")
            }
            token = value
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(step: "TokenRequest", description: "could not mint a token for ServiceAccount \(namespace)/\(serviceAccount): \(error)")
        }
        let session: WebIdentitySession
        do {
            session = try await aws.sts.assumeRoleWithWebIdentitySession(
                roleArn: roleArn, roleSessionName: Self.sessionName, webIdentityToken: token)
        } catch {
            throw Failure(step: "AssumeRoleWithWebIdentity", description: "STS refused the ServiceAccount token for \(roleArn): \(error)")
        }
        let identity: CallerIdentity
        do {
            identity = try await aws.sts(signingWith: session.credentials).getCallerIdentity()
        } catch {
            throw Failure(step: "GetCallerIdentity", description: "the assumed-role credentials did not work: \(error)")
        }
        return Outcome(
            roleArn: roleArn, serviceAccount: "\(namespace)/\(serviceAccount)", audience: audience,
            assumedRoleArn: identity.arn, account: identity.account,
            namespace: namespace, serviceAccountName: serviceAccount, podInjection: podInjection)
    }
}

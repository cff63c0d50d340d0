import Foundation
import HTTPTransport
import KubeModels
import Testing
import TrustlineCore
@testable import TrustlineOperator

/// `trustline verify`: TokenRequest, AssumeRoleWithWebIdentity, GetCallerIdentity, each failure
/// named by its step.
struct AccessVerificationTests {
    static let assumedArn = "arn:aws:sts::123456789012:assumed-role/prod.production.my-app/trustline-verify"

    static func readyResource() -> WorkloadAwsAccess {
        var resource = Samples.myApp()
        resource.status = WorkloadAwsAccessStatus()
        resource.status?.roleArn = Samples.roleArn
        resource.status?.serviceAccountName = "my-app"
        return resource
    }

    /// Stores `resource` as the API server would hold it: created, then its status written
    /// through the status subresource (a create drops status).
    static func store(_ resource: WorkloadAwsAccess, in kubernetes: InMemoryKubernetes) async throws {
        var stored = try kubernetes.seed(resource)
        guard let status = resource.status else { return }
        stored.status = status
        _ = try await kubernetes.updateStatus(stored)
    }

    static func sts(_ request: HTTPRequest) -> HTTPResponse {
        switch ScriptedHTTPClient.formValue("Action", in: request.body) {
        case "AssumeRoleWithWebIdentity":
            return HTTPResponse(
                status: 200,
                body: Data("""
                    <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                      <AssumeRoleWithWebIdentityResult>
                        <Credentials><AccessKeyId>ASIAVERIFYEXAMPLE</AccessKeyId><SecretAccessKey>c2VjcmV0</SecretAccessKey>
                          <SessionToken>session-token</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>
                        <AssumedRoleUser><Arn>\(assumedArn)</Arn><AssumedRoleId>AROAEXAMPLE:trustline-verify</AssumedRoleId></AssumedRoleUser>
                        <SubjectFromWebIdentityToken>system:serviceaccount:production:my-app</SubjectFromWebIdentityToken>
                        <Audience>sts.amazonaws.com</Audience>
                      </AssumeRoleWithWebIdentityResult>
                    </AssumeRoleWithWebIdentityResponse>
                    """.utf8))
        case "GetCallerIdentity":
            return ScriptedPeers.callerIdentity(arn: assumedArn)
        default:
            return ScriptedHTTPClient.errorResponse(status: 400, code: "InvalidAction")
        }
    }

    @Test func mintsExchangesAndReportsTheAssumedRole() async throws {
        let kubernetes = InMemoryKubernetes()
        try await Self.store(Self.readyResource(), in: kubernetes)
        let peers = try ScriptedPeers(kubernetes: ScriptedPeers.unexpected, aws: { request throws(HTTPTransportError) in Self.sts(request) })
        let outcome = try await AccessVerification(kubernetes: kubernetes, aws: peers.aws).verify(namespace: "production", name: "my-app")
        #expect(outcome.roleArn == Samples.roleArn)
        #expect(outcome.serviceAccount == "production/my-app")
        #expect(outcome.audience == "sts.amazonaws.com")
        #expect(outcome.assumedRoleArn == Self.assumedArn)
        #expect(outcome.account == "123456789012")

        #expect(peers.awsHTTP.actions == ["AssumeRoleWithWebIdentity", "GetCallerIdentity"])
        let exchange = try #require(peers.awsHTTP.requests.first)
        #expect(ScriptedHTTPClient.formValue("WebIdentityToken", in: exchange.body) == "fake-token-my-app")
        #expect(ScriptedHTTPClient.formValue("RoleArn", in: exchange.body) == Samples.roleArn)
        #expect(ScriptedHTTPClient.formValue("RoleSessionName", in: exchange.body) == AccessVerification.sessionName)
        let identity = try #require(peers.awsHTTP.requests.last)
        #expect(identity.headers["Authorization"]?.contains("Credential=ASIAVERIFYEXAMPLE/") == true, "signed with the session's credentials")
        #expect(identity.headers["X-Amz-Security-Token"] == "session-token")
    }

    struct Broken: CustomTestStringConvertible, Sendable {
        var label: String
        var resource: WorkloadAwsAccess?
        var sts: @Sendable (HTTPRequest) -> HTTPResponse
        var step: String
        var says: String
        var testDescription: String { label }
    }

    static let broken: [Broken] = [
        Broken(label: "no such resource", resource: nil, sts: AccessVerificationTests.sts, step: "read resource", says: "does not exist"),
        Broken(label: "not Ready yet", resource: Samples.myApp(), sts: AccessVerificationTests.sts, step: "read resource", says: "kubectl wait"),
        Broken(
            label: "STS refuses the token", resource: readyResource(),
            sts: { _ in ScriptedHTTPClient.errorResponse(status: 403, code: "AccessDenied", message: "Not authorized to perform sts:AssumeRoleWithWebIdentity") },
            step: "AssumeRoleWithWebIdentity", says: "AccessDenied"),
        Broken(
            label: "the credentials do not work", resource: readyResource(),
            sts: { request in
                ScriptedHTTPClient.formValue("Action", in: request.body) == "GetCallerIdentity"
                    ? ScriptedHTTPClient.errorResponse(status: 403, code: "InvalidClientTokenId") : AccessVerificationTests.sts(request)
            },
            step: "GetCallerIdentity", says: "InvalidClientTokenId"),
    ]

    @Test(arguments: broken)
    func aFailureNamesItsStep(_ row: Broken) async throws {
        let kubernetes = InMemoryKubernetes()
        if let resource = row.resource { try await Self.store(resource, in: kubernetes) }
        let sts = row.sts
        let peers = try ScriptedPeers(kubernetes: ScriptedPeers.unexpected, aws: { request throws(HTTPTransportError) in sts(request) })
        do {
            let outcome = try await AccessVerification(kubernetes: kubernetes, aws: peers.aws).verify(namespace: "production", name: "my-app")
            Issue.record("verified \(outcome.assumedRoleArn); expected a failure at \(row.step)")
        } catch {
            #expect(error.step == row.step)
            #expect(error.description.contains(row.says), "\(error.description)")
        }
    }
}

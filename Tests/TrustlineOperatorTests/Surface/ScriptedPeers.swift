import AWSClients
import Foundation
import HTTPTransport
import KubeClient
@testable import TrustlineOperator

/// A `KubernetesClient` and `AWSConnections` whose HTTP exchanges are scripted, for the
/// start-up and command code that takes the concrete clients rather than protocols.
struct ScriptedPeers {
    static let server = URL(string: "https://kube.example.test:6443")!
    static let accountArn = "arn:aws:iam::210987654321:user/operator"

    let kubernetesHTTP: ScriptedHTTPClient
    let awsHTTP: ScriptedHTTPClient
    let kubernetes: KubernetesClient
    let aws: AWSConnections

    init(
        certificateAuthority: Data? = nil, region: String = "us-east-1",
        kubernetes kubernetesScript: @escaping ScriptedHTTPClient.Script,
        aws awsScript: @escaping ScriptedHTTPClient.Script
    ) throws {
        let kubernetesHTTP = ScriptedHTTPClient(kubernetesScript)
        let awsHTTP = ScriptedHTTPClient(awsScript)
        self.kubernetesHTTP = kubernetesHTTP
        self.awsHTTP = awsHTTP
        kubernetes = KubernetesClient(
            configuration: KubeConfiguration(
                server: Self.server, tls: TLSConfiguration(certificateAuthority: certificateAuthority.map { .pem($0) }),
                authentication: .none),
            makeHTTPClient: { _ in kubernetesHTTP })
        aws = try AWSConnections(
            environment: [
                "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                "AWS_REGION": region, "AWS_ENDPOINT_URL": "http://127.0.0.1:1",
            ],
            wrapTransport: { _, _ in awsHTTP })
    }

    /// The API server's discovery document naming `issuer`.
    static func discovery(issuer: String) -> HTTPResponse {
        HTTPResponse(
            status: 200, headers: ["Content-Type": "application/json"],
            body: Data(#"{"issuer":"\#(issuer)","jwks_uri":"\#(issuer)/openid/v1/jwks","response_types_supported":["id_token"]}"#.utf8))
    }

    static let notFound = HTTPResponse(
        status: 404, headers: ["Content-Type": "application/json"],
        body: Data(#"{"kind":"Status","apiVersion":"v1","status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","code":404}"#.utf8))

    /// STS GetCallerIdentity's answer for `arn`'s account.
    static func callerIdentity(arn: String = accountArn) -> HTTPResponse {
        let account = arn.split(separator: ":", omittingEmptySubsequences: false)[4]
        return HTTPResponse(
            status: 200, headers: ["Content-Type": "text/xml"],
            body: Data("""
                <GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                  <GetCallerIdentityResult><Arn>\(arn)</Arn><UserId>AIDAEXAMPLE</UserId><Account>\(account)</Account></GetCallerIdentityResult>
                  <ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>
                </GetCallerIdentityResponse>
                """.utf8))
    }

    /// A request nobody expected: fails the exchange like an unreachable peer would.
    static func unexpected(_ request: HTTPRequest) throws(HTTPTransportError) -> HTTPResponse {
        throw .invalidRequest("unexpected request \(request.method) \(request.url.absoluteString)")
    }
}

import Foundation
import HTTPTransport
import Logging
import Synchronization
import Testing
import TrustlineCore
@testable import TrustlineOperator

/// What the operator learns once at start: a configured account or issuer wins over discovery
/// (and makes no request); discovery failures name the setting to configure instead.
struct EnvironmentResolverTests {
    static let logger = Logger(label: "trustline.test") { _ in SwiftLogNoOpLogHandler() }
    static let issuer = "https://oidc.example.com/id/ABC"

    @Test func configuredIssuerAndAccountWinAndNothingIsAsked() async throws {
        let peers = try ScriptedPeers(kubernetes: ScriptedPeers.unexpected, aws: ScriptedPeers.unexpected)
        let settings = OperatorSettings(clusterName: "prod", oidcIssuer: Self.issuer, awsAccountId: "123456789012")
        let environment = try await EnvironmentResolver(settings: settings, kubernetes: peers.kubernetes, aws: peers.aws, logger: Self.logger).resolve()
        #expect(environment == OperatorEnvironment(accountId: "123456789012", partition: "aws", oidcIssuer: Self.issuer, oidcThumbprints: []))
        #expect(peers.kubernetesHTTP.requests.isEmpty)
        #expect(peers.awsHTTP.requests.isEmpty)
    }

    @Test func unsetIssuerAndAccountAreDiscovered() async throws {
        let peers = try ScriptedPeers(
            region: "us-gov-west-1",
            kubernetes: { request throws(HTTPTransportError) in
                request.url.path == "/.well-known/openid-configuration" ? ScriptedPeers.discovery(issuer: Self.issuer) : ScriptedPeers.notFound
            },
            aws: { request throws(HTTPTransportError) in
                ScriptedHTTPClient.formValue("Action", in: request.body) == "GetCallerIdentity"
                    ? ScriptedPeers.callerIdentity(arn: "arn:aws-us-gov:iam::210987654321:user/operator") : ScriptedHTTPClient.errorResponse(status: 400, code: "InvalidAction")
            })
        let environment = try await EnvironmentResolver(
            settings: OperatorSettings(clusterName: "prod"), kubernetes: peers.kubernetes, aws: peers.aws, logger: Self.logger
        ).resolve()
        #expect(environment.oidcIssuer == Self.issuer)
        #expect(environment.accountId == "210987654321")
        #expect(environment.partition == "aws-us-gov", "the partition follows the region")
        #expect(peers.kubernetesHTTP.requests.map(\.url.path) == ["/.well-known/openid-configuration"])
        #expect(peers.awsHTTP.actions == ["GetCallerIdentity"])
    }

    struct BadDiscovery: CustomTestStringConvertible, Sendable {
        var label: String
        var answer: HTTPResponse
        var testDescription: String { label }
    }

    static let badDiscoveries: [BadDiscovery] = [
        BadDiscovery(label: "404", answer: ScriptedPeers.notFound),
        BadDiscovery(label: "http issuer", answer: ScriptedPeers.discovery(issuer: "http://insecure.example.com")),
        BadDiscovery(label: "no issuer", answer: HTTPResponse(status: 200, body: Data(#"{"jwks_uri":"https://x/jwks"}"#.utf8))),
        BadDiscovery(label: "not JSON", answer: HTTPResponse(status: 200, body: Data("<html>login</html>".utf8))),
    ]

    @Test(arguments: badDiscoveries)
    func anUndiscoverableIssuerNamesTheSettingToConfigure(_ row: BadDiscovery) async throws {
        let peers = try ScriptedPeers(kubernetes: { _ throws(HTTPTransportError) in row.answer }, aws: ScriptedPeers.unexpected)
        let resolver = EnvironmentResolver(
            settings: OperatorSettings(clusterName: "prod", awsAccountId: "123456789012"), kubernetes: peers.kubernetes, aws: peers.aws,
            logger: Self.logger)
        await #expect {
            _ = try await resolver.resolve()
        } throws: { error in
            let message = "\(error)"
            return message.contains("--oidc-issuer") && message.contains("TRUSTLINE_OIDC_ISSUER") && message.contains("openid-configuration")
        }
        #expect(peers.awsHTTP.requests.isEmpty)
    }

    /// Found by the fault run (README, "Fault run"): a restart whose GetCallerIdentity met
    /// throttling on every standard retry exited instead of waiting.
    @Test func throttledAccountLookupIsTriedAgainAfterAPause() async throws {
        let answered = Atomic(0)
        let peers = try ScriptedPeers(
            kubernetes: ScriptedPeers.unexpected,
            aws: { _ throws(HTTPTransportError) in
                let count = answered.add(1, ordering: .relaxed).newValue
                return count <= 3
                    ? ScriptedHTTPClient.errorResponse(status: 400, code: "Throttling", message: "Rate exceeded")
                    : ScriptedPeers.callerIdentity(arn: "arn:aws:iam::210987654321:user/operator")
            })
        let resolver = EnvironmentResolver(
            settings: OperatorSettings(clusterName: "prod", oidcIssuer: Self.issuer), kubernetes: peers.kubernetes, aws: peers.aws, logger: Self.logger)
        #expect(try await resolver.resolve().accountId == "210987654321")
        #expect(peers.awsHTTP.actions == Array(repeating: "GetCallerIdentity", count: 4))
    }

    @Test func anUnknowableAccountNamesTheSettingToConfigure() async throws {
        let peers = try ScriptedPeers(
            kubernetes: ScriptedPeers.unexpected,
            aws: { _ throws(HTTPTransportError) in ScriptedHTTPClient.errorResponse(status: 403, code: "AccessDenied", message: "not authorized") })
        let resolver = EnvironmentResolver(
            settings: OperatorSettings(clusterName: "prod", oidcIssuer: Self.issuer), kubernetes: peers.kubernetes, aws: peers.aws, logger: Self.logger)
        await #expect {
            _ = try await resolver.resolve()
        } throws: { error in
            let message = "\(error)"
            return message.contains("--aws-account-id") && message.contains("TRUSTLINE_AWS_ACCOUNT_ID") && message.contains("GetCallerIdentity")
                && message.contains("AccessDenied")
        }
    }

    /// "abc" in base64, and its SHA-1 (FIPS 180 test vector).
    static let fakeCertificate = Data("-----BEGIN CERTIFICATE-----\nYWJj\n-----END CERTIFICATE-----\n".utf8)
    static let fakeCertificateSHA1 = "a9993e364706816aba3e25717850c26c9cd0d89d"

    @Test(arguments: [
        (true, "https://kube.example.test:6443", [fakeCertificateSHA1]),
        (true, "https://oidc.example.com/id/ABC", []),
        (false, "https://kube.example.test:6443", []),
    ])
    func thumbprintIsTheKubeconfigCAWhenTheAPIServerIsTheIssuer(manageProvider: Bool, issuer: String, thumbprints: [String]) async throws {
        let peers = try ScriptedPeers(certificateAuthority: Self.fakeCertificate, kubernetes: ScriptedPeers.unexpected, aws: ScriptedPeers.unexpected)
        let settings = OperatorSettings(clusterName: "prod", oidcIssuer: issuer, awsAccountId: "123456789012", manageOidcProvider: manageProvider)
        let environment = try await EnvironmentResolver(settings: settings, kubernetes: peers.kubernetes, aws: peers.aws, logger: Self.logger).resolve()
        #expect(environment.oidcThumbprints == thumbprints)
    }

    @Test(arguments: [
        ("no markers", "YWJj", nil),
        ("one certificate", "-----BEGIN CERTIFICATE-----\nYWJj\n-----END CERTIFICATE-----", "abc"),
        (
            "first of a bundle", "-----BEGIN CERTIFICATE-----\nZmlyc3Q=\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nc2Vjb25k\n-----END CERTIFICATE-----",
            "first"
        ),
        ("unterminated", "-----BEGIN CERTIFICATE-----\nYWJj\n", nil),
    ])
    func firstCertificateOfAPEM(label: String, pem: String, der: String?) {
        #expect(EnvironmentResolver.firstCertificateDER(Data(pem.utf8)) == der.map { Data($0.utf8) }, "\(label)")
    }
}

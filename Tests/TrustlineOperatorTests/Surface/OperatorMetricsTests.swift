import ControllerRuntime
import Foundation
import HTTPTransport
import Testing
@testable import TrustlineOperator

/// What `MeteredHTTPClient` and `OperatorMetrics` put in the Prometheus exposition (issue 4:
/// AWS requests by service/action/code, IAM writes by action, reconciles by result).
struct OperatorMetricsTests {
    static let requests = "trustline_aws_requests_total"
    static let iamWrites = "trustline_iam_writes_total"

    struct Exchange: CustomTestStringConvertible, Sendable {
        var label: String
        var service: String
        var action: String
        var answer: @Sendable () throws(HTTPTransportError) -> HTTPResponse
        var code: String
        var countsAsIAMWrite: Bool
        var testDescription: String { label }
    }

    static let exchanges: [Exchange] = [
        Exchange(label: "IAM read, 200", service: "iam", action: "GetRole", answer: { HTTPResponse(status: 200) }, code: "OK", countsAsIAMWrite: false),
        Exchange(label: "IAM write, 200", service: "iam", action: "CreateRole", answer: { HTTPResponse(status: 200) }, code: "OK", countsAsIAMWrite: true),
        Exchange(
            label: "IAM read, 404 NoSuchEntity", service: "iam", action: "GetRole",
            answer: { ScriptedHTTPClient.errorResponse(status: 404, code: "NoSuchEntity") }, code: "NoSuchEntity", countsAsIAMWrite: false),
        Exchange(
            label: "IAM write, 400 Throttling", service: "iam", action: "PutRolePolicy",
            answer: { ScriptedHTTPClient.errorResponse(status: 400, code: "Throttling") }, code: "Throttling", countsAsIAMWrite: true),
        Exchange(
            label: "IAM write, 503 without an error document", service: "iam", action: "TagRole",
            answer: { HTTPResponse(status: 503, body: Data("<html>Service Unavailable</html>".utf8)) }, code: "HTTP503", countsAsIAMWrite: true),
        Exchange(
            label: "STS, 200", service: "sts", action: "GetCallerIdentity", answer: { HTTPResponse(status: 200) }, code: "OK",
            countsAsIAMWrite: false),
        Exchange(
            label: "transport failure", service: "iam", action: "DeleteRole",
            answer: { () throws(HTTPTransportError) -> HTTPResponse in throw .connectionRefused("127.0.0.1:1") }, code: "TransportError",
            countsAsIAMWrite: true),
    ]

    @Test(arguments: exchanges)
    func countsEachExchangeByServiceActionAndCode(_ exchange: Exchange) async throws {
        let metrics = OperatorMetrics()
        let scripted = ScriptedHTTPClient { _ throws(HTTPTransportError) in try exchange.answer() }
        let client = MeteredHTTPClient(wrapping: scripted, service: exchange.service, metrics: metrics)
        do {
            let response = try await client.send(ScriptedHTTPClient.queryRequest(action: exchange.action))
            #expect(exchange.code != "TransportError", "the transport error must reach the caller")
            #expect(response.status == (try exchange.answer()).status, "the response passes through unchanged")
        } catch {
            #expect(exchange.code == "TransportError")
            #expect(error == .connectionRefused("127.0.0.1:1"), "the error passes through unchanged")
        }
        #expect(scripted.actions == [exchange.action])

        let text = try PrometheusText(metrics.exposition())
        #expect(text.types[Self.requests] == "counter")
        #expect(text.values(Self.requests, ["service": exchange.service, "action": exchange.action, "code": exchange.code]) == [1])
        #expect(text.values(Self.requests).count == 1, "exactly one series: \(text.samples)")
        let writes = text.values(Self.iamWrites, ["action": exchange.action])
        #expect(writes == (exchange.countsAsIAMWrite ? [1] : []))
    }

    @Test func retriesAndRepeatsAddUpPerLabelSet() async throws {
        let metrics = OperatorMetrics()
        let scripted = ScriptedHTTPClient { request throws(HTTPTransportError) in
            ScriptedHTTPClient.formValue("RoleName", in: request.body) == "busy"
                ? ScriptedHTTPClient.errorResponse(status: 400, code: "Throttling") : HTTPResponse(status: 200)
        }
        let client = MeteredHTTPClient(wrapping: scripted, service: "iam", metrics: metrics)
        for _ in 0..<3 { _ = try await client.send(ScriptedHTTPClient.queryRequest(action: "UpdateAssumeRolePolicy", extra: "&RoleName=busy")) }
        _ = try await client.send(ScriptedHTTPClient.queryRequest(action: "UpdateAssumeRolePolicy", extra: "&RoleName=calm"))
        _ = try await client.send(ScriptedHTTPClient.queryRequest(action: "ListRoleTags", extra: "&RoleName=calm"))

        let text = try PrometheusText(metrics.exposition())
        #expect(text.values(Self.requests, ["service": "iam", "action": "UpdateAssumeRolePolicy", "code": "Throttling"]) == [3])
        #expect(text.values(Self.requests, ["service": "iam", "action": "UpdateAssumeRolePolicy", "code": "OK"]) == [1])
        #expect(text.values(Self.requests, ["service": "iam", "action": "ListRoleTags", "code": "OK"]) == [1])
        #expect(text.values(Self.iamWrites, ["action": "UpdateAssumeRolePolicy"]) == [4], "retries are writes IAM saw")
        #expect(text.values(Self.iamWrites, ["action": "ListRoleTags"]).isEmpty)
    }

    @Test func aBodyWithoutActionIsUnknownAndPercentEncodingIsDecoded() async throws {
        let metrics = OperatorMetrics()
        let client = MeteredHTTPClient(wrapping: ScriptedHTTPClient { _ throws(HTTPTransportError) in HTTPResponse(status: 200) }, service: "sts", metrics: metrics)
        var noAction = ScriptedHTTPClient.queryRequest(action: "x")
        noAction.body = Data("Version=2011-06-15".utf8)
        _ = try await client.send(noAction)
        var encoded = ScriptedHTTPClient.queryRequest(action: "x")
        encoded.body = Data("Version=2011-06-15&Action=Get%43allerIdentity".utf8)
        _ = try await client.send(encoded)
        let text = try PrometheusText(metrics.exposition())
        #expect(text.values(Self.requests, ["action": "Unknown", "code": "OK"]) == [1])
        #expect(text.values(Self.requests, ["action": "GetCallerIdentity", "code": "OK"]) == [1])
    }

    @Test(arguments: [
        ("CreateRole", true), ("PutRolePolicy", true), ("UpdateAssumeRolePolicy", true), ("UpdateRole", true),
        ("DeleteRole", true), ("DeleteRolePolicy", true), ("AttachRolePolicy", true), ("DetachRolePolicy", true),
        ("TagRole", true), ("UntagRole", true), ("PutRolePermissionsBoundary", true), ("DeleteRolePermissionsBoundary", true),
        ("CreateOpenIDConnectProvider", true), ("AddClientIDToOpenIDConnectProvider", true),
        ("UpdateOpenIDConnectProviderThumbprint", true),
        ("GetRole", false), ("GetRolePolicy", false), ("ListRolePolicies", false), ("ListAttachedRolePolicies", false),
        ("ListRoleTags", false), ("GetOpenIDConnectProvider", false), ("ListOpenIDConnectProviders", false),
    ])
    func classifiesIAMActionsAsWritesOrReads(action: String, isWrite: Bool) {
        #expect(OperatorMetrics.isWrite(action) == isWrite)
    }

    @Test func reconcilesQueueAndManagedResourcesAreExposed() throws {
        let metrics = OperatorMetrics()
        metrics.recordReconcile(.done, duration: .milliseconds(20))
        metrics.recordReconcile(.done, duration: .milliseconds(40))
        metrics.recordReconcile(.transientError("IAM throttled"), duration: .milliseconds(3))
        metrics.setManagedResources(7)
        let text = try PrometheusText(metrics.exposition())
        #expect(text.values("trustline_reconciles_total", ["result": "success"]) == [2])
        #expect(text.values("trustline_reconciles_total", ["result": "error"]) == [1])
        #expect(text.values("trustline_reconciles_total", ["result": "requeue"]).isEmpty)
        #expect(text.values("trustline_reconcile_duration_seconds_count") == [3])
        #expect(text.types["trustline_reconcile_duration_seconds"] == "histogram")
        #expect(text.values("trustline_managed_resources_count") == [7])
    }
}

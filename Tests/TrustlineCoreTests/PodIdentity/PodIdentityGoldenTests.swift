import KubeModels
import Testing
@testable import TrustlineCore

/// The AdmissionReview table (docs/pod-identity-webhook.md): an input pod and the cluster's
/// objects, and the exact JSON patch the webhook answers, compared as canonical JSON text. Every
/// row is also re-invoked: the patched pod sent again yields no patch.
@Suite struct PodIdentityGoldenTests {
    struct Row: Sendable, CustomStringConvertible {
        var description: String
        var pod: String
        var accesses: [WorkloadAwsAccess] = []
        var serviceAccounts: [ServiceAccount] = []
        var region: String? = PodIdentityFixtures.region
        /// The expected patch; `[]` means no patch at all.
        var patch: String
    }

    static let env = #"""
        {"name":"AWS_ROLE_ARN","value":"arn:aws:iam::123456789012:role/trustline/prod.production.my-app"},
        {"name":"AWS_WEB_IDENTITY_TOKEN_FILE","value":"/var/run/secrets/eks.amazonaws.com/serviceaccount/token"}
        """#
    static let mount = #"{"name":"aws-iam-token","mountPath":"/var/run/secrets/eks.amazonaws.com/serviceaccount","readOnly":true}"#
    static func volume(seconds: Int = 86400) -> String {
        #"{"name":"aws-iam-token","projected":{"sources":[{"serviceAccountToken":{"audience":"sts.amazonaws.com","expirationSeconds":"#
            + String(seconds) + #","path":"token"}}]}}"#
    }

    static let myApp = PodIdentityFixtures.access("my-app", account: "my-app")

    static let rows: [Row] = [
        Row(
            description: "bare pod: whole arrays added, regional endpoints and region",
            pod: #"{"metadata":{"name":"web","namespace":"production"},"spec":{"serviceAccountName":"my-app","containers":[{"name":"app","image":"app:1"}]}}"#,
            accesses: [myApp],
            patch: """
                [{"op":"add","path":"/spec/containers/0/env","value":[\(env),
                  {"name":"AWS_STS_REGIONAL_ENDPOINTS","value":"regional"},
                  {"name":"AWS_REGION","value":"eu-west-1"},{"name":"AWS_DEFAULT_REGION","value":"eu-west-1"}]},
                 {"op":"add","path":"/spec/containers/0/volumeMounts","value":[\(mount)]},
                 {"op":"add","path":"/spec/volumes","value":[\(volume())]}]
                """),
        Row(
            description: "existing arrays appended to; the pod's own AWS_REGION (valueFrom) kept",
            pod: #"""
                {"metadata":{"name":"web"},"spec":{"serviceAccountName":"my-app","containers":[{"name":"app",
                 "env":[{"name":"AWS_REGION","valueFrom":{"configMapKeyRef":{"name":"c","key":"region"}}},{"name":"X","value":"1"}],
                 "volumeMounts":[{"name":"data","mountPath":"/data"}]}],"volumes":[{"name":"data","emptyDir":{}}]}}
                """#,
            accesses: [PodIdentityFixtures.access("my-app", account: "my-app", regional: nil, tokenSeconds: 3600)],
            patch: """
                [{"op":"add","path":"/spec/containers/0/env/-","value":{"name":"AWS_ROLE_ARN","value":"\(PodIdentityFixtures.myAppArn)"}},
                 {"op":"add","path":"/spec/containers/0/env/-","value":{"name":"AWS_WEB_IDENTITY_TOKEN_FILE","value":"/var/run/secrets/eks.amazonaws.com/serviceaccount/token"}},
                 {"op":"add","path":"/spec/containers/0/env/-","value":{"name":"AWS_DEFAULT_REGION","value":"eu-west-1"}},
                 {"op":"add","path":"/spec/containers/0/volumeMounts/-","value":\(mount)},
                 {"op":"add","path":"/spec/volumes/-","value":\(volume(seconds: 3600))}]
                """),
        Row(
            description: "skip-containers (spaces around names) and init containers, no region",
            pod: #"""
                {"metadata":{"name":"web","annotations":{"eks.amazonaws.com/skip-containers":"sidecar, istio-proxy"}},
                 "spec":{"serviceAccountName":"my-app","initContainers":[{"name":"init"},{"name":"istio-proxy"}],
                 "containers":[{"name":"sidecar"},{"name":"app"}]}}
                """#,
            accesses: [myApp], region: nil,
            patch: """
                [{"op":"add","path":"/spec/initContainers/0/env","value":[\(env),{"name":"AWS_STS_REGIONAL_ENDPOINTS","value":"regional"}]},
                 {"op":"add","path":"/spec/initContainers/0/volumeMounts","value":[\(mount)]},
                 {"op":"add","path":"/spec/containers/1/env","value":[\(env),{"name":"AWS_STS_REGIONAL_ENDPOINTS","value":"regional"}]},
                 {"op":"add","path":"/spec/containers/1/volumeMounts","value":[\(mount)]},
                 {"op":"add","path":"/spec/volumes","value":[\(volume())]}]
                """),
        Row(
            description: "hand-annotated ServiceAccount without a resource",
            pod: #"{"metadata":{"name":"old"},"spec":{"serviceAccountName":"legacy","containers":[{"name":"app"}]}}"#,
            serviceAccounts: [PodIdentityFixtures.legacyAccount], region: nil,
            patch: """
                [{"op":"add","path":"/spec/containers/0/env","value":[{"name":"AWS_ROLE_ARN","value":"\(PodIdentityFixtures.handArn)"},
                  {"name":"AWS_WEB_IDENTITY_TOKEN_FILE","value":"/var/run/secrets/eks.amazonaws.com/serviceaccount/token"},
                  {"name":"AWS_STS_REGIONAL_ENDPOINTS","value":"regional"}]},
                 {"op":"add","path":"/spec/containers/0/volumeMounts","value":[\(mount)]},
                 {"op":"add","path":"/spec/volumes","value":[\(volume(seconds: 3600))]}]
                """),
        Row(
            description: "the pod's own aws-iam-token volume and mount (trailing slash) are left; empty env appended to",
            pod: #"""
                {"metadata":{"name":"web"},"spec":{"serviceAccountName":"my-app","containers":[{"name":"app","env":[],
                 "volumeMounts":[{"name":"mine","mountPath":"/var/run/secrets/eks.amazonaws.com/serviceaccount/"}]}],
                 "volumes":[{"name":"aws-iam-token","projected":{"sources":[{"serviceAccountToken":{"audience":"mine","path":"token"}}]}}]}}
                """#,
            accesses: [PodIdentityFixtures.access("my-app", account: "my-app", regional: false)],
            patch: """
                [{"op":"add","path":"/spec/containers/0/env/-","value":{"name":"AWS_ROLE_ARN","value":"\(PodIdentityFixtures.myAppArn)"}},
                 {"op":"add","path":"/spec/containers/0/env/-","value":{"name":"AWS_WEB_IDENTITY_TOKEN_FILE","value":"/var/run/secrets/eks.amazonaws.com/serviceaccount/token"}},
                 {"op":"add","path":"/spec/containers/0/env/-","value":{"name":"AWS_REGION","value":"eu-west-1"}},
                 {"op":"add","path":"/spec/containers/0/env/-","value":{"name":"AWS_DEFAULT_REGION","value":"eu-west-1"}}]
                """),
        Row(
            description: "the pod's ServiceAccount defaults to default",
            pod: #"{"metadata":{"name":"web"},"spec":{"containers":[{"name":"app","env":null}]}}"#,
            accesses: [PodIdentityFixtures.access("my-app", account: "default", regional: nil)], region: nil,
            patch: """
                [{"op":"add","path":"/spec/containers/0/env","value":[\(env)]},
                 {"op":"add","path":"/spec/containers/0/volumeMounts","value":[\(mount)]},
                 {"op":"add","path":"/spec/volumes","value":[\(volume())]}]
                """),
        Row(
            description: "no claimant and no annotation: no patch",
            pod: #"{"metadata":{"name":"web"},"spec":{"serviceAccountName":"other","containers":[{"name":"app"}]}}"#,
            accesses: [myApp], serviceAccounts: [PodIdentityFixtures.serviceAccount("other", annotations: ["team": "a"])], patch: "[]"),
        Row(
            description: "a resource in another namespace is ignored",
            pod: #"{"metadata":{"name":"web"},"spec":{"serviceAccountName":"my-app","containers":[{"name":"app"}]}}"#,
            accesses: [PodIdentityFixtures.access("my-app", namespace: "staging", account: "my-app")], patch: "[]"),
        Row(
            description: "every container skipped: no patch, not even the volume",
            pod: #"{"metadata":{"name":"web","annotations":{"eks.amazonaws.com/skip-containers":"app"}},"spec":{"serviceAccountName":"my-app","containers":[{"name":"app"}]}}"#,
            accesses: [myApp], patch: "[]"),
    ]

    @Test(arguments: rows)
    func goldenPatch(_ row: Row) throws {
        let pod = try Fixtures.json(row.pod)
        let cluster = PodIdentityAdmission.ClusterObjects(accesses: row.accesses, serviceAccounts: row.serviceAccounts)
        let configuration = PodIdentityFixtures.configuration(region: row.region)
        let answer = PodIdentityAdmission.respond(to: PodIdentityFixtures.review(pod), cluster: cluster, configuration: configuration)
        let response = try #require(answer.response)
        #expect(answer.apiVersion == "admission.k8s.io/v1")
        #expect(answer.kind == "AdmissionReview")
        #expect(response.uid == "705ab4f5-6393-11e8-b7cc-42010a800002")
        #expect(response.allowed)
        let operations = try PodIdentityFixtures.operations(of: answer)
        let expected = try Fixtures.json(row.patch)
        #expect(CompactJSON.serialize(.array(operations)) == CompactJSON.serialize(expected))
        #expect((response.patchType == "JSONPatch") == !operations.isEmpty)
        #expect((response.patch == nil) == operations.isEmpty)

        // Re-invocation (reinvocationPolicy: IfNeeded): the patched pod comes back and gets nothing.
        let patched = try JSONPatchApplier.apply(operations, to: pod)
        let again = PodIdentityAdmission.respond(to: PodIdentityFixtures.review(patched), cluster: cluster, configuration: configuration)
        #expect(again.response?.patch == nil)
        #expect(again.response?.patchType == nil)
        #expect(again.response?.allowed == true)
    }
}

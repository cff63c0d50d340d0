import Foundation
import Testing
@testable import KubeTestServer

/// Pod validation where webhooks write (the real `ValidatePodCreate` paths and messages) and
/// pod defaulting; pure, table-driven, plus the 422 on the wire.
@Suite struct PodValidationTests {
    static func pod(containers: [JSONValue] = [["name": "app", "image": "busybox"]], volumes: [JSONValue] = []) -> JSONValue {
        var spec: JSONValue = ["containers": .array(containers)]
        if !volumes.isEmpty { spec["volumes"] = .array(volumes) }
        return ["apiVersion": "v1", "kind": "Pod", "metadata": ["name": "p"], "spec": spec]
    }

    static func tokenVolume(_ token: JSONValue, name: String = "aws-iam-token") -> JSONValue {
        ["name": .string(name), "projected": ["sources": [["serviceAccountToken": token]]]]
    }

    static let cases: [(String, JSONValue, [String])] = [
        ("a valid pod", pod(), []),
        ("no containers", pod(containers: []), ["spec.containers: Required value"]),
        ("a container without a name or image", pod(containers: [[:]]),
         ["spec.containers[0].name: Required value", "spec.containers[0].image: Required value"]),
        ("duplicate container names across init and app containers",
         {
             var value = pod()
             value[path: ["spec", "initContainers"]] = [["name": "app", "image": "busybox"]]
             return value
         }(),
         ["spec.initContainers[0].name: Duplicate value: \"app\""]),
        ("a mount of a missing volume",
         pod(containers: [["name": "app", "image": "busybox", "volumeMounts": [["name": "x", "mountPath": "/x"]]]]),
         ["spec.containers[0].volumeMounts[0].name: Not found: \"x\""]),
        ("a mount without a path, then the same path twice",
         pod(
             containers: [["name": "app", "image": "busybox",
                           "volumeMounts": [["name": "v", "mountPath": "/a"], ["name": "v", "mountPath": "/a"], ["name": "v"]]]],
             volumes: [["name": "v", "emptyDir": [:]]]),
         ["spec.containers[0].volumeMounts[1].mountPath: Invalid value: \"/a\": must be unique",
          "spec.containers[0].volumeMounts[2].mountPath: Required value"]),
        ("a relative mountPath is accepted (the API server does not require an absolute one)",
         pod(containers: [["name": "app", "image": "busybox", "volumeMounts": [["name": "v", "mountPath": "data"]]]],
             volumes: [["name": "v", "emptyDir": [:]]]),
         []),
        ("duplicate volume names", pod(volumes: [["name": "v", "emptyDir": [:]], ["name": "v", "emptyDir": [:]]]),
         ["spec.volumes[1].name: Duplicate value: \"v\""]),
        ("a volume with two sources", pod(volumes: [["name": "v", "emptyDir": [:], "configMap": ["name": "c"]]]),
         ["spec.volumes[0].configMap: Forbidden: may not specify more than 1 volume type"]),
        ("a token shorter than ten minutes", pod(volumes: [tokenVolume(["path": "token", "expirationSeconds": 599])]),
         ["spec.volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes"]),
        ("a token longer than 2^32 seconds", pod(volumes: [tokenVolume(["path": "token", "expirationSeconds": 4_294_967_297])]),
         ["spec.volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds: Invalid value: 4294967297: may not specify a duration larger than 2^32 seconds"]),
        ("a token of exactly 2^32 seconds and one of ten minutes",
         pod(volumes: [tokenVolume(["path": "token", "expirationSeconds": 4_294_967_296]), tokenVolume(["path": "t", "expirationSeconds": 600], name: "b")]),
         []),
        ("a token without a path", pod(volumes: [tokenVolume(["expirationSeconds": 3600])]),
         ["spec.volumes[0].projected.path: Required value"]),
        ("a token path outside the volume", pod(volumes: [tokenVolume(["path": "../token"])]),
         ["spec.volumes[0].projected.path: Invalid value: \"../token\": must not contain '..'",
          "spec.volumes[0].projected.path: Invalid value: \"../token\": must not start with '..'"]),
        ("an invalid env var name",
         pod(containers: [["name": "app", "image": "busybox", "env": [["name": "1AWS", "value": "x"], ["name": "AWS_REGION", "value": "x"], ["value": "y"]]]]),
         ["spec.containers[0].env[0].name: Invalid value: \"1AWS\": \(PodValidation.envNameDetail)",
          "spec.containers[0].env[2].name: Required value"]),
    ]

    @Test(arguments: cases.indices)
    func validation(_ index: Int) {
        let (label, pod, expected) = Self.cases[index]
        var defaulted = pod
        PodDefaults.apply(&defaulted)
        let rendered = PodValidation.validate(defaulted).map { "\($0.field): \($0.message)" }
        #expect(rendered == expected, "\(label)")
    }

    @Test func defaultsFillWhatTheAPIServerFills() {
        var pod = Self.pod(volumes: [["name": "scratch"], Self.tokenVolume(["path": "token"])])
        PodDefaults.apply(&pod)
        #expect(pod[path: ["spec", "serviceAccountName"]] == "default")
        #expect(pod[path: ["spec", "restartPolicy"]] == "Always")
        #expect(pod[path: ["spec", "containers"]]?.arrayValue?.first?["imagePullPolicy"] == "Always")
        let volumes = pod[path: ["spec", "volumes"]]?.arrayValue ?? []
        #expect(volumes.first?["emptyDir"] == [:])
        #expect(volumes.last?[path: ["projected", "defaultMode"]] == 420)
        #expect(volumes.last?[path: ["projected", "sources"]]?.arrayValue?.first?[path: ["serviceAccountToken", "expirationSeconds"]] == 3600)
        #expect(PodDefaults.pullsAlways("registry:5000/app") && !PodDefaults.pullsAlways("app:1.2") && !PodDefaults.pullsAlways("app@sha256:ab"))
    }

    @Test func invalidPodIs422WithCauses() async throws {
        try await ServerFixture.with { fixture in
            let pod = Self.pod(containers: [["name": "app", "image": "busybox", "volumeMounts": [["name": "x", "mountPath": "/x"]]]])
            let result = try await fixture.curl("POST", "/api/v1/namespaces/default/pods", json: pod)
            #expect(result.status == 422, "\(result.raw)")
            #expect(result.body["message"] == "Pod \"p\" is invalid: spec.containers[0].volumeMounts[0].name: Not found: \"x\"")
            #expect(result.body[path: ["details", "causes"]]?.arrayValue?.first?["field"] == "spec.containers[0].volumeMounts[0].name")
            let created = try await fixture.curl("POST", "/api/v1/namespaces/default/pods", json: Self.pod())
            #expect(created.status == 201, "\(created.raw)")
            #expect(created.body[path: ["spec", "serviceAccountName"]] == "default")
            #expect(created.body[path: ["status", "phase"]] == "Pending")
        }
    }
}

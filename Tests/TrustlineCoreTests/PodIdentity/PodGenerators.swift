import KubeModels
import PropertyBased
@testable import TrustlineCore

/// Random pods for the pod identity properties: containers and init containers with env, mounts
/// and volumes absent, null, empty or holding some of the names the webhook adds (set by `value`
/// or `valueFrom`), a token mount or volume of the pod's own, and skip-containers annotations.
enum PodGenerators {
    static let envNames = ["AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_STS_REGIONAL_ENDPOINTS", "AWS_REGION", "AWS_DEFAULT_REGION", "APP_MODE"]

    static func pick<T>(_ items: [T], _ rng: inout any SeededRandomNumberGenerator) -> T {
        items[Int.random(in: 0..<items.count, using: &rng)]
    }

    /// An array member: absent (nil), null, or the elements.
    static func member(_ elements: [JSONValue], _ rng: inout any SeededRandomNumberGenerator) -> JSONValue? {
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: return nil
        case 1: return .null
        default: return .array(elements)
        }
    }

    static func container(named name: String, _ rng: inout any SeededRandomNumberGenerator) -> JSONValue {
        var members: [String: JSONValue] = ["name": .string(name), "image": "app:1"]
        let env: [JSONValue] = envNames.filter { _ in Bool.random(using: &rng) }.map { variable in
            Bool.random(using: &rng)
                ? ["name": .string(variable), "value": .string("pod-\(variable)")]
                : ["name": .string(variable), "valueFrom": ["configMapKeyRef": ["name": "c", "key": .string(variable)]]]
        }
        var mounts: [JSONValue] = []
        if Bool.random(using: &rng) { mounts.append(["name": "data", "mountPath": "/data"]) }
        if Int.random(in: 0..<4, using: &rng) == 0 {
            mounts.append(["name": "own", "mountPath": .string(PodIdentityInjection.mountPath)])
        }
        members["env"] = member(env, &rng)
        members["volumeMounts"] = member(mounts, &rng)
        return .object(members)
    }

    static func pod(_ rng: inout any SeededRandomNumberGenerator) -> JSONValue {
        let initNames = (0..<Int.random(in: 0...2, using: &rng)).map { "init-\($0)" }
        let names = (0..<Int.random(in: 1...3, using: &rng)).map { "app-\($0)" }
        var spec: [String: JSONValue] = ["serviceAccountName": "my-app", "containers": .array(names.map { container(named: $0, &rng) })]
        if !initNames.isEmpty || Bool.random(using: &rng) {
            spec["initContainers"] = .array(initNames.map { container(named: $0, &rng) })
        }
        var volumes: [JSONValue] = []
        if Bool.random(using: &rng) { volumes.append(["name": "data", "emptyDir": [:]]) }
        if Int.random(in: 0..<4, using: &rng) == 0 { volumes.append(["name": "aws-iam-token", "emptyDir": [:]]) }
        spec["volumes"] = member(volumes, &rng)
        var metadata: [String: JSONValue] = ["name": "web", "namespace": "production"]
        let skipped = (initNames + names + ["ghost"]).filter { _ in Int.random(in: 0..<3, using: &rng) == 0 }
        if !skipped.isEmpty {
            metadata["annotations"] = [PodIdentityInjection.skipContainersAnnotation: .string(skipped.joined(separator: pick([",", ", "], &rng)))]
        }
        return ["metadata": .object(metadata), "spec": .object(spec)]
    }

    static func injection(_ rng: inout any SeededRandomNumberGenerator) -> PodIdentityInjection {
        PodIdentityInjection(
            roleArn: PodIdentityFixtures.myAppArn, audience: "sts.amazonaws.com", tokenExpirationSeconds: pick([600, 3600, 86400], &rng),
            regionalEndpoints: Bool.random(using: &rng), region: pick([nil, "", "us-east-1"], &rng), source: .resource(name: "my-app"))
    }

    static let podAndInjection = Generator<(JSONValue, PodIdentityInjection), Shrink.None<(JSONValue, PodIdentityInjection)>> { rng in
        (pod(&rng), injection(&rng))
    }
}

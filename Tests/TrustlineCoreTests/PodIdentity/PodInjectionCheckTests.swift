import KubeModels
import PropertyBased
import Testing
@testable import TrustlineCore

/// `trustline verify`'s pod checklist (docs/pod-identity-webhook.md, "What is injected"): a table
/// of stored pods and the exact lines printed for them, a property tying the check to the
/// webhook's own patch, what is expected from a resource, and which pod is checked.
@Suite struct PodInjectionCheckTests {
    static let expected = PodIdentityInjection(
        roleArn: PodIdentityFixtures.myAppArn, audience: "sts.amazonaws.com", tokenExpirationSeconds: 86400, regionalEndpoints: true,
        region: nil, source: .resource(name: "my-app"))

    static let roleLine = "AWS_ROLE_ARN=\(PodIdentityFixtures.myAppArn) in every container"
    static let tokenFileLine = "AWS_WEB_IDENTITY_TOKEN_FILE=/var/run/secrets/eks.amazonaws.com/serviceaccount/token in every container"
    static let regionalLine = "AWS_STS_REGIONAL_ENDPOINTS=regional in every container"
    static let volumeLine = "volume aws-iam-token: projected serviceAccountToken, audience sts.amazonaws.com, expirationSeconds 86400, path token"
    static let mountLine = "aws-iam-token mounted read-only at /var/run/secrets/eks.amazonaws.com/serviceaccount in every container"

    /// A pod with an init container `setup` and containers `app` and `sidecar`, as the webhook
    /// patched it (its own patch, applied), then changed by `edit`.
    static func injectedPod(annotations: [String: String] = [:], edit: (inout JSONValue) -> Void = { _ in }) -> JSONValue {
        var metadata: [String: JSONValue] = ["name": "web", "namespace": "production"]
        if !annotations.isEmpty { metadata["annotations"] = .object(annotations.mapValues(JSONValue.string)) }
        let bare: JSONValue = [
            "metadata": .object(metadata),
            "spec": [
                "serviceAccountName": "my-app",
                "initContainers": [["name": "setup", "image": "setup:1"]],
                "containers": [["name": "app", "image": "app:1"], ["name": "sidecar", "image": "proxy:1"]],
            ],
        ]
        // The patch only adds to a well-formed pod; a failure here is a broken fixture.
        var pod = (try? JSONPatchApplier.apply(PodIdentityPatch.operations(for: bare, injection: expected), to: bare)) ?? bare
        edit(&pod)
        return pod
    }

    /// Replaces the member at `path` (object keys and array indexes as text); `nil` removes it.
    static func set(_ value: JSONValue?, at path: [String], in node: inout JSONValue) {
        guard let key = path.first else {
            node = value ?? .null
            return
        }
        switch node {
        case .object(var members):
            if path.count == 1, value == nil {
                members[key] = nil
            } else {
                var child = members[key] ?? .object([:])
                set(value, at: Array(path.dropFirst()), in: &child)
                members[key] = child
            }
            node = .object(members)
        case .array(var elements):
            guard let index = Int(key), elements.indices.contains(index) else { return }
            if path.count == 1, value == nil {
                elements.remove(at: index)
            } else {
                set(value, at: Array(path.dropFirst()), in: &elements[index])
            }
            node = .array(elements)
        default:
            return
        }
    }

    struct Row: Sendable, CustomStringConvertible {
        var description: String
        var pod: JSONValue
        var expected: PodIdentityInjection = PodInjectionCheckTests.expected
        var lines: [String]
    }

    static let rows: [Row] = [
        Row(
            description: "as the webhook writes it: every line passes",
            pod: injectedPod(),
            lines: ["✓ \(roleLine)", "✓ \(tokenFileLine)", "✓ \(regionalLine)", "✓ \(volumeLine)", "✓ \(mountLine)"]),
        Row(
            description: "no regional endpoints asked for: no such line",
            pod: injectedPod(),
            expected: {
                var injection = expected
                injection.regionalEndpoints = false
                return injection
            }(),
            lines: ["✓ \(roleLine)", "✓ \(tokenFileLine)", "✓ \(volumeLine)", "✓ \(mountLine)"]),
        Row(
            description: "created before the webhook ran: nothing injected",
            pod: [
                "metadata": ["name": "web"],
                "spec": ["serviceAccountName": "my-app", "containers": [["name": "app", "image": "app:1"]]],
            ],
            lines: [
                "✗ \(roleLine): container app does not set it", "✗ \(tokenFileLine): container app does not set it",
                "✗ \(regionalLine): container app does not set it", "✗ \(volumeLine): the pod has no volume aws-iam-token",
                "✗ \(mountLine): container app has no mount there",
            ]),
        Row(
            description: "another role in one container, valueFrom in another",
            pod: injectedPod {
                set("arn:aws:iam::111122223333:role/legacy", at: ["spec", "containers", "0", "env", "0", "value"], in: &$0)
                set(nil, at: ["spec", "initContainers", "0", "env", "0", "value"], in: &$0)
                set(["secretKeyRef": ["name": "s", "key": "arn"]], at: ["spec", "initContainers", "0", "env", "0", "valueFrom"], in: &$0)
            },
            lines: [
                "✗ \(roleLine): init container setup sets it from valueFrom, not to this value; container app sets it to \"arn:aws:iam::111122223333:role/legacy\"",
                "✓ \(tokenFileLine)", "✓ \(regionalLine)", "✓ \(volumeLine)", "✓ \(mountLine)",
            ]),
        Row(
            description: "token for another audience and lifetime",
            pod: injectedPod {
                set("vault", at: ["spec", "volumes", "0", "projected", "sources", "0", "serviceAccountToken", "audience"], in: &$0)
                set(3600, at: ["spec", "volumes", "0", "projected", "sources", "0", "serviceAccountToken", "expirationSeconds"], in: &$0)
            },
            lines: [
                "✓ \(roleLine)", "✓ \(tokenFileLine)", "✓ \(regionalLine)",
                "✗ \(volumeLine): its token's audience is vault; its token's expirationSeconds is 3600", "✓ \(mountLine)",
            ]),
        Row(
            description: "a volume of that name the pod brought itself",
            pod: injectedPod { set([["name": "aws-iam-token", "emptyDir": [:]]], at: ["spec", "volumes"], in: &$0) },
            lines: [
                "✓ \(roleLine)", "✓ \(tokenFileLine)", "✓ \(regionalLine)",
                "✗ \(volumeLine): it projects no serviceAccountToken at path token", "✓ \(mountLine)",
            ]),
        Row(
            description: "a writable mount, a mount of another volume, a missing mount",
            pod: injectedPod {
                set(false, at: ["spec", "containers", "0", "volumeMounts", "0", "readOnly"], in: &$0)
                set("scratch", at: ["spec", "containers", "1", "volumeMounts", "0", "name"], in: &$0)
                set(nil, at: ["spec", "initContainers", "0", "volumeMounts"], in: &$0)
            },
            lines: [
                "✓ \(roleLine)", "✓ \(tokenFileLine)", "✓ \(regionalLine)", "✓ \(volumeLine)",
                "✗ \(mountLine): init container setup has no mount there; container app mounts it writable; container sidecar mounts volume scratch there",
            ]),
        Row(
            description: "a container named in skip-containers is not checked",
            pod: injectedPod(annotations: [PodIdentityInjection.skipContainersAnnotation: "sidecar"]),
            lines: [
                "✓ \(roleLine)", "✓ \(tokenFileLine)", "✓ \(regionalLine)", "✓ \(volumeLine)",
                "✓ \(mountLine) (skipped as the pod asks: sidecar)",
            ]),
        Row(
            description: "every container skipped: nothing to inject, nothing fails",
            pod: [
                "metadata": ["name": "web", "annotations": [PodIdentityInjection.skipContainersAnnotation: "app"]],
                "spec": ["containers": [["name": "app", "image": "app:1"]]],
            ],
            lines: ["✓ every container is named in eks.amazonaws.com/skip-containers: nothing to inject"]),
    ]

    @Test(arguments: rows)
    func checklist(row: Row) {
        let lines = PodInjectionCheck.check(pod: row.pod, expected: row.expected)
        #expect(lines.map(\.description) == row.lines)
        #expect(lines.allSatisfy { $0.passed == $0.problems.isEmpty })
    }

    /// The check agrees with the webhook's patch over random pods: after the patch, every line
    /// passes exactly when the pod brought none of the names itself (the webhook never overwrites
    /// what a pod sets, so those stay different) or every container is skipped.
    @Test func everyLinePassesAfterThePatchUnlessThePodSetItsOwn() async {
        await propertyCheck(count: 400, input: PodGenerators.podAndInjection) { input in
            let (pod, injection) = input
            let patched = try JSONPatchApplier.apply(PodIdentityPatch.operations(for: pod, injection: injection), to: pod)
            let skipped = PodIdentityPatch.skippedContainers(of: pod)
            let served = PodIdentityPropertyTests.containers(of: pod).filter { !skipped.contains($0["name"]?.stringValue ?? "") }
            let injectedNames = Set(injection.environment.map(\.name))
            let podSetsItsOwn = served.contains { container in
                let ownEnv = (container["env"]?.jsonElements ?? []).contains { injectedNames.contains($0["name"]?.stringValue ?? "") }
                let ownMount = (container["volumeMounts"]?.jsonElements ?? []).contains {
                    $0["mountPath"]?.stringValue == PodIdentityInjection.mountPath
                }
                return ownEnv || ownMount
            } || (pod["spec"]?["volumes"]?.jsonElements ?? []).contains { $0["name"]?.stringValue == PodIdentityInjection.volumeName }
            let lines = PodInjectionCheck.check(pod: patched, expected: injection)
            #expect(lines.allSatisfy(\.passed) == (served.isEmpty || !podSetsItsOwn), "\(lines)")
        }
    }

    @Test func expectedInjectionComesFromTheResourcesStatusAndSpec() {
        var resource = PodIdentityFixtures.access("my-app", account: "my-app", regional: nil, tokenSeconds: nil)
        #expect(PodInjectionCheck.expectedInjection(for: resource) == nil, "no role ARN in status yet")
        resource.status = WorkloadAwsAccessStatus(roleArn: "arn:aws:iam::123456789012:role/adopted/kept-path")
        resource.spec.audience = "vault"
        let defaults = PodInjectionCheck.expectedInjection(for: resource)
        #expect(defaults?.roleArn == "arn:aws:iam::123456789012:role/adopted/kept-path")
        #expect(defaults?.audience == "vault")
        #expect(defaults?.tokenExpirationSeconds == PodIdentityInjection.defaultTokenExpirationSeconds)
        #expect(defaults?.regionalEndpoints == false)
        #expect(defaults?.region == nil)
        resource.spec.stsRegionalEndpoints = true
        resource.spec.tokenExpirationSeconds = 7200
        let set = PodInjectionCheck.expectedInjection(for: resource)
        #expect(set?.tokenExpirationSeconds == 7200)
        #expect(set?.regionalEndpoints == true)
    }

    static func pod(_ name: String, namespace: String = "production", account: String? = "my-app", phase: String?, created: String,
                    deleting: Bool = false) -> Pod {
        var metadata = ObjectMeta(name: name, namespace: namespace)
        metadata.creationTimestamp = created
        if deleting { metadata.deletionTimestamp = "2026-03-01T00:00:00Z" }
        var spec: [String: JSONValue] = ["containers": [["name": "app", "image": "app:1"]]]
        if let account { spec["serviceAccountName"] = .string(account) }
        return Pod(metadata: metadata, spec: .object(spec), status: phase.map { PodStatus(phase: $0) })
    }

    struct TargetRow: Sendable, CustomStringConvertible {
        var description: String
        var pods: [Pod]
        var account = "my-app"
        var chosen: String?
    }

    static let targetRows: [TargetRow] = [
        TargetRow(description: "no pod", pods: [], chosen: nil),
        TargetRow(
            description: "Running before a newer Pending",
            pods: [pod("old", phase: "Running", created: "2026-01-01T00:00:00Z"), pod("new", phase: "Pending", created: "2026-02-01T00:00:00Z")],
            chosen: "old"),
        TargetRow(
            description: "the newest Running",
            pods: [pod("a", phase: "Running", created: "2026-01-01T00:00:00Z"), pod("b", phase: "Running", created: "2026-01-02T00:00:00Z")],
            chosen: "b"),
        TargetRow(
            description: "Pending before Succeeded",
            pods: [pod("done", phase: "Succeeded", created: "2026-02-01T00:00:00Z"), pod("wait", phase: "Pending", created: "2026-01-01T00:00:00Z")],
            chosen: "wait"),
        TargetRow(
            description: "a pod being deleted is passed over",
            pods: [pod("going", phase: "Running", created: "2026-02-01T00:00:00Z", deleting: true), pod("staying", phase: "Pending", created: "2026-01-01T00:00:00Z")],
            chosen: "staying"),
        TargetRow(
            description: "other ServiceAccounts and namespaces do not count",
            pods: [pod("other", account: "worker", phase: "Running", created: "2026-01-01T00:00:00Z"),
                   pod("elsewhere", namespace: "staging", phase: "Running", created: "2026-01-01T00:00:00Z")],
            chosen: nil),
        TargetRow(
            description: "no serviceAccountName runs as default",
            pods: [pod("plain", account: nil, phase: "Running", created: "2026-01-01T00:00:00Z")], account: "default", chosen: "plain"),
        TargetRow(
            description: "same time: by name, the same every run",
            pods: [pod("b", phase: "Running", created: "2026-01-01T00:00:00Z"), pod("a", phase: "Running", created: "2026-01-01T00:00:00Z")],
            chosen: "a"),
    ]

    @Test(arguments: targetRows)
    func podToCheck(row: TargetRow) {
        let chosen = PodInjectionTarget.choose(from: row.pods, namespace: "production", serviceAccountName: row.account)
        #expect(chosen?.metadata.name == row.chosen)
        let reversed = PodInjectionTarget.choose(from: row.pods.reversed(), namespace: "production", serviceAccountName: row.account)
        #expect(reversed?.metadata.name == row.chosen, "independent of list order")
    }
}

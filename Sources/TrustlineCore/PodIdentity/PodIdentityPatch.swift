import KubeModels

/// The RFC 6902 JSON patch that gives a pod what a `PodIdentityInjection` describes
/// (docs/pod-identity-webhook.md). It only adds: an env var the pod sets (by name, whether by
/// `value` or `valueFrom`), a volume named `aws-iam-token` or a mount at the token directory is
/// left as the pod has it, and a pod already patched yields an empty patch, which is what makes
/// `reinvocationPolicy: IfNeeded` safe. A missing array is added whole; an existing one is
/// appended to with `/-`, because `add` at `/spec/volumes/-` fails when `volumes` is absent.
public enum PodIdentityPatch {
    /// The operations for `pod` (the admitted object); empty when there is nothing to add.
    public static func operations(for pod: JSONValue, injection: PodIdentityInjection) -> [JSONValue] {
        let spec = pod["spec"] ?? .object([:])
        let skipped = skippedContainers(of: pod)
        var operations: [JSONValue] = []
        var anyContainerServed = false
        for field in ["initContainers", "containers"] {
            let containers = spec[field]?.jsonElements ?? []
            for (index, container) in containers.enumerated() {
                guard let name = container["name"]?.stringValue, !skipped.contains(name) else { continue }
                anyContainerServed = true
                let base = ["spec", field, String(index)]
                operations += environmentOperations(container: container, base: base, injection: injection)
                operations += mountOperations(container: container, base: base)
            }
        }
        if anyContainerServed {
            operations += volumeOperations(spec: spec, injection: injection)
        }
        return operations
    }

    /// The container names in the pod's `eks.amazonaws.com/skip-containers` annotation.
    public static func skippedContainers(of pod: JSONValue) -> Set<String> {
        guard let list = pod["metadata"]?["annotations"]?[PodIdentityInjection.skipContainersAnnotation]?.stringValue else { return [] }
        return Set(list.split(separator: ",").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty })
    }

    /// The projected token volume, as the kubelet needs it.
    public static func volume(_ injection: PodIdentityInjection) -> JSONValue {
        [
            "name": .string(PodIdentityInjection.volumeName),
            "projected": [
                "sources": [
                    [
                        "serviceAccountToken": [
                            "audience": .string(injection.audience),
                            "expirationSeconds": .number(Double(injection.tokenExpirationSeconds)),
                            "path": .string(PodIdentityInjection.tokenPath),
                        ]
                    ]
                ]
            ],
        ]
    }

    /// The read-only mount of the token volume.
    public static let mount: JSONValue = [
        "name": .string(PodIdentityInjection.volumeName),
        "mountPath": .string(PodIdentityInjection.mountPath),
        "readOnly": true,
    ]

    private static func environmentOperations(container: JSONValue, base: [String], injection: PodIdentityInjection) -> [JSONValue] {
        let existing = container["env"]?.jsonElements
        let taken = Set((existing ?? []).compactMap { $0["name"]?.stringValue })
        let missing: [JSONValue] = injection.environment.filter { !taken.contains($0.name) }.map {
            ["name": .string($0.name), "value": .string($0.value)]
        }
        return additions(missing, to: base + ["env"], arrayExists: existing != nil)
    }

    private static func mountOperations(container: JSONValue, base: [String]) -> [JSONValue] {
        let existing = container["volumeMounts"]?.jsonElements
        let mounted = (existing ?? []).contains { $0["mountPath"]?.stringValue.map(isTokenDirectory) ?? false }
        return mounted ? [] : additions([mount], to: base + ["volumeMounts"], arrayExists: existing != nil)
    }

    private static func volumeOperations(spec: JSONValue, injection: PodIdentityInjection) -> [JSONValue] {
        let existing = spec["volumes"]?.jsonElements
        let present = (existing ?? []).contains { $0["name"]?.stringValue == PodIdentityInjection.volumeName }
        return present ? [] : additions([volume(injection)], to: ["spec", "volumes"], arrayExists: existing != nil)
    }

    /// `/x/-` appends for an existing array; one `add` of the whole array creates a missing one
    /// (or replaces a `null`).
    private static func additions(_ elements: [JSONValue], to tokens: [String], arrayExists: Bool) -> [JSONValue] {
        guard !elements.isEmpty else { return [] }
        guard arrayExists else {
            return [operation(path: JSONPointer.path(tokens), value: .array(elements))]
        }
        return elements.map { operation(path: JSONPointer.path(tokens + ["-"]), value: $0) }
    }

    private static func operation(path: String, value: JSONValue) -> JSONValue {
        ["op": "add", "path": .string(path), "value": value]
    }

    /// The token directory, also written with a trailing `/` (the kubelet treats both as one).
    static func isTokenDirectory(_ path: String) -> Bool {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        return trimmed == PodIdentityInjection.mountPath
    }
}

import KubeModels

/// Whether a stored pod carries what the pod identity webhook should have given it for a
/// `WorkloadAwsAccess` (docs/pod-identity-webhook.md, "What is injected"): the seed's checklist
/// that `trustline verify` prints, one line per item, each passed or failed with the reason. Pure:
/// the command hands in the pod as the API server stores it. What is expected comes from
/// `PodIdentityInjection`, the same description the webhook's patch is made from.
public enum PodInjectionCheck {
    /// One item of the checklist.
    public struct Line: Sendable, Equatable, CustomStringConvertible {
        public var passed: Bool
        /// What was checked, e.g. `AWS_STS_REGIONAL_ENDPOINTS=regional in every container`.
        public var item: String
        /// Why it failed (empty when passed): which container lacks what, or what differs.
        public var problems: [String]

        public init(item: String, problems: [String]) {
            self.passed = problems.isEmpty
            self.item = item
            self.problems = problems
        }

        /// `✓ item` or `✗ item: problem; problem`.
        public var description: String {
            passed ? "✓ \(item)" : "✗ \(item): \(problems.joined(separator: "; "))"
        }
    }

    /// What the webhook injects for `resource`: its role ARN as status records it (the role the
    /// operator converged), its audience, token lifetime and regional-endpoints choice. The region
    /// is the webhook's own setting, unknown here, so it is not checked. Nil before the operator
    /// has recorded a role ARN.
    public static func expectedInjection(for resource: WorkloadAwsAccess) -> PodIdentityInjection? {
        guard let roleArn = resource.status?.roleArn, !roleArn.isEmpty else { return nil }
        return PodIdentityInjection(
            roleArn: roleArn,
            audience: resource.spec.audience,
            tokenExpirationSeconds: resource.spec.tokenExpirationSeconds ?? PodIdentityInjection.defaultTokenExpirationSeconds,
            regionalEndpoints: resource.spec.stsRegionalEndpoints ?? false,
            region: nil,
            source: .resource(name: resource.name))
    }

    /// The checklist for `pod` (the whole object: metadata for the skip annotation, spec for the
    /// rest): one line per env var of `expected.environment`, one for the volume, one for the mounts.
    public static func check(pod: JSONValue, expected: PodIdentityInjection) -> [Line] {
        let skipped = PodIdentityPatch.skippedContainers(of: pod)
        let spec = pod["spec"] ?? .object([:])
        var served: [(label: String, container: JSONValue)] = []
        var skippedLabels: [String] = []
        for (field, kind) in [("initContainers", "init container"), ("containers", "container")] {
            for container in spec[field]?.jsonElements ?? [] {
                let name = container["name"]?.stringValue ?? "?"
                if skipped.contains(name) { skippedLabels.append(name) } else { served.append(("\(kind) \(name)", container)) }
            }
        }
        guard !served.isEmpty else {
            return [Line(item: "every container is named in \(PodIdentityInjection.skipContainersAnnotation): nothing to inject", problems: [])]
        }
        var lines = expected.environment.map { variable in
            Line(
                item: "\(variable.name)=\(variable.value) in every container",
                problems: served.compactMap { environmentProblem(in: $0.container, label: $0.label, name: variable.name, value: variable.value) })
        }
        lines.append(volumeLine(spec: spec, expected: expected))
        var mountItem = "\(PodIdentityInjection.volumeName) mounted read-only at \(PodIdentityInjection.mountPath) in every container"
        if !skippedLabels.isEmpty {
            mountItem += " (skipped as the pod asks: \(skippedLabels.joined(separator: ", ")))"
        }
        lines.append(Line(item: mountItem, problems: served.compactMap { mountProblem(in: $0.container, label: $0.label) }))
        return lines
    }

    /// Nil when `container` sets `name` to `value`; a variable listed twice counts by its last
    /// entry, as the kubelet builds the environment.
    static func environmentProblem(in container: JSONValue, label: String, name: String, value: String) -> String? {
        guard let entry = (container["env"]?.jsonElements ?? []).last(where: { $0["name"]?.stringValue == name }) else {
            return "\(label) does not set it"
        }
        if entry["valueFrom"] != nil, entry["value"] == nil {
            return "\(label) sets it from valueFrom, not to this value"
        }
        let actual = entry["value"]?.stringValue ?? ""
        return actual == value ? nil : "\(label) sets it to \"\(actual)\""
    }

    static func volumeLine(spec: JSONValue, expected: PodIdentityInjection) -> Line {
        let item = "volume \(PodIdentityInjection.volumeName): projected serviceAccountToken, audience \(expected.audience), "
            + "expirationSeconds \(expected.tokenExpirationSeconds), path \(PodIdentityInjection.tokenPath)"
        guard let volume = (spec["volumes"]?.jsonElements ?? []).first(where: { $0["name"]?.stringValue == PodIdentityInjection.volumeName }) else {
            return Line(item: item, problems: ["the pod has no volume \(PodIdentityInjection.volumeName)"])
        }
        let tokens = (volume["projected"]?["sources"]?.jsonElements ?? []).compactMap { $0["serviceAccountToken"] }
        guard let token = tokens.first(where: { $0["path"]?.stringValue == PodIdentityInjection.tokenPath }) else {
            return Line(item: item, problems: ["it projects no serviceAccountToken at path \(PodIdentityInjection.tokenPath)"])
        }
        var problems: [String] = []
        let audience = token["audience"]?.stringValue ?? ""
        if audience != expected.audience {
            problems.append(audience.isEmpty ? "its token has no audience (the API server's default)" : "its token's audience is \(audience)")
        }
        let seconds = token["expirationSeconds"].flatMap(number)
        if seconds != expected.tokenExpirationSeconds {
            problems.append("its token's expirationSeconds is \(seconds.map(String.init) ?? "unset")")
        }
        return Line(item: item, problems: problems)
    }

    /// Nil when `container` mounts the token volume read-only at the token directory.
    static func mountProblem(in container: JSONValue, label: String) -> String? {
        let mounts = container["volumeMounts"]?.jsonElements ?? []
        guard let mount = mounts.first(where: { $0["mountPath"]?.stringValue.map(PodIdentityPatch.isTokenDirectory) ?? false }) else {
            return "\(label) has no mount there"
        }
        let volume = mount["name"]?.stringValue ?? ""
        if volume != PodIdentityInjection.volumeName { return "\(label) mounts volume \(volume) there" }
        if mount["readOnly"] != JSONValue.bool(true) { return "\(label) mounts it writable" }
        return nil
    }

    private static func number(_ value: JSONValue) -> Int? {
        guard case .number(let number) = value, number == number.rounded(), abs(number) < 1e15 else { return nil }
        return Int(number)
    }
}

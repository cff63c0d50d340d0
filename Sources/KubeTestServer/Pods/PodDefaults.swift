import Foundation

/// The defaults the API server fills into a v1 Pod when it decodes one (and again after each
/// mutating webhook's patch), so clients and webhooks see what they would see on a cluster.
/// Only the fields webhooks touch and a few a client prints (docs/design.md section 8).
enum PodDefaults {
    static func apply(_ pod: inout JSONValue) {
        guard case .object = pod else { return }
        var spec = pod["spec"] ?? [:]
        guard case .object = spec else { return }
        // The ServiceAccount admission plugin runs before any webhook and names `default`.
        if spec["serviceAccountName"]?.stringValue?.isEmpty ?? true {
            spec["serviceAccountName"] = spec["serviceAccount"]?.stringValue.map(JSONValue.string) ?? "default"
        }
        if spec["restartPolicy"] == nil { spec["restartPolicy"] = "Always" }
        if spec["dnsPolicy"] == nil { spec["dnsPolicy"] = "ClusterFirst" }
        if spec["terminationGracePeriodSeconds"] == nil { spec["terminationGracePeriodSeconds"] = 30 }
        if spec["schedulerName"] == nil { spec["schedulerName"] = "default-scheduler" }
        if spec["securityContext"] == nil { spec["securityContext"] = [:] }
        for list in ["containers", "initContainers"] {
            guard let containers = spec[list]?.arrayValue else { continue }
            spec[list] = .array(containers.map(defaultContainer))
        }
        if let volumes = spec["volumes"]?.arrayValue {
            spec["volumes"] = .array(volumes.map(defaultVolume))
        }
        pod["spec"] = spec
        if pod["status"]?.objectValue?.isEmpty ?? true { pod["status"] = ["phase": "Pending"] }
    }

    static func defaultContainer(_ container: JSONValue) -> JSONValue {
        guard case .object = container else { return container }
        var container = container
        if container["terminationMessagePath"] == nil { container["terminationMessagePath"] = "/dev/termination-log" }
        if container["terminationMessagePolicy"] == nil { container["terminationMessagePolicy"] = "File" }
        if container["imagePullPolicy"] == nil, let image = container["image"]?.stringValue {
            container["imagePullPolicy"] = .string(pullsAlways(image) ? "Always" : "IfNotPresent")
        }
        if container["resources"] == nil { container["resources"] = [:] }
        return container
    }

    /// `:latest` or no tag (and no digest) pulls every time, as the real defaulting decides.
    static func pullsAlways(_ image: String) -> Bool {
        if image.contains("@") { return false }
        let lastComponent = image.split(separator: "/").last.map(String.init) ?? image
        guard let colon = lastComponent.lastIndex(of: ":") else { return true }
        return lastComponent[lastComponent.index(after: colon)...] == "latest"
    }

    /// A volume without a source becomes `emptyDir: {}`; projected volumes get mode 0644 and
    /// serviceAccountToken projections one hour.
    static func defaultVolume(_ volume: JSONValue) -> JSONValue {
        guard case .object(let members) = volume else { return volume }
        var volume = volume
        if !members.keys.contains(where: { PodValidation.volumeSources.contains($0) }) {
            volume["emptyDir"] = [:]
        }
        if var projected = volume["projected"], case .object = projected {
            if projected["defaultMode"] == nil { projected["defaultMode"] = 420 }
            if let sources = projected["sources"]?.arrayValue {
                projected["sources"] = .array(
                    sources.map { source in
                        var source = source
                        if var token = source["serviceAccountToken"], case .object = token, token["expirationSeconds"] == nil {
                            token["expirationSeconds"] = 3600
                            source["serviceAccountToken"] = token
                        }
                        return source
                    })
            }
            volume["projected"] = projected
        }
        return volume
    }
}

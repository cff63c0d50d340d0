import Foundation

/// One entry of a `MutatingWebhookConfiguration`'s `webhooks`, with the v1 defaults applied
/// (`failurePolicy: Fail`, `timeoutSeconds: 10`, `reinvocationPolicy: Never`, match-all
/// selectors), read from the stored object on each admitted request as the API server's
/// webhook source does.
struct MutatingWebhook: Sendable, Equatable {
    enum Endpoint: Sendable, Equatable {
        case url(String)
        case service(namespace: String, name: String, path: String, port: Int)
    }

    /// The configuration's name; webhooks run configuration by configuration in name order.
    var configuration: String
    var name: String
    var rules: [JSONValue]
    var namespaceSelector: JSONValue
    var objectSelector: JSONValue
    var failOpen: Bool
    var reinvokeIfNeeded: Bool
    var timeoutSeconds: Int
    var sideEffects: String
    var admissionReviewVersions: [String]
    var endpoint: Endpoint?
    /// PEM; nil trusts the system roots, as the API server does without a `caBundle`.
    var caBundlePEM: Data?

    /// Which webhook this is across configurations (two configurations may reuse a webhook name).
    var identity: String { "\(configuration)/\(name)" }

    /// The webhooks of every stored configuration, configurations sorted by name and each
    /// configuration's webhooks in the order it lists them (the dispatcher's order).
    static func all(in configurations: [JSONValue]) -> [MutatingWebhook] {
        configurations
            .sorted { $0.name < $1.name }
            .flatMap { configuration in
                (configuration["webhooks"]?.arrayValue ?? []).map { MutatingWebhook(configuration: configuration.name, entry: $0) }
            }
    }

    init(configuration: String, entry: JSONValue) {
        self.configuration = configuration
        name = entry["name"]?.stringValue ?? ""
        rules = entry["rules"]?.arrayValue ?? []
        namespaceSelector = entry["namespaceSelector"] ?? [:]
        objectSelector = entry["objectSelector"] ?? [:]
        failOpen = entry["failurePolicy"]?.stringValue == "Ignore"
        reinvokeIfNeeded = entry["reinvocationPolicy"]?.stringValue == "IfNeeded"
        timeoutSeconds = Int(entry["timeoutSeconds"]?.intValue ?? 10)
        sideEffects = entry["sideEffects"]?.stringValue ?? ""
        admissionReviewVersions = entry["admissionReviewVersions"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let clientConfig = entry["clientConfig"] ?? [:]
        if let url = clientConfig["url"]?.stringValue, !url.isEmpty {
            endpoint = .url(url)
        } else if let service = clientConfig["service"], let serviceName = service["name"]?.stringValue {
            endpoint = .service(
                namespace: service["namespace"]?.stringValue ?? "", name: serviceName,
                path: service["path"]?.stringValue ?? "/", port: Int(service["port"]?.intValue ?? 443))
        } else {
            endpoint = nil
        }
        caBundlePEM = clientConfig["caBundle"]?.stringValue.flatMap { Data(base64Encoded: $0) }.flatMap { $0.isEmpty ? nil : $0 }
    }
}

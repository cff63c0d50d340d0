import Foundation

/// How objects look to the caller when the URL's kind is stored as another (events.k8s.io/v1
/// Events as core v1 Events): conversions for request bodies and responses.
struct ObjectView: Sendable {
    var presentedType: ResourceType?
    var incoming: @Sendable (JSONValue) -> JSONValue
    var outgoing: @Sendable (JSONValue) -> JSONValue

    init(presentedType: ResourceType?, incoming: @escaping @Sendable (JSONValue) -> JSONValue, outgoing: @escaping @Sendable (JSONValue) -> JSONValue) {
        self.presentedType = presentedType
        self.incoming = incoming
        self.outgoing = outgoing
    }

    static let identity = ObjectView(presentedType: nil, incoming: { $0 }, outgoing: { $0 })
}

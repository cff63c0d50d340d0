import Foundation
import KubeModels

/// An object the API server sent that does not decode into its typed resource (a policy document
/// nested deeper than the JSON parser allows, a value of the wrong type). It is one bad object:
/// lists and watches skip it and carry on, and report it as this, with what could be read of its
/// metadata, so the caller can log it by key, count it and tell the object's owner.
public struct UndecodableObject: Error, Sendable, Equatable, CustomStringConvertible {
    /// The resource's kind, e.g. `WorkloadAwsAccess`.
    public var kind: String
    /// What could be read of `metadata` (name, namespace, uid, resourceVersion); nil when even that
    /// did not decode.
    public var metadata: ObjectMeta?
    /// The watch event that carried it; nil when it came from a list.
    public var eventType: WatchEventType?
    /// Why it does not decode, naming the field where the decoder said which.
    public var problem: String

    public init(kind: String, metadata: ObjectMeta?, eventType: WatchEventType?, problem: String) {
        self.kind = kind
        self.metadata = metadata
        self.eventType = eventType
        self.problem = problem
    }

    public var key: ObjectKey? { metadata.flatMap { ObjectKey($0) } }
    public var resourceVersion: String? { metadata?.resourceVersion }

    public var description: String {
        "\(kind) \(key?.description ?? "(name unreadable)") (uid \(metadata?.uid ?? "?"), resourceVersion \(resourceVersion ?? "?")) does not decode: \(problem)"
    }

    /// Decodes `bytes[range]` as `Object`, or describes why it cannot be, with its metadata read on
    /// its own (the JSON of `metadata` is intact even when another field is not).
    static func decode<Object: KubernetesResource>(
        _ type: Object.Type, bytes: [UInt8], range: Range<Int>, eventType: WatchEventType?
    ) -> Result<Object, UndecodableObject> {
        let data = Data(bytes[range])
        do {
            return .success(try JSONDecoder().decode(Object.self, from: data))
        } catch {
            let outline = try? JSONOutline(bytes: bytes, range: range)
            let metadata = outline?.member("metadata").flatMap { try? JSONDecoder().decode(ObjectMeta.self, from: $0) }
            return .failure(UndecodableObject(
                kind: Object.descriptor.kind, metadata: metadata, eventType: eventType,
                problem: describe(error, object: data)))
        }
    }

    /// A decoding error in a user's terms: the field path and what was wrong there.
    static func describe(_ error: any Error, object: Data) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        switch error {
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(type): \(context.debugDescription)"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): a \(type) is required: \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])) is missing"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty, let deep = NestingProbe.firstPathDeeper(than: NestingProbe.decoderLimit, in: object) {
                return "\(deep) nests deeper than \(NestingProbe.decoderLimit) levels, more than the operator's JSON parser reads (\(context.debugDescription))"
            }
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    /// `spec.inlinePolicies[0].document`, as a user would name the field.
    static func path(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text.isEmpty ? "the object" : text
    }
}

import Foundation
import KubeModels

/// Whether one published object must be put again (docs/design.md section 11): the bucket holds
/// nothing under its key, holds something that is not the same JSON document, or serves it with
/// another content type. "The same JSON document" is semantic: key order, whitespace and escaping
/// do not count, so an object written by hand or by another tool in another layout is left alone
/// when it says the same thing, and a steady state makes no write.
public enum PublishedObjectState: Sendable, Equatable {
    case current
    case missing
    case differs(String)

    public var needsWrite: Bool { self != .current }

    /// - Parameters:
    ///   - stored: the object's bytes and content type as GetObject returned them; nil when absent.
    public static func compare(_ object: OIDCPublication.Object, stored: (body: Data, contentType: String?)?) -> PublishedObjectState {
        guard let stored else { return .missing }
        guard let document = try? JSONDecoder().decode(JSONValue.self, from: stored.body) else {
            return .differs("the stored object is not JSON")
        }
        guard document == object.document else { return .differs("the stored document differs") }
        let type = stored.contentType?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard type == object.contentType else {
            return .differs("the stored content type is \(stored.contentType ?? "unset"), not \(object.contentType)")
        }
        return .current
    }
}

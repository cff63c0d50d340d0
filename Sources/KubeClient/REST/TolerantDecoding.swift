import Foundation
import KubeModels

/// One page of a list whose items that do not decode were set aside instead of failing the page.
public struct PartialObjectList<Object: KubernetesResource>: Sendable {
    /// The page with the items that decoded.
    public var list: ObjectList<Object>
    /// The items that did not, in list order.
    public var undecodable: [UndecodableObject]

    public init(list: ObjectList<Object>, undecodable: [UndecodableObject] = []) {
        self.list = list
        self.undecodable = undecodable
    }

    var parts: (ObjectList<Object>, [UndecodableObject]) { (list, undecodable) }
}

/// One line of a watch stream: an event, or an object that does not decode (see `UndecodableObject`).
public enum WatchElement<Object: KubernetesResource>: Sendable {
    case event(WatchEvent<Object>)
    case undecodable(UndecodableObject)
}

/// Decoding of list responses and watch lines that isolates objects: the envelope (list metadata,
/// event type) is read with `JSONOutline`, then each object on its own. A broken envelope is
/// still an error of the whole response; a broken object is an `UndecodableObject`.
enum TolerantDecoding {
    static func list<Object: KubernetesResource>(_ type: Object.Type, from body: Data) throws -> PartialObjectList<Object> {
        let decoder = JSONDecoder()
        if let list = try? decoder.decode(ObjectList<Object>.self, from: body) {
            return PartialObjectList(list: list)
        }
        let typeName = "\(Object.descriptor.kind)List"
        do {
            let outline = try JSONOutline(body)
            let metadata = try outline.member("metadata").map { try decoder.decode(ListMeta.self, from: $0) } ?? ListMeta()
            var items: [Object] = []
            var undecodable: [UndecodableObject] = []
            let itemsValue = outline.member("items")
            if let itemsValue, itemsValue != Data("null".utf8), let array = try outline.outline(of: "items") {
                guard case .array(let ranges) = array.shape else {
                    throw JSONOutline.Malformed(offset: 0, problem: "items is not an array")
                }
                for range in ranges {
                    switch UndecodableObject.decode(Object.self, bytes: outline.bytes, range: range, eventType: nil) {
                    case .success(let item): items.append(item)
                    case .failure(let bad): undecodable.append(bad)
                    }
                }
            }
            return PartialObjectList(list: ObjectList(metadata: metadata, items: items), undecodable: undecodable)
        } catch {
            throw KubeClientError.undecodableResponse(
                type: typeName, problem: "\(error)", bodyPrefix: String(decoding: body.prefix(300), as: UTF8.self))
        }
    }

    /// One watch line. Throws when the line itself is not a watch event (a garbled stream).
    static func watchLine<Object: KubernetesResource>(_ type: Object.Type, _ line: Data) throws -> WatchElement<Object> {
        let decoder = JSONDecoder()
        let typedError: any Error
        do {
            return .event(try decoder.decode(WatchEvent<Object>.self, from: line))
        } catch {
            typedError = error
        }
        let garbled = KubeClientError.undecodableResponse(
            type: "WatchEvent<\(Object.descriptor.kind)>", problem: "\(typedError)",
            bodyPrefix: String(decoding: line.prefix(300), as: UTF8.self))
        guard let outline = try? JSONOutline(line),
            let eventType = outline.member("type").flatMap({ try? decoder.decode(WatchEventType.self, from: $0) }),
            [.added, .modified, .deleted].contains(eventType),
            let range = outline.memberRange("object")
        else { throw garbled }
        switch UndecodableObject.decode(Object.self, bytes: outline.bytes, range: range, eventType: eventType) {
        case .success(let object):
            // Only the event's envelope was too deep for the parser; the object is fine.
            switch eventType {
            case .added: return .event(.added(object))
            case .modified: return .event(.modified(object))
            default: return .event(.deleted(object))
            }
        case .failure(let bad):
            return .undecodable(bad)
        }
    }
}

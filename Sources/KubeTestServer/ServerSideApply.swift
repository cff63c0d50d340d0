import Foundation

/// A simplified server-side apply field manager: remembers, per object and manager, which leaf
/// fields each apply set. A later apply by the same manager removes the fields it no longer
/// sets (unless another applier also set them), and an apply that changes a field another
/// applier set is a 409 conflict unless `force=true`. Fields written by PUT/PATCH are not
/// tracked, and `metadata.managedFields` is not produced.
struct AppliedFields: Sendable {
    /// uid (plus `/status` for the status subresource) -> manager -> leaf paths.
    var owners: [String: [String: Set<[String]>]] = [:]

    static let identityPaths: Set<[String]> = [["apiVersion"], ["kind"], ["metadata", "name"], ["metadata", "namespace"]]

    /// Leaf paths of an applied configuration: scalars, lists and empty maps are leaves.
    static func leaves(_ value: JSONValue, prefix: [String] = []) -> Set<[String]> {
        guard case .object(let members) = value, !members.isEmpty else { return prefix.isEmpty ? [] : [prefix] }
        var result: Set<[String]> = []
        for (key, child) in members { result.formUnion(leaves(child, prefix: prefix + [key])) }
        return result.subtracting(identityPaths)
    }

    /// Computes the object after an apply, or throws a 409 naming conflicting managers.
    mutating func apply(
        live: JSONValue, applied: JSONValue, key: String, manager: String, force: Bool, schema: JSONValue?,
        conflict: (String) -> APIError
    ) throws -> JSONValue {
        let newFields = Self.leaves(applied)
        var managers = owners[key] ?? [:]
        let others = managers.filter { $0.key != manager }
        var conflicts: [(manager: String, path: [String])] = []
        for path in newFields.sorted(by: { $0.joined(separator: ".") < $1.joined(separator: ".") }) {
            guard live[path: path] != nil, live[path: path] != applied[path: path] else { continue }
            for (other, fields) in others.sorted(by: { $0.key < $1.key }) where fields.contains(path) {
                conflicts.append((other, path))
            }
        }
        if !conflicts.isEmpty && !force {
            let rendered = conflicts.map { "conflict with \"\($0.manager)\": .\($0.path.joined(separator: "."))" }
            throw conflict("Apply failed with \(conflicts.count) conflict\(conflicts.count == 1 ? "" : "s"): " + rendered.joined(separator: "\n"))
        }
        if force {
            for (other, _) in others { managers[other]?.subtract(newFields) }
        }
        let stillOwned = managers.filter { $0.key != manager }.values.reduce(into: Set<[String]>()) { $0.formUnion($1) }
        let dropped = (managers[manager] ?? []).subtracting(newFields).subtracting(stillOwned)
        var result = live
        for path in dropped { result[path: path] = nil }
        managers[manager] = newFields
        owners[key] = managers
        return Patches.applyMerge(result, applied, schema: schema)
    }

    mutating func forget(uid: String) {
        owners[uid] = nil
        owners[uid + "/status"] = nil
    }
}

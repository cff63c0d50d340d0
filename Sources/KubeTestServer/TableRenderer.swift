import Foundation

/// Server-side printing (`Accept: application/json;as=Table;g=meta.k8s.io;v=v1`), which is
/// what `kubectl get` asks for: Name plus a CRD's additionalPrinterColumns (or Age).
enum TableRenderer {
    static func table(type: ResourceType, objects: [JSONValue], includeObject: String?, listMetadata: JSONValue?) -> JSONValue {
        let columns = self.columns(for: type)
        let definitions: [JSONValue] = columns.map { column in
            [
                "name": .string(column.name), "type": .string(column.type), "format": .string(column.format),
                "description": .string(column.description), "priority": .int(Int64(column.priority)),
            ]
        }
        let rows: [JSONValue] = objects.map { object in
            var row: JSONValue = ["cells": .array(columns.map { cell(for: $0, in: object) })]
            switch includeObject {
            case "None":
                break
            case "Object":
                row["object"] = object
            default:
                row["object"] = [
                    "kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                    "metadata": object["metadata"] ?? [:],
                ]
            }
            return row
        }
        var table: JSONValue = [
            "kind": "Table", "apiVersion": "meta.k8s.io/v1",
            "metadata": listMetadata ?? [:],
            "columnDefinitions": .array(definitions), "rows": .array(rows),
        ]
        if listMetadata == nil { table["metadata"] = [:] }
        return table
    }

    static let nameColumn = PrinterColumn(
        name: "Name", type: "string", format: "name",
        description: "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
        priority: 0, jsonPath: ".metadata.name")
    static let ageColumn = PrinterColumn(
        name: "Age", type: "date", format: "",
        description: "CreationTimestamp is a timestamp representing the server time when this object was created.",
        priority: 0, jsonPath: ".metadata.creationTimestamp")

    static func columns(for type: ResourceType) -> [PrinterColumn] {
        if !type.printerColumns.isEmpty { return [nameColumn] + type.printerColumns }
        if type.key.description == "namespaces" {
            return [nameColumn, PrinterColumn(name: "Status", type: "string", format: "", description: "The status of the namespace", priority: 0, jsonPath: ".status.phase"), ageColumn]
        }
        return [nameColumn, ageColumn]
    }

    static func cell(for column: PrinterColumn, in object: JSONValue) -> JSONValue {
        // Built-in columns may list alternatives separated by `||` (first present wins).
        let found = column.jsonPath.components(separatedBy: "||").lazy
            .compactMap { JSONPathSubset.firstValue($0, in: object) }.first { !$0.isNull }
        guard let value = found else { return .null }
        switch column.type {
        case "date":
            guard let text = value.stringValue, let date = try? Date(text, strategy: .iso8601) else { return "<invalid>" }
            return .string(humanDuration(since: date))
        case "integer":
            return value.intValue.map { .int($0) } ?? .null
        case "number":
            return value.doubleValue.map { .double($0) } ?? .null
        case "boolean":
            return value.boolValue.map { .bool($0) } ?? .null
        default:
            if let text = value.stringValue { return .string(text) }
            return .string(value.serializedString())
        }
    }

    /// apimachinery's `HumanDuration` as the server uses for `date` columns.
    static func humanDuration(since date: Date, now: Date = Date()) -> String {
        let seconds = max(0, Int(now.timeIntervalSince(date)))
        if seconds < 120 { return "\(seconds)s" }
        let minutes = seconds / 60
        if minutes < 10 {
            let rest = seconds % 60
            return rest == 0 ? "\(minutes)m" : "\(minutes)m\(rest)s"
        }
        if minutes < 180 { return "\(minutes)m" }
        let hours = minutes / 60
        if hours < 8 {
            let rest = minutes % 60
            return rest == 0 ? "\(hours)h" : "\(hours)h\(rest)m"
        }
        if hours < 48 { return "\(hours)h" }
        let days = hours / 24
        if hours < 192 {
            let rest = hours % 24
            return rest == 0 ? "\(days)d" : "\(days)d\(rest)h"
        }
        if days < 730 { return "\(days)d" }
        return "\(days / 365)y"
    }
}

/// The JSONPath shapes printer columns use: `.a.b`, `.a[0]`, `.a[*].b` and
/// `.a[?(@.type=="Ready")].status`; the first result is returned.
enum JSONPathSubset {
    static func firstValue(_ path: String, in object: JSONValue) -> JSONValue? {
        var expression = path.trimmingCharacters(in: .whitespaces)
        if expression.hasPrefix("{") && expression.hasSuffix("}") { expression = String(expression.dropFirst().dropLast()) }
        if expression.hasPrefix("$") { expression.removeFirst() }
        var current: [JSONValue] = [object]
        var index = expression.startIndex
        while index < expression.endIndex {
            let character = expression[index]
            if character == "." {
                index = expression.index(after: index)
                let end = expression[index...].firstIndex(where: { $0 == "." || $0 == "[" }) ?? expression.endIndex
                let key = String(expression[index..<end])
                current = current.compactMap { $0[key] }
                index = end
            } else if character == "[" {
                guard let close = matchingBracket(in: expression, from: index) else { return nil }
                let inner = String(expression[expression.index(after: index)..<close])
                current = current.flatMap { apply(selector: inner, to: $0) }
                index = expression.index(after: close)
            } else {
                return nil
            }
        }
        return current.first
    }

    private static func matchingBracket(in text: String, from start: String.Index) -> String.Index? {
        var depth = 0
        var index = start
        while index < text.endIndex {
            if text[index] == "[" { depth += 1 }
            if text[index] == "]" {
                depth -= 1
                if depth == 0 { return index }
            }
            index = text.index(after: index)
        }
        return nil
    }

    private static func apply(selector: String, to value: JSONValue) -> [JSONValue] {
        guard let items = value.arrayValue else { return [] }
        if selector == "*" { return items }
        if let number = Int(selector) {
            let position = number < 0 ? items.count + number : number
            return items.indices.contains(position) ? [items[position]] : []
        }
        // ?(@.field=="value") or ?(@.field=='value')
        guard selector.hasPrefix("?(@."), selector.hasSuffix(")") else { return [] }
        let condition = selector.dropFirst(4).dropLast()
        let negated = condition.contains("!=")
        let parts = condition.components(separatedBy: negated ? "!=" : "==")
        guard parts.count == 2 else { return [] }
        let fieldPath = parts[0].trimmingCharacters(in: .whitespaces).split(separator: ".").map(String.init)
        let expected = parts[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
        return items.filter { item in
            let actual = item[path: fieldPath]
            let text = actual?.stringValue ?? actual.map { $0.serializedString() } ?? ""
            return (text == expected) != negated
        }
    }
}

import KubeModels
import TrustlineCore

/// The policy document canonicaliser (`PolicyCanonicalizer`), which reads documents IAM returns
/// (URL-encoded) and users write. Steady state makes no IAM writes only if the canonical form is
/// a fixed point, survives its own text, and ignores the order of array elements; those are the
/// invariants checked here, besides "parses or throws `PolicyParseError`".
enum PolicyFuzzTarget {
    static func run(_ bytes: [UInt8]) -> FuzzFinding? {
        let document: JSONValue
        do {
            document = try PolicyCanonicalizer.parse(String(decoding: bytes, as: UTF8.self))
        } catch {
            return error.message.isEmpty ? FuzzFinding(.policy, "a parse error without a message") : nil
        }
        let canonical = PolicyCanonicalizer.canonical(document)
        if PolicyCanonicalizer.canonical(canonical) != canonical {
            return FuzzFinding(.policy, "canonicalising twice differs from once: \(PolicyCanonicalizer.compactText(document).escapedForFinding())")
        }
        let compact = PolicyCanonicalizer.compactText(document)
        do {
            let reread = try PolicyCanonicalizer.canonical(text: compact)
            if reread != canonical {
                return FuzzFinding(.policy, "the canonical text \(compact.escapedForFinding()) reads back as a different document")
            }
        } catch {
            return FuzzFinding(.policy, "the canonical text \(compact.escapedForFinding()) does not parse: \(error)")
        }
        let wire = PolicyCanonicalizer.wireText(document)
        do {
            let sent = try PolicyCanonicalizer.parse(wire)
            if !PolicyCanonicalizer.equivalent(sent, document) {
                return FuzzFinding(.policy, "the text sent to IAM \(wire.escapedForFinding()) is not equivalent to the document")
            }
        } catch {
            return FuzzFinding(.policy, "the text sent to IAM \(wire.escapedForFinding()) does not parse: \(error)")
        }
        if !PolicyCanonicalizer.equivalent(reversingArrays(document), document) {
            return FuzzFinding(.policy, "reordering array elements changed the canonical form of \(compact.escapedForFinding())")
        }
        if PolicyCanonicalizer.quotaSize(document) > wire.unicodeScalars.count {
            return FuzzFinding(.policy, "the quota size exceeds the length of the text sent")
        }
        return nil
    }

    /// `value` with every array, at every depth, in reverse order: the same policy to IAM.
    private static func reversingArrays(_ value: JSONValue) -> JSONValue {
        switch value {
        case .array(let elements): .array(elements.reversed().map(reversingArrays))
        case .object(let members): .object(members.mapValues(reversingArrays))
        default: value
        }
    }
}

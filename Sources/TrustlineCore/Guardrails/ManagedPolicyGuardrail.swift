import KubeModels

/// Holds a managed policy's document (its default version, as IAM returns it) to the same
/// `deniedActions` as an inline policy: attaching a managed policy must not grant what an inline
/// statement may not. A document the check cannot read is refused, never trusted: the operator
/// attaches only what it has seen to be within the guardrails.
public enum ManagedPolicyGuardrail {
    /// At most this many offending actions are named in one message; the rest are counted.
    static let namedActionLimit = 20

    /// The refusal of the managed policy `arn` listed at `spec.managedPolicyArns[index]` whose
    /// default version's document is `document`, or nil when every Allow statement is clear of
    /// the denied actions. Deny statements are not credited: the check grants less, never more.
    public static func check(arn: String, index: Int, document: String, guardrails: GuardrailSettings) -> ValidationFailure? {
        let field = "spec.managedPolicyArns[\(index)]"
        let parsed: JSONValue
        do {
            parsed = try PolicyCanonicalizer.parse(document)
        } catch {
            return unreadable(arn, field: field, why: error.message)
        }
        let grants: PolicyGrants
        do {
            grants = try PolicyGrants.read(parsed)
        } catch {
            return unreadable(arn, field: field, why: error.message)
        }
        if grants.allowsNotAction {
            return ValidationFailure(
                .guardrailViolation, field: field,
                "\(arn) allows every action except those it lists (NotAction), which includes actions the guardrail deniedActions (\(guardrails.deniedActions.joined(separator: ", "))) refuses; use a policy that lists the actions it grants")
        }
        var offending: [String] = []
        var patterns: [String] = []
        for action in grants.allowedActions {
            guard let denied = ActionGuardrail.deniedPattern(for: action, guardrails: guardrails) else { continue }
            if !offending.contains(action) { offending.append(action) }
            if !patterns.contains(denied) { patterns.append(denied) }
        }
        guard !offending.isEmpty else { return nil }
        var named = offending.prefix(namedActionLimit).joined(separator: ", ")
        if offending.count > namedActionLimit { named += " and \(offending.count - namedActionLimit) more" }
        return ValidationFailure(
            .guardrailViolation, field: field,
            "\(arn) grants \(named), which the guardrail deniedActions (\(patterns.joined(separator: ", "))) refuses; use a narrower managed policy or an inline policy without those actions")
    }

    private static func unreadable(_ arn: String, field: String, why: String) -> ValidationFailure {
        ValidationFailure(
            .guardrailViolation, field: field,
            "\(arn) cannot be checked against the guardrails (\(why)); the operator attaches only policies it can read, use another policy")
    }
}

/// What the Allow statements of a policy document grant, read leniently: only what decides the
/// guardrail (Effect, Action, NotAction) must be well-formed.
struct PolicyGrants {
    /// A document whose grants cannot be determined.
    struct Unreadable: Error {
        var message: String
    }

    /// The action patterns of every Allow statement, in document order.
    var allowedActions: [String] = []
    /// Whether some Allow statement uses NotAction (grants everything it does not list).
    var allowsNotAction = false

    static func read(_ document: JSONValue) throws(Unreadable) -> PolicyGrants {
        guard let members = document.jsonMembers else {
            throw Unreadable(message: "the document is a \(document.jsonTypeName), not an object")
        }
        let statements: [JSONValue]
        switch members["Statement"] {
        case .object?: statements = [members["Statement"] ?? .null]
        case .array(let items)?: statements = items
        case nil: throw Unreadable(message: "the document has no Statement")
        case let other?: throw Unreadable(message: "Statement is a \(other.jsonTypeName)")
        }
        var grants = PolicyGrants()
        for (index, statement) in statements.enumerated() {
            guard let fields = statement.jsonMembers else {
                throw Unreadable(message: "Statement[\(index)] is a \(statement.jsonTypeName), not an object")
            }
            switch fields["Effect"] {
            case .string("Deny")?: continue
            case .string("Allow")?: break
            default: throw Unreadable(message: "Statement[\(index)].Effect is neither Allow nor Deny")
            }
            if fields["NotAction"] != nil { grants.allowsNotAction = true }
            if let action = fields["Action"] {
                grants.allowedActions += try strings(action, field: "Statement[\(index)].Action")
            } else if fields["NotAction"] == nil {
                throw Unreadable(message: "Statement[\(index)] has neither Action nor NotAction")
            }
        }
        return grants
    }

    private static func strings(_ value: JSONValue, field: String) throws(Unreadable) -> [String] {
        switch value {
        case .string(let text):
            return [text]
        case .array(let items):
            var texts: [String] = []
            for item in items {
                guard let text = item.stringValue else { throw Unreadable(message: "\(field) holds a \(item.jsonTypeName), not a string") }
                texts.append(text)
            }
            return texts
        default:
            throw Unreadable(message: "\(field) is a \(value.jsonTypeName), not a string or a list of strings")
        }
    }
}

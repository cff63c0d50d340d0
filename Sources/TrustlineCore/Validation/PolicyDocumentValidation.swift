import KubeModels

/// Checks the structure of an identity policy document (Version, Statement as object or array,
/// Effect, Action/NotAction, Resource/NotResource, Condition) and applies the action guardrails
/// to each Allow statement. Failures carry the exact field path of the offending value.
enum PolicyDocumentValidation {
    static let versions = ["2012-10-17", "2008-10-17"]
    static let documentKeys: Set<String> = ["Version", "Id", "Statement"]
    static let statementKeys: Set<String> = ["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition"]

    static func validate(_ document: JSONValue, field: String, guardrails: GuardrailSettings, into failures: inout [ValidationFailure]) {
        // First, so nothing below walks a document of unbounded depth or size.
        if let violation = PolicyDocumentBounds.violation(of: document, field: field) {
            failures.append(violation)
            return
        }
        guard let members = document.jsonMembers else {
            failures.append(.init(.invalidSpec, field: field, "a policy document must be an object with Version and Statement, found a \(document.jsonTypeName)"))
            return
        }
        checkCharacters(document, field: field, into: &failures)
        for key in members.keys.sorted() where !documentKeys.contains(key) {
            failures.append(.init(.invalidSpec, field: "\(field).\(key)", "unknown policy element \(key); a policy document has Version, Id and Statement"))
        }
        switch members["Version"] {
        case nil:
            failures.append(.init(.invalidSpec, field: "\(field).Version", "Version is missing; add Version: \"2012-10-17\""))
        case .string(let version)? where versions.contains(version):
            break
        case let other?:
            failures.append(.init(.invalidSpec, field: "\(field).Version", "Version \(CompactJSON.serialize(other)) is not a policy language version; use \"2012-10-17\""))
        }
        if let id = members["Id"], id.stringValue == nil {
            failures.append(.init(.invalidSpec, field: "\(field).Id", "Id must be a string"))
        }
        switch members["Statement"] {
        case nil:
            failures.append(.init(.invalidSpec, field: "\(field).Statement", "Statement is missing; add at least one statement with Effect, Action and Resource"))
        case .object?:
            if let statement = members["Statement"] {
                validateStatement(statement, field: "\(field).Statement", guardrails: guardrails, into: &failures)
            }
        case .array(let statements)?:
            if statements.isEmpty {
                failures.append(.init(.invalidSpec, field: "\(field).Statement", "Statement is empty; add at least one statement"))
            }
            var sids: [String: Int] = [:]
            for (index, statement) in statements.enumerated() {
                validateStatement(statement, field: "\(field).Statement[\(index)]", guardrails: guardrails, into: &failures)
                if let sid = statement["Sid"]?.stringValue {
                    if let first = sids[sid] {
                        failures.append(.init(.invalidSpec, field: "\(field).Statement[\(index)].Sid", "Sid \"\(sid)\" is already used by Statement[\(first)]; Sids must be unique within a policy"))
                    } else {
                        sids[sid] = index
                    }
                }
            }
        case let other?:
            failures.append(.init(.invalidSpec, field: "\(field).Statement", "Statement must be an object or a list of objects, found a \(other.jsonTypeName)"))
        }
    }

    private static func validateStatement(_ statement: JSONValue, field: String, guardrails: GuardrailSettings, into failures: inout [ValidationFailure]) {
        guard let members = statement.jsonMembers else {
            failures.append(.init(.invalidSpec, field: field, "a statement must be an object with Effect, Action and Resource, found a \(statement.jsonTypeName)"))
            return
        }
        for key in members.keys.sorted() where !statementKeys.contains(key) {
            if key == "Principal" || key == "NotPrincipal" {
                failures.append(.init(.invalidSpec, field: "\(field).\(key)", "\(key) has no place in a role's permission policy; remove it (the trust policy is rendered by the operator)"))
            } else {
                failures.append(.init(.invalidSpec, field: "\(field).\(key)", "unknown statement element \(key); use Sid, Effect, Action or NotAction, Resource or NotResource, Condition"))
            }
        }
        if let sid = members["Sid"] {
            if let text = sid.stringValue {
                if !text.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }) {
                    failures.append(.init(.invalidSpec, field: "\(field).Sid", "Sid \"\(text)\" may contain only ASCII letters and digits"))
                }
            } else {
                failures.append(.init(.invalidSpec, field: "\(field).Sid", "Sid must be a string"))
            }
        }
        var isAllow = false
        switch members["Effect"] {
        case .string("Allow")?: isAllow = true
        case .string("Deny")?: break
        case nil: failures.append(.init(.invalidSpec, field: "\(field).Effect", "Effect is missing; use Allow or Deny"))
        case let other?: failures.append(.init(.invalidSpec, field: "\(field).Effect", "Effect \(CompactJSON.serialize(other)) is not Allow or Deny"))
        }

        let action = members["Action"], notAction = members["NotAction"]
        if action != nil && notAction != nil {
            failures.append(.init(.invalidSpec, field: "\(field).NotAction", "a statement has either Action or NotAction, not both"))
        } else if action == nil && notAction == nil {
            failures.append(.init(.invalidSpec, field: "\(field).Action", "Action is missing; list the actions the statement grants or denies, like s3:GetObject"))
        }
        if let action {
            for (value, path) in stringList(action, field: "\(field).Action", what: "action", into: &failures) {
                guard checkActionPattern(value, field: path, into: &failures), isAllow else { continue }
                if let denied = ActionGuardrail.deniedPattern(for: value, guardrails: guardrails) {
                    failures.append(.init(.guardrailViolation, field: path, "action \"\(value)\" can grant actions matching the denied pattern \"\(denied)\"; remove it or name only actions outside \(denied)"))
                }
            }
        }
        if let notAction {
            let values = stringList(notAction, field: "\(field).NotAction", what: "action", into: &failures)
            for (value, path) in values { _ = checkActionPattern(value, field: path, into: &failures) }
            if isAllow {
                failures.append(.init(.guardrailViolation, field: "\(field).NotAction", "NotAction in an Allow statement grants every action not listed, including denied ones; list the granted actions under Action instead"))
            }
        }

        let resource = members["Resource"], notResource = members["NotResource"]
        if resource != nil && notResource != nil {
            failures.append(.init(.invalidSpec, field: "\(field).NotResource", "a statement has either Resource or NotResource, not both"))
        } else if resource == nil && notResource == nil {
            failures.append(.init(.invalidSpec, field: "\(field).Resource", "Resource is missing; name the ARNs the statement applies to, or \"*\""))
        }
        for (key, value) in [("Resource", resource), ("NotResource", notResource)] {
            guard let value else { continue }
            for (text, path) in stringList(value, field: "\(field).\(key)", what: "resource", into: &failures)
            where text != "*" && !text.hasPrefix("arn:") {
                failures.append(.init(.invalidSpec, field: path, "resource \"\(text)\" is not an ARN; write arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE or \"*\""))
            }
        }
        if let condition = members["Condition"] {
            validateCondition(condition, field: "\(field).Condition", into: &failures)
        }
    }

    /// The strings of a value that may be one string or a non-empty list of strings, with paths.
    private static func stringList(_ value: JSONValue, field: String, what: String, into failures: inout [ValidationFailure]) -> [(String, String)] {
        switch value {
        case .string(let text):
            return [(text, field)]
        case .array(let items):
            if items.isEmpty {
                failures.append(.init(.invalidSpec, field: field, "the list is empty; name at least one \(what)"))
            }
            var result: [(String, String)] = []
            for (index, item) in items.enumerated() {
                if let text = item.stringValue {
                    result.append((text, "\(field)[\(index)]"))
                } else {
                    failures.append(.init(.invalidSpec, field: "\(field)[\(index)]", "each \(what) must be a string, found a \(item.jsonTypeName)"))
                }
            }
            return result
        default:
            failures.append(.init(.invalidSpec, field: field, "must be a string or a list of strings, found a \(value.jsonTypeName)"))
            return []
        }
    }

    /// `*` or `service:action` where both parts are letters, digits (and `-` in the service) with globs.
    private static func checkActionPattern(_ text: String, field: String, into failures: inout [ValidationFailure]) -> Bool {
        if text == "*" { return true }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        let isGlobAlnum: (Unicode.Scalar) -> Bool = { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "*" || $0 == "?" }
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
            parts[0].unicodeScalars.allSatisfy({ isGlobAlnum($0) || $0 == "-" }),
            parts[1].unicodeScalars.allSatisfy(isGlobAlnum)
        else {
            failures.append(.init(.invalidSpec, field: field, "\"\(text)\" is not an action; write service:Action like s3:GetObject (wildcards * and ? allowed)"))
            return false
        }
        return true
    }

    private static func validateCondition(_ condition: JSONValue, field: String, into failures: inout [ValidationFailure]) {
        guard let operators = condition.jsonMembers else {
            failures.append(.init(.invalidSpec, field: field, "Condition must map operators (like StringEquals) to key/value objects, found a \(condition.jsonTypeName)"))
            return
        }
        for (name, block) in operators.sorted(by: { $0.key < $1.key }) {
            guard let keys = block.jsonMembers else {
                failures.append(.init(.invalidSpec, field: "\(field).\(name)", "a condition operator must map condition keys to values, found a \(block.jsonTypeName)"))
                continue
            }
            for (key, value) in keys.sorted(by: { $0.key < $1.key }) {
                let scalarOK: (JSONValue) -> Bool = {
                    switch $0 {
                    case .string, .bool, .number: return true
                    default: return false
                    }
                }
                let valid: Bool
                if case .array(let items) = value { valid = !items.isEmpty && items.allSatisfy(scalarOK) } else { valid = scalarOK(value) }
                if !valid {
                    failures.append(.init(.invalidSpec, field: "\(field).\(name).\(key)", "a condition value must be a string, number, boolean or a non-empty list of them"))
                }
            }
        }
    }

    /// IAM accepts only tab, newline, carriage return and U+0020..U+00FF in documents.
    private static func checkCharacters(_ document: JSONValue, field: String, into failures: inout [ValidationFailure]) {
        var bad: Unicode.Scalar?
        func visit(_ value: JSONValue) {
            guard bad == nil else { return }
            switch value {
            case .string(let text):
                bad = text.unicodeScalars.first { !IAMNames.isPolicyDocumentCharacter($0) }
            case .array(let items):
                items.forEach(visit)
            case .object(let members):
                for (key, member) in members {
                    if let scalar = key.unicodeScalars.first(where: { !IAMNames.isPolicyDocumentCharacter($0) }) { bad = scalar }
                    visit(member)
                }
            default:
                break
            }
        }
        visit(document)
        if let bad {
            failures.append(.init(.invalidSpec, field: field, "the document contains \(IAMNames.describe(bad)); IAM policies allow only tab, newlines and characters U+0020 to U+00FF"))
        }
    }
}

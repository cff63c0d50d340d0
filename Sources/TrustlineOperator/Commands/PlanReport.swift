import Foundation
import KubeModels
import TrustlineCore

/// Renders `trustline plan` results as text for people or JSON for tools, and the exit status
/// they mean (docs/design.md section 6: 0 clean, 1 violations), so the command stays a thin shell.
public enum PlanReport {
    /// 0 when every resource passes and no manifest problem is an error (warnings do not count),
    /// 1 otherwise.
    public static func exitStatus(for planned: [PlannedAccess], problems: [ManifestProblem] = []) -> Int32 {
        planned.contains(where: \.isRefused) || problems.contains(where: \.isError) ? 1 : 0
    }

    /// `{"resources": [...], "refused": N, "problems": [...], "errors": N, "notes": [...]}`, keys
    /// sorted; with `usageError`, the report of a run that stopped on a usage error (exit 2).
    public static func json(_ planned: [PlannedAccess], problems: [ManifestProblem] = [], notes: [String], usageError: String? = nil) -> String {
        struct Output: Encodable {
            var resources: [PlannedAccess]
            var refused: Int
            var problems: [ManifestProblem]
            var errors: Int
            var notes: [String]
            var usageError: String?
        }
        let output = Output(
            resources: planned, refused: planned.filter(\.isRefused).count, problems: problems,
            errors: problems.filter(\.isError).count, notes: notes, usageError: usageError)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(output), as: UTF8.self)
        } catch {
            // Only a non-finite number fails to encode; the report must still be JSON.
            let fallback = Output(resources: [], refused: output.refused, problems: problems, errors: output.errors, notes: notes,
                                  usageError: "the report could not be encoded as JSON: \(error)")
            return (try? encoder.encode(fallback)).map { String(decoding: $0, as: UTF8.self) } ?? #"{"usageError":"the report could not be encoded as JSON"}"#
        }
    }

    /// The manifest problems, one line each (`file#N: error: field: message`).
    public static func text(problems: [ManifestProblem]) -> String {
        problems.map { $0.line + "\n" }.joined()
    }

    /// One block per resource, refusals with each violation's field, then a count line.
    public static func text(_ planned: [PlannedAccess], problems: [ManifestProblem] = [], notes: [String]) -> String {
        var out = ""
        for note in notes { out += "note: \(note)\n" }
        out += text(problems: problems)
        if planned.isEmpty { out += "no WorkloadAwsAccess resources found\n" }
        for access in planned {
            out += "\n\(access.namespace)/\(access.name)  (\(access.source))\n"
            guard let rendered = access.rendered else {
                out += "  REFUSED: \(access.reason ?? "InvalidSpec")\n"
                for violation in access.violations {
                    out += "    - \(violation.reason.rawValue) \(violation.field): \(violation.message)\n"
                }
                continue
            }
            let role = rendered.role
            out += "  role: \(role.name)\n  arn: \(role.arn)\n  path: \(role.path)\n"
            if !role.description.isEmpty { out += "  description: \(role.description)\n" }
            out += "  maxSessionDuration: \(role.maxSessionDuration)s\n"
            if let boundary = role.permissionsBoundaryArn { out += "  permissionsBoundary: \(boundary)\n" }
            out += "  trust policy:\n" + indented(pretty(role.trustPolicy), by: 4)
            for name in role.inlinePolicies.keys.sorted() {
                if let document = role.inlinePolicies[name] {
                    out += "  inline policy \(name):\n" + indented(pretty(document), by: 4)
                }
            }
            out += "  managed policies: \(role.managedPolicyArns.isEmpty ? "none" : role.managedPolicyArns.sorted().joined(separator: ", "))\n"
            out += "  tags:\n"
            for key in role.tags.keys.sorted() {
                let value = role.tags[key] ?? ""
                out += "    \(key)=\(value.isEmpty && key == OwnershipTags.uid ? "<the resource's uid, set when it is created>" : value)\n"
            }
            let verb = rendered.createServiceAccount ? "created if missing, owned by the resource" : "must exist; only annotated"
            out += "  ServiceAccount \(access.namespace)/\(rendered.serviceAccountName) (\(verb)) annotations:\n"
            for key in rendered.serviceAccountAnnotations.keys.sorted() {
                out += "    \(key): \(rendered.serviceAccountAnnotations[key] ?? "")\n"
            }
            if let live = access.live {
                out += "  live IAM (read with \(live.readCalls.joined(separator: ", "))): \(live.ownership)"
                out += live.message.map { " - \($0)" } ?? ""
                out += "\n"
                if !live.calls.isEmpty {
                    out += "  IAM calls a reconcile would make:\n"
                    for (index, call) in live.calls.enumerated() {
                        out += "    \(index + 1). \(call.apiName): \(call.summary)\n"
                    }
                }
            }
        }
        let refused = planned.filter(\.isRefused).count
        out += "\n\(planned.count) resource(s), \(refused) refused"
        let errors = problems.filter(\.isError).count
        let warnings = problems.count - errors
        if errors > 0 { out += ", \(errors) manifest error(s)" }
        if warnings > 0 { out += ", \(warnings) warning(s)" }
        out += "\n"
        return out
    }

    static func pretty(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "\(value)" }
        return String(decoding: data, as: UTF8.self)
    }

    static func indented(_ text: String, by spaces: Int) -> String {
        let pad = String(repeating: " ", count: spaces)
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { pad + $0 }.joined(separator: "\n") + "\n"
    }
}

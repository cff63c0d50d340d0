import Foundation

/// The operator-wide guardrails of docs/design.md section 3 that are not about policy statements:
/// namespaces, managed policy ARNs, explicit role names, counts and the trust policy size.
enum GuardrailCheck {
    static func checkNamespace(_ namespace: String, guardrails: GuardrailSettings, into failures: inout [ValidationFailure]) {
        guard !namespace.isEmpty else { return }
        if let denied = guardrails.deniedNamespaces.first(where: { Glob.matches($0, namespace) }) {
            failures.append(.init(.guardrailViolation, field: "metadata.namespace", "namespace \(namespace) is denied by the operator's guardrail \"\(denied)\"; ask the operator's administrators or use another namespace"))
        } else if !guardrails.allowedNamespaces.isEmpty, !guardrails.allowedNamespaces.contains(where: { Glob.matches($0, namespace) }) {
            failures.append(.init(.guardrailViolation, field: "metadata.namespace", "namespace \(namespace) is not among the allowed namespaces (\(guardrails.allowedNamespaces.joined(separator: ", "))); ask the operator's administrators"))
        }
    }

    /// An explicit name inside the derived-name space of this cluster (`{clusterName}.`) must be
    /// this resource's own derived name: otherwise one tenant could squat another's future role.
    static func checkExplicitRoleName(_ name: String, resource: WorkloadAwsAccess, clusterName: String, into failures: inout [ValidationFailure]) {
        let derived = RoleNaming.derivedName(clusterName: clusterName, namespace: resource.namespace, name: resource.name)
        if name.lowercased().hasPrefix(clusterName.lowercased() + "."), name.lowercased() != derived.lowercased() {
            failures.append(.init(.guardrailViolation, field: "spec.role.name", "names starting with \"\(clusterName).\" are reserved for derived role names; leave spec.role.name empty or pick a name without that prefix"))
        }
    }

    static func checkManagedPolicies(_ arns: [String], namespace: String, partition: String, guardrails: GuardrailSettings, into failures: inout [ValidationFailure]) {
        var seen: [String: Int] = [:]
        for (index, arn) in arns.enumerated() {
            let field = "spec.managedPolicyArns[\(index)]"
            if let first = seen[arn] {
                failures.append(.init(.invalidSpec, field: field, "\(arn) is already listed at spec.managedPolicyArns[\(first)]; list each policy once"))
                continue
            }
            seen[arn] = index
            guard let parts = IAMNames.managedPolicyArnParts(arn) else {
                failures.append(.init(.invalidSpec, field: field, "\"\(arn)\" is not a managed policy ARN; write arn:aws:iam::aws:policy/NAME or arn:aws:iam::ACCOUNT:policy/PATH/NAME"))
                continue
            }
            if parts.partition != partition {
                failures.append(.init(.invalidSpec, field: field, "\(arn) is in partition \(parts.partition) but the operator runs in \(partition); use arn:\(partition):..."))
                continue
            }
            let expand: (String) -> String = { $0.replacingOccurrences(of: "${namespace}", with: namespace) }
            if let denied = guardrails.deniedManagedPolicyArns.first(where: { Glob.matches(expand($0), arn, caseInsensitive: true) }) {
                failures.append(.init(.guardrailViolation, field: field, "\(arn) is denied by the operator's guardrail \"\(denied)\"; use a narrower policy"))
            } else if !guardrails.allowedManagedPolicyArns.isEmpty,
                !guardrails.allowedManagedPolicyArns.contains(where: { Glob.matches(expand($0), arn, caseInsensitive: true) })
            {
                failures.append(.init(.guardrailViolation, field: field, "\(arn) is not among the allowed managed policies (\(guardrails.allowedManagedPolicyArns.map(expand).joined(separator: ", "))); use an allowed policy or an inline policy"))
            }
        }
        if arns.count > guardrails.quotas.managedPoliciesPerRole {
            failures.append(.init(.guardrailViolation, field: "spec.managedPolicyArns", "\(arns.count) managed policies; a role may have at most \(guardrails.quotas.managedPoliciesPerRole) attached, remove \(arns.count - guardrails.quotas.managedPoliciesPerRole)"))
        }
    }

    /// The rendered trust policy, counted as IAM counts it, must fit the quota.
    static func checkTrustPolicySize(_ resource: WorkloadAwsAccess, context: RenderingContext, quotas: QuotaSettings, into failures: inout [ValidationFailure]) {
        let size = PolicyCanonicalizer.quotaSize(TrustPolicy.document(for: resource, context: context))
        if size > quotas.trustPolicySize {
            failures.append(.init(.guardrailViolation, field: "spec.audience", "the rendered trust policy is \(size) characters (whitespace not counted), over the limit of \(quotas.trustPolicySize); shorten spec.audience or spec.serviceAccount.name"))
        }
    }
}

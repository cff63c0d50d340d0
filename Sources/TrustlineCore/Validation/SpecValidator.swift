import KubeModels

/// Checks a resource against IAM's rules and the spec's bounds (reason `InvalidSpec`) and against
/// the operator's guardrails (reason `GuardrailViolation`). Collects every failure with its
/// field path; an empty result means the resource may be rendered and reconciled.
public enum SpecValidator {
    /// All failures of `resource`, in field order.
    public static func validate(_ resource: WorkloadAwsAccess, settings: OperatorSettings, context: RenderingContext) -> [ValidationFailure] {
        var failures: [ValidationFailure] = []
        let spec = resource.spec
        checkMetadata(resource, into: &failures)
        GuardrailCheck.checkNamespace(resource.namespace, guardrails: settings.guardrails, into: &failures)
        checkServiceAccount(spec.serviceAccount, into: &failures)
        checkRole(resource, clusterName: context.clusterName, into: &failures)
        checkTags(spec.role.tags, quotas: settings.guardrails.quotas, into: &failures)
        if !SpecLimits.audienceLength.contains(spec.audience.count) || spec.audience.contains(where: { $0.isWhitespace }) {
            failures.append(.init(.invalidSpec, field: "spec.audience", "audience \"\(spec.audience)\" must be 1 to 255 characters without spaces; the default is sts.amazonaws.com"))
        }
        checkInlinePolicies(spec.inlinePolicies, settings: settings, into: &failures)
        GuardrailCheck.checkManagedPolicies(spec.managedPolicyArns, namespace: resource.namespace, partition: context.partition, guardrails: settings.guardrails, into: &failures)
        if let seconds = spec.tokenExpirationSeconds, !SpecLimits.tokenExpiration.contains(seconds) {
            failures.append(.init(.invalidSpec, field: "spec.tokenExpirationSeconds", "\(seconds) is outside 600..86400; pick a token lifetime between 10 minutes and 24 hours"))
        }
        if !DeletionPolicy.allowed.contains(spec.deletionPolicy) {
            failures.append(.init(.invalidSpec, field: "spec.deletionPolicy", "\"\(spec.deletionPolicy.rawValue)\" is not a deletion policy; use Delete or Retain"))
        }
        if failures.isEmpty {
            GuardrailCheck.checkTrustPolicySize(resource, context: context, quotas: settings.guardrails.quotas, into: &failures)
        }
        return failures
    }

    private static func checkMetadata(_ resource: WorkloadAwsAccess, into failures: inout [ValidationFailure]) {
        if resource.namespace.isEmpty {
            failures.append(.init(.invalidSpec, field: "metadata.namespace", "the resource has no namespace; WorkloadAwsAccess is namespaced"))
        } else if !KubernetesNames.isLabel(resource.namespace) {
            failures.append(.init(.invalidSpec, field: "metadata.namespace", "\"\(resource.namespace)\" is not a valid namespace name (lower-case letters, digits and -, at most 63)"))
        }
        if resource.name.isEmpty {
            failures.append(.init(.invalidSpec, field: "metadata.name", "the resource has no name"))
        } else if !KubernetesNames.isSubdomain(resource.name) {
            failures.append(.init(.invalidSpec, field: "metadata.name", "\"\(resource.name)\" is not a valid Kubernetes object name (\(KubernetesNames.subdomainRule))"))
        }
    }

    private static func checkServiceAccount(_ serviceAccount: ServiceAccountSpec, into failures: inout [ValidationFailure]) {
        guard let name = serviceAccount.name, !name.isEmpty else { return }
        if !KubernetesNames.isSubdomain(name) {
            failures.append(.init(.invalidSpec, field: "spec.serviceAccount.name", "\"\(name)\" is not a valid ServiceAccount name (\(KubernetesNames.subdomainRule)); leave it empty to use metadata.name"))
        }
    }

    private static func checkRole(_ resource: WorkloadAwsAccess, clusterName: String, into failures: inout [ValidationFailure]) {
        let role = resource.spec.role
        if let name = role.name, !name.isEmpty {
            if !IAMNames.isValidRoleName(name) {
                failures.append(.init(.invalidSpec, field: "spec.role.name", "\"\(name)\" is not a valid IAM role name: use 1 to 64 letters, digits and + = , . @ _ -, or leave it empty for the derived name"))
            } else {
                GuardrailCheck.checkExplicitRoleName(name, resource: resource, clusterName: clusterName, into: &failures)
            }
        } else if !resource.namespace.isEmpty, !resource.name.isEmpty {
            let derived = RoleNaming.derivedName(clusterName: clusterName, namespace: resource.namespace, name: resource.name)
            if !IAMNames.isValidRoleName(derived) {
                failures.append(.init(.invalidSpec, field: "metadata.name", "the derived role name \"\(derived)\" is not a valid IAM role name; set spec.role.name"))
            }
        }
        if let path = role.path, !path.isEmpty, let problem = IAMNames.pathProblem(path) {
            failures.append(.init(.invalidSpec, field: "spec.role.path", problem + "; leave it empty for the operator's path"))
        }
        if let problem = IAMNames.descriptionProblem(role.description) {
            failures.append(.init(.invalidSpec, field: "spec.role.description", problem))
        }
        if !SpecLimits.maxSessionDuration.contains(role.maxSessionDurationSeconds) {
            failures.append(.init(.invalidSpec, field: "spec.role.maxSessionDurationSeconds", "\(role.maxSessionDurationSeconds) is outside 3600..43200 (1 to 12 hours)"))
        }
    }

    private static func checkTags(_ tags: [String: String], quotas: QuotaSettings, into failures: inout [ValidationFailure]) {
        var seen: [String: String] = [:]
        for key in tags.keys.sorted() {
            let field = "spec.role.tags[\(key)]"
            let lowered = key.lowercased()
            if let other = seen[lowered] {
                failures.append(.init(.invalidSpec, field: field, "tag key \"\(key)\" duplicates \"\(other)\"; IAM compares tag keys ignoring case, keep one"))
            }
            seen[lowered] = key
            if key.isEmpty || key.unicodeScalars.count > IAMNames.tagKeyMaxLength {
                failures.append(.init(.invalidSpec, field: field, "tag keys must be 1 to 128 characters long"))
            } else if let bad = key.unicodeScalars.first(where: { !IAMNames.isTagCharacter($0) }) {
                failures.append(.init(.invalidSpec, field: field, "tag key contains \(IAMNames.describe(bad)); use letters, digits, spaces and _ . : / = + - @"))
            }
            if lowered.hasPrefix("aws:") {
                failures.append(.init(.invalidSpec, field: field, "tag keys starting with aws: are reserved by AWS; rename the tag"))
            }
            if lowered.hasPrefix(OwnershipTags.reservedPrefix) {
                failures.append(.init(.invalidSpec, field: field, "tag keys under trustline.dev/ are reserved for the operator's ownership tags; rename the tag"))
            }
            let value = tags[key] ?? ""
            if value.unicodeScalars.count > IAMNames.tagValueMaxLength {
                failures.append(.init(.invalidSpec, field: field, "tag value is \(value.unicodeScalars.count) characters long; IAM allows at most 256"))
            } else if let bad = value.unicodeScalars.first(where: { !IAMNames.isTagCharacter($0) }) {
                failures.append(.init(.invalidSpec, field: field, "tag value contains \(IAMNames.describe(bad)); use letters, digits, spaces and _ . : / = + - @"))
            }
        }
        let total = tags.count + OwnershipTags.keys.count
        if total > quotas.tagsPerRole {
            failures.append(.init(.guardrailViolation, field: "spec.role.tags", "\(tags.count) tags plus the \(OwnershipTags.keys.count) ownership tags make \(total); a role may carry at most \(quotas.tagsPerRole), remove \(total - quotas.tagsPerRole)"))
        }
    }

    private static func checkInlinePolicies(_ policies: [InlinePolicy], settings: OperatorSettings, into failures: inout [ValidationFailure]) {
        var seen: [String: Int] = [:]
        if policies.count > SpecLimits.maxInlinePolicies {
            failures.append(.init(.invalidSpec, field: "spec.inlinePolicies", "\(policies.count) inline policies; at most \(SpecLimits.maxInlinePolicies)"))
        }
        for (index, policy) in policies.enumerated() {
            let field = "spec.inlinePolicies[\(index)]"
            let name = policy.name
            if name.isEmpty || name.unicodeScalars.count > IAMNames.policyNameMaxLength || !name.unicodeScalars.allSatisfy(IAMNames.isNameCharacter) {
                failures.append(.init(.invalidSpec, field: "\(field).name", "\"\(name)\" is not a valid policy name: use 1 to 128 letters, digits and + = , . @ _ -"))
            }
            if let first = seen[name.lowercased()] {
                failures.append(.init(.invalidSpec, field: "\(field).name", "policy name \"\(name)\" is already used by spec.inlinePolicies[\(first)]; names must be unique"))
            } else {
                seen[name.lowercased()] = index
            }
            PolicyDocumentValidation.validate(policy.document, field: "\(field).document", guardrails: settings.guardrails, into: &failures)
        }
        let total = policies.reduce(0) { $0 + PolicyCanonicalizer.quotaSize($1.document) }
        if total > settings.guardrails.quotas.inlinePolicySize {
            failures.append(.init(.guardrailViolation, field: "spec.inlinePolicies", "the inline policies add up to \(total) characters (whitespace not counted); a role's inline policies may total at most \(settings.guardrails.quotas.inlinePolicySize): shorten them or move permissions to managed policies"))
        }
    }
}

import AWSClients
import Foundation

/// GetAccountAuthorizationDetails (`Filter=Role`) of the in-memory IAM, paged as IAM pages it:
/// `MaxItems` roles a page (100 when not given, 1 to 1000), `IsTruncated` with an opaque
/// `Marker` naming where the next page starts. Roles come in name order, and the marker is the
/// last name served, so a role created or deleted between pages is seen or missed exactly as a
/// real listing in progress would. `beforePage` lets a test change IAM between pages; moto
/// returns every role in one page and ignores `MaxItems`, so paging is tested here.
extension InMemoryIAM {
    func roleAuthorizationDetailsPage(marker: String?, pageSize: Int?) async throws(AWSClientError) -> RoleAuthorizationDetailsPage {
        if let pageSize, !(1...1000).contains(pageSize) {
            throw .invalidInput(field: "pageSize", reason: "must be between 1 and 1000, got \(pageSize)")
        }
        let hooks = state.withLock { state -> [@Sendable (InMemoryIAM) -> Void] in
            if marker == nil {
                state.nextPageIndex = 0
                state.listedRoleNames = []
            }
            let index = state.nextPageIndex
            state.nextPageIndex += 1
            return state.pageHooks.removeValue(forKey: index) ?? []
        }
        for hook in hooks { hook(self) }
        return try await perform("GetAccountAuthorizationDetails") { (state: inout State) throws(AWSClientError) -> RoleAuthorizationDetailsPage in
            let ordered = state.roles.keys.sorted()
            let start: Int
            if let marker {
                guard let after = Self.decodeMarker(marker) else {
                    throw Self.error("InvalidInput", "Invalid Marker \(marker)", status: 400)
                }
                start = ordered.firstIndex { $0 > after } ?? ordered.count
            } else {
                start = 0
            }
            let end = min(ordered.count, start + (pageSize ?? 100))
            let served = ordered[start..<end].compactMap { state.roles[$0] }.map(Self.roleDetail)
            let next = end < ordered.count ? Self.encodeMarker(ordered[end - 1]) : nil
            state.listedRoleNames.formUnion(served.map(\.roleName))
            return RoleAuthorizationDetailsPage(roles: served, nextMarker: next)
        }
    }

    /// Runs `body` once, just before the page of index `page` (0 is the first) of the next
    /// listing is read: a role changed, deleted or created between pages.
    func beforePage(_ page: Int, _ body: @escaping @Sendable (InMemoryIAM) -> Void) {
        state.withLock { $0.pageHooks[page, default: []].append(body) }
    }

    /// Whether the listing in progress has served the role `name` already (for a `beforePage` hook).
    func listedAlready(_ name: String) -> Bool {
        state.withLock { $0.listedRoleNames.contains(name) }
    }

    /// Drops the `beforePage` hooks that have not run.
    func removePageHooks() {
        state.withLock { $0.pageHooks.removeAll() }
    }

    static func roleDetail(_ role: StoredRole) -> IAMRoleDetail {
        IAMRoleDetail(
            path: role.path, roleName: role.name, roleId: role.roleId, arn: role.arn, createDate: role.createDate,
            assumeRolePolicyDocument: role.trustPolicy,
            inlinePolicies: role.inlinePolicies.keys.sorted().map {
                RolePolicy(roleName: role.name, policyName: $0, policyDocument: role.inlinePolicies[$0] ?? "")
            },
            attachedPolicies: role.attachedPolicies.map {
                AttachedPolicy(policyName: String($0.split(separator: "/").last ?? ""), policyArn: $0)
            },
            permissionsBoundaryArn: role.boundary, tags: role.tags)
    }

    /// IAM's markers are opaque; this one hides the last key served so tests cannot lean on it.
    private static func encodeMarker(_ key: String) -> String { Data(key.utf8).base64EncodedString() }
    private static func decodeMarker(_ marker: String) -> String? {
        Data(base64Encoded: marker).flatMap { String(data: $0, encoding: .utf8) }
    }
}

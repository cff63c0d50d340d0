import AWSClients
import Foundation
import TrustlineCore

/// A role found under a role path, with the ownership tags it carries.
struct TaggedRole: Sendable, Equatable {
    var name: String
    var createDate: Date
    /// The resource the four ownership tags name; nil when any of them is missing or the uid is empty
    /// (such a role is never retired or swept).
    var owner: OwnerIdentity?
    /// Carries `OwnershipTags.retained`: kept on purpose by a deletion with `Retain`.
    var retained: Bool
}

extension TaggedRole {
    /// The role as a GetAccountAuthorizationDetails page shows it, which carries the tags.
    init(_ detail: IAMRoleDetail) {
        self.init(
            name: detail.roleName, createDate: detail.createDate, owner: TaggedRoleInventory.owner(in: detail.tags),
            retained: TaggedRoleInventory.value(of: OwnershipTags.retained, in: detail.tags) != nil)
    }
}

/// Lists the roles under a role path with their ownership tags, so the operator can find every
/// role a resource may have made, including ones status never named (quick renames skip status
/// writes; a CreateRole that timed out may land later). It reads GetAccountAuthorizationDetails
/// pages (every role of the account with its tags, up to 1000 a page, filtered by path here), so a
/// listing costs a call per 1000 roles in the account instead of one ListRoleTags per role
/// (docs/design.md section 12). Where that call is denied (an operator policy from before it was
/// granted), it falls back to ListRoles and one ListRoleTags per role. `createdSince` skips roles
/// made before a resource existed, which cannot be its own (an adopted one predates it, but is
/// named in status and retired through that).
struct TaggedRoleInventory: Sendable {
    let iam: any IAMAPI
    /// Roles per GetAccountAuthorizationDetails page (IAM's maximum).
    var pageSize = 1000

    func roles(under pathPrefix: String, createdSince: Date? = nil) async throws(OwnedRoleRemoval.Failure) -> [TaggedRole] {
        var roles: [TaggedRole] = []
        var marker: String?
        repeat {
            let page: RoleAuthorizationDetailsPage
            do {
                page = try await iam.roleAuthorizationDetailsPage(marker: marker, pageSize: pageSize)
            } catch where error.isAccessDenied && marker == nil {
                return try await rolesOneByOne(under: pathPrefix, createdSince: createdSince)
            } catch {
                throw OwnedRoleRemoval.Failure(action: "GetAccountAuthorizationDetails", error: error)
            }
            for role in page.roles where role.path.hasPrefix(pathPrefix) {
                if let createdSince, role.createDate < createdSince { continue }
                roles.append(Self.tagged(name: role.roleName, createDate: role.createDate, tags: role.tags))
            }
            marker = page.nextMarker
        } while marker != nil
        return roles
    }

    /// ListRoles under the path, then each role's tags.
    private func rolesOneByOne(under pathPrefix: String, createdSince: Date?) async throws(OwnedRoleRemoval.Failure) -> [TaggedRole] {
        let listed: [IAMRole]
        do {
            listed = try await iam.listRoles(pathPrefix: pathPrefix)
        } catch {
            throw OwnedRoleRemoval.Failure(action: "ListRoles", error: error)
        }
        var roles: [TaggedRole] = []
        for role in listed {
            if let createdSince, role.createDate < createdSince { continue }
            let tags: [IAMTag]
            do {
                tags = try await iam.listRoleTags(roleName: role.roleName)
            } catch where error.isNoSuchEntity {
                continue
            } catch {
                throw OwnedRoleRemoval.Failure(action: "ListRoleTags", error: error)
            }
            roles.append(Self.tagged(name: role.roleName, createDate: role.createDate, tags: tags))
        }
        return roles
    }

    private static func tagged(name: String, createDate: Date, tags: [IAMTag]) -> TaggedRole {
        TaggedRole(
            name: name, createDate: createDate, owner: owner(in: tags),
            retained: value(of: OwnershipTags.retained, in: tags) != nil)
    }

    /// The owner the four ownership tags name, all present and the uid not empty.
    static func owner(in tags: [IAMTag]) -> OwnerIdentity? {
        guard let cluster = value(of: OwnershipTags.cluster, in: tags),
            let namespace = value(of: OwnershipTags.namespace, in: tags),
            let name = value(of: OwnershipTags.name, in: tags),
            let uid = value(of: OwnershipTags.uid, in: tags), !uid.isEmpty
        else { return nil }
        return OwnerIdentity(clusterName: cluster, namespace: namespace, name: name, uid: uid)
    }

    /// Tag keys compare case-insensitively, as IAM's do.
    static func value(of key: String, in tags: [IAMTag]) -> String? {
        tags.first { $0.key.lowercased() == key.lowercased() }?.value
    }
}

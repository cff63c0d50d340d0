import AWSClients
import Foundation
import KubeModels
import Synchronization
import TrustlineCore

/// An in-memory IAM behind `IAMAPI`: roles with inline and managed policies, tags and OIDC
/// providers, with IAM's semantics where the reconciler depends on them (case-insensitive role
/// names and tag keys, NoSuchEntity, EntityAlreadyExists, DeleteConflict, Federated principals
/// that must name an existing OIDC provider). Every call is recorded with its action name, and
/// a test can make an action fail with a given error or run code just before it.
final class InMemoryIAM: IAMAPI {
    /// A stored role, its documents kept as the text they were sent as.
    struct StoredRole: Sendable, Equatable {
        var name: String
        var path: String
        var roleId: String
        var arn: String
        var createDate: Date
        var trustPolicy: String
        var description: String?
        var maxSessionDuration: Int
        var boundary: String?
        var tags: [IAMTag]
        var inlinePolicies: [String: String]
        var attachedPolicies: [String]
    }

    /// One recorded call.
    struct Call: Sendable, Equatable {
        var action: String
        var roleName: String?
        /// What else the call names, where tests look at it (the client id AddClientIDToOpenIDConnectProvider adds).
        var detail: String?
    }

    /// The actions that change IAM.
    static let writeActions: Set<String> = [
        "CreateRole", "UpdateRole", "UpdateAssumeRolePolicy", "DeleteRole", "PutRolePermissionsBoundary",
        "DeleteRolePermissionsBoundary", "PutRolePolicy", "DeleteRolePolicy", "AttachRolePolicy", "DetachRolePolicy",
        "TagRole", "UntagRole", "CreateOpenIDConnectProvider", "AddClientIDToOpenIDConnectProvider",
    ]

    struct State {
        var roles: [String: StoredRole] = [:]
        var providers: [String: OpenIDConnectProvider] = [:]
        /// Managed policies by ARN, with their versions' documents.
        var managedPolicies: [String: StoredManagedPolicy]
        var calls: [Call] = []
        var failures: [String: [AWSClientError]] = [:]
        var persistentFailures: [String: AWSClientError] = [:]
        var hooks: [String: [@Sendable (InMemoryIAM) -> Void]] = [:]
        var delays: [String: Duration] = [:]
        var nextId = 1
        /// GetAccountAuthorizationDetails: code to run before the page of that index (0 first) is read.
        var pageHooks: [Int: [@Sendable (InMemoryIAM) -> Void]] = [:]
        /// The index of the next page of the listing in progress (0 when a first page is asked for).
        var nextPageIndex = 0
        /// Names of the roles the listing in progress has served so far.
        var listedRoleNames: Set<String> = []
    }

    let accountId: String
    let state: Mutex<State>

    /// - Parameter managedPolicies: the managed policies that exist, by ARN, with the document
    ///   of their default version (v1).
    init(accountId: String = "123456789012", managedPolicies: [String: String] = InMemoryIAM.awsManagedPolicies) {
        self.accountId = accountId
        self.state = Mutex(State(managedPolicies: managedPolicies.mapValues { StoredManagedPolicy(document: $0) }))
    }

    // MARK: Test controls

    var calls: [Call] { state.withLock { $0.calls } }
    var actionNames: [String] { calls.map(\.action) }
    var writeCalls: [Call] { calls.filter { Self.writeActions.contains($0.action) } }
    func calls(_ action: String) -> [Call] { calls.filter { $0.action == action } }
    func resetCalls() { state.withLock { $0.calls.removeAll() } }

    /// The next `times` calls of `action` fail with `error`.
    func fail(_ action: String, with error: AWSClientError, times: Int = 1) {
        state.withLock { $0.failures[action, default: []] += Array(repeating: error, count: times) }
    }

    /// Every call of `action` fails with `error` until `stopFailing`.
    func failAlways(_ action: String, with error: AWSClientError) {
        state.withLock { $0.persistentFailures[action] = error }
    }

    func stopFailing(_ action: String) {
        state.withLock {
            $0.persistentFailures[action] = nil
            $0.failures[action] = nil
        }
    }

    /// Runs `body` once, just before the next call of `action` is answered (to simulate another writer).
    func beforeNext(_ action: String, _ body: @escaping @Sendable (InMemoryIAM) -> Void) {
        state.withLock { $0.hooks[action, default: []].append(body) }
    }

    /// Every call of `action` waits `delay` before it is recorded and answered, as a real round
    /// trip would, so concurrent callers overlap (single-flight tests).
    func delay(_ action: String, by delay: Duration) {
        state.withLock { $0.delays[action] = delay }
    }

    func role(_ name: String) -> StoredRole? { state.withLock { $0.roles[name.lowercased()] } }
    var roleNames: [String] { state.withLock { $0.roles.values.map(\.name).sorted() } }

    /// Changes a stored role directly, without recording a call (drift behind the operator's back).
    func mutateRole(_ name: String, _ change: (inout StoredRole) -> Void) {
        state.withLock { state in
            guard var role = state.roles[name.lowercased()] else { return }
            change(&role)
            state.roles[name.lowercased()] = role
        }
    }

    /// Removes a role directly, without recording a call (another writer deleted it).
    func removeRole(_ name: String) {
        state.withLock { _ = $0.roles.removeValue(forKey: name.lowercased()) }
    }

    /// Stores a role directly, without recording a call (a role made outside Trustline).
    func seedRole(
        name: String, path: String = "/", trustPolicy: String, tags: [IAMTag] = [],
        inlinePolicies: [String: String] = [:], attachedPolicies: [String] = [],
        createDate: Date = Date(timeIntervalSince1970: 1_700_000_000)
    ) {
        state.withLock { state in
            let role = StoredRole(
                name: name, path: path, roleId: "AROA\(state.nextId)", arn: "arn:aws:iam::\(accountId):role\(path)\(name)",
                createDate: createDate, trustPolicy: trustPolicy, description: nil,
                maxSessionDuration: 3600, boundary: nil, tags: tags, inlinePolicies: inlinePolicies, attachedPolicies: attachedPolicies)
            state.nextId += 1
            state.roles[name.lowercased()] = role
        }
    }

    /// Stores an OIDC provider directly, without recording a call.
    func seedOIDCProvider(issuerHostAndPath: String, clientIds: [String] = ["sts.amazonaws.com"]) {
        state.withLock {
            $0.providers["arn:aws:iam::\(accountId):oidc-provider/\(issuerHostAndPath)"] = OpenIDConnectProvider(
                url: issuerHostAndPath, clientIds: clientIds, thumbprints: [String(repeating: "a", count: 40)], createDate: nil, tags: [])
        }
    }

    /// Removes an OIDC provider directly, without recording a call (another writer deleted it).
    func removeOIDCProvider(_ arn: String) {
        state.withLock { _ = $0.providers.removeValue(forKey: arn) }
    }

    /// Replaces a provider's client ids directly, without recording a call (drift behind the operator's back).
    func setOIDCProviderClientIds(_ arn: String, _ clientIds: [String]) {
        state.withLock { $0.providers[arn]?.clientIds = clientIds }
    }

    var providerArns: [String] { state.withLock { $0.providers.keys.sorted() } }
    func provider(_ arn: String) -> OpenIDConnectProvider? { state.withLock { $0.providers[arn] } }

    // MARK: Plumbing

    /// Waits the delay set for `action` (if any), then records the call, runs hooks, then the
    /// injected failure if any, then `body` under the lock.
    func perform<Value>(
        _ action: String, role: String? = nil, detail: String? = nil, _ body: (inout State) throws(AWSClientError) -> Value
    ) async throws(AWSClientError) -> Value {
        if let delay = state.withLock({ $0.delays[action] }) {
            try? await Task.sleep(for: delay)
        }
        let hooks = state.withLock { state -> [@Sendable (InMemoryIAM) -> Void] in
            state.calls.append(Call(action: action, roleName: role, detail: detail))
            return state.hooks.removeValue(forKey: action) ?? []
        }
        for hook in hooks { hook(self) }
        return try state.withLock { (state: inout State) throws(AWSClientError) -> Value in
            if let error = state.persistentFailures[action] { throw error }
            if var queued = state.failures[action], !queued.isEmpty {
                let error = queued.removeFirst()
                state.failures[action] = queued
                throw error
            }
            return try body(&state)
        }
    }

    static func error(_ code: String, _ message: String, status: Int) -> AWSClientError {
        .service(AWSError(code: code, message: message, requestId: "fake-request", httpStatus: status))
    }

    static func noSuchRole(_ name: String) -> AWSClientError {
        error("NoSuchEntity", "The role with name \(name) cannot be found.", status: 404)
    }

    static func existingRole(_ state: inout State, _ name: String) throws(AWSClientError) -> StoredRole {
        guard let role = state.roles[name.lowercased()] else { throw noSuchRole(name) }
        return role
    }

    static func iamRole(_ role: StoredRole) -> IAMRole {
        IAMRole(
            path: role.path, roleName: role.name, roleId: role.roleId, arn: role.arn, createDate: role.createDate,
            assumeRolePolicyDocument: role.trustPolicy, description: role.description,
            maxSessionDuration: role.maxSessionDuration, permissionsBoundaryArn: role.boundary, tags: role.tags)
    }

    /// IAM refuses a trust policy whose Federated principal is not an existing OIDC provider.
    static func checkTrustPolicy(_ text: String, _ state: State) throws(AWSClientError) {
        guard let document = try? PolicyCanonicalizer.parse(text) else {
            throw error("MalformedPolicyDocument", "This policy contains invalid Json", status: 400)
        }
        var principals: [String] = []
        collectFederated(document, into: &principals)
        for principal in principals where state.providers[principal] == nil {
            throw error("MalformedPolicyDocument", "Invalid principal in policy: \"Federated\":\"\(principal)\"", status: 400)
        }
    }

    private static func collectFederated(_ value: JSONValue, into principals: inout [String]) {
        switch value {
        case .object(let members):
            for (key, member) in members {
                if key == "Federated" {
                    if case .string(let arn) = member { principals.append(arn) }
                    if case .array(let arns) = member { principals += arns.compactMap(\.stringValue) }
                } else {
                    collectFederated(member, into: &principals)
                }
            }
        case .array(let elements):
            for element in elements { collectFederated(element, into: &principals) }
        default:
            break
        }
    }
}

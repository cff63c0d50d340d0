import KubeModels
import Testing

@testable import ControllerRuntime

@Suite struct OwnerKeysTests {
    let owner = ResourceDescriptor(group: "trustline.dev", version: "v1alpha1", kind: "WorkloadAwsAccess", plural: "workloadawsaccesses", namespaced: true)

    private func reference(_ apiVersion: String, _ kind: String, _ name: String, controller: Bool? = nil) -> OwnerReference {
        OwnerReference(apiVersion: apiVersion, kind: kind, name: name, uid: "uid-\(name)", controller: controller)
    }

    @Test func mapsMatchingReferencesToOwnerKeysInTheDependentsNamespace() {
        let dependent = ObjectMeta(name: "sa", namespace: "team", ownerReferences: [
            reference("trustline.dev/v1alpha1", "WorkloadAwsAccess", "one", controller: true),
            reference("trustline.dev/v1", "WorkloadAwsAccess", "two"),
            reference("apps/v1", "Deployment", "web"),
            reference("other.dev/v1alpha1", "WorkloadAwsAccess", "foreign"),
            reference("trustline.dev/v1alpha1", "WorkloadAwsAccess", "one"),
            reference("v1", "WorkloadAwsAccess", "core-group"),
        ])
        #expect(OwnerKeys.keys(of: dependent, ownerKind: owner) == [
            ObjectKey(namespace: "team", name: "one"), ObjectKey(namespace: "team", name: "two"),
        ])
        #expect(OwnerKeys.keys(of: dependent, ownerKind: owner, onlyController: true) == [ObjectKey(namespace: "team", name: "one")])
        #expect(OwnerKeys.keys(of: ObjectMeta(name: "lonely", namespace: "team"), ownerKind: owner).isEmpty)
    }

    @Test func clusterScopedOwnersHaveNoNamespace() {
        let node = ResourceDescriptor(group: "", version: "v1", kind: "Node", plural: "nodes", namespaced: false)
        let dependent = ObjectMeta(name: "p", namespace: "kube-system", ownerReferences: [reference("v1", "Node", "n1")])
        #expect(OwnerKeys.keys(of: dependent, ownerKind: node) == [ObjectKey(namespace: nil, name: "n1")])
    }

    @Test(arguments: [("v1", ""), ("apps/v1", "apps"), ("trustline.dev/v1alpha1", "trustline.dev")])
    func groupOfAPIVersion(apiVersion: String, group: String) {
        #expect(OwnerKeys.group(of: apiVersion) == group)
    }
}

import KubeModels
import PropertyBased
import Testing
@testable import TrustlineCore

/// Properties of the patch over random pods (docs/pod-identity-webhook.md, idempotence): it
/// applies, a second pass adds nothing, the pod's own env stays, and every container not skipped
/// ends with exactly one token mount and each variable once.
@Suite struct PodIdentityPropertyTests {
    static func containers(of pod: JSONValue) -> [JSONValue] {
        (pod["spec"]?["initContainers"]?.jsonElements ?? []) + (pod["spec"]?["containers"]?.jsonElements ?? [])
    }

    @Test func patchAppliesAndASecondPassIsEmpty() async {
        await propertyCheck(count: 400, input: PodGenerators.podAndInjection) { input in
            let (pod, injection) = input
            let operations = PodIdentityPatch.operations(for: pod, injection: injection)
            let patched = try JSONPatchApplier.apply(operations, to: pod)
            #expect(PodIdentityPatch.operations(for: patched, injection: injection) == [])
            #expect(operations.allSatisfy { $0["op"] == "add" })
        }
    }

    @Test func podEnvNeverChangesAndSkippedContainersStayAsTheyAre() async {
        await propertyCheck(count: 400, input: PodGenerators.podAndInjection) { input in
            let (pod, injection) = input
            let patched = try JSONPatchApplier.apply(PodIdentityPatch.operations(for: pod, injection: injection), to: pod)
            let skipped = PodIdentityPatch.skippedContainers(of: pod)
            for (before, after) in zip(Self.containers(of: pod), Self.containers(of: patched)) {
                let name = before["name"]?.stringValue ?? ""
                if skipped.contains(name) {
                    #expect(after == before, "skipped \(name)")
                    continue
                }
                let own = before["env"]?.jsonElements ?? []
                let now = after["env"]?.jsonElements ?? []
                #expect(Array(now.prefix(own.count)) == own, "env of \(name) kept in place")
            }
        }
    }

    @Test func everyServedContainerHasOneMountAndEachVariableOnce() async {
        await propertyCheck(count: 400, input: PodGenerators.podAndInjection) { input in
            let (pod, injection) = input
            let patched = try JSONPatchApplier.apply(PodIdentityPatch.operations(for: pod, injection: injection), to: pod)
            let skipped = PodIdentityPatch.skippedContainers(of: pod)
            let served = Self.containers(of: patched).filter { !skipped.contains($0["name"]?.stringValue ?? "") }
            for container in served {
                let mounts = (container["volumeMounts"]?.jsonElements ?? []).filter { $0["mountPath"]?.stringValue == PodIdentityInjection.mountPath }
                #expect(mounts.count == 1)
                let names = (container["env"]?.jsonElements ?? []).compactMap { $0["name"]?.stringValue }
                for variable in injection.environment {
                    #expect(names.filter { $0 == variable.name }.count == 1, "\(variable.name)")
                }
            }
            // One token volume once any container is served (the pod's own, or the one added);
            // with every container skipped the volumes stay as the pod has them.
            func tokenVolumes(_ pod: JSONValue) -> Int {
                (pod["spec"]?["volumes"]?.jsonElements ?? []).filter { $0["name"] == "aws-iam-token" }.count
            }
            #expect(tokenVolumes(patched) == (served.isEmpty ? tokenVolumes(pod) : 1))
        }
    }
}

import Foundation
import KubeClient
import KubeModels
import KubeTestServer
import Testing

@Suite("Client against the test API server over TLS")
struct ClientVerbsIntegrationTests {
    @Test func everyVerbOnACustomResource() async throws {
        try await TestCluster.with(namespaces: ["team-a"]) { cluster in
            try await cluster.installWidgetCRD()
            let client = cluster.client

            // create / get
            var created = try await client.create(Widget(namespace: "team-a", name: "w1", size: 3, color: "red"))
            #expect(created.metadata.uid?.isEmpty == false)
            #expect(created.metadata.generation == 1)
            let fetched = try await client.get(Widget.self, namespace: "team-a", name: "w1")
            #expect(fetched == created)

            // create twice → AlreadyExists
            let duplicate = await #expect(throws: KubeAPIError.self) {
                try await client.create(Widget(namespace: "team-a", name: "w1", size: 3))
            }
            #expect(duplicate?.category == .alreadyExists)
            #expect(duplicate?.code == 409)

            // update (PUT) with the current resourceVersion, then a stale one → Conflict
            let stale = created
            created.spec.size = 4
            let updated = try await client.update(created)
            #expect(updated.spec.size == 4)
            #expect(updated.metadata.generation == 2)
            #expect(updated.metadata.resourceVersion != stale.metadata.resourceVersion)
            var staleWrite = stale
            staleWrite.spec.size = 5
            let conflict = await #expect(throws: KubeAPIError.self) { try await client.update(staleWrite) }
            #expect(conflict?.category == .conflict)

            // merge patch, JSON patch
            let merged = try await client.mergePatch(
                Widget.self, namespace: "team-a", name: "w1",
                patch: ["spec": ["color": "blue"], "metadata": ["labels": ["tier": "web"]]] as KubeModels.JSONValue)
            #expect(merged.spec.color == "blue")
            #expect(merged.spec.size == 4)
            #expect(merged.metadata.labels == ["tier": "web"])
            let jsonPatched = try await client.jsonPatch(
                Widget.self, namespace: "team-a", name: "w1",
                operations: [
                    .init(op: .test, path: "/metadata/resourceVersion", value: .string(merged.metadata.resourceVersion ?? "")),
                    .init(op: .replace, path: "/spec/size", value: 7),
                ])
            #expect(jsonPatched.spec.size == 7)
            let failedTest = await #expect(throws: KubeAPIError.self) {
                try await client.jsonPatch(
                    Widget.self, namespace: "team-a", name: "w1",
                    operations: [.init(op: .test, path: "/spec/size", value: 1), .init(op: .replace, path: "/spec/size", value: 2)])
            }
            #expect(failedTest.map { [409, 422].contains($0.code) } == true, "a failed test op is refused: \(String(describing: failedTest))")

            // status subresource: the main endpoint ignores status, /status ignores the rest
            var withStatus = jsonPatched
            withStatus.status = Widget.Status(phase: "Ready", observedGeneration: jsonPatched.metadata.generation)
            withStatus.spec.size = 99
            let statusWritten = try await client.updateStatus(withStatus)
            #expect(statusWritten.status?.phase == "Ready")
            #expect(statusWritten.spec.size == 7, "status update ignores spec")
            #expect(statusWritten.metadata.generation == jsonPatched.metadata.generation, "status writes do not bump generation")
            let statusPatched = try await client.mergePatch(
                Widget.self, namespace: "team-a", name: "w1", patch: ["status": ["phase": "Degraded"]] as KubeModels.JSONValue,
                subresource: .status)
            #expect(statusPatched.status?.phase == "Degraded")
            var mainWithStatus = statusPatched
            mainWithStatus.status?.phase = "Ignored"
            let mainWrite = try await client.update(mainWithStatus)
            #expect(mainWrite.status?.phase == "Degraded", "the main endpoint ignores status")

            // server-side apply: create and update through apply
            var applied = Widget(namespace: "team-a", name: "w2", size: 10)
            let first = try await client.apply(applied, fieldManager: "trustline-test")
            #expect(first.spec.size == 10)
            applied.spec.size = 11
            let second = try await client.apply(applied, fieldManager: "trustline-test", force: true)
            #expect(second.spec.size == 11)
            #expect(second.metadata.uid == first.metadata.uid)

            // invalid → 422 with the field named
            let invalid = await #expect(throws: KubeAPIError.self) {
                try await client.create(Widget(namespace: "team-a", name: "w3", size: 1000))
            }
            #expect(invalid?.category == .invalid)
            #expect(invalid?.causes.contains { ($0.field ?? "").contains("spec.size") } == true, "\(String(describing: invalid))")

            // list with a label selector
            let labelled = try await client.list(Widget.self, namespace: "team-a", options: ListOptions(labelSelector: "tier=web"))
            #expect(labelled.items.map { $0.metadata.name } == ["w1"])
            let all = try await client.list(Widget.self)
            #expect(Set(all.items.compactMap(\.metadata.name)) == ["w1", "w2"])

            // delete with a wrong uid precondition → Conflict; then delete → gone
            let precondition = await #expect(throws: KubeAPIError.self) {
                try await client.delete(
                    Widget.self, namespace: "team-a", name: "w2",
                    options: DeleteOptions(preconditions: .init(uid: "not-the-uid")))
            }
            #expect(precondition?.category == .conflict)
            let deletion = try await client.delete(
                Widget.self, namespace: "team-a", name: "w2",
                options: DeleteOptions(preconditions: .init(uid: second.metadata.uid), propagationPolicy: .background))
            guard case .deleted = deletion else {
                Issue.record("expected .deleted")
                return
            }
            let missing = await #expect(throws: KubeAPIError.self) { try await client.get(Widget.self, namespace: "team-a", name: "w2") }
            #expect(missing?.category == .notFound)
            #expect(try await client.getIfPresent(Widget.self, namespace: "team-a", name: "w2") == nil)
        }
    }

    @Test func pagingOverMoreThanOnePage() async throws {
        try await TestCluster.with(namespaces: ["paging"]) { cluster in
            for index in 0..<7 {
                _ = try await cluster.client.create(
                    ServiceAccount(metadata: ObjectMeta(name: "sa-\(index)", namespace: "paging", labels: ["batch": "1"])))
            }
            _ = try await cluster.client.create(ServiceAccount(metadata: ObjectMeta(name: "other", namespace: "paging")))
            let firstPage = try await cluster.client.list(
                ServiceAccount.self, namespace: "paging", options: ListOptions(labelSelector: "batch=1", limit: 3))
            #expect(firstPage.items.count == 3)
            let token = try #require(firstPage.metadata.continue)
            #expect(!token.isEmpty)
            let secondPage = try await cluster.client.list(
                ServiceAccount.self, namespace: "paging", options: ListOptions(labelSelector: "batch=1", limit: 3, continueToken: token))
            #expect(secondPage.items.count == 3)
            #expect(Set(firstPage.items.map(\.metadata.name)).isDisjoint(with: secondPage.items.map(\.metadata.name)))

            let all = try await cluster.client.listAll(
                ServiceAccount.self, namespace: "paging", options: ListOptions(labelSelector: "batch=1"), pageSize: 3)
            #expect(all.items.compactMap(\.metadata.name).sorted() == (0..<7).map { "sa-\($0)" })
            #expect(all.metadata.resourceVersion?.isEmpty == false)
        }
    }

    @Test func finalizerFlow() async throws {
        try await TestCluster.with(namespaces: ["fin"]) { cluster in
            try await cluster.installWidgetCRD()
            let client = cluster.client
            var widget = Widget(namespace: "fin", name: "held", size: 1)
            widget.metadata.finalizers = ["trustline.dev/cleanup"]
            _ = try await client.create(widget)
            guard case .pending(let pending) = try await client.delete(Widget.self, namespace: "fin", name: "held") else {
                Issue.record("delete with a finalizer must leave the object pending")
                return
            }
            #expect(pending.metadata.deletionTimestamp != nil)
            let marked = try await client.get(Widget.self, namespace: "fin", name: "held")
            #expect(marked.metadata.deletionTimestamp != nil)
            #expect(marked.metadata.finalizers == ["trustline.dev/cleanup"])
            // Remove the finalizer the safe way: test the resourceVersion, then remove.
            _ = try await client.jsonPatch(
                Widget.self, namespace: "fin", name: "held",
                operations: [
                    .init(op: .test, path: "/metadata/resourceVersion", value: .string(marked.metadata.resourceVersion ?? "")),
                    .init(op: .remove, path: "/metadata/finalizers/0"),
                ])
            #expect(try await client.getIfPresent(Widget.self, namespace: "fin", name: "held") == nil)
        }
    }

    @Test func leasesEventsAndBadCredentials() async throws {
        try await TestCluster.with(namespaces: ["trustline-system", "prod"]) { cluster in
            let client = cluster.client
            let now = Date()
            var lease = try await client.create(Lease(
                metadata: ObjectMeta(name: "trustline-leader", namespace: "trustline-system"),
                spec: LeaseSpec(holderIdentity: "pod-a", leaseDurationSeconds: 15, acquireTime: KubernetesTime.formatMicro(now),
                    renewTime: KubernetesTime.formatMicro(now), leaseTransitions: 0)))
            lease.spec?.renewTime = KubernetesTime.formatMicro(now.addingTimeInterval(5))
            let renewed = try await client.update(lease)
            #expect(renewed.spec?.holderIdentity == "pod-a")
            #expect(renewed.spec?.renewTime == lease.spec?.renewTime)

            let account = try await client.create(ServiceAccount(metadata: ObjectMeta(name: "app", namespace: "prod")))
            var metadata = ObjectMeta(namespace: "prod")
            metadata.generateName = "app."
            let event = try await client.createEvent(Event(
                metadata: metadata, eventTime: KubernetesTime.formatMicro(now), reportingController: "trustline.dev/operator",
                reportingInstance: "pod-a", action: "Reconcile", reason: "Converged", regarding: ObjectReference(to: account),
                note: "role is ready", type: .normal))
            #expect(event.metadata.name?.hasPrefix("app.") == true)
            #expect(event.regarding.uid == account.metadata.uid)
            #expect(event.reason == "Converged")

            var configuration = cluster.client.configuration
            configuration.authentication = .bearerToken("wrong")
            let stranger = KubernetesClient(configuration: configuration)
            let error = await #expect(throws: KubeAPIError.self) { try await stranger.get(ServiceAccount.self, namespace: "prod", name: "app") }
            #expect(error?.category == .unauthorized)
        }
    }
}

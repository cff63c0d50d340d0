import AWSClients
import Foundation
import KubeModels
import Testing
import TrustlineCore

extension EndToEndSuite {
    /// Issue 4, must-show 3: a spec change makes only the calls needed, drift is put back within one
    /// resync period, and a converged resource costs zero IAM writes over three resync periods
    /// (issue 14: and no IAM read but the drift pass's).
    @Suite("End to end: spec changes, drift and steady state")
    struct SteadyStateAndDriftTests {
        static let roleName = "e2e.production.my-app"

        @Test("after convergence, a steady state's IAM calls are the drift passes' only: no write, no per-role read")
        func steadyStateMakesNoWrites() async throws {
            try await TestCluster.with { cluster in
                try await cluster.apply(Manifests.access(name: "my-app"))
                let running = try cluster.startOperator(resyncPeriod: "2s")
                try await cluster.waitForCondition("production", "my-app", type: .ready, status: "True")
                try await Task.sleep(for: .seconds(1))
                let writesBefore = try await running.total("trustline_iam_writes_total")
                let samplesBefore = try await running.metrics()
                try await Task.sleep(for: .seconds(7))
                let writesAfter = try await running.total("trustline_iam_writes_total")
                let samplesAfter = try await running.metrics()
                let writesByAction = try await running.iamWritesByAction()
                #expect(writesAfter == writesBefore, "IAM writes at steady state: \(writesByAction)")
                let delta = Self.iamRequestDelta(before: samplesBefore, after: samplesAfter)
                // Three resync periods of 2s (each jittered by 10%) hold two or three passes; moto
                // answers one page each. Besides them only the OIDC provider check the pass makes
                // once per period (docs/design.md section 3): no GetRole, no ListRoleTags, no write.
                let others = Set(delta.keys).subtracting(["ListOpenIDConnectProviders", "GetOpenIDConnectProvider"])
                #expect(others == ["GetAccountAuthorizationDetails"], "IAM requests in steady state: \(delta)")
                #expect(delta["GetAccountAuthorizationDetails", default: 0] >= 2)
                let passRequests = try await running.total("trustline_drift_pass_iam_requests")
                let passRoles = try await running.total("trustline_drift_pass_roles")
                #expect(passRequests == 1)
                #expect(passRoles == 1)
                let resource = try #require(try await cluster.resource("production", "my-app"))
                #expect(resource.status?.condition(.ready)?.status == .true)
            }
        }

        /// How many more IAM requests each action made between two `/metrics` readings (result
        /// codes summed); actions that made none are left out.
        static func iamRequestDelta(before: [String: Double], after: [String: Double]) -> [String: Double] {
            let earlier = iamRequestsByAction(before)
            var delta: [String: Double] = [:]
            for (action, count) in iamRequestsByAction(after) where count != earlier[action, default: 0] {
                delta[action] = count - earlier[action, default: 0]
            }
            return delta
        }

        static func iamRequestsByAction(_ samples: [String: Double]) -> [String: Double] {
            var byAction: [String: Double] = [:]
            for (key, value) in samples where key.hasPrefix("trustline_aws_requests_total{") && key.contains("service=\"iam\"") {
                guard let start = key.range(of: "action=\""), let end = key[start.upperBound...].firstIndex(of: "\"") else { continue }
                byAction[String(key[start.upperBound..<end]), default: 0] += value
            }
            return byAction
        }

        @Test("a spec change (policy edited, managed policy removed, tag added) makes exactly the calls needed")
        func specChangeMakesOnlyNeededCalls() async throws {
            try await TestCluster.with { cluster in
                try await cluster.apply(Manifests.access(name: "my-app"))
                let running = try cluster.startOperator(resyncPeriod: "10m")
                let first = try await cluster.waitForCondition("production", "my-app", type: .ready, status: "True")
                try await Task.sleep(for: .seconds(1))
                let before = try await running.iamWritesByAction()
                let edited = """
                    Version: "2012-10-17"
                    Statement:
                      - Effect: Allow
                        Action: [s3:GetObject]
                        Resource: [arn:aws:s3:::my-bucket/*]
                    """
                try await cluster.apply(Manifests.access(name: "my-app", policy: edited, managed: [], tags: ["team": "payments", "tier": "gold"]))
                try await cluster.eventually("the new generation converged") { () -> Bool? in
                    guard let resource = try await cluster.resource("production", "my-app"),
                        let generation = resource.metadata.generation, generation > (first.metadata.generation ?? 0),
                        resource.status?.observedGeneration == generation, resource.status?.condition(.ready)?.status == .true
                    else { return nil }
                    return true
                }
                try await Task.sleep(for: .seconds(1))
                let after = try await running.iamWritesByAction()
                var delta: [String: Double] = [:]
                for (action, count) in after where count != before[action, default: 0] { delta[action] = count - before[action, default: 0] }
                #expect(delta == ["PutRolePolicy": 1, "DetachRolePolicy": 1, "TagRole": 1])

                let iam = cluster.moto.iam
                #expect(try await iam.listAttachedRolePolicies(roleName: Self.roleName).isEmpty)
                let document = try PolicyCanonicalizer.parse(try await iam.getRolePolicy(roleName: Self.roleName, policyName: "s3-access").policyDocument)
                #expect(PolicyCanonicalizer.compactText(PolicyCanonicalizer.canonical(document)).contains("s3:PutObject") == false)
                let tags = try await iam.listRoleTags(roleName: Self.roleName)
                #expect(tags.contains { $0.key == "tier" && $0.value == "gold" })
            }
        }

        @Test("drift behind the operator's back (wildcard trust, AdministratorAccess, tag removed) is corrected within one resync period")
        func driftIsCorrected() async throws {
            try await TestCluster.with { cluster in
                try await cluster.apply(Manifests.access(name: "my-app"))
                let running = try cluster.startOperator(resyncPeriod: "2s")
                try await cluster.waitForCondition("production", "my-app", type: .ready, status: "True")
                let iam = cluster.moto.iam
                let converged = try await iam.getRole(roleName: Self.roleName)
                let convergedTrust = try PolicyCanonicalizer.parse(try #require(converged.assumeRolePolicyDocument))
                let wildcard = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#

                try await iam.updateAssumeRolePolicy(roleName: Self.roleName, policyDocument: wildcard)
                try await iam.attachRolePolicy(roleName: Self.roleName, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess")
                try await iam.untagRole(roleName: Self.roleName, tagKeys: ["team"])
                let tampered = ContinuousClock.now

                try await cluster.eventually(timeout: .seconds(30), "drift corrected") { () -> Bool? in
                    let role = try await iam.getRole(roleName: Self.roleName)
                    let trust = try PolicyCanonicalizer.parse(role.assumeRolePolicyDocument ?? "{}")
                    let attached = try await iam.listAttachedRolePolicies(roleName: Self.roleName).map(\.policyArn)
                    let tags = try await iam.listRoleTags(roleName: Self.roleName)
                    guard PolicyCanonicalizer.equivalent(trust, convergedTrust), attached == ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
                        tags.contains(where: { $0.key == "team" && $0.value == "payments" })
                    else { return nil }
                    return true
                }
                let elapsed = tampered.duration(to: .now)
                // One resync period is 2s (at most 2.2s with jitter); allow for the reconcile itself
                // (five IAM reads and three writes) and polling on a loaded machine.
                #expect(elapsed < .seconds(6), "drift took \(elapsed) to be corrected")
                // A Normal DriftCorrected event names what was put back.
                let event = try await cluster.eventually(timeout: .seconds(20), "a DriftCorrected event") { () -> Event? in
                    try await cluster.kubernetes.list(Event.self, namespace: "production").items.first {
                        $0.reason == "DriftCorrected" && $0.regarding.name == "my-app"
                    }
                }
                #expect(event.type == .normal)
                let writes = try await running.iamWritesByAction()
                #expect(writes["UpdateAssumeRolePolicy", default: 0] >= 1)
                #expect(writes["DetachRolePolicy", default: 0] >= 1)
            }
        }
    }
}

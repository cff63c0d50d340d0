import Foundation
import KubeModels
import Testing
@testable import TrustlineCore

@Suite struct ResourceCodingTests {
    @Test func defaultsAreAppliedWhenDecoding() throws {
        let text = #"{"apiVersion":"trustline.dev/v1alpha1","kind":"WorkloadAwsAccess","metadata":{"name":"a","namespace":"b"},"spec":{}}"#
        let resource = try JSONDecoder().decode(WorkloadAwsAccess.self, from: Data(text.utf8))
        #expect(resource.spec == WorkloadAwsAccessSpec())
        #expect(resource.spec.serviceAccount.create)
        #expect(resource.spec.audience == "sts.amazonaws.com")
        #expect(resource.spec.role.maxSessionDurationSeconds == 3600)
        #expect(resource.spec.deletionPolicy == .delete)
        #expect(resource.spec.stsRegionalEndpoints == nil)
        #expect(resource.status == nil)
        #expect(RoleNaming.serviceAccountName(for: resource) == "a")
    }

    @Test func missingSpecDecodesToDefaults() throws {
        let resource = try JSONDecoder().decode(WorkloadAwsAccess.self, from: Data(#"{"metadata":{"name":"a"}}"#.utf8))
        #expect(resource.spec == WorkloadAwsAccessSpec())
        #expect(resource.apiVersion == "trustline.dev/v1alpha1")
    }

    @Test func roundTripKeepsEverything() throws {
        var resource = Fixtures.myApp()
        resource.status = WorkloadAwsAccessStatus(
            observedGeneration: 3, roleArn: "arn", roleName: "n", serviceAccountName: "my-app", oidcProviderArn: "p",
            conditions: [Condition(type: "Ready", status: .true, lastTransitionTime: "2026-01-01T00:00:00Z", reason: "Converged", message: "")])
        let data = try JSONEncoder().encode(resource)
        let decoded = try JSONDecoder().decode(WorkloadAwsAccess.self, from: data)
        #expect(decoded == resource)
        #expect(decoded.status?.condition(.ready)?.reason == "Converged")
    }

    @Test func unknownDeletionPolicyDecodesAndIsReported() throws {
        let text = #"{"metadata":{"name":"a","namespace":"b"},"spec":{"deletionPolicy":"Orphan"}}"#
        let resource = try JSONDecoder().decode(WorkloadAwsAccess.self, from: Data(text.utf8))
        #expect(resource.spec.deletionPolicy.rawValue == "Orphan")
        #expect(Fixtures.failures(resource).map(\.field) == ["spec.deletionPolicy"])
    }

    @Test func descriptor() {
        #expect(WorkloadAwsAccess.descriptor.apiVersion == "trustline.dev/v1alpha1")
        #expect(WorkloadAwsAccess.descriptor.plural == "workloadawsaccesses")
        #expect(WorkloadAwsAccess.descriptor.namespaced)
    }
}

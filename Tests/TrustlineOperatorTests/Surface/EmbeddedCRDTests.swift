import Foundation
import Testing
import TrustlineCore
@testable import TrustlineOperator

/// `trustline plan` carries the CRD inside the binary (a static binary in the image has no files
/// beside it); this keeps that copy the same bytes as `crds/workloadawsaccess.yaml`, the file the
/// cluster gets, so plan and the API server never judge a manifest by different schemas.
struct EmbeddedCRDTests {
    static let crdPath = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("crds/workloadawsaccess.yaml").path

    @Test func theEmbeddedCRDIsTheFileInCrdsByteForByte() throws {
        let file = try #require(FileManager.default.contents(atPath: Self.crdPath), "cannot read \(Self.crdPath)")
        #expect(Data(AccessPlanning.crdText.utf8) == file, "crds/workloadawsaccess.yaml changed: run scripts/embed-crd.sh and commit the result")
    }

    @Test func theEmbeddedCRDServesTheVersionTheOperatorUses() throws {
        let schema = try AccessPlanning.embeddedResourceSchema()
        #expect(schema.group == WorkloadAwsAccess.descriptor.group)
        #expect(schema.kind == WorkloadAwsAccess.descriptor.kind)
        #expect(schema.servedAPIVersions == [WorkloadAwsAccess.descriptor.apiVersion])
    }
}

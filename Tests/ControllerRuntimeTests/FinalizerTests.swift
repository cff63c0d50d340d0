import Foundation
import KubeModels
import Testing

@testable import ControllerRuntime

@Suite struct FinalizerTests {
    let ours = Finalizer("trustline.dev/cleanup")

    private func meta(_ finalizers: [String]?, deleting: Bool = false, resourceVersion: String? = "42") -> ObjectMeta {
        var meta = ObjectMeta(name: "x", namespace: "team", resourceVersion: resourceVersion, finalizers: finalizers)
        if deleting { meta.deletionTimestamp = "2026-11-29T14:00:00Z" }
        return meta
    }

    struct DecisionCase: Sendable, CustomTestStringConvertible {
        var finalizers: [String]?
        var deleting: Bool
        var expected: Finalizer.Decision
        var testDescription: String { "\(finalizers ?? ["nil"]) deleting=\(deleting)" }
    }

    static let decisionCases: [DecisionCase] = [
        .init(finalizers: nil, deleting: false, expected: .addFinalizer(FinalizerPatch(finalizers: ["trustline.dev/cleanup"], resourceVersion: "42"))),
        .init(finalizers: [], deleting: false, expected: .addFinalizer(FinalizerPatch(finalizers: ["trustline.dev/cleanup"], resourceVersion: "42"))),
        .init(finalizers: ["other.io/keep"], deleting: false,
              expected: .addFinalizer(FinalizerPatch(finalizers: ["other.io/keep", "trustline.dev/cleanup"], resourceVersion: "42"))),
        .init(finalizers: ["trustline.dev/cleanup"], deleting: false, expected: .apply),
        .init(finalizers: ["a.io/x", "trustline.dev/cleanup"], deleting: false, expected: .apply),
        .init(finalizers: ["trustline.dev/cleanup"], deleting: true, expected: .cleanUp),
        .init(finalizers: ["other.io/keep", "trustline.dev/cleanup"], deleting: true, expected: .cleanUp),
        .init(finalizers: ["other.io/keep"], deleting: true, expected: .ignore),
        .init(finalizers: nil, deleting: true, expected: .ignore),
        // A similar-looking name is not ours.
        .init(finalizers: ["trustline.dev/cleanup-v2"], deleting: true, expected: .ignore),
    ]

    @Test(arguments: decisionCases)
    func decisions(_ testCase: DecisionCase) {
        #expect(ours.decision(for: meta(testCase.finalizers, deleting: testCase.deleting)) == testCase.expected)
    }

    struct RemovalCase: Sendable {
        var before: [String]?
        var after: [String]?
    }

    static let removalCases: [RemovalCase] = [
        .init(before: ["trustline.dev/cleanup"], after: []),
        .init(before: ["a.io/x", "trustline.dev/cleanup", "b.io/y"], after: ["a.io/x", "b.io/y"]),
        .init(before: ["trustline.dev/cleanup", "a.io/x", "trustline.dev/cleanup"], after: ["a.io/x"]),
        .init(before: ["a.io/x", "b.io/y"], after: nil),
        .init(before: ["kubernetes.io/pvc-protection", "trustline.dev/cleanup"], after: ["kubernetes.io/pvc-protection"]),
        .init(before: nil, after: nil),
    ]

    @Test(arguments: removalCases)
    func removalNeverTouchesAnotherControllersFinalizer(_ testCase: RemovalCase) {
        let patch = ours.removing(from: meta(testCase.before, deleting: true))
        #expect(patch?.finalizers == testCase.after)
        if let patch { #expect(patch.resourceVersion == "42") }
    }

    @Test func needsAddingAndIsBeingDeleted() {
        #expect(ours.needsAdding(to: meta(nil)))
        #expect(!ours.needsAdding(to: meta([ours.name])))
        #expect(!ours.needsAdding(to: meta(nil, deleting: true)), "the API refuses new finalizers while deleting")
        #expect(ours.adding(to: meta(nil, deleting: true)) == nil)
        #expect(ours.adding(to: meta([ours.name])) == nil)
        #expect(Finalizer.isBeingDeleted(meta(nil, deleting: true)))
        #expect(!Finalizer.isBeingDeleted(meta(nil)))
    }

    @Test func mergePatchBodyCarriesTheWholeListAndTheResourceVersion() throws {
        let patch = try #require(ours.removing(from: meta(["a.io/x", ours.name], resourceVersion: "1234")))
        #expect(String(decoding: patch.mergePatchBody, as: UTF8.self)
            == #"{"metadata":{"finalizers":["a.io/x"],"resourceVersion":"1234"}}"#)
        let last = try #require(ours.removing(from: meta([ours.name], resourceVersion: "7")))
        #expect(String(decoding: last.mergePatchBody, as: UTF8.self) == #"{"metadata":{"finalizers":[],"resourceVersion":"7"}}"#)
        let noVersion = FinalizerPatch(finalizers: ["x/y"], resourceVersion: nil)
        #expect(String(decoding: noVersion.mergePatchBody, as: UTF8.self) == #"{"metadata":{"finalizers":["x/y"]}}"#)
    }
}

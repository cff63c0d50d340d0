import Testing
@testable import KubeTestServer

@Suite struct SelectorTests {
    static let labels = ["app": "web", "tier": "front"]

    @Test(arguments: [
        ("app=web", true), ("app==web", true), ("app!=web", false), ("app=db", false),
        ("app in (db, web)", true), ("app notin (web)", false), ("tier", true), ("!tier", false),
        ("missing", false), ("!missing", true), ("app=web,tier=front", true), ("app=web,tier=back", false), ("", true),
    ])
    func labelSelector(text: String, matches: Bool) throws {
        #expect(try LabelSelector(parsing: text).matches(Self.labels) == matches)
    }

    @Test func fieldSelectorSupportsNameAndNamespace() throws {
        let object: JSONValue = ["metadata": ["name": "a", "namespace": "ns"]]
        #expect(try FieldSelector(parsing: "metadata.name=a").matches(object))
        #expect(try FieldSelector(parsing: "metadata.name=a,metadata.namespace!=ns").matches(object) == false)
        let event: JSONValue = ["involvedObject": ["uid": "u1", "kind": "WorkloadAwsAccess"], "count": 2]
        #expect(try FieldSelector(parsing: "involvedObject.uid=u1,involvedObject.kind=WorkloadAwsAccess,count=2").matches(event))
        #expect(try FieldSelector(parsing: "involvedObject.uid=u2").matches(event) == false)
        #expect(try FieldSelector(parsing: "spec.nodeName=").matches(event))
        #expect(throws: APIError.self) { try FieldSelector(parsing: "spec..x=y") }
        #expect(throws: APIError.self) { try FieldSelector(parsing: "nonsense") }
        #expect(throws: APIError.self) { try LabelSelector(parsing: "app in web") }
    }
}

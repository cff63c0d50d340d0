import Foundation
import Testing
@testable import KubeTestServer

@Suite struct BuiltInCRUDTests {
    static let configMaps = "/api/v1/namespaces/default/configmaps"

    @Test func createGetUpdateConflictDelete() async throws {
        try await ServerFixture.with { fixture in
            let created = try await fixture.curl("POST", Self.configMaps, json: ["metadata": ["name": "settings"], "data": ["a": "1"]])
            #expect(created.status == 201)
            let uid = try #require(created.body[path: ["metadata", "uid"]]?.stringValue)
            let firstVersion = try #require(created.body.resourceVersionNumber)
            #expect(created.body["kind"] == "ConfigMap")
            #expect(created.body[path: ["metadata", "namespace"]] == "default")
            #expect(created.body[path: ["metadata", "creationTimestamp"]]?.stringValue?.hasSuffix("Z") == true)

            let again = try await fixture.curl("POST", Self.configMaps, json: ["metadata": ["name": "settings"]])
            #expect(again.status == 409)
            #expect(again.body["reason"] == "AlreadyExists")
            #expect(again.body["message"] == "configmaps \"settings\" already exists")
            #expect(again.body["details"] == ["name": "settings", "kind": "configmaps"])

            var update = created.body
            update["data"] = ["a": "2"]
            let updated = try await fixture.curl("PUT", Self.configMaps + "/settings", json: update)
            #expect(updated.status == 200)
            #expect(updated.body["data"] == ["a": "2"])
            #expect(updated.body[path: ["metadata", "uid"]]?.stringValue == uid)
            #expect((updated.body.resourceVersionNumber ?? 0) > firstVersion)

            let stale = try await fixture.curl("PUT", Self.configMaps + "/settings", json: update)
            #expect(stale.status == 409)
            #expect(stale.body["reason"] == "Conflict")
            #expect(stale.body["message"] == "Operation cannot be fulfilled on configmaps \"settings\": the object has been modified; please apply your changes to the latest version and try again")

            let missing = try await fixture.curl("GET", Self.configMaps + "/nope")
            #expect(missing.status == 404)
            #expect(missing.body == [
                "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
                "message": "configmaps \"nope\" not found", "reason": "NotFound",
                "details": ["name": "nope", "kind": "configmaps"], "code": 404,
            ])

            let noNamespace = try await fixture.curl("POST", "/api/v1/namespaces/ghost/configmaps", json: ["metadata": ["name": "x"]])
            #expect(noNamespace.status == 404)
            #expect(noNamespace.body["message"] == "namespaces \"ghost\" not found")

            let deleted = try await fixture.curl("DELETE", Self.configMaps + "/settings")
            #expect(deleted.status == 200)
            #expect(deleted.body["status"] == "Success")
            let gone = try await fixture.curl("GET", Self.configMaps + "/settings")
            #expect(gone.status == 404)
        }
    }

    @Test func listPagesAndSelectors() async throws {
        try await ServerFixture.with { fixture in
            for index in 0..<5 {
                let labels: JSONValue = ["app": index % 2 == 0 ? "even" : "odd", "set": "paging"]
                let created = try await fixture.curl(
                    "POST", Self.configMaps, json: ["metadata": ["name": .string("cm-\(index)"), "labels": labels]])
                #expect(created.status == 201)
            }
            var names: [String] = []
            var continueToken = ""
            var pages = 0
            repeat {
                let page = try await fixture.curl("GET", Self.configMaps + "?limit=2&labelSelector=set%3Dpaging" + (continueToken.isEmpty ? "" : "&continue=\(continueToken)"))
                #expect(page.status == 200)
                #expect(page.body["kind"] == "ConfigMapList")
                names += page.body["items"]?.arrayValue?.map(\.name) ?? []
                continueToken = page.body[path: ["metadata", "continue"]]?.stringValue ?? ""
                // With a selector the API server cannot count what is left, so it leaves it out.
                #expect(page.body[path: ["metadata", "remainingItemCount"]] == nil)
                pages += 1
            } while !continueToken.isEmpty && pages < 10
            #expect(names == ["cm-0", "cm-1", "cm-2", "cm-3", "cm-4"])
            #expect(pages == 3)

            let even = try await fixture.curl("GET", Self.configMaps + "?labelSelector=app%3Deven")
            #expect(even.body["items"]?.arrayValue?.map(\.name) == ["cm-0", "cm-2", "cm-4"])
            let setBased = try await fixture.curl("GET", Self.configMaps + "?labelSelector=app+in+(odd),set")
            #expect(setBased.body["items"]?.arrayValue?.map(\.name) == ["cm-1", "cm-3"])
            let byName = try await fixture.curl("GET", "/api/v1/configmaps?fieldSelector=metadata.name%3Dcm-3")
            #expect(byName.body["items"]?.arrayValue?.map(\.name) == ["cm-3"])
        }
    }

    @Test func namespaceDeletionRemovesItsContents() async throws {
        try await ServerFixture.with { fixture in
            #expect(try await fixture.curl("POST", "/api/v1/namespaces", json: ["metadata": ["name": "team-a"]]).status == 201)
            #expect(try await fixture.curl("POST", "/api/v1/namespaces/team-a/serviceaccounts", json: ["metadata": ["name": "app"]]).status == 201)
            let deleted = try await fixture.curl("DELETE", "/api/v1/namespaces/team-a")
            #expect(deleted.status == 200)
            #expect(try await fixture.curl("GET", "/api/v1/namespaces/team-a/serviceaccounts/app").status == 404)
            #expect(try await fixture.curl("GET", "/api/v1/namespaces/team-a").status == 404)
        }
    }
}

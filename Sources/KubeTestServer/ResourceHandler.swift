import Foundation
import Hummingbird
import Yams

/// Which object or collection a resource URL names.
struct ResourceAddress: Sendable {
    var type: ResourceType
    var namespace: String?
    var name: String?
    var subresource: String?
    var watchPath: Bool
}

/// The REST verbs on resource URLs: get, list, watch, create, update, patch, delete,
/// deletecollection, the status subresource and `serviceaccounts/{name}/token`.
struct ResourceHandler: Sendable {
    let api: APIHandler
    /// Who asked (sent to admission webhooks as `userInfo`).
    var user: AuthenticatedUser? = nil
    var store: ObjectStore { api.store }

    func handle(_ exchange: HTTPExchange, group: String, version: String, rest: [String]) async throws -> Response {
        var address = try resolve(group: group, version: version, rest: rest)
        var view = ObjectView.identity
        if EventConversion.isEventsV1(address.type),
            let coreEvents = try store.read({ $0.type(group: "", version: "v1", plural: "events") })
        {
            view = ObjectView(presentedType: address.type, incoming: EventConversion.toCore, outgoing: EventConversion.toEventsV1)
            address.type = coreEvents
        }
        return try await handle(exchange, address: address, view: view)
    }

    private func handle(_ exchange: HTTPExchange, address: ResourceAddress, view: ObjectView) async throws -> Response {
        let type = address.type
        switch (exchange.method, address.name, address.subresource) {
        case ("GET", nil, nil):
            if address.watchPath || exchange.flag("watch") {
                return try WatchResponder(api: api).watch(exchange, address: address, view: view)
            }
            return try list(exchange, address: address, view: view)
        case ("GET", .some(let name), nil), ("GET", .some(let name), "status"):
            let object = view.outgoing(try store.read { try $0.get(type: type, namespace: address.namespace, name: name) })
            if exchange.wantsTable {
                return Reply.json(TableRenderer.table(type: type, objects: [object], includeObject: exchange.query["includeObject"], listMetadata: ["resourceVersion": object[path: ["metadata", "resourceVersion"]] ?? ""]))
            }
            return Reply.json(object)
        case ("POST", nil, nil):
            let body = try await MutatingAdmission(serviceHosts: api.webhookServiceHosts, logger: api.logger).admitCreate(
                view.incoming(try parseBody(exchange)), type: type, namespace: address.namespace, store: store, user: user,
                dryRun: exchange.isDryRun)
            let created = try store.write {
                try $0.create(type: type, namespace: address.namespace, body: body, dryRun: exchange.isDryRun, strictFields: exchange.strictFields)
            }
            return Reply.json(view.outgoing(created), status: 201)
        case ("POST", .some(let name), "token") where type.key.description == "serviceaccounts":
            return try TokenRequestHandler(api: api).create(exchange, namespace: address.namespace ?? "", serviceAccount: name)
        case ("PUT", .some(let name), nil), ("PUT", .some(let name), "status"):
            let body = view.incoming(try parseBody(exchange))
            let target: WriteTarget = address.subresource == "status" ? .status : .main
            try checkSubresource(type, target)
            let updated = try store.write {
                try $0.replace(
                    type: type, namespace: address.namespace, name: name, body: body, target: target,
                    requireResourceVersion: true, dryRun: exchange.isDryRun, strictFields: exchange.strictFields)
            }
            return Reply.json(view.outgoing(updated))
        case ("PATCH", .some(let name), nil), ("PATCH", .some(let name), "status"):
            let target: WriteTarget = address.subresource == "status" ? .status : .main
            try checkSubresource(type, target)
            return try patch(exchange, address: address, name: name, target: target, view: view)
        case ("DELETE", .some(let name), nil):
            return try delete(exchange, address: address, name: name, view: view)
        case ("DELETE", nil, nil):
            return try deleteCollection(exchange, address: address, view: view)
        default:
            throw APIError.methodNotAllowed(exchange.method)
        }
    }

    private func checkSubresource(_ type: ResourceType, _ target: WriteTarget) throws {
        if target == .status && !type.hasStatusSubresource && type.isCustom { throw APIError.pathNotFound }
    }

    func resolve(group: String, version: String, rest: [String]) throws -> ResourceAddress {
        var segments = rest
        var watchPath = false
        if segments.first == "watch" {
            watchPath = true
            segments.removeFirst()
        }
        let lookup: (String) throws -> ResourceType? = { plural in
            try store.read { $0.type(group: group, version: version, plural: plural) }
        }
        if segments.count >= 3, segments[0] == "namespaces", !["status", "finalize"].contains(segments[2]),
            let type = try lookup(segments[2])
        {
            guard type.namespaced, segments.count <= 5 else { throw APIError.pathNotFound }
            return ResourceAddress(
                type: type, namespace: segments[1], name: segments.count > 3 ? segments[3] : nil,
                subresource: segments.count > 4 ? segments[4] : nil, watchPath: watchPath)
        }
        guard let plural = segments.first, let type = try lookup(plural), segments.count <= 3 else {
            throw APIError.pathNotFound
        }
        if type.namespaced && segments.count > 1 { throw APIError.pathNotFound }
        return ResourceAddress(
            type: type, namespace: nil, name: segments.count > 1 ? segments[1] : nil,
            subresource: segments.count > 2 ? segments[2] : nil, watchPath: watchPath)
    }

    func parseBody(_ exchange: HTTPExchange) throws -> JSONValue {
        if exchange.mediaType == "application/vnd.kubernetes.protobuf" { return try ProtobufBodies.decode(exchange.body) }
        if exchange.mediaType.contains("yaml") { return try Self.parseYAML(exchange.body) }
        do {
            return try JSONValue.parse(exchange.body)
        } catch {
            throw APIError.badRequest("the request body is not valid JSON: \(error)")
        }
    }

    static func parseYAML(_ data: Data) throws -> JSONValue {
        do {
            return JSONValue.fromAny(try Yams.load(yaml: String(decoding: data, as: UTF8.self)))
        } catch {
            throw APIError.badRequest("error decoding YAML: \(error)")
        }
    }

    static func listOptions(_ exchange: HTTPExchange) throws -> ListOptions {
        var options = ListOptions()
        if let text = exchange.query["labelSelector"] { options.labelSelector = try LabelSelector(parsing: text) }
        if let text = exchange.query["fieldSelector"] { options.fieldSelector = try FieldSelector(parsing: text) }
        if let limit = exchange.query["limit"], !limit.isEmpty {
            guard let value = Int(limit), value >= 0 else { throw APIError.badRequest("invalid limit: \(limit)") }
            options.limit = value
        }
        options.continueToken = exchange.query["continue"]
        return options
    }

    private func list(_ exchange: HTTPExchange, address: ResourceAddress, view: ObjectView) throws -> Response {
        let options = try Self.listOptions(exchange)
        var list = try store.read { try $0.list(type: address.type, namespace: address.namespace, options: options) }
        if let presented = view.presentedType {
            list["items"] = .array((list["items"]?.arrayValue ?? []).map(view.outgoing))
            list["apiVersion"] = .string(presented.apiVersion)
        }
        if exchange.wantsTable {
            return Reply.json(TableRenderer.table(
                type: address.type, objects: list["items"]?.arrayValue ?? [],
                includeObject: exchange.query["includeObject"], listMetadata: list["metadata"]))
        }
        return Reply.json(list)
    }

    private func patch(_ exchange: HTTPExchange, address: ResourceAddress, name: String, target: WriteTarget, view: ObjectView) throws -> Response {
        let type = address.type
        let accepted = type.isCustom ? PatchFormat.accepted : PatchFormat.acceptedBuiltIn
        guard let format = PatchFormat(rawValue: exchange.mediaType), accepted.contains(format.rawValue) else {
            throw APIError.unsupportedMediaType(exchange.contentType, accepted: accepted)
        }
        if format == .apply && (exchange.query["fieldManager"] ?? "").isEmpty {
            throw APIError.invalid(kind: type.kind, group: type.group, name: name,
                                   errors: [FieldError(field: "fieldManager", reason: "FieldValueRequired", message: "Required value: is required for apply patch")])
        }
        let patchBody = format == .apply ? try Self.parseYAML(exchange.body) : try parseBody(exchange)
        let dryRun = exchange.isDryRun
        let strictFields = exchange.strictFields
        let (result, created) = try store.write { state -> (JSONValue, Bool) in
            guard var current = state.object(type.key, namespace: type.namespaced ? address.namespace : nil, name: name) else {
                if format == .apply && target == .main {
                    var body = view.incoming(patchBody)
                    body[path: ["metadata", "name"]] = .string(name)
                    let created = try state.create(type: type, namespace: address.namespace, body: body, dryRun: dryRun, strictFields: strictFields)
                    if !dryRun, let uid = created.uid {
                        var applied = patchBody
                        if type.hasStatusSubresource { applied["status"] = nil }
                        state.appliedFields.owners[uid] = [exchange.query["fieldManager"] ?? "": AppliedFields.leaves(applied)]
                    }
                    return (created, true)
                }
                throw APIError.notFound(plural: type.plural, group: type.group, name: name)
            }
            current["apiVersion"] = .string(type.apiVersion)
            current = view.outgoing(current)
            var patched: JSONValue
            switch format {
            case .merge:
                patched = Patches.mergePatch(current, patchBody)
            case .json:
                patched = try Patches.jsonPatch(current, patchBody)
            case .strategic:
                patched = Patches.strategicMergePatch(current, patchBody) ?? current
            case .apply:
                var appliedPart = patchBody
                if target == .status {
                    appliedPart = ["status": patchBody["status"] ?? .null]
                } else if type.hasStatusSubresource {
                    appliedPart["status"] = nil
                }
                patched = try state.appliedFields.apply(
                    live: current, applied: appliedPart, key: (current.uid ?? "") + (target == .status ? "/status" : ""),
                    manager: exchange.query["fieldManager"] ?? "", force: exchange.flag("force") && exchange.query["force"] != "false",
                    schema: type.schema,
                    conflict: { message in
                        APIError(code: 409, reason: "Conflict", message: message,
                                 details: APIError.details(name: name, group: type.group, kind: type.plural))
                    })
            }
            patched = view.incoming(patched)
            return (try state.replace(
                type: type, namespace: address.namespace, name: name, body: patched, target: target,
                requireResourceVersion: false, dryRun: dryRun, strictFields: strictFields), false)
        }
        return Reply.json(view.outgoing(result), status: created ? 201 : 200)
    }

    static func deleteOptions(_ exchange: HTTPExchange) throws -> DeleteOptions {
        var options = DeleteOptions()
        if !exchange.body.isEmpty, let body = try? JSONValue.parse(exchange.body) {
            options.preconditionUID = body[path: ["preconditions", "uid"]]?.stringValue
            options.preconditionResourceVersion = body[path: ["preconditions", "resourceVersion"]]?.stringValue
            options.propagationPolicy = body["propagationPolicy"]?.stringValue
            if body["orphanDependents"]?.boolValue == true { options.propagationPolicy = "Orphan" }
            options.dryRun = !(body["dryRun"]?.arrayValue?.isEmpty ?? true)
        }
        if let policy = exchange.query["propagationPolicy"] { options.propagationPolicy = policy }
        if exchange.isDryRun { options.dryRun = true }
        return options
    }

    private func delete(_ exchange: HTTPExchange, address: ResourceAddress, name: String, view: ObjectView) throws -> Response {
        let options = try Self.deleteOptions(exchange)
        let type = address.type
        let outcome = try store.write { try $0.delete(type: type, namespace: address.namespace, name: name, options: options) }
        switch outcome {
        case .marked(let object):
            return Reply.json(view.outgoing(object))
        case .deleted(let object):
            if type.isCustom { return Reply.json(object) }
            var details = APIError.details(name: name, group: type.group, kind: type.plural)
            details["uid"] = object["metadata"]?["uid"]
            return Reply.json(["kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Success", "details": details])
        }
    }

    private func deleteCollection(_ exchange: HTTPExchange, address: ResourceAddress, view: ObjectView) throws -> Response {
        let options = try Self.deleteOptions(exchange)
        var listOptions = try Self.listOptions(exchange)
        listOptions.limit = nil
        let type = address.type
        let deleted = try store.write { state -> [JSONValue] in
            let list = try state.list(type: type, namespace: address.namespace, options: listOptions)
            var removed: [JSONValue] = []
            for item in list["items"]?.arrayValue ?? [] {
                if case .deleted(let object) = try state.delete(type: type, namespace: item.namespace, name: item.name, options: options) {
                    removed.append(object)
                } else {
                    removed.append(item)
                }
            }
            return removed
        }
        return Reply.json([
            "kind": .string(type.listKind), "apiVersion": .string(type.apiVersion),
            "metadata": ["resourceVersion": .string(String(store.currentResourceVersion))], "items": .array(deleted.map(view.outgoing)),
        ])
    }
}

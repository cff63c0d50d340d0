import Foundation
import Hummingbird

/// Streams a watch as newline-delimited JSON events over a chunked 200 response: replay from a
/// resourceVersion (or the current state as ADDED), live events, optional BOOKMARKs, the
/// `timeoutSeconds` deadline, and a 410 `ERROR` event for a version older than the history.
struct WatchResponder: Sendable {
    let api: APIHandler

    /// Without `timeoutSeconds` a watch still ends, as the real server's request timeout ends it.
    static let defaultTimeout: Duration = .seconds(1800)

    func watch(_ exchange: HTTPExchange, address: ResourceAddress, view: ObjectView = .identity) throws -> Response {
        let options = try ResourceHandler.listOptions(exchange)
        let filter = WatchFilter(
            type: address.type, namespace: address.type.namespaced ? address.namespace : nil,
            labelSelector: options.labelSelector, fieldSelector: options.fieldSelector)
        let versionText = exchange.query["resourceVersion"] ?? ""
        var since: Int64?
        if !versionText.isEmpty && versionText != "0" {
            guard let number = Int64(versionText) else {
                throw APIError.badRequest("invalid resource version: \(versionText)")
            }
            since = number
        }
        let requestedTimeout = exchange.query["timeoutSeconds"].flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil }
        let timeout: Duration = requestedTimeout.map { .seconds($0) } ?? Self.defaultTimeout
        let bookmarks = exchange.flag("allowWatchBookmarks")
        let table = exchange.wantsTable
        let includeObject = exchange.query["includeObject"]
        let type = view.presentedType ?? address.type
        let outgoing = view.outgoing

        if let style = api.faults.takeWatchFault() {
            let gone = APIError.gone("too old resource version: \(since ?? 0) (\(api.store.currentResourceVersion))")
            if style == .httpStatus { return Reply.error(gone) }
            return Self.single(.error(gone.statusBody))
        }
        let opened: (id: Int, stream: AsyncStream<WatchMessage>)
        do {
            opened = try api.store.watch(filter: filter, since: since, sendInitialEvents: exchange.query["sendInitialEvents"] == "true")
        } catch let error as APIError where error.code == 410 {
            return Self.single(.error(error.statusBody))
        }

        let store = api.store
        let faults = api.faults
        let interval = api.bookmarkInterval
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        let body = ResponseBody { writer in
            store.streamStarted()
            defer { store.streamEnded() }
            let bookmarkTask = Task {
                guard bookmarks else { return }
                while !Task.isCancelled {
                    try await Task.sleep(for: interval)
                    store.bookmark(watch: opened.id)
                }
            }
            let timeoutTask = Task {
                try await Task.sleep(for: timeout)
                store.stopWatch(opened.id)
            }
            defer {
                bookmarkTask.cancel()
                timeoutTask.cancel()
                store.stopWatch(opened.id)
            }
            for await message in opened.stream {
                while faults.watchesStalled { try await Task.sleep(for: .milliseconds(20)) }
                let line = Self.line(for: Self.converted(message, outgoing), type: type, table: table, includeObject: includeObject)
                try await writer.write(ByteBuffer(bytes: line))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    static func converted(_ message: WatchMessage, _ outgoing: (JSONValue) -> JSONValue) -> WatchMessage {
        if case .event(let kind, let object) = message { return .event(type: kind, object: outgoing(object)) }
        return message
    }

    static func single(_ message: WatchMessage) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        let line = Self.line(for: message, type: nil, table: false, includeObject: nil)
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            try await writer.write(ByteBuffer(bytes: line))
            try await writer.finish(nil)
        })
    }

    static func line(for message: WatchMessage, type: ResourceType?, table: Bool, includeObject: String?) -> Data {
        let event: JSONValue
        switch message {
        case .event(let kind, let object):
            var rendered = object
            if table, let type {
                rendered = TableRenderer.table(
                    type: type, objects: [object], includeObject: includeObject,
                    listMetadata: ["resourceVersion": object[path: ["metadata", "resourceVersion"]] ?? ""])
            }
            event = ["type": .string(kind), "object": rendered]
        case .bookmark(let version):
            event = [
                "type": "BOOKMARK",
                "object": [
                    "kind": .string(type?.kind ?? ""), "apiVersion": .string(type?.apiVersion ?? ""),
                    "metadata": ["resourceVersion": .string(String(version))],
                ],
            ]
        case .initialEventsEnd(let version):
            event = [
                "type": "BOOKMARK",
                "object": [
                    "kind": .string(type?.kind ?? ""), "apiVersion": .string(type?.apiVersion ?? ""),
                    "metadata": [
                        "resourceVersion": .string(String(version)),
                        "annotations": ["k8s.io/initial-events-end": "true"],
                    ],
                ],
            ]
        case .error(let status):
            event = ["type": "ERROR", "object": status]
        }
        return event.serialized() + Data("\n".utf8)
    }
}

/// One request with its body, as a POST route gets it.
struct EndpointRequest: Sendable {
    var head: HTTPRequestHead
    /// Exactly `Content-Length` bytes.
    var body: [UInt8]
}

/// The paths one endpoint serves: plain closures for GET (and HEAD) producing the current
/// answer, and async handlers for POST taking the request body (the webhook's `/mutate`).
/// Routes a parsed request: 404 for other paths, 405 (with `Allow`) for other methods.
struct EndpointRoutes: Sendable {
    var handlers: [String: @Sendable () -> EndpointResponse]
    var postHandlers: [String: @Sendable (EndpointRequest) async -> EndpointResponse]

    init(_ handlers: [String: @Sendable () -> EndpointResponse], post: [String: @Sendable (EndpointRequest) async -> EndpointResponse] = [:]) {
        self.handlers = handlers
        self.postHandlers = post
    }

    /// Whether a request for `head` has a body worth reading: a POST to a POST route.
    func takesBody(_ head: HTTPRequestHead) -> Bool {
        head.method == "POST" && postHandlers[head.path] != nil
    }

    /// The answer to a request without a body: GET and HEAD routes, 404 and 405.
    func response(to head: HTTPRequestHead) -> EndpointResponse {
        if let refusal = refusal(of: head) { return refusal }
        guard let handler = handlers[head.path] else {
            return EndpointResponse(status: 404, body: "not found: \(head.path)\n")
        }
        return handler()
    }

    /// The answer to a POST with its body.
    func response(to request: EndpointRequest) async -> EndpointResponse {
        guard let handler = postHandlers[request.head.path], request.head.method == "POST" else { return response(to: request.head) }
        return await handler(request)
    }

    /// 404 for an unknown path, 405 for a method the path does not take; nil when routable.
    private func refusal(of head: HTTPRequestHead) -> EndpointResponse? {
        let get = handlers[head.path] != nil
        let post = postHandlers[head.path] != nil
        guard get || post else { return EndpointResponse(status: 404, body: "not found: \(head.path)\n") }
        if get, head.method == "GET" || head.method == "HEAD" { return nil }
        if post, head.method == "POST" { return nil }
        let allowed = (get ? ["GET", "HEAD"] : []) + (post ? ["POST"] : [])
        let allow = allowed.joined(separator: ", ")
        return EndpointResponse(
            status: 405, body: "method \(head.method) not allowed; use \(allowed.joined(separator: " or "))\n", headers: [("Allow", allow)])
    }
}

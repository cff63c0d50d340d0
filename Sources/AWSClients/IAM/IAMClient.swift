import Foundation
import HTTPTransport
import Logging

/// The IAM Query API client Trustline uses (real IAM or moto): typed results, typed errors,
/// pagination followed to the end, documents URL-decoded, standard retries.
public final class IAMClient: IAMAPI {
    /// Runs the calls; exposed so tests and metrics can read the retry quota and clock offset.
    public let executor: QueryRequestExecutor

    public init(
        configuration: AWSClientConfiguration,
        httpClient: any HTTPClient,
        credentialProvider: any CredentialProvider,
        logger: Logger = Logger(label: "trustline.aws.iam")
    ) {
        executor = QueryRequestExecutor(
            service: .iam, configuration: configuration, httpClient: httpClient,
            credentialProvider: credentialProvider, logger: logger)
    }

    /// A call whose answer carries nothing but the request id.
    func perform(_ action: String, _ parameters: [(String, String)]) async throws(AWSClientError) {
        try await executor.perform(action: action, parameters: parameters) { _ throws(XMLDecodingError) in () }
    }

    /// A call whose `<{action}Result>` element is decoded by `decode`.
    func perform<Output>(
        _ action: String, _ parameters: [(String, String)],
        decode: (ParsedXMLElement) throws(XMLDecodingError) -> Output
    ) async throws(AWSClientError) -> Output {
        try await executor.perform(action: action, parameters: parameters) { root throws(XMLDecodingError) in
            try decode(try root.requiredElement(at: ["\(action)Result"]))
        }
    }

    /// Pages through a Marker/IsTruncated list call and returns the items of every page.
    /// `pageSize` sets `MaxItems` (IAM's default is 100).
    func paginate<Item>(
        _ action: String, _ parameters: [(String, String)], pageSize: Int?,
        decodePage: (ParsedXMLElement) throws(XMLDecodingError) -> [Item]
    ) async throws(AWSClientError) -> [Item] {
        var items: [Item] = []
        var marker: String?
        var seenMarkers: Set<String> = []
        while true {
            let page = try await fetchPage(action, parameters, pageSize: pageSize, marker: marker, decodePage: decodePage)
            items += page.items
            guard let next = page.nextMarker else { return items }
            guard seenMarkers.insert(next).inserted else {
                throw .invalidResponse(
                    .invalidValue(path: "\(action)Result/Marker", value: next, expected: "a marker not seen before"),
                    httpStatus: 200, requestId: nil)
            }
            marker = next
        }
    }

    /// One page of a Marker/IsTruncated list call: its items, and the marker of the next page
    /// (nil on the last one). `marker` nil asks for the first page.
    func fetchPage<Item>(
        _ action: String, _ parameters: [(String, String)], pageSize: Int?, marker: String?,
        decodePage: (ParsedXMLElement) throws(XMLDecodingError) -> [Item]
    ) async throws(AWSClientError) -> (items: [Item], nextMarker: String?) {
        let pageParameters = try Self.pageParameters(parameters, pageSize: pageSize, marker: marker)
        return try await perform(action, pageParameters) { result throws(XMLDecodingError) in
            (try decodePage(result), try Self.nextMarker(of: result, action: action))
        }
    }

    /// One page as `fetchPage` reads it, except that each element at `itemPath` (below
    /// `<{action}Result>`) is decoded by `decodeItem` as the parser reaches its end and then
    /// dropped: a page of 1000 roles with their policies is never one tree in memory.
    func fetchStreamedPage<Item>(
        _ action: String, _ parameters: [(String, String)], pageSize: Int?, marker: String?, itemPath: [String],
        decodeItem: @escaping (ParsedXMLElement) throws(XMLDecodingError) -> Item
    ) async throws(AWSClientError) -> (items: [Item], nextMarker: String?) {
        let pageParameters = try Self.pageParameters(parameters, pageSize: pageSize, marker: marker)
        return try await executor.perform(
            action: action, parameters: pageParameters, itemPath: ["\(action)Result"] + itemPath, decodeItem: decodeItem
        ) { root, items throws(XMLDecodingError) in
            (items, try Self.nextMarker(of: try root.requiredElement(at: ["\(action)Result"]), action: action))
        }
    }

    /// `parameters` with `MaxItems` and `Marker`; a page size IAM would refuse fails here, naming the field.
    private static func pageParameters(
        _ parameters: [(String, String)], pageSize: Int?, marker: String?
    ) throws(AWSClientError) -> [(String, String)] {
        if let pageSize, !(1...1000).contains(pageSize) {
            throw .invalidInput(field: "pageSize", reason: "must be between 1 and 1000, got \(pageSize)")
        }
        var pageParameters = parameters
        if let pageSize { pageParameters.append(("MaxItems", String(pageSize))) }
        if let marker { pageParameters.append(("Marker", marker)) }
        return pageParameters
    }

    /// The `Marker` of the next page when `IsTruncated`, nil on the last page.
    private static func nextMarker(of result: ParsedXMLElement, action: String) throws(XMLDecodingError) -> String? {
        let truncated = try result.boolean(at: ["IsTruncated"]) ?? false
        guard truncated else { return nil }
        guard let next = result.text(at: ["Marker"]), !next.isEmpty else {
            throw XMLDecodingError.missingElement(path: "\(action)Result/Marker (IsTruncated is true)")
        }
        return next
    }

    /// Rejects an empty required parameter before any request is made.
    func require(_ value: String, field: String) throws(AWSClientError) {
        if value.isEmpty {
            throw .invalidInput(field: field, reason: "must not be empty")
        }
    }

    /// `Tags.member.N.Key` / `Tags.member.N.Value` parameters.
    static func tagParameters(_ tags: [IAMTag], prefix: String = "Tags") -> [(String, String)] {
        tags.enumerated().flatMap { index, tag in
            [("\(prefix).member.\(index + 1).Key", tag.key), ("\(prefix).member.\(index + 1).Value", tag.value)]
        }
    }

    /// `Name.member.N` parameters of a string list.
    static func listParameters(_ values: [String], name: String) -> [(String, String)] {
        values.enumerated().map { index, value in ("\(name).member.\(index + 1)", value) }
    }

    static func decodeTags(_ element: ParsedXMLElement?) throws(XMLDecodingError) -> [IAMTag] {
        guard let element else { return [] }
        var tags: [IAMTag] = []
        for member in element.children(named: "member") {
            tags.append(IAMTag(key: try member.requiredText(at: ["Key"]), value: member.text(at: ["Value"]) ?? ""))
        }
        return tags
    }

    /// IAM returns policy documents URL-encoded (RFC 3986); raw JSON passes through unchanged.
    static func decodePolicyDocument(_ raw: String) -> String {
        raw.removingPercentEncoding ?? raw
    }
}

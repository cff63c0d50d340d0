import Foundation

/// An object as GetObject returns it.
public struct S3Object: Sendable, Equatable {
    public var body: Data
    /// The entity tag S3 computed (quoted, as S3 sends it); changes whenever the content does.
    public var etag: String?
    public var contentType: String?

    public init(body: Data, etag: String?, contentType: String?) {
        self.body = body
        self.etag = etag
        self.contentType = contentType
    }
}

/// An object's metadata as HeadObject returns it, without the body.
public struct S3ObjectHead: Sendable, Equatable {
    public var etag: String?
    public var contentType: String?
    public var contentLength: Int?

    public init(etag: String?, contentType: String?, contentLength: Int?) {
        self.etag = etag
        self.contentType = contentType
        self.contentLength = contentLength
    }
}

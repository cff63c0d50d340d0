import Foundation

/// Where to send a service's requests and which region to put in their SigV4 credential scope;
/// the two differ for global services such as IAM.
public struct AWSEndpoint: Sendable, Equatable {
    public var url: URL
    public var signingRegion: String

    public init(url: URL, signingRegion: String) {
        self.url = url
        self.signingRegion = signingRegion
    }
}

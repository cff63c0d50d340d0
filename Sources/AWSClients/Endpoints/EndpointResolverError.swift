/// A configured endpoint override that cannot be used, naming the variable and what a valid value looks like.
public enum EndpointResolverError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidEndpointURL(variable: String, value: String)
    case invalidRegion(variable: String, value: String)

    public var description: String {
        switch self {
        case .invalidEndpointURL(let variable, let value):
            "\(variable)='\(value)' is not a usable endpoint URL: give an absolute http or https URL with a host, "
                + "for example http://127.0.0.1:5000 or https://iam.amazonaws.com."
        case .invalidRegion(let variable, let value):
            "\(variable)='\(value)' is not an AWS region name: use lower-case letters, digits and '-', "
                + "for example us-east-1, cn-north-1 or us-gov-west-1."
        }
    }
}

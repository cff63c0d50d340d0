/// Something the test environment could not set up (a tool missing, a server that did not start),
/// as opposed to a failed expectation; the description says what to install or where to look.
public struct TestSetupError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

import Foundation

/// Calendar time for condition `lastTransitionTime`, event times and the OIDC check's refresh.
/// A protocol so tests pin time; `ControllerRuntime`'s clock is monotonic and cannot give dates.
public protocol WallClock: Sendable {
    var now: Date { get }
}

/// The system's calendar clock.
public struct SystemWallClock: WallClock {
    public init() {}
    public var now: Date { Date() }
}

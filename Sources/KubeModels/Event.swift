/// `events.k8s.io/v1` Event: what the operator tells users about a resource (`kubectl describe`,
/// `kubectl events`), e.g. a Warning `GuardrailViolation` or a Normal `DriftCorrected`.
public struct Event: KubernetesResource, Equatable {
    public static let descriptor = ResourceDescriptor(
        group: "events.k8s.io", version: "v1", kind: "Event", plural: "events", namespaced: true
    )

    /// `Normal` or `Warning`.
    public enum EventType: String, Codable, Sendable, Equatable {
        case normal = "Normal"
        case warning = "Warning"
    }

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    /// `MicroTime` of the first occurrence; required on create.
    public var eventTime: String
    public var series: EventSeries?
    /// E.g. `trustline.dev/operator`; required on create.
    public var reportingController: String?
    /// The instance (pod) of the controller; required on create.
    public var reportingInstance: String?
    /// What the controller did or failed to do, e.g. `Reconcile`; required on create.
    public var action: String?
    /// UpperCamelCase reason, e.g. `GuardrailViolation`.
    public var reason: String?
    /// The object this event is about.
    public var regarding: ObjectReference
    public var related: ObjectReference?
    /// Human-readable, at most 1 kB.
    public var note: String?
    public var type: EventType?

    public init(
        metadata: ObjectMeta,
        eventTime: String,
        series: EventSeries? = nil,
        reportingController: String?,
        reportingInstance: String?,
        action: String?,
        reason: String?,
        regarding: ObjectReference,
        related: ObjectReference? = nil,
        note: String?,
        type: EventType?
    ) {
        self.apiVersion = Self.descriptor.apiVersion
        self.kind = Self.descriptor.kind
        self.metadata = metadata
        self.eventTime = eventTime
        self.series = series
        self.reportingController = reportingController
        self.reportingInstance = reportingInstance
        self.action = action
        self.reason = reason
        self.regarding = regarding
        self.related = related
        self.note = note
        self.type = type
    }
}

/// `events.k8s.io/v1` EventSeries: repeated occurrences folded into one Event.
public struct EventSeries: Codable, Sendable, Equatable {
    public var count: Int32
    public var lastObservedTime: String

    public init(count: Int32, lastObservedTime: String) {
        self.count = count
        self.lastObservedTime = lastObservedTime
    }
}

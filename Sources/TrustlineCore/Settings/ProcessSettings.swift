/// The settings of the `trustline` process itself rather than of what it converges: where the
/// metrics and probe endpoints listen, whether it campaigns for leadership and in which namespace,
/// and how it logs.
/// They come from the same three layers as `OperatorSettings` (one ConfigMap configures a whole
/// Deployment), but only `trustline run` uses them all, so they are a type of their own. The
/// addresses stay text here; the operator parses them (`ListenAddress`).
public struct ProcessSettings: Sendable, Equatable {
    public static let defaultMetricsBindAddress = ":8080"
    public static let defaultHealthProbeBindAddress = ":8081"
    public static let defaultLogFormat = "logfmt"
    public static let defaultLogLevel = "info"

    /// `host:port` of `/metrics`; `0` disables it.
    public var metricsBindAddress: String
    /// `host:port` of `/healthz` and `/readyz`; `0` disables them.
    public var healthProbeBindAddress: String
    /// Campaign for the leader Lease and reconcile only while leading.
    public var leaderElect: Bool
    /// The namespace the operator runs in (its Lease lives there); nil: the pod's namespace file,
    /// else `default`, which the operator resolves (`OperatorNamespace`).
    public var namespace: String?
    /// `logfmt` or `json`.
    public var logFormat: String
    /// swift-log level name, `info` by default.
    public var logLevel: String

    public init(
        metricsBindAddress: String = ProcessSettings.defaultMetricsBindAddress,
        healthProbeBindAddress: String = ProcessSettings.defaultHealthProbeBindAddress,
        leaderElect: Bool = false,
        namespace: String? = nil,
        logFormat: String = ProcessSettings.defaultLogFormat,
        logLevel: String = ProcessSettings.defaultLogLevel
    ) {
        self.metricsBindAddress = metricsBindAddress
        self.healthProbeBindAddress = healthProbeBindAddress
        self.leaderElect = leaderElect
        self.namespace = namespace
        self.logFormat = logFormat
        self.logLevel = logLevel
    }
}

extension SettingsLoader {
    /// Merges the layers (file < environment < flags) and reads the process settings; an empty
    /// value counts as unset, so the default applies.
    public static func loadProcess(
        file: [String: RawSetting] = [:], environment: [String: RawSetting] = [:], flags: [String: RawSetting] = [:]
    ) throws(SettingsError) -> ProcessSettings {
        let reader = RawSettingReader(values: merge(file: file, environment: environment, flags: flags))
        func text(_ key: String, _ fallback: String) throws(SettingsError) -> String {
            guard let value = try reader.string(key), !value.isEmpty else { return fallback }
            return value
        }
        var settings = ProcessSettings()
        settings.metricsBindAddress = try text("metricsBindAddress", ProcessSettings.defaultMetricsBindAddress)
        settings.healthProbeBindAddress = try text("healthProbeBindAddress", ProcessSettings.defaultHealthProbeBindAddress)
        if let text = try reader.string("leaderElect"), !text.isEmpty {
            settings.leaderElect = try reader.bool("leaderElect") ?? false
        }
        settings.namespace = try reader.string("namespace").flatMap { $0.isEmpty ? nil : $0 }
        settings.logFormat = try text("logFormat", ProcessSettings.defaultLogFormat)
        settings.logLevel = try text("logLevel", ProcessSettings.defaultLogLevel)
        return settings
    }
}

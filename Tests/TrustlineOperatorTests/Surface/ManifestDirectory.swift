import Foundation

/// A temporary directory of manifest files for `trustline plan` tests, removed by `remove()`
/// (call it in a `defer`). Each test gets its own directory, so tests run in parallel.
struct ManifestDirectory {
    let path: String

    init(files: [String: String]) throws {
        path = (NSTemporaryDirectory() as NSString).appendingPathComponent("trustline-plan-\(UUID().uuidString)")
        for (relative, contents) in files {
            let file = (path as NSString).appendingPathComponent(relative)
            try FileManager.default.createDirectory(
                atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(contents.utf8).write(to: URL(fileURLWithPath: file))
        }
    }

    func file(_ relative: String) -> String {
        (path as NSString).appendingPathComponent(relative)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// A WorkloadAwsAccess document; `action` is what its inline policy allows.
    static func access(name: String, namespace: String? = "production", action: String = "s3:GetObject", managed: [String] = []) -> String {
        """
        apiVersion: trustline.dev/v1alpha1
        kind: WorkloadAwsAccess
        metadata:
          name: \(name)
        \(namespace.map { "  namespace: \($0)" } ?? "")
        spec:
          serviceAccount:
            name: \(name)
            create: true
          inlinePolicies:
            - name: access
              document:
                Version: "2012-10-17"
                Statement:
                  - Effect: Allow
                    Action: ["\(action)"]
                    Resource: ["arn:aws:s3:::bucket/*"]
          managedPolicyArns: [\(managed.map { "\"\($0)\"" }.joined(separator: ", "))]
        """
    }

    static let configMap = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
          namespace: production
        data:
          kind: WorkloadAwsAccess
        """
}

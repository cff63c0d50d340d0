/// Manifests the end-to-end tests apply, built from parts so each test states what it changes.
enum Manifests {
    /// The sample's inline policy, as YAML without indentation.
    static let myAppPolicy = """
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: [s3:GetObject, s3:PutObject, s3:ListBucket]
            Resource: [arn:aws:s3:::my-bucket, arn:aws:s3:::my-bucket/*]
        """

    /// A WorkloadAwsAccess in `namespace` with one inline policy document (indented YAML).
    static func access(
        name: String, namespace: String = "production", serviceAccount: String? = nil, policyName: String = "s3-access",
        policy: String = myAppPolicy, managed: [String] = ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
        tags: [String: String] = ["team": "payments"], deletionPolicy: String = "Delete", roleName: String? = nil
    ) -> String {
        var yaml = """
            apiVersion: trustline.dev/v1alpha1
            kind: WorkloadAwsAccess
            metadata:
              name: \(name)
              namespace: \(namespace)
            spec:
              serviceAccount:
                name: \(serviceAccount ?? name)
              role:

            """
        if let roleName { yaml += "    name: \(roleName)\n" }
        yaml += "    tags:\(tags.isEmpty ? " {}" : "")\n"
        for key in tags.keys.sorted() { yaml += "      \(key): \(tags[key] ?? "")\n" }
        yaml += "  inlinePolicies:\n    - name: \(policyName)\n      document:\n"
        yaml += policy.split(separator: "\n").map { "        " + $0 }.joined(separator: "\n") + "\n"
        yaml += "  managedPolicyArns:\(managed.isEmpty ? " []" : "")\n"
        for arn in managed { yaml += "    - \(arn)\n" }
        yaml += "  deletionPolicy: \(deletionPolicy)\n"
        return yaml
    }
}

extension RunningOperator {
    /// `trustline_iam_writes_total` by action.
    func iamWritesByAction() async throws -> [String: Double] {
        var result: [String: Double] = [:]
        for (key, value) in try await metrics() where key.hasPrefix("trustline_iam_writes_total{") {
            guard let start = key.range(of: "action=\""), let end = key[start.upperBound...].firstIndex(of: "\"") else { continue }
            result[String(key[start.upperBound..<end]), default: 0] += value
        }
        return result
    }
}

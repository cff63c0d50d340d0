import Foundation
import KubeClient
import KubeModels
import TrustlineCore

extension AccessPlanning {
    /// The path that means standard input (`kubectl kustomize overlays/prod | trustline plan -`).
    public static let standardInputPath = "-"

    /// What reading the manifests found: the resources to evaluate, and every problem of the
    /// documents that are not (or of files that cannot be read), in reading order.
    public struct ManifestScan: Sendable {
        public var resources: [ScannedResource] = []
        public var problems: [ManifestProblem] = []
    }

    /// A resource the API server would accept, with where it was read.
    public struct ScannedResource: Sendable {
        public var file: String
        public var document: Int
        /// `file`, or `file#N` in a file of several documents.
        public var source: String
        public var resource: WorkloadAwsAccess
    }

    /// The problems of resources that clash with an earlier one in the same manifests
    /// (ManifestConflicts); `planned[i]` is the evaluation of `scanned[i]`. Refused resources
    /// render no role and are left out.
    public static func conflicts(scanned: [ScannedResource], planned: [PlannedAccess]) -> [ManifestProblem] {
        var claims: [ManifestConflicts.Claim] = []
        var origins: [ScannedResource] = []
        for (item, access) in zip(scanned, planned) {
            guard let rendered = access.rendered else { continue }
            claims.append(ManifestConflicts.Claim(
                source: item.source, namespace: access.namespace, name: access.name,
                serviceAccountName: rendered.serviceAccountName, roleName: rendered.role.name))
            origins.append(item)
        }
        return ManifestConflicts.find(claims).map { found in
            let origin = origins[found.index]
            return ManifestProblem(file: origin.file, document: origin.document, source: origin.source, found.problem)
        }
    }

    /// The CRD `trustline plan` judges manifests by: `crdText`, the binary's copy of `crds/`.
    public static func embeddedResourceSchema() throws -> CustomResourceSchema {
        let documents = try YAMLManifest.documents(crdText, source: "the embedded CRD")
        guard let crd = documents.first?.value else { throw InputError(description: "the embedded CRD is empty") }
        return try CustomResourceSchema(crd: crd)
    }

    /// Reads every manifest under `paths` (files; directories searched for `.yaml`/`.yml`/`.json`
    /// files in name order, hidden folders skipped; `-` for standard input, read with
    /// `readStandardInput`). Each document is checked as the API server would (ManifestDocumentCheck);
    /// a bad document or file becomes problems and reading goes on. Throws only for a path that
    /// does not exist (a usage error).
    public static func scan(
        _ paths: [String], readStandardInput: () -> Data = { FileHandle.standardInput.readDataToEndOfFile() }
    ) throws -> ManifestScan {
        let check = ManifestDocumentCheck(resource: try embeddedResourceSchema())
        var scan = ManifestScan()
        for file in try manifestFiles(paths) {
            let data: Data
            if file == standardInputPath {
                data = readStandardInput()
            } else if let contents = FileManager.default.contents(atPath: file) {
                data = contents
            } else {
                scan.problems.append(ManifestProblem(file: file, document: nil, DocumentProblem(.error, field: "", "cannot be read; check its permissions")))
                continue
            }
            let name = file == standardInputPath ? "stdin" : file
            let documents: [YAMLManifest.Document]
            do throws(YAMLManifest.ParseError) {
                documents = try YAMLManifest.documents(String(decoding: data, as: UTF8.self), source: name)
            } catch {
                scan.problems.append(ManifestProblem(file: name, document: nil, DocumentProblem(.error, field: "", error.problem)))
                continue
            }
            for document in documents {
                let label = documents.count > 1 ? "\(name)#\(document.index)" : name
                if let items = ManifestDocumentCheck.listItems(document.value) {
                    for (index, item) in items.enumerated() {
                        admit(item, check: check, source: "\(name)#\(document.index).items[\(index)]",
                              file: name, document: document.index, into: &scan)
                    }
                } else {
                    admit(document.value, check: check, source: label, file: name, document: document.index, into: &scan)
                }
            }
        }
        return scan
    }

    private static func admit(_ value: JSONValue, check: ManifestDocumentCheck, source: String, file: String, document: Int, into scan: inout ManifestScan) {
        let report = { (problem: DocumentProblem) in ManifestProblem(file: file, document: document, source: source, problem) }
        switch check.check(value) {
        case .skipped(let warnings):
            scan.problems += warnings.map(report)
        case .refused(let problems):
            scan.problems += problems.map(report)
        case .accepted:
            do {
                var resource = try JSONDecoder().decode(WorkloadAwsAccess.self, from: JSONEncoder().encode(value))
                if resource.metadata.namespace?.isEmpty ?? true { resource.metadata.namespace = "default" }
                scan.resources.append(ScannedResource(file: file, document: document, source: source, resource: resource))
            } catch {
                // The schema admitted it, so this is a gap between the CRD and the Swift model.
                scan.problems.append(report(DocumentProblem(
                    .error, field: "", "passes the CRD schema but does not decode as WorkloadAwsAccess (\(error)); report this as a bug")))
            }
        }
    }

    static func manifestFiles(_ paths: [String]) throws -> [String] {
        var files: [String] = []
        for path in paths {
            if path == standardInputPath {
                files.append(path)
                continue
            }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw InputError(description: "\(path): no such file or directory")
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            guard let enumerator = FileManager.default.enumerator(atPath: path) else { continue }
            var found: [String] = []
            for case let relative as String in enumerator {
                // Hidden folders (.git, .build) hold no manifests a user applies.
                if (relative as NSString).lastPathComponent.hasPrefix(".") {
                    enumerator.skipDescendants()
                    continue
                }
                let lower = relative.lowercased()
                if lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") || lower.hasSuffix(".json") {
                    found.append((path as NSString).appendingPathComponent(relative))
                }
            }
            files += found.sorted()
        }
        return files
    }
}

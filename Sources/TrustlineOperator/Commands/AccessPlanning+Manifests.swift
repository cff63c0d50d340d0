import Foundation
import KubeClient
import KubeModels
import TrustlineCore

extension AccessPlanning {
    /// Every `WorkloadAwsAccess` document under `paths` (files, or directories searched for
    /// `.yaml`/`.yml`/`.json` files in name order, hidden folders skipped); other kinds are skipped.
    public static func resources(in paths: [String]) throws -> [(source: String, resource: WorkloadAwsAccess)] {
        var found: [(String, WorkloadAwsAccess)] = []
        for file in try manifestFiles(paths) {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw InputError(description: "\(file): cannot be read")
            }
            let documents = try YAMLManifest.documents(String(decoding: data, as: UTF8.self), source: file)
            for document in documents {
                guard document.kind == WorkloadAwsAccess.descriptor.kind,
                    document.apiVersion?.hasPrefix(WorkloadAwsAccess.descriptor.group + "/") == true
                else { continue }
                let source = documents.count > 1 ? "\(file)#\(document.index)" : file
                do {
                    var resource = try document.decode(WorkloadAwsAccess.self)
                    if resource.metadata.namespace?.isEmpty ?? true { resource.metadata.namespace = "default" }
                    found.append((source, resource))
                } catch {
                    throw InputError(description: "\(source): not a valid WorkloadAwsAccess (\(error))")
                }
            }
        }
        return found
    }

    static func manifestFiles(_ paths: [String]) throws -> [String] {
        var files: [String] = []
        for path in paths {
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

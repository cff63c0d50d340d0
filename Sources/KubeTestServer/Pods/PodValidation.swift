import Foundation

/// The v1 Pod checks the API server's `ValidatePodCreate` makes on the parts a pod identity
/// webhook writes (containers, env, volumes, volumeMounts, projected tokens), with the same field
/// paths and messages, so a webhook that writes a bad pod is refused here as on a cluster.
/// Pure: a pod in, field errors out.
enum PodValidation {
    /// Every volume source field of `v1.VolumeSource`, in the order `validateVolumeSource` checks them.
    static let volumeSources = [
        "emptyDir", "hostPath", "gitRepo", "gcePersistentDisk", "awsElasticBlockStore", "secret", "nfs", "iscsi",
        "glusterfs", "persistentVolumeClaim", "rbd", "quobyte", "flexVolume", "cinder", "cephfs", "flocker",
        "downwardAPI", "fc", "azureFile", "vsphereVolume", "azureDisk", "photonPersistentDisk", "projected",
        "portworxVolume", "scaleIO", "storageos", "configMap", "csi", "ephemeral", "image",
    ]
    static let projectionSources = ["secret", "configMap", "downwardAPI", "serviceAccountToken", "clusterTrustBundle", "podCertificate"]

    static func validate(_ pod: JSONValue) -> [FieldError] {
        let spec = pod["spec"] ?? [:]
        var errors: [FieldError] = []
        let volumeNames = validateVolumes(spec["volumes"]?.arrayValue ?? [], errors: &errors)
        var containerNames: Set<String> = []
        for list in ["containers", "initContainers"] {
            let containers = spec[list]?.arrayValue ?? []
            if list == "containers" && containers.isEmpty {
                errors.append(.required("spec.containers"))
            }
            for (index, container) in containers.enumerated() {
                validateContainer(
                    container, path: "spec.\(list)[\(index)]", volumeNames: volumeNames, containerNames: &containerNames,
                    errors: &errors)
            }
        }
        return errors
    }

    /// Names, one source each, projected sources; returns the names mounts may refer to.
    static func validateVolumes(_ volumes: [JSONValue], errors: inout [FieldError]) -> Set<String> {
        var names: Set<String> = []
        for (index, volume) in volumes.enumerated() {
            let path = "spec.volumes[\(index)]"
            // As `ValidateVolumes` does: source errors first, then the name; only a volume without
            // errors can be mounted.
            var volumeErrors: [FieldError] = []
            let present = volumeSources.filter { volume[$0] != nil && volume[$0]?.isNull == false }
            if present.isEmpty {
                volumeErrors.append(FieldError(field: path, reason: "FieldValueRequired", message: "Required value: must specify a volume type"))
            }
            for extra in present.dropFirst() {
                volumeErrors.append(.forbidden("\(path).\(extra)", detail: "may not specify more than 1 volume type"))
            }
            if present.first == "projected", let projected = volume["projected"] {
                validateProjected(projected, path: "\(path).projected", errors: &volumeErrors)
            }
            let name = volume["name"]?.stringValue ?? ""
            if name.isEmpty {
                volumeErrors.append(.required("\(path).name"))
            } else if let detail = dnsLabelError(name) {
                volumeErrors.append(.invalid("\(path).name", value: .string(name), detail: detail))
            }
            if names.contains(name) {
                volumeErrors.append(.duplicate("\(path).name", value: .string(name)))
            }
            if volumeErrors.isEmpty {
                names.insert(name)
            } else {
                errors.append(contentsOf: volumeErrors)
            }
        }
        return names
    }

    static func validateProjected(_ projected: JSONValue, path: String, errors: inout [FieldError]) {
        for (index, source) in (projected["sources"]?.arrayValue ?? []).enumerated() {
            let sourcePath = "\(path).sources[\(index)]"
            let present = projectionSources.filter { source[$0] != nil && source[$0]?.isNull == false }
            if present.count > 1 {
                errors.append(.forbidden(sourcePath, detail: "may not specify more than 1 volume type"))
            }
            guard let token = source["serviceAccountToken"], !token.isNull else { continue }
            let tokenPath = "\(sourcePath).serviceAccountToken"
            let expiration = token["expirationSeconds"]?.intValue ?? 3600
            if expiration < 600 {
                errors.append(
                    .invalid("\(tokenPath).expirationSeconds", value: .int(expiration), detail: "may not specify a duration less than 10 minutes"))
            }
            if expiration > 1 << 32 {
                errors.append(
                    .invalid("\(tokenPath).expirationSeconds", value: .int(expiration), detail: "may not specify a duration larger than 2^32 seconds"))
            }
            // The real validator names `projected.path` here, not the token's own path field.
            let tokenFile = token["path"]?.stringValue ?? ""
            if tokenFile.isEmpty {
                errors.append(.required("\(path).path"))
            } else {
                errors.append(contentsOf: localNonReservedPathErrors(tokenFile, field: "\(path).path"))
            }
        }
    }

    static func validateContainer(
        _ container: JSONValue, path: String, volumeNames: Set<String>, containerNames: inout Set<String>, errors: inout [FieldError]
    ) {
        let name = container["name"]?.stringValue ?? ""
        if name.isEmpty {
            errors.append(.required("\(path).name"))
        } else if let detail = dnsLabelError(name) {
            errors.append(.invalid("\(path).name", value: .string(name), detail: detail))
        } else if containerNames.contains(name) {
            errors.append(.duplicate("\(path).name", value: .string(name)))
        } else {
            containerNames.insert(name)
        }
        if container["image"]?.stringValue?.isEmpty ?? true {
            errors.append(.required("\(path).image"))
        }
        for (index, variable) in (container["env"]?.arrayValue ?? []).enumerated() {
            let variableName = variable["name"]?.stringValue ?? ""
            if variableName.isEmpty {
                errors.append(.required("\(path).env[\(index)].name"))
            } else if !isEnvironmentVariableName(variableName) {
                errors.append(.invalid("\(path).env[\(index)].name", value: .string(variableName), detail: envNameDetail))
            }
        }
        var mountPaths: Set<String> = []
        for (index, mount) in (container["volumeMounts"]?.arrayValue ?? []).enumerated() {
            let mountPath = "\(path).volumeMounts[\(index)]"
            let volume = mount["name"]?.stringValue ?? ""
            if volume.isEmpty { errors.append(.required("\(mountPath).name")) }
            if !volumeNames.contains(volume) { errors.append(.notFound("\(mountPath).name", value: .string(volume))) }
            let target = mount["mountPath"]?.stringValue ?? ""
            if target.isEmpty { errors.append(.required("\(mountPath).mountPath")) }
            if mountPaths.contains(target) {
                errors.append(.invalid("\(mountPath).mountPath", value: .string(target), detail: "must be unique"))
            }
            mountPaths.insert(target)
            // As in the real validator, subPath errors name the list, not the entry.
            if let subPath = mount["subPath"]?.stringValue, !subPath.isEmpty {
                errors.append(contentsOf: localDescendingPathErrors(subPath, field: "\(path).volumeMounts.subPath"))
            }
        }
    }

    static let envNameDetail =
        "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')"

    /// `[-._a-zA-Z][-._a-zA-Z0-9]*`, the rule of Kubernetes 1.30 (relaxed only behind a feature gate).
    static func isEnvironmentVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first else { return false }
        func isLetterOrMark(_ scalar: Unicode.Scalar) -> Bool {
            scalar.isASCII && (("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || "-._".unicodeScalars.contains(scalar))
        }
        return isLetterOrMark(first)
            && name.unicodeScalars.allSatisfy { isLetterOrMark($0) || ($0.isASCII && ("0"..."9").contains($0)) }
    }

    static func dnsLabelError(_ name: String) -> String? {
        let scalars = Array(name.unicodeScalars)
        func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool { ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) }
        let valid = scalars.allSatisfy { isAlphanumeric($0) || $0 == "-" }
            && scalars.first.map(isAlphanumeric) == true && scalars.last.map(isAlphanumeric) == true
        if scalars.count > 63 { return "must be no more than 63 characters" }
        if valid { return nil }
        return "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
    }

    /// A path under the volume: relative, without `..` elements.
    static func localDescendingPathErrors(_ path: String, field: String) -> [FieldError] {
        var errors: [FieldError] = []
        if path.hasPrefix("/") {
            errors.append(.invalid(field, value: .string(path), detail: "must be a relative path"))
        }
        if path.split(separator: "/", omittingEmptySubsequences: false).contains("..") {
            errors.append(.invalid(field, value: .string(path), detail: "must not contain '..'"))
        }
        return errors
    }

    /// Also refuses a leading `..` (which would name the atomic writer's own files).
    static func localNonReservedPathErrors(_ path: String, field: String) -> [FieldError] {
        var errors = localDescendingPathErrors(path, field: field)
        if path.hasPrefix("..") {
            errors.append(.invalid(field, value: .string(path), detail: "must not start with '..'"))
        }
        return errors
    }
}

extension FieldError {
    static func notFound(_ field: String, value: JSONValue) -> FieldError {
        FieldError(field: field, reason: "FieldValueNotFound", message: "Not found: \(renderValue(value))")
    }

    static func duplicate(_ field: String, value: JSONValue) -> FieldError {
        FieldError(field: field, reason: "FieldValueDuplicate", message: "Duplicate value: \(renderValue(value))")
    }

    static func forbidden(_ field: String, detail: String) -> FieldError {
        FieldError(field: field, reason: "FieldValueForbidden", message: "Forbidden: \(detail)")
    }
}

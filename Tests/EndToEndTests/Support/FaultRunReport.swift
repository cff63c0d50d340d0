import Foundation
import TestSupport

/// The fields of `scripts/fault_run/run.py`'s JSON report the test reads.
struct FaultRunReport {
    struct Check {
        let name: String
        let ok: Bool
        let detail: String
    }

    let failure: String?
    let checks: [Check]
    let count: Int?
    let seed: Int?
    let killCount: Int
    let operatorStarts: Int?
    let iamFaults: [String: Int]
    let kubeFaults: [String: Int]
    let orphans: [String]
    let rolesOfOursAfterConverge: Int?
    let rolesOfOursAfterDelete: Int?
    let resourcesLeft: Int?

    init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path),
            let root = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { throw TestSetupError("the fault run wrote no readable report at \(path)") }
        failure = root["failure"] as? String
        checks = (root["checks"] as? [[String: Any]] ?? []).map {
            Check(name: $0["name"] as? String ?? "?", ok: $0["ok"] as? Bool ?? false, detail: "\($0["detail"] ?? "")")
        }
        count = root["count"] as? Int
        seed = root["seed"] as? Int
        killCount = (root["kills"] as? [Any])?.count ?? 0
        operatorStarts = root["operator_starts"] as? Int
        let writes = root["iam_writes"] as? [String: Any]
        iamFaults = (writes?["converge"] as? [String: Any])?["faults"] as? [String: Int] ?? [:]
        kubeFaults = root["kube_faults_injected"] as? [String: Int] ?? [:]
        orphans = (root["roles_after_converge"] as? [String: Any])?["orphans"] as? [String] ?? ["(no roles_after_converge)"]
        rolesOfOursAfterConverge = (root["roles_after_converge"] as? [String: Any])?["roles_ours"] as? Int
        rolesOfOursAfterDelete = (root["roles_after_delete"] as? [String: Any])?["roles_ours"] as? Int
        resourcesLeft = root["resources_left"] as? Int
    }
}

import AWSClients
import TrustlineCore

/// Turns an IAM failure into the condition it reports: `AWSThrottled` when IAM still throttled
/// after the client's retries, `AWSError` with the AWS error code otherwise, and a message saying
/// what to do.
enum AWSFailureReport {
    static func block(_ error: AWSClientError, action: String, target: String, stage: ReconcileStage) -> ReconcileBlock {
        ReconcileBlock(
            stage: stage, reason: error.isThrottling ? .awsThrottled : .awsError,
            message: message(error, action: action, target: target), retry: .withBackoff)
    }

    static func message(_ error: AWSClientError, action: String, target: String) -> String {
        switch error {
        case .service(let serviceError):
            let detail = serviceError.message.isEmpty ? "" : ": \(serviceError.message)"
            let call = "IAM \(action) on \(target) failed with \(serviceError.code)\(detail)"
            if serviceError.isThrottling {
                return "\(call); IAM is throttling the operator, it retries with backoff"
            }
            if serviceError.isAccessDenied {
                return "\(call); grant the operator's AWS identity iam:\(action), it retries with backoff"
            }
            if serviceError.isLimitExceeded {
                return "\(call); an IAM quota of the account is exhausted, raise it or free capacity, the operator retries with backoff"
            }
            if serviceError.isNoSuchEntity, action == "AttachRolePolicy" {
                return "\(call); check that the policy in spec.managedPolicyArns exists, the operator retries with backoff"
            }
            if serviceError.isMalformedPolicyDocument {
                return "\(call); IAM refused the document, fix the policy in the spec, the operator retries with backoff"
            }
            return "\(call); the operator retries with backoff"
        case .transport(let transportError):
            return "IAM \(action) on \(target) failed in transport (\(transportError)); the operator retries with backoff"
        case .invalidResponse, .credentials, .invalidInput:
            return "IAM \(action) on \(target) failed: \(error); the operator retries with backoff"
        }
    }
}

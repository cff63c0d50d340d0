import ControllerRuntime
import Foundation
import HTTPTransport

/// Holds every IAM request until the account-wide request budget lets it go
/// (`iamRequestsPerSecond`, docs/design.md section 12), so a busy operator waits instead of being
/// throttled by IAM, whose limit every cluster and tool in the account shares. It sits at the
/// transport, under the retry loop, so retries pay too (IAM counts them), and it classifies by
/// the Query `Action`: changes are served before reads when both wait.
struct BudgetedHTTPClient: HTTPClient {
    let wrapped: any HTTPClient
    let budget: RequestBudget
    let metrics: OperatorMetrics

    func send(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPResponse {
        let action = MeteredHTTPClient.action(ofFormBody: request.body)
        let priority: RequestBudgetState.Priority = OperatorMetrics.isWrite(action) ? .write : .read
        let asked = ContinuousClock.now
        do {
            try await budget.acquire(priority)
        } catch {
            throw .cancelled
        }
        metrics.recordIAMBudgetWait(asked.duration(to: .now))
        return try await wrapped.send(request)
    }

    func stream(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPStreamingResponse {
        try await wrapped.stream(request)
    }
}

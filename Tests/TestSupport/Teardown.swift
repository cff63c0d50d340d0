/// Runs `body`, then awaits `teardown`, also when `body` throws: the `defer` an async test needs
/// when its cleanup must wait (stopping a child process) and `defer` cannot `await`. A synchronous
/// `defer` that waited would block a cooperative-pool thread instead.
public func withTeardown<Result>(
    _ body: () async throws -> Result, teardown: () async -> Void
) async rethrows -> Result {
    let result: Result
    do {
        result = try await body()
    } catch {
        await teardown()
        throw error
    }
    await teardown()
    return result
}

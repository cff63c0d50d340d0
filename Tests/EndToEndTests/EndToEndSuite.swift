import Testing

/// Every end-to-end test: each starts moto, kube-test-server and `trustline` processes, so they
/// run one at a time (in parallel they starve each other on a small machine and time out).
@Suite("End to end: trustline against kube-test-server and moto", .serialized)
struct EndToEndSuite {}

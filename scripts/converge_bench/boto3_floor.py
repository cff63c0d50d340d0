"""The floor the IAM endpoint allows: the minimal IAM calls for N new resources (CreateRole with
tags, PutRolePolicy, AttachRolePolicy), made by C worker threads against the same moto the
operator uses, in a separate moto account (x-moto-account-id) so role names never collide.

Prints one JSON object on stdout: {"count", "concurrency", "wall_seconds", "calls", "errors"}.
"""
import argparse
import json
import random
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.parsers import ResponseParserError

TRUST_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{
        "Effect": "Allow",
        "Principal": {"Federated": "arn:aws:iam::{account}:oidc-provider/127.0.0.1"},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {
            "127.0.0.1:sub": "system:serviceaccount:converge-bench:{name}",
            "127.0.0.1:aud": "sts.amazonaws.com",
        }},
    }],
}


def inline_policy(index):
    """The same shape of inline policy the benchmark's resources carry."""
    return {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:ListBucket"],
            "Resource": [f"arn:aws:s3:::bench-bucket-{index}", f"arn:aws:s3:::bench-bucket-{index}/*"],
        }],
    }


def make_client(endpoint, account_id, pool_size):
    client = boto3.session.Session().client(
        "iam", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
        # The same retry policy as the operator (AWS standard mode, 3 attempts): at N=1000 moto
        # answers an occasional 500 under concurrency, which both sides must ride out alike.
        config=Config(max_pool_connections=max(pool_size, 10), retries={"mode": "standard", "max_attempts": 3}))

    def add_account_header(request, **_):
        request.headers["x-moto-account-id"] = account_id

    client.meta.events.register("before-send.iam.*", add_account_header)
    return client


def with_retries(call, attempts=3, already_done_code=None):
    """Calls `call` up to `attempts` times. botocore's standard mode retries a 500 only when the
    body parses; moto sometimes answers an HTML 500 page, which botocore reports as
    ResponseParserError without retrying. The operator retries any 500, so the floor does too, with
    the same backoff (rand() * min(2^attempt, 20) s). A retried create that had gone through
    before the 500 answers `already_done_code`, which counts as done."""
    for attempt in range(attempts):
        try:
            return call()
        except ResponseParserError:
            if attempt + 1 == attempts:
                raise
        except ClientError as error:
            if attempt > 0 and already_done_code and error.response["Error"]["Code"] == already_done_code:
                return None
            raise
        time.sleep(random.random() * min(2 ** attempt, 20))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--endpoint", required=True, help="moto URL, e.g. http://127.0.0.1:5000")
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--concurrency", type=int, required=True)
    parser.add_argument("--account-id", default="111111111111", help="moto account used for the floor")
    parser.add_argument("--managed-policy-arn", default="arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
    args = parser.parse_args()
    if args.count < 1 or args.concurrency < 1:
        sys.exit("boto3_floor: --count and --concurrency must be at least 1")

    # boto3 clients are thread-safe for calls; one shared client, like one shared HTTP pool.
    client = make_client(args.endpoint, args.account_id, args.concurrency)
    # Warm-up outside the timing: moto loads the AWS managed policies when an account is first used.
    client.list_roles(MaxItems=1)

    calls = {"CreateRole": 0, "PutRolePolicy": 0, "AttachRolePolicy": 0}
    errors = []
    lock = threading.Lock()

    def converge_one(index):
        name = f"floor-bench-{index:05d}"
        trust = json.dumps(TRUST_POLICY).replace("{account}", args.account_id).replace("{name}", name)
        try:
            with_retries(lambda: client.create_role(
                RoleName=name, Path="/trustline/", AssumeRolePolicyDocument=trust,
                Description=f"converge-bench floor {index}", MaxSessionDuration=3600,
                Tags=[{"Key": "trustline.dev/managed-by", "Value": "trustline"},
                      {"Key": "trustline.dev/cluster", "Value": "bench"},
                      {"Key": "trustline.dev/resource", "Value": f"converge-bench/{name}"}]),
                already_done_code="EntityAlreadyExists")
            with_retries(lambda: client.put_role_policy(RoleName=name, PolicyName="s3-read",
                                                        PolicyDocument=json.dumps(inline_policy(index))))
            with_retries(lambda: client.attach_role_policy(RoleName=name, PolicyArn=args.managed_policy_arn))
            with lock:
                for action in calls:
                    calls[action] += 1
        except Exception as error:  # reported, and makes the floor invalid
            with lock:
                errors.append(f"{name}: {error}")

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
        list(pool.map(converge_one, range(args.count)))
    wall = time.monotonic() - started

    print(json.dumps({"count": args.count, "concurrency": args.concurrency, "wall_seconds": wall,
                      "calls": calls, "errors": errors[:5], "error_count": len(errors)}))
    if errors:
        sys.exit(f"boto3_floor: {len(errors)} resources failed, first: {errors[0]}")


if __name__ == "__main__":
    main()

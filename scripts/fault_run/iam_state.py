"""What IAM holds, read straight from moto (not through the fault proxy): the foreign roles the run
makes before it starts and compares at the end, and the checks on the operator's roles."""
import json
import urllib.parse

import boto3

OWNERSHIP = ("trustline.dev/cluster", "trustline.dev/namespace", "trustline.dev/name", "trustline.dev/uid")
TRUST = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                                                  "Action": "sts:AssumeRole"}]}
POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                                                   "Resource": "arn:aws:s3:::foreign-bucket/*"}]}


def iam_client(moto_url):
    return boto3.client("iam", endpoint_url=moto_url, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def foreign_roles(role_path):
    """Roles that are not the operator's, each with the tags that make them tempting: one under the
    role path tagged for another cluster, one under it with no ownership tags, one outside it tagged
    as if it were ours."""
    return [
        {"name": "other-cluster.fault-run.app", "path": role_path,
         "tags": {"trustline.dev/cluster": "other-cluster", "trustline.dev/namespace": "fault-run",
                  "trustline.dev/name": "app", "trustline.dev/uid": "00000000-0000-0000-0000-000000000001"}},
        {"name": "hand-made-under-path", "path": role_path, "tags": {"team": "platform"}},
        {"name": "fault.fault-run.outside", "path": "/elsewhere/",
         "tags": {"trustline.dev/cluster": "fault", "trustline.dev/namespace": "fault-run",
                  "trustline.dev/name": "outside", "trustline.dev/uid": "00000000-0000-0000-0000-000000000002"}},
    ]


def create_foreign_roles(iam, roles):
    for role in roles:
        iam.create_role(RoleName=role["name"], Path=role["path"], AssumeRolePolicyDocument=json.dumps(TRUST),
                        Description="not Trustline's", Tags=[{"Key": k, "Value": v} for k, v in role["tags"].items()])
        iam.put_role_policy(RoleName=role["name"], PolicyName="foreign", PolicyDocument=json.dumps(POLICY))
        iam.attach_role_policy(RoleName=role["name"], PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")


def document(text):
    """A policy document as IAM returns it (URL-encoded JSON or already decoded) -> a dict."""
    if isinstance(text, dict):
        return text
    return json.loads(urllib.parse.unquote(text))


def role_snapshot(iam, name):
    """Everything about a role a reconcile could change, comparable with ==; None when it is gone."""
    try:
        role = iam.get_role(RoleName=name)["Role"]
    except iam.exceptions.NoSuchEntityException:
        return None
    inline = {policy: document(iam.get_role_policy(RoleName=name, PolicyName=policy)["PolicyDocument"])
              for policy in iam.list_role_policies(RoleName=name)["PolicyNames"]}
    attached = sorted(p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"])
    tags = {t["Key"]: t["Value"] for t in iam.list_role_tags(RoleName=name)["Tags"]}
    return {"path": role["Path"], "role_id": role["RoleId"], "trust": document(role["AssumeRolePolicyDocument"]),
            "description": role.get("Description", ""), "max_session": role.get("MaxSessionDuration"),
            "inline": inline, "attached": attached, "tags": tags}


def all_roles(iam):
    """Every role in the account with its tags: [(name, path, {key: value})]."""
    roles = []
    for page in iam.get_paginator("list_roles").paginate():
        for role in page["Roles"]:
            tags = {t["Key"]: t["Value"] for t in iam.list_role_tags(RoleName=role["RoleName"])["Tags"]}
            roles.append((role["RoleName"], role["Path"], tags))
    return roles


def check_roles(iam, cluster, role_path, foreign_names, live_uids):
    """The operator's roles against the live resources (uid -> namespace/name):
    orphans (tagged for this cluster, uid of no live resource), uids with two roles or more,
    roles without our ownership tags that are not the foreign ones (made by us without tags),
    and live resources without a role."""
    roles = [role for role in all_roles(iam) if role[0] not in foreign_names]
    ours = [role for role in roles if role[2].get("trustline.dev/cluster") == cluster]
    by_uid = {}
    for name, path, tags in ours:
        by_uid.setdefault(tags.get("trustline.dev/uid", ""), []).append(name)
    return {
        "roles_total": len(roles),
        "roles_ours": len(ours),
        "orphans": sorted(name for name, _, tags in ours if tags.get("trustline.dev/uid") not in live_uids),
        "doubled": sorted(names for uid, names in by_uid.items() if len(names) > 1),
        "untagged": sorted(name for name, _, tags in roles if not all(key in tags for key in OWNERSHIP)),
        "outside_path": sorted(name for name, path, _ in ours if path != role_path),
        "resources_without_role": sorted(key for uid, key in live_uids.items() if uid not in by_uid),
    }

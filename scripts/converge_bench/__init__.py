"""Helpers of scripts/converge-bench.sh (issue 4's benchmark): the boto3 floor, creating and
watching the benchmark's WorkloadAwsAccess resources, reading /metrics and the API server's
request log, and the final report."""

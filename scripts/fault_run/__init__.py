"""scripts/fault-run.sh: converge N resources through IAM and Kubernetes faults and operator kills,
then check that nothing was lost, doubled or left behind (README, "Fault run")."""

-- Table cases for config/argocd/health.lua, run with lua5.4 by ArgoCDHealthCheckTests.
-- Usage: lua5.4 argocd_health_cases.lua PATH/TO/health.lua
-- Prints one line per case ("ok NAME" or "FAIL NAME: ...") and "cases N failures F"; exits 1 on
-- any failure. Each case runs the script in a fresh environment holding only `obj`, as Argo CD does.
local script = arg[1]
assert(script, "usage: lua5.4 argocd_health_cases.lua health.lua")

local function cond(kind, status, reason, message, observedGeneration)
  return { type = kind, status = status, reason = reason, message = message or "", observedGeneration = observedGeneration }
end

local function resource(generation, status)
  return { apiVersion = "trustline.dev/v1alpha1", kind = "WorkloadAwsAccess",
           metadata = { name = "my-app", namespace = "production", generation = generation }, status = status }
end

local cases = {
  { name = "no status yet", obj = resource(1, nil), want = "Progressing", message = "Waiting" },
  { name = "status without conditions", obj = resource(1, { observedGeneration = 1 }), want = "Progressing" },
  { name = "ready at the current generation",
    obj = resource(3, { observedGeneration = 3, conditions = { cond("Ready", "True", "Converged", "role converged", 3) } }),
    want = "Healthy", message = "Converged" },
  { name = "ready for an older generation",
    obj = resource(4, { observedGeneration = 3, conditions = { cond("Ready", "True", "Converged", "", 3) } }),
    want = "Progressing", message = "generation 4" },
  { name = "ready, condition without observedGeneration, status at the current generation",
    obj = resource(2, { observedGeneration = 2, conditions = { cond("Ready", "True", "Converged", "") } }),
    want = "Healthy" },
  { name = "ready, condition without observedGeneration, status behind",
    obj = resource(2, { observedGeneration = 1, conditions = { cond("Ready", "True", "Converged", "") } }),
    want = "Progressing" },
  { name = "invalid spec is degraded",
    obj = resource(1, { observedGeneration = 1, conditions = {
      cond("Ready", "False", "InvalidSpec", "spec.inlinePolicies[0].document: needs a Statement", 1),
      cond("Stalled", "True", "InvalidSpec", "spec.inlinePolicies[0].document: needs a Statement", 1) } }),
    want = "Degraded", message = "spec.inlinePolicies[0].document" },
  { name = "guardrail violation without Stalled is degraded",
    obj = resource(1, { conditions = { cond("Ready", "False", "GuardrailViolation", "iam:* is denied", 1) } }),
    want = "Degraded", message = "GuardrailViolation" },
  { name = "role conflict is degraded",
    obj = resource(1, { conditions = { cond("Ready", "False", "RoleConflict", "role exists without our tags", 1) } }),
    want = "Degraded" },
  { name = "service account conflict is degraded",
    obj = resource(1, { conditions = { cond("Ready", "False", "ServiceAccountConflict", "annotated by eksctl", 1) } }),
    want = "Degraded" },
  { name = "stalled for an older generation is not degraded",
    obj = resource(2, { observedGeneration = 1, conditions = {
      cond("Ready", "False", "InvalidSpec", "", 1), cond("Stalled", "True", "InvalidSpec", "", 1) } }),
    want = "Progressing" },
  { name = "throttled is progressing",
    obj = resource(1, { conditions = {
      cond("Ready", "False", "AWSThrottled", "Rate exceeded, retrying", 1), cond("Reconciling", "True", "AWSThrottled", "", 1) } }),
    want = "Progressing", message = "AWSThrottled" },
  { name = "AWS error is progressing", obj = resource(1, { conditions = { cond("Ready", "False", "AWSError", "ServiceFailure", 1) } }),
    want = "Progressing" },
  { name = "missing OIDC provider is progressing",
    obj = resource(1, { conditions = { cond("Ready", "False", "OIDCProviderMissing", "register the provider", 1) } }),
    want = "Progressing" },
  { name = "waiting for the service account is progressing",
    obj = resource(1, { conditions = { cond("Ready", "False", "WaitingForServiceAccount", "", 1) } }),
    want = "Progressing" },
  { name = "deleting is progressing", obj = resource(1, { conditions = { cond("Ready", "False", "Deleting", "", 1) } }),
    want = "Progressing" },
  { name = "unknown ready is progressing", obj = resource(1, { conditions = { cond("Ready", "Unknown", "Reconciling", "", 1) } }),
    want = "Progressing" },
  { name = "stalled false and ready true is healthy",
    obj = resource(5, { observedGeneration = 5, conditions = {
      cond("Ready", "True", "Converged", "", 5), cond("Stalled", "False", "Converged", "", 5), cond("Reconciling", "False", "Converged", "", 5) } }),
    want = "Healthy" },
}

local failures = 0
for _, case in ipairs(cases) do
  local env = setmetatable({ obj = case.obj }, { __index = _G })
  local chunk, loadError = loadfile(script, "t", env)
  local ok, result
  if chunk == nil then
    ok, result = false, loadError
  else
    ok, result = pcall(chunk)
  end
  local problem
  if not ok then
    problem = "error: " .. tostring(result)
  elseif type(result) ~= "table" then
    problem = "returned " .. type(result) .. ", not a table"
  elseif result.status ~= case.want then
    problem = "status " .. tostring(result.status) .. ", want " .. case.want .. " (message: " .. tostring(result.message) .. ")"
  elseif case.message ~= nil and (type(result.message) ~= "string" or not string.find(result.message, case.message, 1, true)) then
    problem = "message " .. tostring(result.message) .. " lacks " .. case.message
  end
  if problem then
    failures = failures + 1
    print("FAIL " .. case.name .. ": " .. problem)
  else
    print("ok " .. case.name)
  end
end
print("cases " .. #cases .. " failures " .. failures)
if failures > 0 then os.exit(1) end

-- Argo CD health check for trustline.dev/WorkloadAwsAccess.
-- Argo CD runs this with the live object in `obj` (Lua 5.1 semantics: nothing here needs more).
--   Healthy      Ready is True and reports the current generation.
--   Degraded     a blocker only a person can lift: Stalled is True, or Ready is False for
--                InvalidSpec, GuardrailViolation, RoleConflict or ServiceAccountConflict.
--   Progressing  anything else: not reconciled yet, an older generation, work in flight, an
--                AWS error being retried, a deletion in progress.
local hs = {}

local personBlockers = {
  InvalidSpec = true,
  GuardrailViolation = true,
  RoleConflict = true,
  ServiceAccountConflict = true,
}

local function condition(conditions, kind)
  if conditions == nil then return nil end
  for _, c in ipairs(conditions) do
    if c.type == kind then return c end
  end
  return nil
end

local function describe(c, fallback)
  if c == nil then return fallback end
  local text = c.reason or fallback
  if c.message ~= nil and c.message ~= "" then text = text .. ": " .. c.message end
  return text
end

local generation = obj.metadata and obj.metadata.generation
local status = obj.status
if status == nil or status.conditions == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the Trustline operator to reconcile this resource"
  return hs
end

local ready = condition(status.conditions, "Ready")
local stalled = condition(status.conditions, "Stalled")

-- A condition (or the status) written for an older generation says nothing about this one.
local function current(c)
  if generation == nil then return true end
  local observed = (c ~= nil and c.observedGeneration) or status.observedGeneration
  return observed == nil or observed == generation
end

if stalled ~= nil and stalled.status == "True" and current(stalled) then
  hs.status = "Degraded"
  hs.message = describe(stalled, "Stalled")
  return hs
end

if ready ~= nil and current(ready) then
  if ready.status == "True" then
    hs.status = "Healthy"
    hs.message = describe(ready, "Ready")
    return hs
  end
  if ready.status == "False" and personBlockers[ready.reason or ""] then
    hs.status = "Degraded"
    hs.message = describe(ready, "NotReady")
    return hs
  end
end

hs.status = "Progressing"
if ready ~= nil and current(ready) then
  hs.message = describe(ready, "Reconciling")
else
  hs.message = "Waiting for the operator to reconcile generation " .. tostring(generation)
end
return hs

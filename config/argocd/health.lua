-- Argo CD health of an orgplane object (org.orgplane.io, every kind). It reads
-- the same conditions as kstatus and `kubectl wait --for=condition=Ready`, and
-- agrees with them: Healthy = kstatus Current (Ready=True for the current
-- generation), Degraded = kstatus Failed (Stalled=True), Progressing = kstatus
-- InProgress (not evaluated yet, or not Ready, e.g. an Enforce violation).
local hs = {status = "Progressing", message = "Waiting for orgplane to evaluate the object"}
if obj.status == nil or obj.status.conditions == nil then
  return hs
end
local generation = obj.metadata.generation or 0
if obj.status.observedGeneration == nil or obj.status.observedGeneration < generation then
  hs.message = "Waiting for orgplane to evaluate generation " .. generation
  return hs
end
local ready = nil
for _, c in ipairs(obj.status.conditions) do
  if c.type == "Stalled" and c.status == "True" then
    return {status = "Degraded", message = c.message or "Stalled"}
  end
  if c.type == "Reconciling" and c.status == "True" then
    return {status = "Progressing", message = c.message or "Reconciling"}
  end
  if c.type == "Ready" then
    ready = c
  end
end
if ready == nil then
  return hs
end
if ready.status == "True" then
  hs.status = "Healthy"
  hs.message = ready.message or "Ready"
  for _, c in ipairs(obj.status.conditions) do
    if c.type == "Compliant" and c.status == "False" then
      hs.message = c.message
    end
  end
  return hs
end
hs.message = ready.message or "Not ready"
return hs

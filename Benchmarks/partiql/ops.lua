-- wrk script for the PartiQL benchmark (run.sh): GetItem of a random key,
-- and the same read as `SELECT * FROM "pqbench" WHERE pk = ?`. WORKLOAD picks one.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "../wrk-common.lua")
local workload = os.getenv("WORKLOAD") or "getitem"
local keys = tonumber(os.getenv("KEYS") or "10000")

local bodies = {
  getitem = function(k)
    return "DynamoDB_20120810.GetItem", '{"TableName":"pqbench","Key":{"pk":{"S":"' .. k .. '"}}}'
  end,
  select = function(k)
    return "DynamoDB_20120810.ExecuteStatement",
      '{"Statement":"SELECT * FROM \\"pqbench\\" WHERE pk = ?","Parameters":[{"S":"' .. k .. '"}]}'
  end,
}
local body = bodies[workload] or error("unknown workload " .. workload)

request = function()
  local target, text = body(string.format("user%06d", math.random(0, keys - 1)))
  return wrk.format("POST", "/", {
    ["Content-Type"] = "application/x-amz-json-1.0",
    ["X-Amz-Target"] = target,
  }, text)
end

-- wrk script for the stream benchmark (run.sh): PutItem on a table
-- without a stream and on one with a NEW_AND_OLD_IMAGES stream. WORKLOAD
-- picks one.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "../wrk-common.lua")
local workload = os.getenv("WORKLOAD") or "put_plain"
local keys = tonumber(os.getenv("KEYS") or "100000")
local payload = string.rep("x", tonumber(os.getenv("PAYLOAD") or "200"))

local tables = { put_plain = "st_plain", put_stream = "st_stream" }
local table = tables[workload] or error("unknown workload " .. workload)


request = function()
  local k = string.format("user%09d", math.random(0, keys - 1))
  return wrk.format("POST", "/", {
    ["Content-Type"] = "application/x-amz-json-1.0",
    ["X-Amz-Target"] = "DynamoDB_20120810.PutItem",
  }, '{"TableName":"' .. table .. '","Item":{"pk":{"S":"' .. k .. '"},"n":{"N":"' .. math.random(0, 1000000) ..
    '"},"payload":{"S":"' .. payload .. '"}}}')
end

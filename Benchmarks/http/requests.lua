-- wrk script for Strata's own HTTP benchmark: PutItem or GetItem of ~1 KB
-- items over KEYS preloaded keys, chosen by the WORKLOAD variable.
local workload = os.getenv("WORKLOAD") or "get"
local keys = tonumber(os.getenv("KEYS") or "20000")
local table_name = os.getenv("TABLE") or "bench"
local payload = string.rep("p", 900)
local headers = {
  ["Content-Type"] = "application/x-amz-json-1.0",
  ["Authorization"] = "AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0",
}

local function key()
  return string.format("key%08d", math.random(0, keys - 1))
end

function init(args)
  math.randomseed(os.time() + math.random(1, 1000000))
end

function request()
  if workload == "put" then
    headers["X-Amz-Target"] = "DynamoDB_20120810.PutItem"
    return wrk.format("POST", "/", headers, '{"TableName":"' .. table_name .. '","Item":{"pk":{"S":"' .. key() ..
      '"},"n":{"N":"' .. math.random(0, 1000000) .. '"},"payload":{"S":"' .. payload .. '"}}}')
  end
  headers["X-Amz-Target"] = "DynamoDB_20120810.GetItem"
  return wrk.format("POST", "/", headers, '{"TableName":"' .. table_name .. '","Key":{"pk":{"S":"' .. key() .. '"}}}')
end

function done(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %.1f %.3f %.3f %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors))
end

-- wrk script for Strata's own HTTP benchmark over KEYS preloaded ~1 KB
-- items, chosen by the WORKLOAD variable: PutItem (put), a PutItem whose
-- condition holds, the item being there (cond_put), GetItem (get), a
-- 2-item TransactWriteItems moving one unit between two random items
-- (transact_write), or a 2-item TransactGetItems (transact_get).
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

-- Each thread seeds its own keys (wrk-common.lua); this script's own
-- done() below replaces the shared one.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "../wrk-common.lua")

-- Two different random keys.
local function two_keys()
  local a, b = key(), key()
  while b == a do b = key() end
  return a, b
end

local function transfer_update(k, delta, condition)
  return '{"Update":{"TableName":"' .. table_name .. '","Key":{"pk":{"S":"' .. k .. '"}},' ..
    '"UpdateExpression":"SET n = n + :d",' .. (condition and '"ConditionExpression":"n >= :m",' or '') ..
    '"ExpressionAttributeValues":{":d":{"N":"' .. delta .. '"}' .. (condition and ',":m":{"N":"-1000000000"}' or '') .. '}}}'
end

function request()
  if workload == "transact_write" then
    local from, to = two_keys()
    headers["X-Amz-Target"] = "DynamoDB_20120810.TransactWriteItems"
    return wrk.format("POST", "/", headers, '{"TransactItems":[' .. transfer_update(from, -1, true) .. ',' ..
      transfer_update(to, 1, false) .. ']}')
  end
  if workload == "transact_get" then
    local a, b = two_keys()
    headers["X-Amz-Target"] = "DynamoDB_20120810.TransactGetItems"
    return wrk.format("POST", "/", headers, '{"TransactItems":[{"Get":{"TableName":"' .. table_name ..
      '","Key":{"pk":{"S":"' .. a .. '"}}}},{"Get":{"TableName":"' .. table_name .. '","Key":{"pk":{"S":"' .. b .. '"}}}}]}')
  end
  if workload == "put" or workload == "cond_put" then
    headers["X-Amz-Target"] = "DynamoDB_20120810.PutItem"
    local condition = workload == "cond_put" and ',"ConditionExpression":"attribute_exists(pk)"' or ''
    return wrk.format("POST", "/", headers, '{"TableName":"' .. table_name .. '","Item":{"pk":{"S":"' .. key() ..
      '"},"n":{"N":"' .. math.random(0, 1000000) .. '"},"payload":{"S":"' .. payload .. '"}}' .. condition .. '}')
  end
  headers["X-Amz-Target"] = "DynamoDB_20120810.GetItem"
  return wrk.format("POST", "/", headers, '{"TableName":"' .. table_name .. '","Key":{"pk":{"S":"' .. key() .. '"}}}')
end

function done(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %.1f %.3f %.3f %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors))
end

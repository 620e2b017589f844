-- wrk script for the index benchmark (run.sh): PutItem on a table with
-- no index and on one with two global indexes, and a 10-item Query on a
-- table and on a global index holding the same items. WORKLOAD picks one.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "../wrk-common.lua")
local workload = os.getenv("WORKLOAD") or "put_plain"
local keys = tonumber(os.getenv("KEYS") or "100000")
local groups = tonumber(os.getenv("GROUPS") or "1000")
local payload = string.rep("x", 900)


local function req(target, body)
  return wrk.format("POST", "/", {
    ["Content-Type"] = "application/x-amz-json-1.0",
    ["X-Amz-Target"] = "DynamoDB_20120810." .. target,
  }, body)
end

-- Every item carries both index keys, so that a put to the indexed table
-- writes both indexes (and moves their entries: the values are random).
local function put(table)
  local k = string.format("user%09d", math.random(0, keys - 1))
  return req("PutItem", '{"TableName":"' .. table .. '","Item":{"pk":{"S":"' .. k ..
    '"},"g1":{"S":"g' .. math.random(0, groups - 1) .. '"},"n":{"N":"' .. math.random(0, 1000000) ..
    '"},"g2":{"S":"h' .. math.random(0, groups - 1) .. '"},"payload":{"S":"' .. payload .. '"}}}')
end

local function query(index)
  local g = string.format("group%05d", math.random(0, groups - 1))
  local name = index and ',"IndexName":"byGroup"' or ""
  local hash = index and "gp" or "pk"
  local range = index and "gs" or "sk"
  return req("Query", '{"TableName":"' .. (index and "idx_queried" or "idx_range") .. '"' .. name ..
    ',"KeyConditionExpression":"' .. hash .. ' = :p AND ' .. range .. ' BETWEEN :a AND :b",' ..
    '"ExpressionAttributeValues":{":p":{"S":"' .. g .. '"},":a":{"N":"10"},":b":{"N":"19"}}}')
end

local workloads = {
  put_plain = function() return put("idx_plain") end,
  put_indexed = function() return put("idx_two") end,
  query_table = function() return query(false) end,
  query_gsi = function() return query(true) end,
}
local make = workloads[workload] or error("unknown workload " .. workload)

request = function() return make() end

local errors = 0
response = function(status, headers, body)
  if status ~= 200 then errors = errors + 1 end
end

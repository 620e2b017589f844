-- wrk script for the stream benchmark (run.sh): PutItem on a table
-- without a stream and on one with a NEW_AND_OLD_IMAGES stream. WORKLOAD
-- picks one.
local workload = os.getenv("WORKLOAD") or "put_plain"
local keys = tonumber(os.getenv("KEYS") or "100000")
local payload = string.rep("x", tonumber(os.getenv("PAYLOAD") or "200"))

local tables = { put_plain = "st_plain", put_stream = "st_stream" }
local table = tables[workload] or error("unknown workload " .. workload)

-- Each wrk thread has its own Lua state: seed each with its own number, or
-- the threads write the same items at the same time (and a write of an
-- item as it already is changes nothing, so costs almost nothing).
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

function init(args)
  math.randomseed(os.time() * 1000 + (thread_number or 0) * 7919)
end

request = function()
  local k = string.format("user%09d", math.random(0, keys - 1))
  return wrk.format("POST", "/", {
    ["Content-Type"] = "application/x-amz-json-1.0",
    ["X-Amz-Target"] = "DynamoDB_20120810.PutItem",
  }, '{"TableName":"' .. table .. '","Item":{"pk":{"S":"' .. k .. '"},"n":{"N":"' .. math.random(0, 1000000) ..
    '"},"payload":{"S":"' .. payload .. '"}}}')
end

done = function(summary, latency, requests)
  local bad = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT rps=%.0f p50_ms=%.2f p99_ms=%.2f errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000, bad))
end

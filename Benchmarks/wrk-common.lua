-- Shared by the wrk scripts (dofile'd): each wrk thread seeds its own
-- random keys, and the run ends with one RESULT line the run.sh scripts read.

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

function done(summary, latency, requests)
  local bad = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT rps=%.0f p50_ms=%.2f p99_ms=%.2f errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000, bad))
end

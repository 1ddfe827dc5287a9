-- wrk script: walks a request file written by `requests write`
-- (PLAYGATE_REQUESTS names it), one line after another on each connection
-- (a line may end with a JSON body, the rest of the line, sent as
-- application/json),
-- and counts every answer's status.
--
--   PLAYGATE_REQUESTS=FILE wrk -t1 -c64 -d30s -s loadtest/wrk/requests.lua URL
--
-- The file's lines are formatted into raw requests once, at start, so a
-- request costs wrk a table lookup. At the end one line reports
-- `PLAYGATE_RESULT key=value ...`: requests, req/s, latency percentiles
-- (microseconds), socket errors, timeouts, answers whose status no line of
-- the file expects (`unexpected`, the errors) and expected refusals.

local path = os.getenv("PLAYGATE_REQUESTS")
  or error("PLAYGATE_REQUESTS must name a request file")

-- Per thread (wrk gives each thread its own Lua state); read back in done().
requests = {}
expected = {}
statuses = {}
local next_line = 0

local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
end

function init(args)
  local tenant
  for line in io.lines(path) do
    if line:sub(1, 1) == "#" then
      tenant = line:match("^#tenant (%S+)") or tenant
    else
      local method, target, status, token, body = line:match("^(%S+) (%S+) (%d+) (%S+) ?(.*)$")
      if not method then
        error("not a request line: " .. line:sub(1, 80))
      end
      local headers = {
        ["nv-tenant-id"] = tenant,
        ["Authorization"] = "Bearer " .. token,
      }
      if body ~= "" then
        headers["Content-Type"] = "application/json"
      elseif method == "POST" then
        headers["Content-Length"] = "0"
      else
        body = nil
      end
      requests[#requests + 1] = wrk.format(method, target, headers, body)
      expected[tonumber(status)] = true
    end
  end
  if #requests == 0 then
    error("no requests in " .. path)
  end
  -- Threads start at different places in the file.
  next_line = (#threads * 7919) % #requests
end

function request()
  next_line = next_line + 1
  if next_line > #requests then
    next_line = 1
  end
  return requests[next_line]
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests_done)
  local unexpected, refused, answered = 0, 0, 0
  for _, thread in ipairs(threads) do
    local want = thread:get("expected")
    for status, n in pairs(thread:get("statuses")) do
      answered = answered + n
      if not want[status] then
        unexpected = unexpected + n
      elseif status ~= 200 then
        refused = refused + n
      end
    end
  end
  local e = summary.errors
  io.write(string.format(
    "PLAYGATE_RESULT requests=%d answered=%d seconds=%.3f rps=%.1f p50_us=%d p99_us=%d p999_us=%d max_us=%d socket_errors=%d timeouts=%d unexpected=%d refused=%d\n",
    summary.requests, answered, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max,
    e.connect + e.read + e.write, e.timeout, unexpected, refused))
end

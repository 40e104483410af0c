-- wrk script of benchmarks/api_load.py: a random request from a list each time, optionally paced.
--
-- Configured by the environment (wrk passes no options to init() before the URL's path is set):
--   WRK_REQUESTS  file of requests. GET: one path (with its query string) per line.
--                 POST: the bodies, each followed by a line holding only the ASCII record
--                 separator (0x1E), so that a body can span lines (SPARQL queries do).
--   WRK_METHOD    GET (default) or POST; POST sends each body to WRK_PATH with the
--                 Content-Type WRK_CONTENT_TYPE and Accept WRK_ACCEPT.
--   WRK_RATE      offered requests per second over all threads; 0 or unset: closed loop (every
--                 connection sends its next request as soon as the last one is answered).
--   WRK_THREADS   wrk's -t, to share WRK_RATE among the threads.
--
-- Pacing: each thread hands out send slots every 1000 * threads / rate ms; a connection that
-- has its answer takes the next free slot and waits for it (delay()). When every connection
-- is busy the slot is now, so the rate achieved falls short of the rate offered instead of
-- catching up later; latency is measured from the send, as wrk always does.
--
-- done() prints one line "WRK_JSON {...}" with the counts, the socket errors, the responses
-- that were not 2xx (counted in response()) and the latency percentiles in microseconds.

local ffi = require("ffi")
ffi.cdef([[
  typedef struct { long tv_sec; long tv_nsec; } wrk_timespec_t;
  int clock_gettime(int clk_id, wrk_timespec_t *tp);
]])
local clock = ffi.new("wrk_timespec_t")
local function now_ms()
  ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

local requests = {}
local method = os.getenv("WRK_METHOD") or "GET"
local headers = {}
local period = 0
local last_slot = nil
non2xx = 0
statuses = ""

local function read_requests(path)
  local file = assert(io.open(path, "rb"), "cannot open WRK_REQUESTS " .. tostring(path))
  local text = file:read("*a")
  file:close()
  local found = {}
  if method == "POST" then
    for body in text:gmatch("(.-)\n?\30\n") do
      table.insert(found, body)
    end
  else
    for line in text:gmatch("[^\n]+") do
      table.insert(found, line)
    end
  end
  assert(#found > 0, "no requests in " .. path)
  return found
end

function init(args)
  local rate = tonumber(os.getenv("WRK_RATE") or "0") or 0
  local nthreads = tonumber(os.getenv("WRK_THREADS") or "1") or 1
  if rate > 0 then
    period = 1000.0 * nthreads / rate
  end
  math.randomseed(os.time() * 1000 + (id or 0))
  local texts = read_requests(os.getenv("WRK_REQUESTS"))
  if method == "POST" then
    headers["Content-Type"] = os.getenv("WRK_CONTENT_TYPE") or "application/sparql-query"
    headers["Accept"] = os.getenv("WRK_ACCEPT") or "application/sparql-results+json"
    local path = os.getenv("WRK_PATH") or "/sparql"
    for i, body in ipairs(texts) do
      requests[i] = wrk.format("POST", path, headers, body)
    end
  else
    headers["Accept"] = os.getenv("WRK_ACCEPT") or "application/json"
    for i, path in ipairs(texts) do
      requests[i] = wrk.format("GET", path, headers)
    end
  end
end

function request()
  return requests[math.random(#requests)]
end

function delay()
  if period == 0 then
    return 0
  end
  local now = now_ms()
  if last_slot == nil then
    last_slot = now
  else
    last_slot = math.max(last_slot + period, now)
  end
  return math.floor(last_slot - now)
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if #statuses < 200 then
      statuses = statuses .. tostring(status) .. " "
    end
  end
end

function done(summary, latency, requests)
  local bad, seen = 0, ""
  for _, thread in ipairs(threads) do
    bad = bad + (thread:get("non2xx") or 0)
    seen = seen .. (thread:get("statuses") or "")
  end
  local p = {}
  for _, q in ipairs({ 50, 75, 90, 99, 99.9 }) do
    table.insert(p, string.format('"%s":%d', tostring(q), latency:percentile(q)))
  end
  local e = summary.errors
  io.write(
    string.format(
      'WRK_JSON {"duration_us":%d,"requests":%d,"bytes":%d,"non2xx":%d,"statuses":"%s",'
        .. '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},'
        .. '"latency_us":{"min":%d,"mean":%.1f,"stdev":%.1f,"max":%d,"percentiles":{%s}}}\n',
      summary.duration,
      summary.requests,
      summary.bytes,
      bad,
      seen,
      e.connect,
      e.read,
      e.write,
      e.status,
      e.timeout,
      latency.min,
      latency.mean,
      latency.stdev,
      latency.max,
      table.concat(p, ",")
    )
  )
end

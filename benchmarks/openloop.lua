-- Open-loop arrivals for wrk: replay pre-signed requests at a fixed rate (wrk2-style).
--
-- wrk is closed-loop (a connection sends again when its answer arrives). Here every
-- connection, when free, claims the next slot of a fixed schedule (start + k / rate) and
-- waits for it (delay()), so arrivals follow the schedule whatever the answers' latency,
-- as long as a connection is free; the lateness of each send behind its slot is logged so
-- that the run proves it was (benchmarks/openloop.py reads it).
--
-- wrk -t T -c C -d D -s openloop.lua URL -- DIR RATE_PER_THREAD START_US
--   DIR/req-<n>.tsv   thread n's requests, one per line: id <TAB> timestamp <TAB> signature <TAB> body
--   DIR/sent-<n>.tsv  written here: id <TAB> slot_us <TAB> sent_us (CLOCK_REALTIME microseconds)
--   $CASEBOOK_WRK_DIR/summary.json  written here: wrk's own counts and latency percentiles (send -> answer)

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk_id, bench_timespec *tp);
]]
local tspec = ffi.new("bench_timespec")

local function now_us()
  ffi.C.clock_gettime(0, tspec) -- CLOCK_REALTIME: comparable with Python's time.time()
  return tonumber(tspec.tv_sec) * 1000000 + tonumber(tspec.tv_nsec) / 1000
end

local counter = 0
local dir = os.getenv("CASEBOOK_WRK_DIR") -- done() runs in the main state, which init() never sees

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

local requests, ids, slots = {}, {}, {}
local next_slot, next_req, interval_us, start_us = 0, 1, 0, 0
local sent_log = nil

function init(args)
  dir = args[1]
  interval_us = 1000000 / tonumber(args[2])
  start_us = tonumber(args[3])
  local n = tid
  for line in io.lines(dir .. "/req-" .. n .. ".tsv") do
    local id, ts, sig, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    ids[#ids + 1] = id
    requests[#requests + 1] = wrk.format("POST", nil, {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["X-Slack-Request-Timestamp"] = ts,
      ["X-Slack-Signature"] = sig,
    }, body)
  end
  sent_log = io.open(dir .. "/sent-" .. n .. ".tsv", "w")
  sent_log:setvbuf("full")
end

function delay()
  if next_slot >= #requests then
    return 60000 -- the schedule is done: stay quiet until wrk stops
  end
  local slot = start_us + next_slot * interval_us
  next_slot = next_slot + 1
  slots[#slots + 1] = slot
  local wait = (slot - now_us()) / 1000
  if wait < 0 then
    return 0
  end
  return wait
end

local spare = nil

function request()
  local i = next_req
  if i > #requests or slots[i] == nil then
    -- A send that claimed no slot (wrk skips delay() on a connection's first request) or
    -- past the schedule: a health check, so nothing signed is sent off schedule or twice.
    spare = spare or wrk.format("GET", "/healthz")
    return spare
  end
  next_req = i + 1
  local slot = slots[i]
  sent_log:write(ids[i], "\t", string.format("%.0f", slot), "\t", string.format("%.0f", now_us()), "\n")
  if i % 256 == 0 then
    sent_log:flush()
  end
  return requests[i]
end

function done(summary, latency, requests_)
  local e = summary.errors
  local out = io.open(dir .. "/summary.json", "w")
  out:write(string.format(
    '{"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, "status": %d, ' ..
    '"timeout": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
  out:close()
end

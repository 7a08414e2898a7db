-- wrk script: GET or PUT of one answering rule, or a POST of a JSON body to any URL;
-- prints one JSON line of figures at the end.
-- Usage: wrk ... -H "Authorization: Bearer T" -s rule.lua URL -- GET|PUT|POST [body]
--        wrk ... -s rule.lua URL -- PUT-64EXT EXT:NUMBER EXT:NUMBER ...
-- The PUT sets ringCount of group 1 to 4 and back to 3, so every request is valid and the
-- rule really changes (a PUT that rewrote the same value would still bump the version).
-- PUT-64EXT does the same to the rule of each extension given in turn (the "~" of the
-- URL's extension replaced by its id), ringing that extension's own forwarding number.

-- A request that never changes (a GET, a POST of one body) is built once by wrk itself: a
-- script that defines no request() is run by wrk without any Lua per request, so the
-- client takes less of the machine from the server it measures (ceilings included). Only
-- the PUTs' cycle of bodies needs request(). benchmarks/load/wrk.py sets
-- RINGFORWARD_WRK_FIXED=1 for a fixed request: whether the function exists is settled
-- when the script loads, before init() sees the arguments.
local requests_cycle = {}
local position = 0

local function put_body(ring_count, number_id)
  return '{"forwarding":{"rules":[{"index":1,"ringCount":' .. ring_count
    .. ',"forwardingNumbers":[{"id":"' .. (number_id or "33333333") .. '"}]}]}}'
end

function init(args)
  local method = args[1] or "GET"
  if method == "GET" or method:sub(1, 4) == "GET-" then  -- GET-numbers, GET-hours: other URLs
    wrk.method = "GET"
    requests_cycle = { wrk.format("GET") }
  elseif method == "PUT" then
    wrk.headers["Content-Type"] = "application/json"
    requests_cycle = { wrk.format("PUT", nil, nil, put_body(4)),
                       wrk.format("PUT", nil, nil, put_body(3)) }
  elseif method == "PUT-64EXT" then
    wrk.headers["Content-Type"] = "application/json"
    for ring_count = 4, 3, -1 do
      for i = 2, #args do
        local extension_id, number_id = args[i]:match("^(%d+):(%d+)$")
        local path = wrk.path:gsub("/extension/~/", "/extension/" .. extension_id .. "/")
        table.insert(requests_cycle,
          wrk.format("PUT", path, nil, put_body(ring_count, number_id)))
      end
    end
  elseif method == "POST" then
    wrk.headers["Content-Type"] = "application/json"
    wrk.method, wrk.body = "POST", args[2]
    requests_cycle = { wrk.format("POST", nil, nil, args[2]) }
  else
    error("method must be GET, PUT, PUT-64EXT or POST, not " .. method)
  end
end

if os.getenv("RINGFORWARD_WRK_FIXED") ~= "1" then
  function request()
    position = position % #requests_cycle + 1
    return requests_cycle[position]
  end
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "mean_us": %.1f, '
      .. '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, '
      .. '"errors_connect": %d, "errors_read": %d, "errors_write": %d, '
      .. '"errors_status": %d, "errors_timeout": %d}\n',
    summary.requests, summary.duration, summary.bytes, latency.mean,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout))
end

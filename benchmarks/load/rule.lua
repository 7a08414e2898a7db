-- wrk script: GET or PUT of one answering rule, or a POST of a JSON body to any URL;
-- prints one JSON line of figures at the end.
-- Usage: wrk ... -H "Authorization: Bearer T" -s rule.lua URL -- GET|PUT|POST [body]
-- The PUT sets ringCount of group 1 to 4 and back to 3, so every request is valid and the
-- rule really changes (a PUT that rewrote the same value would still bump the version).

local requests_cycle = {}
local position = 0

local function put_body(ring_count)
  return '{"forwarding":{"rules":[{"index":1,"ringCount":' .. ring_count
    .. ',"forwardingNumbers":[{"id":"33333333"}]}]}}'
end

function init(args)
  local method = args[1] or "GET"
  if method == "GET" then
    requests_cycle = { wrk.format("GET") }
  elseif method == "PUT" then
    wrk.headers["Content-Type"] = "application/json"
    requests_cycle = { wrk.format("PUT", nil, nil, put_body(4)),
                       wrk.format("PUT", nil, nil, put_body(3)) }
  elseif method == "POST" then
    wrk.headers["Content-Type"] = "application/json"
    requests_cycle = { wrk.format("POST", nil, nil, args[2]) }
  else
    error("method must be GET, PUT or POST, not " .. method)
  end
end

function request()
  position = position % #requests_cycle + 1
  return requests_cycle[position]
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

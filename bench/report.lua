-- wrk script: the requests to make in turn (WRK_PATHS: "path<TAB>Header: value|…", each with the
-- header of its persona: a session cookie or an API token), and at the end one line of JSON.
local requests = {}
for entry in string.gmatch(os.getenv("WRK_PATHS") or "/", "[^|]+") do
  local path, name, value = string.match(entry, "^([^\t]*)\t([^:]+):%s*(.*)$")
  table.insert(requests, {path = path, headers = {[name] = value}})
end
local i = 0

request = function()
  i = i % #requests + 1
  return wrk.format("GET", requests[i].path, requests[i].headers)
end

done = function(summary, latency, _)
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, ' ..
    '"socket_errors": %d, "non_2xx": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end

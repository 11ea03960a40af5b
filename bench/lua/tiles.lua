-- wrk: GET each path of the file $TILES in turn (one per line), optionally with Accept-Encoding $ENCODING; at the
-- end prints the latency percentiles wrk's --latency lacks (p95) and the request rate.
local paths = {}
for line in io.lines(os.getenv("TILES")) do
  if #line > 0 then paths[#paths + 1] = line end
end
local i = math.random(#paths)
local encoding = os.getenv("ENCODING")
if encoding and #encoding > 0 then wrk.headers["Accept-Encoding"] = encoding end

request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end

done = function(summary, latency, requests)
  local secs = summary.duration / 1e6
  io.write(string.format("requests %d in %.1f s: %.0f req/s; p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms; non-2xx/3xx %d, errors %d\n",
    summary.requests, secs, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end

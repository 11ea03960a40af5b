-- wrk: the reporting page's duplicate suggestions (the `duplicates` server fn), at points where open reports
-- are (the `points` table is prepended by bench/intake.sh: {lat, lng, category}).
local titles = { "buca profonda", "lampione spento", "rifiuti abbandonati", "marciapiede rotto", "albero caduto" }
local i = 0
request = function()
  i = i + 1
  local p = points[(i % #points) + 1]
  local body = string.format("lat=%s&lng=%s&category=%d&text=%s", p[1], p[2], p[3],
    string.gsub(titles[(i % #titles) + 1], " ", "+"))
  local headers = {}
  for k, v in pairs(wrk.headers) do headers[k] = v end
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  return wrk.format("POST", "/api/duplicates", headers, body)
end

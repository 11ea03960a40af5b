-- wrk: a signed-in citizen files reports without photos through the API, each with its own idempotency key,
-- at points spread over Padova. bench/intake.sh passes the session cookie and Origin with -H; wrk.format drops
-- those when given a headers table, so they are copied in here.
local counter = 0
setup = function(thread)
  counter = counter + 1
  thread:set("tid", counter)
end
local n = 0
request = function()
  n = n + 1
  local headers = {}
  for k, v in pairs(wrk.headers) do headers[k] = v end
  headers["Content-Type"] = "application/json"
  headers["Idempotency-Key"] = string.format("bench-%d-%d-%08d", tid or 0, os.time(), n)
  local body = string.format(
    '{"kind":"problem","category_id":%d,"lat":%.5f,"lng":%.5f,"title":"Buca profonda numero %d","description":"Segnalazione del banco di prova."}',
    (n % 18) + 1, 45.38 + (n % 97) * 0.0005, 11.84 + (n % 89) * 0.0007, n)
  return wrk.format("POST", nil, headers, body)
end

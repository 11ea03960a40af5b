-- wrk: a signed-in citizen files reports without photos through the API, each with its own idempotency key,
-- at points spread over Padova (bench/intake.sh sets the session cookie).
local n = 0
local thread_id = 0
local counter = 0
setup = function(thread)
  counter = counter + 1
  thread:set("tid", counter)
end
request = function()
  n = n + 1
  local lat = 45.38 + (n % 97) * 0.0005
  local lng = 11.84 + (n % 89) * 0.0007
  local body = string.format(
    '{"kind":"problem","category_id":%d,"lat":%.5f,"lng":%.5f,"title":"Buca profonda numero %d","description":"Segnalazione del banco di prova."}',
    (n % 18) + 1, lat, lng, n)
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = string.format("bench-%d-%d-%d", tid or 0, os.time(), n),
  }, body)
end

-- wrk: sign-in attempts with wrong passwords for ever-new addresses (each costs a full argon2id hash, and no
-- per-address pause kicks in), as a password-spraying flood would.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
local n = 0
request = function()
  n = n + 1
  local body = string.format("email=flood%d.%d%%40esempio.it&password=sbagliata-sbagliata", math.random(1, 1e9), n)
  return wrk.format(nil, "/accedi", nil, body)
end

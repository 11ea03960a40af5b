-- wrk: public report pages (GET /segnalazioni/CODE, rendered on the server), over the `codes` table that
-- bench/back_office.sh prepends.
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/segnalazioni/" .. codes[(i % #codes) + 1])
end

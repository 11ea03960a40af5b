#!/usr/bin/env bash
# The street import and the address search at a city's size, on this machine (127.0.0.1 only; every run stops by
# itself):
#   1. a synthetic ANNCSU CSV of STREETS streets with NUMBERS house numbers each (inside the database's municipal
#      boundary), imported through the administration's door (`POST /amministrazione/vie`, one transaction), timed;
#   2. the address search as a citizen types it ("via garibaldi mazzini 123 10", the `places` server fn), under
#      load with wrk: a street and a house number, then a street alone.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:54329/postgres bench/streets.sh segnala_dev
#
# Needs the release server (scripts/run builds it) and a database with a municipal boundary (the demo's). It
# REPLACES that database's streets: `scripts/run --reset` brings the demo's gazetteer back.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh "$@"
STREETS="${STREETS:-3000}"
NUMBERS="${NUMBERS:-60}"

# One anchor per street inside the boundary; its numbers lie within about 100 m of it.
q -F' ' -c "select ST_X(d.geom), ST_Y(d.geom)
            from (select boundary from area where kind = 'municipality' order by area_id limit 1) a,
                 ST_Dump(ST_GeneratePoints(a.boundary, $STREETS, 7)) d" > "$WORK/anchors.txt"
python3 - "$WORK/anchors.txt" "$NUMBERS" "$WORK/anncsu.csv" "$WORK/queries.lua" <<'PY'
import random, sys
anchors = [tuple(map(float, l.split())) for l in open(sys.argv[1]) if l.strip()]
numbers, csv_path, lua_path = int(sys.argv[2]), sys.argv[3], sys.argv[4]
random.seed(7)
words = ["ROMA", "GARIBALDI", "MAZZINI", "CAVOUR", "VERDI", "DANTE", "MARCONI", "MATTEOTTI", "PETRARCA", "MANZONI",
         "GRAMSCI", "TASSO", "ARIOSTO", "VOLTA", "GALILEI", "FERMI", "PASCOLI", "CARDUCCI", "LEOPARDI", "FOSCOLO"]
dugs = ["VIA", "PIAZZA", "VIALE", "VICOLO", "CORSO", "LARGO"]
names = []
with open(csv_path, "w") as f:
    f.write("CODICE_VIA;DUG;DENOMINAZIONE;CIVICO;ESPONENTE;LONGITUDINE;LATITUDINE\n")
    for i, (x, y) in enumerate(anchors):
        dug, name = random.choice(dugs), f"{random.choice(words)} {random.choice(words)} {i}"
        names.append(f"{dug} {name}".lower())
        for k in range(1, numbers + 1):
            exp = "A" if k % 17 == 0 else ""
            f.write(f"{1000 + i};{dug};{name};{k};{exp};{x + random.uniform(-0.001, 0.001):.6f};{y + random.uniform(-0.0007, 0.0007):.6f}\n")
with open(lua_path, "w") as f:
    f.write("streets = {" + ",".join(f'"{n}"' for n in random.sample(names, min(500, len(names)))) + "}\n")
PY
LINES=$(($(wc -l < "$WORK/anncsu.csv") - 1))
echo "== $DB: importing $STREETS streets, $LINES house numbers ($(du -h "$WORK/anncsu.csv" | cut -f1) of CSV), replacing the gazetteer's streets"
start_server
sign_in bench.vie@segnala.example --role administrator
T0=$(date +%s.%N)
curl -fsS -o "$WORK/import.html" -H "Cookie: $COOKIE" -H "Origin: $BASE" -F mode=replace \
  -F "file=@$WORK/anncsu.csv;type=text/csv" "$BASE/amministrazione/vie" || { tail -20 "$WORK/server.log"; exit 1; }
T1=$(date +%s.%N)
python3 -c "import sys; print(f'   import: {float(sys.argv[2]) - float(sys.argv[1]):.1f} s')" "$T0" "$T1"
grep -o 'Importazione completata[^<]*' "$WORK/import.html" | sed 's/^/   /'
echo "   gazetteer: $(q -c "select count(*) from place where kind = 'street'") streets, $(q -c "select count(*) from house_number") house numbers"

for with_number in 1 0; do
  cat "$WORK/queries.lua" > "$WORK/search.lua"
  cat >> "$WORK/search.lua" <<LUA
local i = 0
request = function()
  i = i + 1
  local q = streets[(i % #streets) + 1]
  if $with_number == 1 then q = q .. " " .. tostring((i % 50) + 1) end
  local headers = { ["Content-Type"] = "application/x-www-form-urlencoded", ["Origin"] = "$BASE" }
  return wrk.format("POST", "/api/places", headers, "q=" .. string.gsub(q, " ", "+"))
end
LUA
  label=$([ "$with_number" = 1 ] && echo "a street and a house number" || echo "a street alone")
  wrk -t1 -c2 -d3s -s "$WORK/search.lua" "$BASE" >/dev/null
  echo "== address search (POST /api/places), $label, 2 connections, ${DURATION}s"
  wrk -t2 -c2 -d"${DURATION}s" --latency -s "$WORK/search.lua" "$BASE" | pick
done

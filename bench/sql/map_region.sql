-- pgbench: what the tile endpoint asks the database for a whole-region tile (clusters): the version and the
-- counts by state of the tile's 16 cells (map_cell, at most 144 rows). Tiles from bench/map.sh's bench_tile.
\set i random(1, :tiles)
SELECT coalesce(max(version), 0) FROM map_cell m, bench_tile t
  WHERE t.i = :i AND m.level = t.level AND m.q >= t.clo AND m.q < t.chi;
SELECT q, state, n, sx, sy FROM map_cell m, bench_tile t
  WHERE t.i = :i AND m.level = t.level AND m.q >= t.clo AND m.q < t.chi AND n > 0 ORDER BY q;

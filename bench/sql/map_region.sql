-- pgbench: what the tile endpoint asks the database for a whole-region tile (clusters): the version and size,
-- then the counts by state of the tile's cells (map_cell; at most 64 stored cells x 9 states). Tiles from
-- bench/map.sh's bench_tile, read first so that the measured queries get constants.
\set i random(1, :tiles)
SELECT level, clo, chi, merge FROM bench_tile WHERE i = :i \gset
SELECT coalesce(max(version), 0), coalesce(sum(n), 0) FROM map_cell
  WHERE level = :level AND q >= :clo AND q < :chi;
SELECT q >> :merge, state, sum(n), sum(sx), sum(sy) FROM map_cell
  WHERE level = :level AND q >= :clo AND q < :chi AND n > 0 GROUP BY 1, 2 ORDER BY 1;

-- pgbench: what the map's tile endpoint asks the database for a street-zoom tile (backend/src/map.rs `build`):
-- the tile's version and size, then its reports (a range of the partial index report_map_mq_idx). The tiles are
-- those of the view bench/map.sh measures, in the table bench_tile it makes; their ranges are read first (a
-- primary-key lookup) so that the two measured queries get constants, as the server's do.
\set i random(1, :tiles)
SELECT level, clo, chi, lo, hi FROM bench_tile WHERE i = :i \gset
SELECT coalesce(max(version), 0), coalesce(sum(n), 0) FROM map_cell
  WHERE level = :level AND q >= :clo AND q < :chi;
SELECT r.receipt_code, r.state, r.mx, r.my FROM report r
  WHERE r.is_public AND NOT r.is_internal AND r.confirmed_at IS NOT NULL AND r.mq >= :lo AND r.mq < :hi
  ORDER BY r.receipt_code LIMIT 1501;

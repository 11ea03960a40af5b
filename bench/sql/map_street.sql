-- pgbench: what the map's tile endpoint asks the database for a street-zoom tile (backend/src/map.rs `build`):
-- the tile's version, then its reports (a range of the partial index report_map_mq_idx). The tiles are those of
-- the view bench/map.sh measures, in the table bench_tile it makes (i, level, clo, chi, lo, hi).
\set i random(1, :tiles)
SELECT coalesce(max(version), 0) FROM map_cell m, bench_tile t
  WHERE t.i = :i AND m.level = t.level AND m.q >= t.clo AND m.q < t.chi;
SELECT r.receipt_code, r.state, r.mx, r.my FROM report r, bench_tile t
  WHERE t.i = :i AND r.is_public AND NOT r.is_internal AND r.confirmed_at IS NOT NULL
    AND r.mq >= t.lo AND r.mq < t.hi
  ORDER BY r.receipt_code LIMIT 1501;

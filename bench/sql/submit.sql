-- pgbench: a citizen's submission as the service writes it (backend/src/reports/store.rs `insert`): the next
-- receipt number of the year (its counter row stays locked until COMMIT, so submissions queue on it), the report
-- routed to its category's office and located in its district, and the first timeline entry, in one
-- transaction. On the synthetic data set (bench/load_synthetic.sh):
--
--   pgbench -n -f bench/sql/submit.sql -c 8 -j 2 -T 20 postgres://postgres@127.0.0.1:5432/segnala_bench_1m
--
-- Receipts are numbered in year 2099, which no real or synthetic report uses. A year holds at most 999,999
-- numbers (then the counter's check fails): keep a run under that (20 s at ~1,000 tps is 20,000), and reset before
-- each run, which removes the test reports, their timelines and the 2099 counter row:
--
--   psql -v ON_ERROR_STOP=1 postgres://postgres@127.0.0.1:5432/segnala_bench_1m -f bench/sql/submit_reset.sql
--
-- The submitted reports are open, public and confirmed: run the duplicates benchmark before this one, or reset.
\set lat random(4505000, 4578000)
\set lng random(1125000, 1255000)
\set cat random(1, 18)
BEGIN;
INSERT INTO receipt_counter (year, last_number) VALUES (2099, 1)
  ON CONFLICT (year) DO UPDATE SET last_number = receipt_counter.last_number + 1
  RETURNING last_number \gset
INSERT INTO report (receipt_code, kind, category_id, office_id, area_id, location, title, description, is_public,
                    created_at, updated_at)
  SELECT 'SEG-2099-' || lpad(:last_number::text, 6, '0'), 'problem', c.category_id, c.office_id,
         (SELECT a.area_id FROM area a
          WHERE a.kind = 'district'
            AND ST_Intersects(a.boundary, ST_SetSRID(ST_MakePoint(:lng / 100000.0, :lat / 100000.0), 4326))
          ORDER BY a.area_id LIMIT 1),
         ST_SetSRID(ST_MakePoint(:lng / 100000.0, :lat / 100000.0), 4326),
         'Buca profonda in via Roma, prova ' || :last_number, 'Segnalazione di prova inviata da pgbench.', true,
         now(), now()
  FROM category c WHERE c.category_id = :cat
  RETURNING report_id \gset
INSERT INTO report_update (report_id, from_state, to_state, actor_kind, actor_name, created_at)
  VALUES (:report_id, NULL, 'submitted', 'citizen', 'Cittadino', now());
COMMIT;

-- pgbench: what POST /api/v1/reports writes for a signed-in citizen (backend/src/reports/intake.rs `record`),
-- the same transaction run directly: the idempotency key's advisory lock and lookup, the year's receipt number
-- (its counter row locked until COMMIT), the report routed to its category's office and located in its
-- district, its first timeline entry, the key's row, and the receipt email in the outbox. Run by bench/intake.sh
-- with -D user_id=…; receipts are numbered in 2099 (bench/sql/submit_reset.sql removes them).
\set lat random(4538000, 4545000)
\set lng random(1184000, 1190000)
\set cat random(1, 18)
\set key random(1, 1000000000)
BEGIN;
SELECT pg_advisory_xact_lock(hashtextextended('pgbench-' || :client_id || '-' || :key, 7));
SELECT report_id FROM submission WHERE idempotency_key = 'pgbench-' || :client_id || '-' || :key || '-xxxxxxxx';
INSERT INTO receipt_counter (year, last_number) VALUES (2099, 1)
  ON CONFLICT (year) DO UPDATE SET last_number = receipt_counter.last_number + 1
  RETURNING last_number \gset
INSERT INTO report (receipt_code, kind, category_id, office_id, area_id, location, title, description, is_public,
                    created_at, updated_at, reporter_id, confirmed_at, reporter_name_shown)
  SELECT 'SEG-2099-' || lpad(:last_number::text, 6, '0'), 'problem', c.category_id, c.office_id,
         (SELECT a.area_id FROM area a
          WHERE a.kind = 'district'
            AND ST_Intersects(a.boundary, ST_SetSRID(ST_MakePoint(:lng / 100000.0, :lat / 100000.0), 4326))
          ORDER BY a.area_id LIMIT 1),
         ST_SetSRID(ST_MakePoint(:lng / 100000.0, :lat / 100000.0), 4326),
         'Buca profonda, prova ' || :last_number, 'Segnalazione di prova inviata da pgbench.', true,
         now(), now(), :user_id, now(), false
  FROM category c WHERE c.category_id = :cat
  RETURNING report_id \gset
INSERT INTO report_update (report_id, from_state, to_state, actor_kind, actor_name, created_at)
  VALUES (:report_id, NULL, 'submitted', 'citizen', 'Cittadino', now());
INSERT INTO submission (idempotency_key, request_hash, report_id)
  VALUES ('pgbench-' || :client_id || '-' || :key || '-' || :report_id, sha256(:key::text::bytea), :report_id);
INSERT INTO outbox_mail (message_id, kind, recipient, user_id, locale, subject, body_text, body_html, unsubscribe_url)
  VALUES ('<pgbench.' || :report_id || '@segnala.local>', 'report_receipt', 'bench@segnala.example', :user_id, 'it',
          'Segnalazione ricevuta: SEG-2099-' || lpad(:last_number::text, 6, '0'),
          repeat('Testo della ricevuta. ', 30), repeat('<p>Testo della ricevuta.</p>', 30), 'https://segnala.local/x');
COMMIT;

-- pgbench: one citizen's report as the service writes it (receipt number, report, first timeline entry) plus the
-- email it queues, in one transaction.
\set lat random(4535000, 4542000)
\set lng random(1185000, 1190000)
BEGIN;
INSERT INTO receipt_counter (year, last_number) VALUES (2099, 1)
  ON CONFLICT (year) DO UPDATE SET last_number = receipt_counter.last_number + 1 RETURNING last_number \gset
INSERT INTO report (receipt_code, kind, category_id, office_id, location, title, description)
  SELECT 'SEG-2099-' || lpad(:last_number::text, 6, '0'), 'problem', c.category_id, c.office_id,
         ST_SetSRID(ST_MakePoint(:lng / 100000.0, :lat / 100000.0), 4326), 'Buca di prova', 'Descrizione di prova.'
  FROM (SELECT category_id, office_id FROM category ORDER BY category_id LIMIT 1) c
  RETURNING report_id \gset
INSERT INTO report_update (report_id, from_state, to_state, actor_kind, actor_name)
  VALUES (:report_id, NULL, 'submitted', 'citizen', 'Cittadino');
INSERT INTO outbox_mail (message_id, kind, recipient, locale, subject, body_text, body_html, unsubscribe_url)
  VALUES ('<bench-report-' || :report_id || '@bench>', 'test', 'bench@esempio.it', 'it', 'Ricevuta', 'Testo.', '<p>Testo.</p>', 'http://127.0.0.1/x');
COMMIT;

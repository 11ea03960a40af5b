-- Removes what bench/sql/submit.sql and submit_signed_in.sql added (reports numbered SEG-2099-…, with their
-- timelines, idempotency keys and photos by cascade; the 2099 counter row; the receipt mails).
--
--   psql -v ON_ERROR_STOP=1 postgres://postgres@127.0.0.1:5432/segnala_bench_1m -f bench/sql/submit_reset.sql
--
-- A plain delete: the index on report.duplicate_of (migration 0012) makes each deleted report's foreign-key check
-- an index probe (without it, 21,000 deletions out of 1M reports ran 15 minutes without finishing).
begin;
delete from report where receipt_code like 'SEG-2099-%';
delete from receipt_counter where year = 2099;
delete from outbox_mail where message_id like '<pgbench.%';
commit;
vacuum analyze report, report_update;

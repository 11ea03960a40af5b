-- Removes what bench/sql/submit.sql added (reports numbered SEG-2099-…, their timelines, the 2099 counter row).
--
--   psql -v ON_ERROR_STOP=1 postgres://postgres@127.0.0.1:5432/segnala_bench_1m -f bench/sql/submit_reset.sql
--
-- A plain `delete from report` is unusable at this size: report.duplicate_of references report and has no index,
-- so the foreign-key check of every deleted report scans the whole table (21,000 test reports out of 1M ran 15
-- minutes without finishing). The foreign-key triggers are skipped here instead (session_replication_role,
-- superuser): nothing references the test reports but their own timelines, deleted first.
begin;
set local session_replication_role = replica;
delete from report_update where report_id in (select report_id from report where receipt_code like 'SEG-2099-%');
delete from report where receipt_code like 'SEG-2099-%';
delete from receipt_counter where year = 2099;
commit;
vacuum analyze report, report_update;

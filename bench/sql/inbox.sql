-- The inbox's first page for one office, sorted by SLA due date: the query backend::reports::inbox assembles for
-- `-D office=N` (bench/back_office.sh), with no other filter and no cursor. A copy on purpose: pgbench measures
-- the same SQL the server runs (keep them in step when the query changes).
with page as (
    select r.report_id from report r
    where r.confirmed_at is not null and r.office_id = any(array[:office])
      and r.state not in ('resolved', 'closed', 'rejected', 'duplicate')
    order by r.sla_due_at, r.report_id limit 51
)
select r.report_id, r.receipt_code, r.title, r.kind, r.state, r.priority,
       c.name as category, o.name as office, a.name as district,
       coalesce(u.display_name, ct.name) as assignee, r.is_public, r.is_internal,
       ST_Y(r.location) as lat, ST_X(r.location) as lng, r.created_at, r.sla_due_at,
       r.completion_reported_at is not null as completion
from page join report r using (report_id)
join category c on c.category_id = r.category_id
join office o on o.office_id = r.office_id
left join area a on a.area_id = r.area_id
left join app_user u on u.user_id = r.assigned_user_id
left join contractor ct on ct.contractor_id = r.assigned_contractor_id
order by r.sla_due_at, r.report_id;

-- The rules about a report that most queries ask, each written once here, with its twin in Rust
-- (`shared::report::ReportState::is_open` / `is_resolved`, `shared::report::open_to_all`,
-- `shared::permission::StaffSight`); a test holds each pair together, as one does for the state transitions.
-- The SQL functions are immutable one-expression functions: PostgreSQL inlines them, so a query written with one
-- still uses the partial indexes below (whose predicates are the same functions), and EXPLAIN shows plain
-- conditions.

-- Whether a report in `state` still waits for the municipality.
create function report_state_is_open(state report_state) returns boolean immutable parallel safe language sql as $$
    select state not in ('resolved', 'closed', 'rejected', 'duplicate')
$$;

-- Whether a report in `state` was solved (resolved, then possibly closed).
create function report_state_is_resolved(state report_state) returns boolean immutable parallel safe language sql as $$
    select state in ('resolved', 'closed')
$$;

-- Whether everyone sees the report (the public map, lists, pages, exports, feeds): public, confirmed, not
-- internal.
create function report_open_to_all(is_public boolean, is_internal boolean, confirmed_at timestamptz)
returns boolean immutable parallel safe language sql as $$
    select is_public and not is_internal and confirmed_at is not null
$$;

-- Whether a member of staff may open the report's staff page (and so see it in any staff listing), from what
-- `shared::permission::StaffSight` says of the viewer: every report everyone sees (`sees_open`), every report
-- (`sees_all`), or those of their offices, assigned to them or to their company, or reported by them.
create function report_in_sight(
    open_to_all boolean, office_id integer, assigned_user_id bigint, assigned_contractor_id integer,
    reporter_id bigint,
    sees_open boolean, sees_all boolean, offices integer[], person bigint, contractor integer, own bigint
) returns boolean immutable parallel safe language sql as $$
    select coalesce((sees_open and open_to_all) or sees_all or office_id = any(offices)
        or assigned_user_id = person or assigned_contractor_id = contractor or reporter_id = own, false)
$$;

-- The map's own name for the rule.
create or replace function map_visible(r report) returns boolean immutable parallel safe language sql as $$
    select report_open_to_all(r.is_public, r.is_internal, r.confirmed_at)
$$;

-- The partial indexes, with their predicates written through the functions (the same conditions as before).
drop index report_open_category_location_gix;
create index report_open_category_location_gix on report using gist (location) where report_state_is_open(state);
drop index report_inbox_office_idx;
create index report_inbox_office_idx on report (office_id, sla_due_at) where report_state_is_open(state);
drop index report_open_due_idx;
create index report_open_due_idx on report (sla_due_at) where report_state_is_open(state);
drop index report_open_assignee_idx;
create index report_open_assignee_idx on report (assigned_user_id) include (sla_due_at, office_id)
    where assigned_user_id is not null and report_state_is_open(state);
drop index report_open_contractor_idx;
create index report_open_contractor_idx on report (assigned_contractor_id) include (sla_due_at, office_id)
    where assigned_contractor_id is not null and report_state_is_open(state);
drop index report_map_mq_idx;
create index report_map_mq_idx on report (mq) where report_open_to_all(is_public, is_internal, confirmed_at);
-- The newest compliments stay an index-only scan once the rule reads `is_internal` too.
drop index report_compliment_idx;
create index report_compliment_idx on report (created_at desc)
    include (report_id, office_id, category_id, area_id, is_public, is_internal, confirmed_at) where kind = 'compliment';

-- The milestones' refresh, with "resolved" said once.
create or replace function report_timing_refresh(ids bigint[]) returns bigint language plpgsql as $$
declare
    n bigint;
begin
    if ids is null then
        truncate report_timing;
    else
        delete from report_timing t where t.report_id = any(ids)
            and not exists (select 1 from report r where r.report_id = t.report_id and r.confirmed_at is not null);
    end if;
    insert into report_timing (report_id, kind, state, channel, is_internal, office_id, category_id, area_id,
                               received_at, in_charge_at, resolved_at, rejected_at, sla_due_at, rated_at,
                               rating_timeliness, rating_quality, not_solved)
    select r.report_id, r.kind, r.state, r.channel, r.is_internal, r.office_id, r.category_id, r.area_id,
           r.created_at, u.in_charge_at,
           case when report_state_is_resolved(r.state) then u.resolved_at end,
           case when r.state = 'rejected' then u.rejected_at end,
           r.sla_due_at, s.answered_at, s.timeliness, s.quality, coalesce(s.not_solved, false)
    from report r
    left join lateral (
        select min(x.created_at) filter (where x.to_state = 'in_charge') as in_charge_at,
               max(x.created_at) filter (where x.to_state = 'resolved') as resolved_at,
               max(x.created_at) filter (where x.to_state = 'rejected') as rejected_at
        from report_update x
        where x.report_id = r.report_id and x.to_state in ('in_charge', 'resolved', 'rejected')
    ) u on true
    left join lateral (
        select v.answered_at, v.timeliness, v.quality, v.not_solved from survey v
        where v.report_id = r.report_id and v.answered_at is not null
        order by v.answered_at desc limit 1
    ) s on true
    where r.confirmed_at is not null and (ids is null or r.report_id = any(ids))
    on conflict (report_id) do update set
        kind = excluded.kind, state = excluded.state, channel = excluded.channel,
        is_internal = excluded.is_internal, office_id = excluded.office_id, category_id = excluded.category_id,
        area_id = excluded.area_id, received_at = excluded.received_at, in_charge_at = excluded.in_charge_at,
        resolved_at = excluded.resolved_at, rejected_at = excluded.rejected_at, sla_due_at = excluded.sla_due_at,
        rated_at = excluded.rated_at, rating_timeliness = excluded.rating_timeliness,
        rating_quality = excluded.rating_quality, not_solved = excluded.not_solved;
    get diagnostics n = row_count;
    return n;
end
$$;

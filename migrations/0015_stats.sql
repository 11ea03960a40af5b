-- Transparency statistics (docs/transparency.md): how fast and how well the municipality answers, per office,
-- category, district and month, kept in precomputed tables that a background job refreshes incrementally.
-- No page ever aggregates over all reports: the pages read stats_month and stats_window; the job reads
-- report_timing, one row per report, for the scopes a change touched.

-- One row per confirmed report: when it reached each milestone, from its signed timeline. The job rewrites the
-- rows of the reports in stats_queue; `segnala stats rebuild` rewrites them all.
-- No foreign key: a deleted report's row stays until the job has read its scopes (then it goes).
create table report_timing (
    report_id bigint primary key,
    kind report_kind not null,
    state report_state not null,
    channel report_channel not null,
    -- Internal reports (filed by staff for staff) count only on the staff dashboard.
    is_internal boolean not null,
    office_id integer not null,
    category_id integer not null,
    area_id integer,
    -- When the municipality received it (the report's creation).
    received_at timestamptz not null,
    -- The first time an office took it in charge (the first move to in_charge).
    in_charge_at timestamptz,
    -- The last move to resolved, while the report stays resolved or closed (a reopened report is not resolved).
    resolved_at timestamptz,
    -- The last move to rejected, while it stays rejected.
    rejected_at timestamptz,
    sla_due_at timestamptz not null,
    -- The reporter's latest answer to the satisfaction questionnaire (survey_answer).
    rated_at timestamptz,
    rating_timeliness smallint check (rating_timeliness between 1 and 5),
    rating_quality smallint check (rating_quality between 1 and 5),
    not_solved boolean not null default false,
    check (rated_at is not null or (rating_timeliness is null and rating_quality is null and not not_solved))
);
-- The job reads a scope's rows whose any milestone falls inside the window.
create index report_timing_office_idx on report_timing (office_id);
create index report_timing_category_idx on report_timing (category_id);
create index report_timing_area_idx on report_timing (area_id);
create index report_timing_received_idx on report_timing (received_at);
create index report_timing_in_charge_idx on report_timing (in_charge_at) where in_charge_at is not null;
create index report_timing_resolved_idx on report_timing (resolved_at) where resolved_at is not null;
create index report_timing_rejected_idx on report_timing (rejected_at) where rejected_at is not null;
create index report_timing_rated_idx on report_timing (rated_at) where rated_at is not null;

-- Reports whose figures may have changed since the last refresh. Triggers add them; the job takes them.
create table stats_queue (
    report_id bigint primary key,
    queued_at timestamptz not null default now()
);

create function stats_queue_inserted() returns trigger language plpgsql as $$
begin
    insert into stats_queue (report_id) select report_id from inserted on conflict do nothing;
    return null;
end
$$;
create trigger stats_queue_inserted after insert on report
    referencing new table as inserted for each statement execute function stats_queue_inserted();

create trigger stats_queue_deleted after delete on report
    referencing old table as inserted for each statement execute function stats_queue_inserted();

-- Only the columns the figures read: a version bump or a moderation change queues nothing.
create function stats_queue_updated() returns trigger language plpgsql as $$
begin
    insert into stats_queue (report_id)
    select n.report_id from new_rows n join old_rows o using (report_id)
    where (n.state, n.kind, n.channel, n.is_internal, n.office_id, n.category_id, n.area_id, n.confirmed_at,
           n.created_at, n.sla_due_at)
        is distinct from
          (o.state, o.kind, o.channel, o.is_internal, o.office_id, o.category_id, o.area_id, o.confirmed_at,
           o.created_at, o.sla_due_at)
    on conflict do nothing;
    return null;
end
$$;
create trigger stats_queue_updated after update on report
    referencing old table as old_rows new table as new_rows for each statement execute function stats_queue_updated();

-- Rewrites the milestones of the reports `ids` (every report when null) from the report, its signed timeline
-- and its latest satisfaction answer; drops the rows of reports that no longer count (unconfirmed, deleted).
create function report_timing_refresh(ids bigint[]) returns bigint language plpgsql as $$
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
           case when r.state in ('resolved', 'closed') then u.resolved_at end,
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

-- The newest compliments of a scope (the Trasparenza page shows five): an index-only scan over the compliments
-- alone, whatever the scope, instead of walking every report newest first.
create index report_compliment_idx on report (created_at desc)
    include (report_id, office_id, category_id, area_id, is_public, confirmed_at) where kind = 'compliment';

-- The staff dashboard: open reports due soonest, and open work per person and per company (index-only).
create index report_open_due_idx on report (sla_due_at)
    where state not in ('resolved', 'closed', 'rejected', 'duplicate');
create index report_open_assignee_idx on report (assigned_user_id) include (sla_due_at, office_id)
    where assigned_user_id is not null and state not in ('resolved', 'closed', 'rejected', 'duplicate');
create index report_open_contractor_idx on report (assigned_contractor_id) include (sla_due_at, office_id)
    where assigned_contractor_id is not null and state not in ('resolved', 'closed', 'rejected', 'duplicate');

-- What a scope is: the whole municipality, or one office, category or district (area).
create type stats_scope as enum ('all', 'office', 'category', 'area');

-- The figures of one scope in one calendar month (UTC, like the map's month filter), by the month each event happened in: received
-- = reports received that month; resolved = reports resolved that month, and their times; and so on. Times in
-- seconds; medians and 90th percentiles as PostgreSQL's percentile_cont computes them (a test checks).
create table stats_month (
    scope stats_scope not null,
    scope_id integer not null default 0,
    month date not null check (extract(day from month) = 1),
    received integer not null default 0,
    compliments integer not null default 0,
    internal_received integer not null default 0,
    -- Reports received by channel: {"web": 12, "phone": 3, ...}.
    by_channel jsonb not null default '{}',
    taken_in_charge integer not null default 0,
    take_median_s double precision,
    take_p90_s double precision,
    resolved integer not null default 0,
    resolve_median_s double precision,
    resolve_p90_s double precision,
    resolved_within_sla integer not null default 0,
    rejected integer not null default 0,
    ratings integer not null default 0,
    timeliness_avg double precision,
    quality_avg double precision,
    not_solved integer not null default 0,
    primary key (scope, scope_id, month)
);

-- The same figures over the rolling window (the last SEGNALA_STATS_WINDOW_MONTHS months, this one included),
-- plus the backlog now: open reports and those past their SLA.
create table stats_window (
    scope stats_scope not null,
    scope_id integer not null default 0,
    window_start date not null,
    received integer not null default 0,
    compliments integer not null default 0,
    internal_received integer not null default 0,
    by_channel jsonb not null default '{}',
    taken_in_charge integer not null default 0,
    take_median_s double precision,
    take_p90_s double precision,
    resolved integer not null default 0,
    resolve_median_s double precision,
    resolve_p90_s double precision,
    resolved_within_sla integer not null default 0,
    rejected integer not null default 0,
    ratings integer not null default 0,
    timeliness_avg double precision,
    quality_avg double precision,
    not_solved integer not null default 0,
    open_now integer not null default 0,
    overdue_now integer not null default 0,
    refreshed_at timestamptz not null default now(),
    primary key (scope, scope_id)
);

-- One row: the window the tables hold and when they were last refreshed. A new month moves the window, and
-- the next refresh recomputes every scope.
create table stats_state (
    singleton boolean primary key default true check (singleton),
    window_start date,
    refreshed_at timestamptz
);
insert into stats_state default values;

-- Monthly and annual reports on what was done (resoconti). A period's row and its content are written in one
-- transaction: a job that dies half-way leaves nothing, and the unique key makes it exactly once however many
-- instances run the job. An administrator's regeneration replaces the content and bumps `generation`.
create type period_kind as enum ('month', 'year');
create table period_report (
    period_report_id integer generated always as identity primary key,
    kind period_kind not null,
    period_start date not null,
    period_end date not null,
    -- shared::stats::PeriodReport as JSON: the numbers the HTML, CSV and PDF are rendered from.
    data jsonb not null,
    generation integer not null default 1,
    generated_at timestamptz not null default now(),
    -- Who asked for a regeneration (null: the scheduled job).
    generated_by bigint references app_user on delete set null,
    unique (kind, period_start),
    check (period_end > period_start),
    check (kind <> 'month' or extract(day from period_start) = 1),
    check (kind <> 'year' or (extract(day from period_start) = 1 and extract(month from period_start) = 1))
);

alter type mail_kind add value 'satisfaction_survey';
alter type mail_kind add value 'report_reopened';
alter type mail_kind add value 'period_report';

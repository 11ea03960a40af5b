-- The people's side of the timeline: staff taking reports in charge, assigning, signing updates; citizens
-- commenting and following; the audit log; live events.

create type report_priority as enum ('low', 'normal', 'high', 'urgent');
-- How a report reached the municipality: the statistics count contacts by channel.
create type report_channel as enum ('web', 'api', 'phone', 'email', 'counter', 'letter');

alter table report
    -- Optimistic concurrency: every staff change says which version it saw and bumps it; a change made on an
    -- older version is refused (two people editing the same report get a conflict, never a lost update).
    add column version integer not null default 1,
    add column priority report_priority not null default 'normal',
    add column channel report_channel not null default 'web',
    -- Filed by staff for the municipality's own use: never public, analysed with the citizens' reports.
    add column is_internal boolean not null default false,
    -- Who does the work once assigned: a person of the office, or an external contractor (or both).
    add column assigned_user_id bigint references app_user on delete set null,
    add column assigned_contractor_id integer references contractor,
    -- The date the assignee was given to finish by.
    add column assignment_due_on date,
    -- When the answer is due by the category's SLA (kept by the trigger below; the inbox sorts on it).
    add column sla_due_at timestamptz,
    -- A contractor said the work is done; the office validates it before the report is resolved.
    add column completion_reported_at timestamptz,
    add constraint report_internal_not_public check (not (is_internal and is_public));

-- The SLA due date, from the category's days, whenever the report is written or moves to another category.
create function report_sla_due() returns trigger language plpgsql as $$
begin
    new.sla_due_at := new.created_at + make_interval(days => (
        select sla_days from category where category_id = new.category_id));
    return new;
end
$$;
create trigger report_sla_due before insert or update of category_id, created_at on report
    for each row execute function report_sla_due();
update report r set sla_due_at = r.created_at + make_interval(days => c.sla_days)
    from category c where c.category_id = r.category_id;
alter table report alter column sla_due_at set not null;

-- The inbox: open reports of an office (or of a person, or of a contractor), oldest or most urgent first.
create index report_inbox_office_idx on report (office_id, sla_due_at)
    where state not in ('resolved', 'closed', 'rejected', 'duplicate');
create index report_assigned_user_idx on report (assigned_user_id) where assigned_user_id is not null;
create index report_assigned_contractor_idx on report (assigned_contractor_id)
    where assigned_contractor_id is not null;

-- Timeline entries signed by an account: the account and the role it signed with ("Responsabile d'ufficio").
alter table report_update
    add column user_id bigint references app_user on delete set null,
    add column actor_role text check (actor_role is null or char_length(actor_role) between 1 and 80);

-- Photos a contractor posts with progress or completion belong to that timeline entry and stay with the staff;
-- the citizen's own photos have none. A report may then have more than the five photos of its submission.
alter table report_photo
    add column update_id bigint references report_update on delete cascade,
    drop constraint report_photo_position_check,
    add constraint report_photo_position_check check (position between 0 and 999);

-- Answer templates per category, with placeholders ({codice}, {titolo}, {ufficio}, {data}, {firma}…), checked
-- when saved.
create table answer_template (
    answer_template_id integer generated always as identity primary key,
    category_id integer references category on delete cascade,
    name text not null check (char_length(name) between 2 and 120),
    body text not null check (char_length(body) between 1 and 5000),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (category_id, name)
);

-- Comments on a report's public page: citizens with an account, or an address confirmed by email. Text only.
create table report_comment (
    comment_id bigint generated always as identity primary key,
    report_id bigint not null references report on delete cascade,
    user_id bigint references app_user on delete set null,
    email text check (email is null or email = lower(email)),
    -- Shown beside the comment: the account's display name, or "Cittadino" for a confirmed address.
    author_name text not null check (char_length(author_name) between 1 and 80),
    body text not null check (char_length(body) between 1 and 2000),
    -- Moderation hides a comment (it stays for the record); the reason is for staff.
    hidden_at timestamptz,
    hidden_by bigint references app_user on delete set null,
    abuse_reports integer not null default 0,
    created_at timestamptz not null default now()
);
create index report_comment_report_id_idx on report_comment (report_id, created_at);
-- Moderators' queue: comments someone reported.
create index report_comment_abuse_idx on report_comment (created_at) where abuse_reports > 0 and hidden_at is null;

-- "Report abuse": once per person (account or address of the browser's session) and comment.
create table comment_abuse (
    comment_id bigint not null references report_comment on delete cascade,
    reporter text not null check (char_length(reporter) between 1 and 200),
    created_at timestamptz not null default now(),
    primary key (comment_id, reporter)
);

-- People who follow a report's updates by email (supporters and the reporter follow without a row here).
create table report_follower (
    report_follower_id bigint generated always as identity primary key,
    report_id bigint not null references report on delete cascade,
    user_id bigint references app_user on delete cascade,
    email text check (email is null or email = lower(email)),
    created_at timestamptz not null default now(),
    check ((user_id is null) <> (email is null))
);
create unique index report_follower_user_idx on report_follower (report_id, user_id) where user_id is not null;
create unique index report_follower_email_idx on report_follower (report_id, email) where email is not null;

-- Every staff action, append-only: who, when, what, on which report, with the details. Visible to
-- administrators only. The triggers refuse to change or remove a row.
create table audit_log (
    audit_id bigint generated always as identity primary key,
    at timestamptz not null default now(),
    user_id bigint references app_user on delete set null,
    -- Kept even if the account goes: the log must still say who.
    actor text not null,
    action text not null,
    report_id bigint references report on delete set null,
    detail jsonb not null default '{}'
);
create index audit_log_at_idx on audit_log (at desc, audit_id desc);
create index audit_log_report_id_idx on audit_log (report_id) where report_id is not null;

create function audit_log_append_only() returns trigger language plpgsql as $$
begin
    -- A report purged (unconfirmed) sets its id to null: the only change allowed.
    if tg_op = 'UPDATE' and new.report_id is null and old.report_id is not null
        and (new.audit_id, new.at, new.user_id, new.actor, new.action, new.detail)
            is not distinct from (old.audit_id, old.at, old.user_id, old.actor, old.action, old.detail) then
        return new;
    end if;
    if tg_op = 'UPDATE' and new.user_id is null and old.user_id is not null
        and (new.audit_id, new.at, new.actor, new.action, new.report_id, new.detail)
            is not distinct from (old.audit_id, old.at, old.actor, old.action, old.report_id, old.detail) then
        return new;
    end if;
    raise exception 'audit_log is append-only' using errcode = 'insufficient_privilege';
end
$$;
create trigger audit_log_append_only before update or delete on audit_log
    for each row execute function audit_log_append_only();

-- Live pages: a change to a report or a new comment notifies every server instance (ids only: each page asks
-- for what its viewer may see). Deferred to the commit by PostgreSQL itself; duplicates in one transaction fold.
create function report_live_notify() returns trigger language plpgsql as $$
begin
    perform pg_notify('report_live', new.report_id::text);
    return null;
end
$$;
create trigger report_live_notify after update on report
    for each row execute function report_live_notify();
create trigger report_comment_live_notify after insert or update on report_comment
    for each row execute function report_live_notify();

-- New reports: one notification per report for ordinary submissions, one '*' ("reload the map") for a bulk load,
-- which would otherwise queue millions of notifications nobody needs one by one.
create function report_live_notify_inserted() returns trigger language plpgsql as $$
declare
    n bigint;
    id bigint;
begin
    select count(*) into n from inserted;
    if n > 20 then
        perform pg_notify('report_live', '*');
    else
        for id in select report_id from inserted loop
            perform pg_notify('report_live', id::text);
        end loop;
    end if;
    return null;
end
$$;
create trigger report_live_notify_inserted after insert on report
    referencing new table as inserted
    for each statement execute function report_live_notify_inserted();

-- Notifications of the conversation.
alter type mail_kind add value 'report_update';
alter type mail_kind add value 'report_assigned';
alter type mail_kind add value 'report_comment';

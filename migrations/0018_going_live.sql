-- Going live from an empty installation: the municipality's identity, contacts and legal texts (set from the
-- administration pages, one row), its opening day, and names that can be undone (renamed, disabled, deleted)
-- without two of them differing only in case or spacing.

create table site (
    -- One row: the installation's municipality.
    id boolean primary key default true check (id),
    -- "Comune di Vigonza"; empty until the administrator sets it (the pages then say "Segnala").
    name text not null default '' check (char_length(name) <= 120),
    -- The Italian forms for sentences: "del Comune di Vigonza", "al Comune di Vigonza" (empty: derived from
    -- the name by `shared::site::italian_forms`).
    name_of text not null default '' check (char_length(name_of) <= 140),
    name_to text not null default '' check (char_length(name_to) <= 140),
    -- The coat of arms or logo, re-encoded as PNG; its version changes the address (cached for a year).
    logo bytea check (logo is null or octet_length(logo) <= 512 * 1024),
    logo_version integer not null default 0,
    -- The URP (public relations office): how citizens reach a person.
    urp_address text not null default '' check (char_length(urp_address) <= 300),
    phone text not null default '' check (char_length(phone) <= 60),
    email text not null default '' check (char_length(email) <= 254),
    pec text not null default '' check (char_length(pec) <= 254),
    hours text not null default '' check (char_length(hours) <= 500),
    footer text not null default '' check (char_length(footer) <= 1000),
    -- The data protection officer's contact (GDPR art. 37), for the privacy notice.
    dpo text not null default '' check (char_length(dpo) <= 300),
    -- The administration's accessibility statement on AgID's form.agid.gov.it (each administration publishes
    -- its own).
    accessibility_url text not null default '' check (char_length(accessibility_url) <= 500),
    -- The administrator's own privacy notice and legal notes; empty: the ones generated from the settings.
    privacy_notice text not null default '' check (char_length(privacy_notice) <= 50000),
    legal_notes text not null default '' check (char_length(legal_notes) <= 50000),
    -- The example in the address field ("Prato della Valle"): one of the town's own streets.
    example_street text not null default '' check (char_length(example_street) <= 120),
    -- When citizens could first file reports; null: not open yet ("the service opens soon").
    opened_at timestamptz,
    updated_at timestamptz not null default now()
);
insert into site default values;
-- An installation upgraded with reports in it was open from its first one (or from now, with a boundary).
update site set opened_at = coalesce(
    (select min(created_at) from report),
    (select now() where exists (select 1 from area where kind = 'municipality')));

-- Every instance drops its copy of the row when it changes (`backend::site`).
create function site_notify() returns trigger language plpgsql as $$
begin
    perform pg_notify('site', '');
    return null;
end $$;
create trigger site_notify after insert or update or delete on site
    for each statement execute function site_notify();

-- Names as a person tells them apart: " lavori  PUBBLICI " and "Lavori pubblici" are the same office.
create function name_key(name text) returns text immutable parallel safe language sql as $$
    select lower(regexp_replace(btrim(name), '\s+', ' ', 'g'))
$$;

-- Names that only the new rule makes equal get their id appended, so that the upgrade never fails.
update office o set name = left(o.name, 100) || ' (' || o.office_id || ')'
where exists (select 1 from office p where name_key(p.name) = name_key(o.name) and p.office_id < o.office_id);
update category o set name = left(o.name, 100) || ' (' || o.category_id || ')'
where exists (select 1 from category p where name_key(p.name) = name_key(o.name) and p.category_id < o.category_id);
update contractor o set name = left(o.name, 100) || ' (' || o.contractor_id || ')'
where exists (select 1 from contractor p where name_key(p.name) = name_key(o.name) and p.contractor_id < o.contractor_id);
update area o set name = left(o.name, 100) || ' (' || o.area_id || ')'
where exists (select 1 from area p where p.kind = o.kind and name_key(p.name) = name_key(o.name) and p.area_id < o.area_id);
update answer_template o set name = left(o.name, 100) || ' (' || o.answer_template_id || ')'
where exists (select 1 from answer_template p where p.category_id is not distinct from o.category_id
              and name_key(p.name) = name_key(o.name) and p.answer_template_id < o.answer_template_id);

alter table office drop constraint office_name_key;
create unique index office_name_key_idx on office (name_key(name));
alter table category drop constraint category_name_key;
create unique index category_name_key_idx on category (name_key(name));
alter table contractor drop constraint contractor_name_key;
create unique index contractor_name_key_idx on contractor (name_key(name));
alter table area drop constraint area_kind_name_key;
create unique index area_name_key_idx on area (kind, name_key(name));
alter table answer_template drop constraint answer_template_category_id_name_key;
create unique index answer_template_name_key_idx on answer_template (coalesce(category_id, 0), name_key(name));

-- Disabled: hidden from citizens and from the choices staff make, kept for history and statistics.
alter table office add column disabled_at timestamptz;
alter table contractor add column disabled_at timestamptz;
alter table area add column disabled_at timestamptz check (disabled_at is null or kind = 'district');
alter table answer_template add column disabled_at timestamptz;

-- The boundary (and name) an upload replaced, for a one-click rollback; rolling back swaps the two, so the
-- rollback can be undone too.
alter table area
    add column previous_boundary geometry(MultiPolygon, 4326) check (previous_boundary is null or ST_IsValid(previous_boundary)),
    add column previous_name text,
    add column replaced_at timestamptz;

-- Invitations of staff: a one-use link valid for days (not the password reset's hour), who sent it, resent
-- or revoked from the administration page; and the messages of an invitation and of a citizen given a role.
alter type email_token_purpose add value 'invitation';
alter type mail_kind add value 'staff_invitation';
alter type mail_kind add value 'role_granted';
create table staff_invitation (
    user_id bigint primary key references app_user on delete cascade,
    invited_by bigint references app_user on delete set null,
    invited_at timestamptz not null default now(),
    expires_at timestamptz not null,
    sent_count integer not null default 1,
    accepted_at timestamptz,
    revoked_at timestamptz,
    check (accepted_at is null or revoked_at is null)
);

-- The town's streets and house numbers, imported from the national registry's CSV (ANNCSU) or a GeoJSON of
-- street lines and address points: "via Arrigoni 10" is found at its door.
alter table place add column code text check (code is null or char_length(code) <= 40);
create unique index place_street_code_idx on place (code) where code is not null;
create table house_number (
    house_number_id bigint generated always as identity primary key,
    place_id integer not null references place on delete cascade,
    -- As it is written ("10", "10/A"), and as it is compared ("10a": lower case, letters and digits only).
    number text not null check (char_length(number) between 1 and 20),
    number_key text not null check (number_key ~ '^[0-9a-z]+$'),
    location geometry(Point, 4326) not null,
    unique (place_id, number_key)
);

-- Offices hear of new reports: each at once, in a daily digest (07:00, Italian time), or not by email; each
-- member of staff can turn them off for themselves.
alter type notification_kind add value 'new_reports';
alter type mail_kind add value 'new_report';
alter type mail_kind add value 'new_reports_digest';
alter table office
    add column new_report_mail text not null default 'immediate'
        check (new_report_mail in ('immediate', 'daily', 'none')),
    add column digest_sent_at timestamptz;

-- A routing rule disabled: kept (to enable again), ignored by routing.
alter table category_area_rule add column disabled_at timestamptz;

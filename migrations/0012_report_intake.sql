-- Citizens' reporting: where a category is offered and who answers for it per district, the street gazetteer,
-- the reporter's contact, email confirmation of reports sent without an account, photos, supporters, and the
-- idempotency keys that make a submission happen exactly once.

-- A category can be retired without losing its history: disabled categories are not offered for new reports.
alter table category add column enabled boolean not null default true;
-- New categories are offered as duplicates within 250 m unless the administrator says otherwise.
alter table category alter column duplicate_radius_m set default 250;

-- Per-district exceptions to "the category's office answers": another office, or the category not offered
-- there at all (a district served by another body, say). Routing reads the category, then this rule.
create table category_area_rule (
    category_id integer not null references category on delete cascade,
    area_id integer not null references area on delete cascade,
    -- The office answering for the category in this district (null: the category's own office).
    office_id integer references office,
    offered boolean not null default true,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (category_id, area_id),
    check (offered or office_id is null)
);
create index category_area_rule_area_id_idx on category_area_rule (area_id);

-- The gazetteer: streets and places of the municipality, for typing an address instead of tapping the map and
-- for naming the nearest street of a point. Loaded by the municipality (the demo town seeds its own).
create type place_kind as enum ('street', 'place');
create table place (
    place_id integer generated always as identity primary key,
    kind place_kind not null,
    name text not null check (char_length(name) between 2 and 200),
    -- A line for a street, a point (or polygon) for a place.
    geom geometry(Geometry, 4326) not null check (ST_IsValid(geom)),
    created_at timestamptz not null default now(),
    unique (kind, name)
);
-- "via roma" and "Via Roma" are the same street to a person typing: trigrams over the lower-cased name rank
-- the answers; the GiST index finds the nearest street of a point (KNN).
create index place_name_trgm_idx on place using gin (lower(name) gin_trgm_ops);
create index place_geom_gix on place using gist (geom);

-- A report sent without an account is not public until its address is confirmed (the link in the email);
-- unconfirmed ones are purged after a while. Reports of signed-in people are confirmed when they are sent.
alter table report add column confirmed_at timestamptz default now();
-- Whether the public may see who sent it (the account's display name). Hidden unless the reporter says so.
alter table report add column reporter_name_shown boolean not null default false;
-- Deleting a report (the purge of unconfirmed ones) checks that no duplicate points at it: without this index
-- that check reads the whole table for every deleted report (minutes for a few thousand at 1M reports).
create index report_duplicate_of_idx on report (duplicate_of) where duplicate_of is not null;
-- Unconfirmed reports, for the purge (few rows: a partial index).
create index report_unconfirmed_idx on report (created_at) where confirmed_at is null;
-- Open reports near a point, by category: the duplicate suggestions' question.
create index report_open_category_location_gix on report using gist (location)
    where state not in ('resolved', 'closed', 'rejected', 'duplicate');

-- How to reach the reporter: the office sees it, the public never does (kept apart from the report row so that
-- no public query can select it by mistake).
create table report_contact (
    report_id bigint primary key references report on delete cascade,
    email text check (email is null or (email = lower(email) and email like '%_@_%._%')),
    phone text check (phone is null or phone ~ '^\+?[0-9 ]{6,20}$'),
    -- The name the reporter gave, when sent without an account (shown only to the office).
    name text check (name is null or char_length(name) between 2 and 80)
);

-- Photos of a report, re-encoded (no EXIF, no GPS) and stored through object_store under `object_key`.
create table report_photo (
    photo_id bigint generated always as identity primary key,
    report_id bigint not null references report on delete cascade,
    position smallint not null check (position between 0 and 4),
    object_key text not null unique,
    thumb_key text not null unique,
    width integer not null check (width > 0),
    height integer not null check (height > 0),
    bytes integer not null check (bytes > 0),
    -- Staff can hide a photo (a face, a number plate) without deleting it.
    is_hidden boolean not null default false,
    created_at timestamptz not null default now(),
    unique (report_id, position)
);

-- "Same problem": people who support an existing report instead of filing it again, subscribed to its
-- updates. A person with an account, or an address confirmed by email.
create table report_supporter (
    report_supporter_id bigint generated always as identity primary key,
    report_id bigint not null references report on delete cascade,
    user_id bigint references app_user on delete cascade,
    email text check (email is null or email = lower(email)),
    created_at timestamptz not null default now(),
    check ((user_id is null) <> (email is null))
);
create unique index report_supporter_user_idx on report_supporter (report_id, user_id) where user_id is not null;
create unique index report_supporter_email_idx on report_supporter (report_id, email) where email is not null;
-- "How many support it", for every report page and duplicate suggestion.
create index report_supporter_report_id_idx on report_supporter (report_id);

-- Idempotency keys of submissions: the first request with a key creates the report; a retry with the same key
-- and the same body gets the same report; the same key with another body is refused. Kept for a week.
create table submission (
    idempotency_key text primary key check (char_length(idempotency_key) between 16 and 100),
    -- SHA-256 of the request's content (fields and photos' bytes).
    request_hash bytea not null check (octet_length(request_hash) = 32),
    report_id bigint not null references report on delete cascade,
    created_at timestamptz not null default now()
);
create index submission_created_at_idx on submission (created_at);

-- The receipt email of a report and its one-action confirmation both go through the outbox.
alter type mail_kind add value 'report_receipt';

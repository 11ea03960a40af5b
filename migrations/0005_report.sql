-- Reports (segnalazioni): what citizens pin on the map.
create type report_kind as enum ('problem', 'suggestion', 'complaint', 'compliment');

-- The lifecycle; the allowed moves are in report_state_transition below (and in shared::report).
create type report_state as enum (
    'submitted', 'in_charge', 'assigned', 'in_progress', 'resolved', 'closed', 'rejected', 'duplicate', 'reopened'
);

-- The allowed state changes. Timeline rows reference this table, so the database itself refuses a move the
-- rules do not allow. Must match shared::report::ReportState::next_states (a test checks it).
create table report_state_transition (
    from_state report_state not null,
    to_state report_state not null,
    primary key (from_state, to_state)
);
insert into report_state_transition (from_state, to_state) values
    ('submitted', 'in_charge'), ('submitted', 'rejected'), ('submitted', 'duplicate'),
    ('in_charge', 'assigned'), ('in_charge', 'in_progress'), ('in_charge', 'resolved'),
    ('in_charge', 'rejected'), ('in_charge', 'duplicate'),
    ('assigned', 'in_progress'), ('assigned', 'resolved'), ('assigned', 'in_charge'),
    ('in_progress', 'resolved'), ('in_progress', 'assigned'),
    ('resolved', 'closed'), ('resolved', 'reopened'),
    ('closed', 'reopened'),
    ('rejected', 'reopened'),
    ('duplicate', 'reopened'),
    ('reopened', 'in_charge'), ('reopened', 'assigned'), ('reopened', 'in_progress'),
    ('reopened', 'resolved'), ('reopened', 'rejected'), ('reopened', 'duplicate');

-- Receipt codes are numbered per year (SEG-2026-000123). One row per year holds the last number given; taking
-- the next one locks that row until the report's transaction ends, so numbers are unique and never reused.
create table receipt_counter (
    year integer primary key check (year between 2000 and 9999),
    last_number integer not null check (last_number between 0 and 999999)
);

create table report (
    report_id bigint generated always as identity primary key,
    receipt_code text not null unique check (receipt_code ~ '^SEG-[0-9]{4}-[0-9]{6}$'),
    kind report_kind not null,
    state report_state not null default 'submitted',
    category_id integer not null references category,
    -- The office answering for the report: the category's office at submission, until someone reassigns it.
    office_id integer not null references office,
    -- The district the location falls in (null when outside every district, e.g. just past the border).
    area_id integer references area,
    -- Set when state = 'duplicate': the earlier report this one repeats.
    duplicate_of bigint references report,
    location geometry(Point, 4326) not null,
    title text not null check (char_length(title) between 5 and 120),
    description text not null check (char_length(description) between 1 and 5000),
    -- Private reports (e.g. about a person) are kept off the public map and lists.
    is_public boolean not null default true,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    check (state <> 'duplicate' or duplicate_of is not null),
    check (duplicate_of <> report_id)
);

-- The map asks "public reports in this rectangle": a GiST index on the location answers it.
create index report_location_gix on report using gist (location);
-- Lists show the newest first.
create index report_created_at_idx on report (created_at desc);
create index report_category_id_idx on report (category_id);
create index report_office_id_idx on report (office_id);

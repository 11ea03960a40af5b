-- What a report is about (e.g. "Buche stradali"). Routing starts here: each category belongs to the office that
-- answers for it, with the service level the municipality promises.
create table category (
    category_id integer generated always as identity primary key,
    office_id integer not null references office,
    name text not null unique check (char_length(name) between 2 and 120),
    -- Promised days from submission to resolution (shown in the public statistics).
    sla_days integer not null check (sla_days between 1 and 365),
    -- New reports of this category closer than this to an open one are offered as possible duplicates.
    -- Small for point problems (a broken street lamp), larger for diffuse ones (noise, smells).
    duplicate_radius_m integer not null default 50 check (duplicate_radius_m between 0 and 5000),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create index category_office_id_idx on category (office_id);

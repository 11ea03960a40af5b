-- Areas: the municipality's boundary and its districts (quartieri). Reports are located in a district, and
-- statistics are broken down by district.
create type area_kind as enum ('municipality', 'district');

create table area (
    area_id integer generated always as identity primary key,
    kind area_kind not null,
    -- A district's parent is the municipality; the municipality has none.
    parent_id integer references area,
    name text not null check (char_length(name) between 2 and 120),
    -- MultiPolygon so that districts with islands or exclaves fit without special cases.
    boundary geometry(MultiPolygon, 4326) not null check (ST_IsValid(boundary)),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (kind, name),
    check ((kind = 'municipality') = (parent_id is null))
);
create index area_boundary_gix on area using gist (boundary);

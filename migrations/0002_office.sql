-- An office (ufficio) of the municipality: it takes reports in charge and answers for them.
create table office (
    office_id integer generated always as identity primary key,
    name text not null unique check (char_length(name) between 2 and 120),
    -- Where notifications for the office go; null until an administrator sets it.
    email text check (email is null or email like '%_@_%'),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

-- The timeline of a report (aggiornamenti): state changes and notes, each signed by who made it.
-- Named report_update because UPDATE is a reserved word in SQL.
create type actor_kind as enum ('citizen', 'staff', 'system');

create table report_update (
    update_id bigint generated always as identity primary key,
    report_id bigint not null references report on delete cascade,
    -- Both null for a plain note; from_state null and to_state 'submitted' for the first entry.
    from_state report_state,
    to_state report_state,
    note text check (note is null or char_length(note) between 1 and 5000),
    -- Internal notes stay in the back office; the public timeline shows only public entries.
    is_public boolean not null default true,
    actor_kind actor_kind not null,
    -- The signature shown on the timeline ("M. Rossi, Lavori pubblici"); user accounts come later.
    actor_name text not null check (char_length(actor_name) between 1 and 120),
    -- The office the actor acted for, when staff.
    office_id integer references office,
    created_at timestamptz not null default now(),
    check (to_state is not null or note is not null),
    check (from_state is null or to_state is not null),
    check ((from_state is null and to_state is not null) = (to_state = 'submitted') or to_state is null),
    -- A state change must be an allowed transition (MATCH SIMPLE: skipped when either side is null).
    foreign key (from_state, to_state) references report_state_transition (from_state, to_state)
);
create index report_update_report_id_idx on report_update (report_id, created_at);

-- Satisfaction questionnaires: some days after a report is resolved, its reporter gets an email with a one-use
-- link to rate the timeliness and the quality of the answer (1-5), leave a comment, or say it is not solved
-- (which reopens the report and tells its office). Answers count, in aggregate, in the public statistics.

create table survey (
    survey_id bigint generated always as identity primary key,
    report_id bigint not null references report on delete cascade,
    -- The resolution asked about: one questionnaire per resolution (a report reopened and resolved again is
    -- asked again).
    resolved_at timestamptz not null,
    -- SHA-256 of the link's token: the database never holds a usable link.
    token_hash bytea not null unique check (octet_length(token_hash) = 32),
    email text not null check (email = lower(email) and email like '%_@_%'),
    locale text not null check (locale in ('it', 'en')),
    sent_at timestamptz not null default now(),
    expires_at timestamptz not null,
    answered_at timestamptz,
    timeliness smallint check (timeliness between 1 and 5),
    quality smallint check (quality between 1 and 5),
    comment text check (comment is null or char_length(comment) between 1 and 2000),
    not_solved boolean,
    unique (report_id, resolved_at),
    -- An answer is whole or absent: ratings and the "not solved" flag are written together.
    check ((answered_at is null) = (not_solved is null)),
    check (answered_at is null or not_solved or (timeliness is not null and quality is not null)),
    check (expires_at > sent_at)
);
create index survey_report_id_idx on survey (report_id);

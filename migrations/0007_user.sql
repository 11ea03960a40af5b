-- People who sign in: citizens and staff. Named app_user because USER is a reserved word in SQL (as
-- report_update). Roles and their permissions are in shared::permission; the database keeps the facts.
create type user_role as enum (
    'citizen', 'administrator', 'urp_operator', 'office_manager', 'office_staff', 'contractor', 'moderator',
    'observer'
);

-- External contractors (ditte esterne) the municipality assigns work to. Their staff sign in with the
-- contractor role and see only what is assigned to their company.
create table contractor (
    contractor_id integer generated always as identity primary key,
    name text not null unique check (char_length(name) between 2 and 120),
    email text check (email is null or email like '%_@_%'),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

create table app_user (
    user_id bigint generated always as identity primary key,
    -- Lower-cased before it gets here (shared::user::Email), so an address has at most one account however it
    -- is typed; the check keeps it that way.
    email text not null unique check (email = lower(email) and email like '%_@_%._%' and char_length(email) <= 254),
    display_name text not null check (char_length(display_name) between 2 and 80),
    -- An argon2id PHC string. Null for people who sign in only through OpenID Connect.
    password_hash text,
    -- Null until the person opens the confirmation link (or signs in through a provider that vouches for it).
    email_confirmed_at timestamptz,
    role user_role not null default 'citizen',
    contractor_id integer references contractor,
    -- The language of their emails.
    locale text not null default 'it' check (locale in ('it', 'en')),
    -- Optional second factor (TOTP, RFC 6238): the base32 secret, on once a first code was verified, and the last
    -- time step accepted so that a code cannot be used twice.
    totp_secret text,
    totp_enabled_at timestamptz,
    totp_last_step bigint,
    -- A disabled account cannot sign in; its history stays.
    disabled_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    check ((role = 'contractor') = (contractor_id is not null)),
    check (totp_enabled_at is null or totp_secret is not null)
);
create index app_user_role_idx on app_user (role) where role <> 'citizen';

-- The offices a member of staff works for (one or more).
create table user_office (
    user_id bigint not null references app_user on delete cascade,
    office_id integer not null references office,
    primary key (user_id, office_id)
);
create index user_office_office_id_idx on user_office (office_id);

-- Accounts linked to an OpenID Connect provider (the municipality's SPID/CIE gateway, say): the provider's issuer
-- and subject identify the person there, whatever their email address becomes.
create table user_identity (
    issuer text not null,
    subject text not null,
    user_id bigint not null references app_user on delete cascade,
    created_at timestamptz not null default now(),
    primary key (issuer, subject)
);
create index user_identity_user_id_idx on user_identity (user_id);

-- Who sent a report, when they had an account ("La mia pagina" lists them). Null for reports sent without one.
alter table report add column reporter_id bigint references app_user on delete set null;
create index report_reporter_id_idx on report (reporter_id, created_at desc) where reporter_id is not null;

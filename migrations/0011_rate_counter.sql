-- Counters behind the per-account limits: failed logins per address (or per trusted device), and reset and
-- confirmation requests per address. In the database, so that every server instance counts the same attempts.
-- Keys look like 'login:maria@esempio.it', 'login-device:<id>', 'reset:maria@esempio.it'.
create table rate_counter (
    key text primary key,
    count integer not null check (count >= 0),
    window_start timestamptz not null,
    blocked_until timestamptz
);

-- Secrets generated on the first start and shared by every instance: the key that signs unsubscribe links and
-- trusted-device cookies. Rotating it invalidates those (not passwords or sessions).
create table app_secret (
    name text primary key,
    value bytea not null check (octet_length(value) >= 32),
    created_at timestamptz not null default now()
);

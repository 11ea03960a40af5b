-- Signed-in browsers. Kept in the database so they survive a restart and work across several server instances.
create table user_session (
    session_id bigint generated always as identity primary key,
    -- SHA-256 of the random token in the cookie: a copy of this table gives no cookie that works.
    token_hash bytea not null unique check (octet_length(token_hash) = 32),
    user_id bigint not null references app_user on delete cascade,
    -- True between a right password and the second factor's code: such a session is good for nothing else.
    second_factor_pending boolean not null default false,
    created_at timestamptz not null default now(),
    last_seen_at timestamptz not null default now(),
    expires_at timestamptz not null,
    -- Shown on "La mia pagina" so people recognise their devices.
    user_agent text check (user_agent is null or char_length(user_agent) <= 300),
    ip inet
);
create index user_session_user_id_idx on user_session (user_id);
create index user_session_expires_at_idx on user_session (expires_at);

-- A sign-in through OpenID Connect in progress: what the callback must check (state, nonce, PKCE verifier).
create table oidc_login (
    -- SHA-256 of the `state` parameter sent to the provider.
    state_hash bytea primary key check (octet_length(state_hash) = 32),
    nonce text not null,
    pkce_verifier text not null,
    return_to text not null default '/',
    created_at timestamptz not null default now(),
    expires_at timestamptz not null
);

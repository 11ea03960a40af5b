-- One-use links sent by email: confirming an account's address, resetting a password, and confirming an
-- address for one action without an account (a report sent anonymously, say).
create type email_token_purpose as enum ('confirm_account', 'reset_password', 'confirm_action');

create table email_token (
    email_token_id bigint generated always as identity primary key,
    -- SHA-256 of the token in the link: the link itself is never stored.
    token_hash bytea not null unique check (octet_length(token_hash) = 32),
    purpose email_token_purpose not null,
    email text not null check (email = lower(email)),
    user_id bigint references app_user on delete cascade,
    -- confirm_action: what the address is being confirmed for, read back by the service that asked.
    action jsonb,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    used_at timestamptz,
    check ((purpose = 'confirm_action') = (action is not null)),
    check (purpose = 'confirm_action' or user_id is not null)
);
create index email_token_user_id_idx on email_token (user_id) where user_id is not null;

-- The mail outbox. A message is written in the same transaction as the change that causes it, so a crash never
-- loses one; background workers send it over SMTP and record what happened.
create type mail_kind as enum (
    'confirm_account', 'already_registered', 'password_reset', 'password_changed', 'confirm_action',
    'two_factor_changed', 'test'
);
create type mail_status as enum ('pending', 'sent', 'failed', 'suppressed');
create type notification_kind as enum (
    'my_reports', 'followed_reports', 'comments', 'assignments', 'periodic_reports', 'satisfaction'
);

create table outbox_mail (
    mail_id bigint generated always as identity primary key,
    -- The Message-ID header, fixed when the row is written: if a crash makes a message go out twice, both
    -- copies carry the same one, and mail clients show it once.
    message_id text not null unique,
    kind mail_kind not null,
    -- The notification it belongs to (null for account and security messages, which are always sent).
    notification notification_kind,
    recipient text not null check (recipient = lower(recipient)),
    user_id bigint references app_user on delete set null,
    locale text not null check (locale in ('it', 'en')),
    -- Rendered when written, in the recipient's language: what the development mailbox shows is what is sent.
    subject text not null,
    body_text text not null,
    body_html text not null,
    -- One-click unsubscribe (RFC 8058), also in the List-Unsubscribe header.
    unsubscribe_url text not null,
    status mail_status not null default 'pending',
    attempts integer not null default 0,
    next_attempt_at timestamptz not null default now(),
    last_error text,
    -- The SMTP server's answer when it accepted the message.
    smtp_reply text,
    sent_at timestamptz,
    created_at timestamptz not null default now(),
    check ((status = 'sent') = (sent_at is not null))
);
-- The workers' question: what is due now. A partial index stays small however much mail was sent.
create index outbox_mail_due_idx on outbox_mail (next_attempt_at) where status = 'pending';
-- The development mailbox, newest first.
create index outbox_mail_created_at_idx on outbox_mail (created_at desc, mail_id desc);

-- Wake the workers at once when mail is queued (they also poll, so a missed notification only delays).
create function outbox_mail_notify() returns trigger language plpgsql as $$
begin
    perform pg_notify('outbox_mail', '');
    return null;
end
$$;
create trigger outbox_mail_notify after insert on outbox_mail
    for each statement execute function outbox_mail_notify();

-- Notifications people turned off, by address: it works for people without an account too (a reporter who only
-- confirmed an address), and the unsubscribe link needs no sign-in.
create table mail_optout (
    email text not null check (email = lower(email)),
    kind notification_kind not null,
    created_at timestamptz not null default now(),
    primary key (email, kind)
);

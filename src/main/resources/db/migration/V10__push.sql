-- Socket.IO pushes (issue 10): which wallets have subscribers on which instance, what each room was last sent,
-- and the lease that lets one instance at a time watch the subscribed wallets.

-- One row per wallet and instance holding a subscriber; each instance refreshes its rows every watch interval and
-- rows not refreshed for three intervals are ignored (an instance that died).
CREATE TABLE push_subscriptions (
    wallet      text        NOT NULL CHECK (wallet ~ '^0x[0-9a-f]{40}$'),
    instance_id text        NOT NULL,
    seen_at     timestamptz NOT NULL,
    PRIMARY KEY (wallet, instance_id)
);
CREATE INDEX push_subscriptions_seen ON push_subscriptions (seen_at);

-- The digest of the last position:update sent to a room, so a push goes out only when something changed.
CREATE TABLE push_rooms (
    room      text        PRIMARY KEY,
    digest    bytea       NOT NULL,
    pushed_at timestamptz NOT NULL
);

-- Leases of jobs that must run on one instance at a time (the watcher takes it per run).
CREATE TABLE push_leases (
    name       text        PRIMARY KEY,
    holder     text        NOT NULL,
    expires_at timestamptz NOT NULL
);

-- Issue #4: Farcaster users and their wallets, Sign-In with Ethereum, and the trades made with our referrer.
-- Addresses and hashes are stored in lower case; amounts are integers in the token's base units (numeric, never
-- floating point). Times are timestamptz in UTC.

CREATE TABLE users (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    fid          bigint      NOT NULL UNIQUE CHECK (fid > 0),
    username     text,
    display_name text,
    pfp_url      text,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL
);

CREATE TABLE wallets (
    address     text PRIMARY KEY CHECK (address ~ '^0x[0-9a-f]{40}$'),
    user_id     bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    verified_at timestamptz NOT NULL
);
CREATE INDEX wallets_user_idx ON wallets (user_id);

-- SIWE nonces: single use (deleted when consumed), expiring; any instance can verify them.
CREATE TABLE siwe_nonces (
    nonce      text PRIMARY KEY,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX siwe_nonces_expires_idx ON siwe_nonces (expires_at);

-- Sessions: only the SHA-256 of the bearer token is kept.
CREATE TABLE sessions (
    token_hash bytea PRIMARY KEY,
    address    text        NOT NULL CHECK (address ~ '^0x[0-9a-f]{40}$'),
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

-- Addresses the trade sync follows: seen when signing in, linking, or asking for /nuts/update.
CREATE TABLE wallet_activity (
    address        text PRIMARY KEY CHECK (address ~ '^0x[0-9a-f]{40}$'),
    last_seen_at   timestamptz NOT NULL,
    last_synced_at timestamptz
);
CREATE INDEX wallet_activity_seen_idx ON wallet_activity (last_seen_at);

CREATE TABLE trades (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entry_tx_hash       text          NOT NULL CHECK (entry_tx_hash ~ '^0x[0-9a-f]{64}$'),
    option_address      text          NOT NULL CHECK (option_address ~ '^0x[0-9a-f]{40}$'),
    wallet              text          NOT NULL CHECK (wallet ~ '^0x[0-9a-f]{40}$'),
    side                text          NOT NULL CHECK (side IN ('BUYER', 'SELLER')),
    status              text          NOT NULL CHECK (status IN ('OPEN', 'SETTLED', 'CLOSED', 'EXPIRED')),
    underlying          text,
    product             text,
    is_call             boolean,
    strikes             numeric(78, 0)[] NOT NULL,
    expiry              timestamptz   NOT NULL,
    collateral_token    text          NOT NULL CHECK (collateral_token ~ '^0x[0-9a-f]{40}$'),
    collateral_symbol   text,
    collateral_decimals smallint      NOT NULL CHECK (collateral_decimals BETWEEN 0 AND 36),
    premium             numeric(78, 0) NOT NULL,
    fee                 numeric(78, 0) NOT NULL,
    contracts           numeric(78, 0) NOT NULL,
    collateral          numeric(78, 0) NOT NULL,
    settlement_price    numeric(78, 0),
    payout              numeric(78, 0),
    pnl                 numeric(78, 0),
    referrer            text          NOT NULL CHECK (referrer ~ '^0x[0-9a-f]{40}$'),
    created_at          timestamptz   NOT NULL,
    settled_at          timestamptz,
    updated_at          timestamptz   NOT NULL,
    CONSTRAINT trades_fill_key UNIQUE (entry_tx_hash, option_address)
);
-- A user's trades page (keyset on created_at, id), with and without a status filter.
CREATE INDEX trades_wallet_created_idx ON trades (wallet, created_at DESC, id DESC);
CREATE INDEX trades_wallet_status_created_idx ON trades (wallet, status, created_at DESC, id DESC);
-- The last 30 days of entries and settlements, read by the refresh of trader_window_totals (index-only scans).
CREATE INDEX trades_created_window_idx ON trades (created_at) INCLUDE (collateral_token, wallet, premium);
CREATE INDEX trades_settled_window_idx ON trades (settled_at) INCLUDE (collateral_token, wallet, pnl)
    WHERE pnl IS NOT NULL;
-- Rows changed since the last refresh of the derived tables below.
CREATE INDEX trades_updated_idx ON trades (updated_at);

-- Per wallet and collateral token totals, recomputed from trades in the same transaction as every sync of that
-- wallet: the all-time leaderboard and the user summary read them instead of aggregating trades.
CREATE TABLE trader_totals (
    wallet              text           NOT NULL,
    collateral_token    text           NOT NULL,
    collateral_symbol   text,
    collateral_decimals smallint       NOT NULL,
    trades              bigint         NOT NULL,
    open_trades         bigint         NOT NULL,
    volume              numeric(78, 0) NOT NULL,
    fees                numeric(78, 0) NOT NULL,
    realised_pnl        numeric(78, 0) NOT NULL,
    updated_at          timestamptz    NOT NULL,
    PRIMARY KEY (wallet, collateral_token)
);
CREATE INDEX trader_totals_volume_idx ON trader_totals (collateral_token, volume DESC, wallet);
CREATE INDEX trader_totals_pnl_idx ON trader_totals (collateral_token, realised_pnl DESC, wallet);

-- Rolling 7 and 30 day totals per wallet and collateral token, recomputed from trades every
-- nuts.trades.leaderboard-refresh (one statement, one transaction): the windowed leaderboards read the top N with an
-- index scan instead of aggregating tens of thousands of trades per request. Volume counts trades entered in the
-- window, P&L trades settled or closed in it.
CREATE TABLE trader_window_totals (
    window_days      smallint       NOT NULL CHECK (window_days IN (7, 30)),
    collateral_token text           NOT NULL,
    wallet           text           NOT NULL,
    volume           numeric(78, 0) NOT NULL,
    volume_trades    bigint         NOT NULL,
    realised_pnl     numeric(78, 0) NOT NULL,
    pnl_trades       bigint         NOT NULL,
    PRIMARY KEY (window_days, collateral_token, wallet)
);
CREATE INDEX trader_window_volume_idx ON trader_window_totals (window_days, collateral_token, volume DESC, wallet)
    WHERE volume_trades > 0;
CREATE INDEX trader_window_pnl_idx ON trader_window_totals (window_days, collateral_token, realised_pnl DESC, wallet)
    WHERE pnl_trades > 0;

-- Trades, volume and fees per UTC day of entry, underlying, product and collateral token: the referrer summary reads
-- these few thousand rows instead of the trades. Recomputed with trader_window_totals, for the days whose trades
-- changed since the previous refresh (all days on the first one).
CREATE TABLE referrer_daily (
    day                 date           NOT NULL,
    underlying          text,
    product             text,
    collateral_token    text           NOT NULL,
    collateral_symbol   text,
    collateral_decimals smallint       NOT NULL,
    trades              bigint         NOT NULL,
    volume              numeric(78, 0) NOT NULL,
    fees                numeric(78, 0) NOT NULL
);
CREATE INDEX referrer_daily_day_idx ON referrer_daily (day);

-- When the derived tables were last computed ("now" of that refresh), and the distinct wallets that entered a trade
-- in the last 7 and 30 days and ever, as of then.
CREATE TABLE trader_window_state (
    id          boolean PRIMARY KEY DEFAULT true CHECK (id),
    computed_at timestamptz NOT NULL,
    traders_7d  bigint      NOT NULL,
    traders_30d bigint      NOT NULL,
    traders_all bigint      NOT NULL
);

-- Issue 9: our own chain reader. Addresses and hashes in lower case, amounts as numeric integers in base units.

-- One row per (chain, book): the last block read completely. The indexing instance locks the row per batch
-- (SELECT … FOR UPDATE SKIP LOCKED), so only one instance writes at a time and a stale one cannot.
CREATE TABLE chain_cursor (
    chain_id      bigint      NOT NULL,
    book          text        NOT NULL CHECK (book ~ '^0x[0-9a-f]{40}$'),
    indexed_block bigint      NOT NULL,
    indexed_hash  text,
    indexed_time  timestamptz,
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (chain_id, book)
);

-- Hashes of recent blocks read (each batch's last block and every block with a log), for reorg detection by
-- parent hash; pruned below the reorg horizon.
CREATE TABLE chain_blocks (
    chain_id     bigint NOT NULL,
    number       bigint NOT NULL,
    hash         text   NOT NULL,
    PRIMARY KEY (chain_id, number)
);

-- Every OrderFilled of the book.
CREATE TABLE chain_fills (
    chain_id         bigint         NOT NULL,
    tx_hash          text           NOT NULL,
    log_index        integer        NOT NULL,
    block_number     bigint         NOT NULL,
    block_time       timestamptz    NOT NULL,
    book             text           NOT NULL,
    nonce            numeric(78, 0) NOT NULL,
    buyer            text           NOT NULL,
    seller           text           NOT NULL,
    option_address   text           NOT NULL,
    premium          numeric(78, 0) NOT NULL,
    fee              numeric(78, 0) NOT NULL,
    referrer         text           NOT NULL,
    referral_fee     numeric(78, 0) NOT NULL,
    seller_was_maker boolean        NOT NULL,
    collateral_token text,
    confirmed        boolean        NOT NULL,
    PRIMARY KEY (chain_id, tx_hash, log_index)
);
CREATE INDEX chain_fills_block_idx ON chain_fills (chain_id, block_number);
CREATE INDEX chain_fills_referrer_idx ON chain_fills (referrer, collateral_token, block_time);

-- Every ReferralFeePaid of the book: the referral revenue per token and day.
CREATE TABLE chain_referral_fees (
    chain_id       bigint         NOT NULL,
    tx_hash        text           NOT NULL,
    log_index      integer        NOT NULL,
    block_number   bigint         NOT NULL,
    block_time     timestamptz    NOT NULL,
    referrer       text           NOT NULL,
    collateral     text           NOT NULL,
    fee            numeric(78, 0) NOT NULL,
    option_address text           NOT NULL,
    PRIMARY KEY (chain_id, tx_hash, log_index)
);
CREATE INDEX chain_referral_fees_block_idx ON chain_referral_fees (chain_id, block_number);
CREATE INDEX chain_referral_fees_referrer_idx ON chain_referral_fees (referrer, collateral, block_time);

-- Trades made from chain events carry their block (for reorgs), confirmation and referral fee.
ALTER TABLE trades ADD COLUMN referral_fee numeric(78, 0);
ALTER TABLE trades ADD COLUMN block_number bigint;
ALTER TABLE trades ADD COLUMN confirmation text CHECK (confirmation IN ('seen', 'confirmed'));
CREATE INDEX trades_block_idx ON trades (block_number) WHERE block_number IS NOT NULL;
CREATE INDEX trades_product_missing_idx ON trades (option_address) WHERE product IS NULL;

-- POST /nuts/fills: transactions the frontend reported, followed until their receipt is read.
CREATE TABLE fill_submissions (
    tx_hash    text        PRIMARY KEY CHECK (tx_hash ~ '^0x[0-9a-f]{64}$'),
    state      text        NOT NULL CHECK (state IN ('pending', 'recorded', 'failed')),
    error      text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

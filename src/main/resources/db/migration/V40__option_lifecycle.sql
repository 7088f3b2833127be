-- Issue 17: the life of every option created through our book, read from its own events (REFERENCE §2.3, BaseOption).
-- Addresses and hashes in lower case, amounts as numeric integers in base units, prices with 8 decimals.

-- The options the chain reader follows: every option of an OrderFilled of the book, and the new options their
-- OptionSplit creates. Deleted with the block that introduced them on a reorg.
CREATE TABLE chain_options (
    chain_id       bigint NOT NULL,
    option_address text   NOT NULL CHECK (option_address ~ '^0x[0-9a-f]{40}$'),
    block_number   bigint NOT NULL,
    parent_option  text,
    PRIMARY KEY (chain_id, option_address)
);
CREATE INDEX chain_options_block_idx ON chain_options (chain_id, block_number);
-- Options of fills read before this migration. Their events in blocks the cursor has already passed are not read
-- again (docs/trade-lifecycle.md: a fresh database, or the cursor moved back, reads them from the deployment block).
INSERT INTO chain_options (chain_id, option_address, block_number)
SELECT DISTINCT ON (chain_id, option_address) chain_id, option_address, block_number
FROM chain_fills ORDER BY chain_id, option_address, block_number;

-- Every lifecycle event of a followed option, as declared on Base. Which columns are set depends on the event:
--   EXPIRED            settlement_price
--   PAYOUT             account = buyer paid, amount = amountPaidOut
--   SETTLEMENT_FAILED  (nothing)
--   CLOSED             account = closedBy, amount = collateralReturned
--   EXCESS_RETURNED    account = seller, token = collateralToken, amount = collateralReturned
--   ROLE_TRANSFERRED   from_wallet, to_wallet, is_buyer
--   SPLIT              new_option, amount = collateralAmount, fee = feePaid, account = counterparty
CREATE TABLE chain_option_events (
    chain_id         bigint         NOT NULL,
    tx_hash          text           NOT NULL,
    log_index        integer        NOT NULL,
    block_number     bigint         NOT NULL,
    block_time       timestamptz    NOT NULL,
    option_address   text           NOT NULL,
    event            text           NOT NULL CHECK (event IN ('EXPIRED', 'PAYOUT', 'SETTLEMENT_FAILED', 'CLOSED',
                                                              'EXCESS_RETURNED', 'ROLE_TRANSFERRED', 'SPLIT')),
    settlement_price numeric(78, 0),
    account          text,
    token            text,
    amount           numeric(78, 0),
    fee              numeric(78, 0),
    from_wallet      text,
    to_wallet        text,
    is_buyer         boolean,
    new_option       text,
    PRIMARY KEY (chain_id, tx_hash, log_index)
);
CREATE INDEX chain_option_events_block_idx ON chain_option_events (chain_id, block_number);
CREATE INDEX chain_option_events_option_idx ON chain_option_events (chain_id, option_address, block_number, log_index);

-- A trade's lifecycle as chain facts. New statuses: SETTLEMENT_FAILED (the option's settlement failed; it may still
-- settle later) and TRANSFERRED (this wallet handed its role to transferred_to; the new holder has its own row, with
-- transferred_from, entered by the transfer transaction).
ALTER TABLE trades DROP CONSTRAINT trades_status_check;
ALTER TABLE trades ADD CONSTRAINT trades_status_check
    CHECK (status IN ('OPEN', 'SETTLED', 'CLOSED', 'EXPIRED', 'SETTLEMENT_FAILED', 'TRANSFERRED'));
ALTER TABLE trades ADD COLUMN collateral_returned numeric(78, 0);
ALTER TABLE trades ADD COLUMN lifecycle_tx_hash text;
ALTER TABLE trades ADD COLUMN lifecycle_block bigint;
ALTER TABLE trades ADD COLUMN transferred_to text;
ALTER TABLE trades ADD COLUMN transferred_from text;
-- What the Thetanuts indexer reported for the settlement, kept beside the chain's figures to compare them; a
-- disagreement is logged once (settlement_mismatch) and counted.
ALTER TABLE trades ADD COLUMN nuts_settlement_price numeric(78, 0);
ALTER TABLE trades ADD COLUMN nuts_payout numeric(78, 0);
ALTER TABLE trades ADD COLUMN settlement_mismatch boolean NOT NULL DEFAULT false;
-- Open trades by expiry: the chain reader marks them EXPIRED when a block passes their expiry.
CREATE INDEX trades_open_expiry_idx ON trades (expiry) WHERE status = 'OPEN';
CREATE INDEX trades_lifecycle_block_idx ON trades (lifecycle_block) WHERE lifecycle_block IS NOT NULL;

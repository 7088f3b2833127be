-- Issue 7: when the buyer and the seller of one fill are both wallets we follow, keep both trades. A row is one
-- (fill, wallet, side); a fill is (entry tx hash, option address). Existing rows already satisfy the wider key.
ALTER TABLE trades DROP CONSTRAINT trades_fill_key;
ALTER TABLE trades ADD CONSTRAINT trades_fill_key UNIQUE (entry_tx_hash, option_address, wallet, side);

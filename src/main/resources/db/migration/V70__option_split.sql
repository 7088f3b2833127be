-- Issue 17: an OptionSplit moves part of an option (contracts and their collateral) into a new option with the same
-- terms (docs/trade-lifecycle.md, "Splits"). Amounts are numeric integers in base units, addresses in lower case.

-- The new option's OptionInitialized (same transaction, createdBy = the option that split) kept on the SPLIT row:
-- the contracts moved and who holds each role of the new option. Null when it was not read.
ALTER TABLE chain_option_events ADD COLUMN contracts numeric(78, 0);
ALTER TABLE chain_option_events ADD COLUMN buyer text;
ALTER TABLE chain_option_events ADD COLUMN seller text;

-- A trade row's contracts, collateral, premium and fee are what remains in its option; the split_ columns hold what
-- its splits moved out (null when none), so the amounts of the entry are the sum. A row of a split-off option has
-- split_from = the option it was split from; it is entered by the split's transaction (block_number), so a reorg
-- removes it with that block.
ALTER TABLE trades ADD COLUMN split_contracts numeric(78, 0);
ALTER TABLE trades ADD COLUMN split_collateral numeric(78, 0);
ALTER TABLE trades ADD COLUMN split_premium numeric(78, 0);
ALTER TABLE trades ADD COLUMN split_fee numeric(78, 0);
ALTER TABLE trades ADD COLUMN split_from text;
CREATE INDEX trades_split_from_idx ON trades (split_from) WHERE split_from IS NOT NULL;

-- Issue 17: an indexer that never keeps a ghost.

-- The hash of the block a fill was read from (checked against the block's header in the same pass), so a receipt
-- submitted to POST /nuts/fills can be matched with the log the indexer read. Null for rows read before.
ALTER TABLE chain_fills ADD COLUMN block_hash text CHECK (block_hash ~ '^0x[0-9a-f]{64}$');

-- The scans of rows not yet confirmed touch only those rows (a small, moving set), not the whole history.
CREATE INDEX chain_fills_unconfirmed_idx ON chain_fills (chain_id, block_number) WHERE NOT confirmed;
CREATE INDEX trades_seen_idx ON trades (block_number) WHERE confirmation = 'seen';

-- Submissions awaiting a receipt, and ended ones pruned after NUTS_FILLS_RETENTION.
CREATE INDEX fill_submissions_pending_idx ON fill_submissions (created_at) WHERE state = 'pending';
CREATE INDEX fill_submissions_ended_idx ON fill_submissions (updated_at) WHERE state <> 'pending';

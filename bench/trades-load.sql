-- Loads :trades trades for :users users into the current schema (search_path), as the trade sync would leave
-- them: a year of history, one wallet per user, 90 % USDC and 10 % WETH collateral. Deterministic (setseed).
SELECT setseed(0.42);

INSERT INTO users (fid, username, display_name, pfp_url, created_at, updated_at)
SELECT n, 'user' || n, 'User ' || n, 'https://i.example/' || n || '.png', now(), now()
FROM generate_series(1, :users) n;

INSERT INTO wallets (address, user_id, verified_at)
SELECT '0x' || lpad(to_hex(n), 40, '0'), u.id, now()
FROM generate_series(1, :users) n JOIN users u ON u.fid = n;

INSERT INTO wallet_activity (address, last_seen_at)
SELECT address, now() - (random() * interval '60 days') FROM wallets;

WITH fills AS (
    SELECT n,
           '0x' || lpad(to_hex(1 + floor(random() * :users)::int), 40, '0') AS wallet,
           now() - random() * interval '365 days' AS created_at,
           random() AS r_status,
           random() AS r_token,
           random() AS r_payout,
           (1 + floor(random() * 2000000000))::numeric AS premium_usdc
    FROM generate_series(1, :trades) n
), shaped AS (
    SELECT f.*,
           f.created_at + interval '7 days' AS expiry,
           CASE WHEN f.r_token < 0.9 THEN '0x833589fcd6edb6e08f4c7c32d4f71b54bda02913'
                ELSE '0x4200000000000000000000000000000000000006' END AS token,
           CASE WHEN f.r_token < 0.9 THEN 6 ELSE 18 END AS decimals,
           CASE WHEN f.r_token < 0.9 THEN f.premium_usdc ELSE f.premium_usdc * 1000000 END AS premium,
           CASE WHEN f.created_at + interval '7 days' > now() THEN 'OPEN'
                WHEN f.r_status < 0.05 THEN 'EXPIRED'
                WHEN f.r_status < 0.15 THEN 'CLOSED'
                ELSE 'SETTLED' END AS status,
           CASE WHEN n % 20 = 0 THEN 'SELLER' ELSE 'BUYER' END AS side
    FROM fills f
), priced AS (
    SELECT s.*,
           CASE WHEN s.status IN ('SETTLED', 'CLOSED') AND s.r_payout > 0.5
                THEN floor(s.premium * s.r_payout * 4) ELSE CASE WHEN s.status IN ('SETTLED', 'CLOSED') THEN 0 END
           END AS payout,
           floor(s.premium / 20) AS fee,
           s.premium * 5 AS collateral
    FROM shaped s
)
INSERT INTO trades (entry_tx_hash, option_address, wallet, side, status, underlying, product, is_call, strikes,
                    expiry, collateral_token, collateral_symbol, collateral_decimals, premium, fee, contracts,
                    collateral, settlement_price, payout, pnl, referrer, created_at, settled_at, updated_at)
SELECT '0x' || lpad(to_hex(n), 64, '0'),
       '0x' || lpad(to_hex(n), 40, 'a'),
       wallet, side, status,
       CASE WHEN n % 3 = 0 THEN 'BTC' ELSE 'ETH' END,
       (ARRAY['CALL_SPREAD', 'PUT_SPREAD', 'PUT', 'INVERSE_CALL', 'IRON_CONDOR', 'PUT_FLY'])[1 + n % 6],
       CASE WHEN n % 6 IN (0, 3) THEN true WHEN n % 6 = 4 THEN NULL ELSE false END,
       ARRAY[250000000000, 270000000000]::numeric[],
       expiry, token, CASE WHEN decimals = 6 THEN 'USDC' ELSE 'WETH' END, decimals,
       premium, fee, premium * 10, collateral,
       CASE WHEN payout IS NOT NULL THEN 240000000000 END,
       payout,
       CASE WHEN payout IS NULL THEN NULL
            WHEN side = 'BUYER' THEN payout - premium
            ELSE premium - fee - payout END,
       :'referrer', created_at,
       CASE WHEN payout IS NOT NULL THEN expiry + interval '1 hour' END,
       now() - interval '1 day'
FROM priced;

-- The sync keeps these per wallet; here they are computed once for all wallets.
INSERT INTO trader_totals (wallet, collateral_token, collateral_symbol, collateral_decimals, trades, open_trades,
                           volume, fees, realised_pnl, updated_at)
SELECT wallet, collateral_token, max(collateral_symbol), max(collateral_decimals), count(*),
       count(*) FILTER (WHERE status IN ('OPEN', 'EXPIRED')), sum(premium), sum(fee),
       coalesce(sum(pnl) FILTER (WHERE status IN ('SETTLED', 'CLOSED')), 0), now()
FROM trades GROUP BY wallet, collateral_token;

-- A bulk load is a backfill: forget the last refresh, so the service's next one rebuilds the derived tables whole.
DELETE FROM trader_window_state;

VACUUM ANALYZE users;
VACUUM ANALYZE wallets;
VACUUM ANALYZE trades;
VACUUM ANALYZE trader_totals;

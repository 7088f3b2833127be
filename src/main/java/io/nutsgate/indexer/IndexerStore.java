package io.nutsgate.indexer;

import static io.nutsgate.common.SqlValues.utc;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The indexer's tables: cursor, recent block hashes, every OrderFilled and ReferralFeePaid. */
@Repository
public class IndexerStore {

    /** The last block read completely, with its hash and time (null before the first batch). */
    public record Cursor(long indexedBlock, String indexedHash, Instant indexedTime) {}

    private final JdbcClient jdbc;

    IndexerStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Creates the cursor at {@code startBlock - 1} unless it exists. */
    void createCursor(long chainId, String book, long startBlock, Instant now) {
        jdbc.sql("INSERT INTO chain_cursor (chain_id, book, indexed_block, updated_at) VALUES (:chain, :book, :block,"
                        + " :now) ON CONFLICT DO NOTHING")
                .param("chain", chainId)
                .param("book", book)
                .param("block", startBlock - 1)
                .param("now", utc(now))
                .update();
    }

    /**
     * Locks the cursor for this transaction, or empty when another instance holds it (it is writing). Called first in
     * every write, after the batch's RPC reads: whoever does not hold the lock writes nothing.
     */
    Optional<Cursor> lockCursor(long chainId, String book) {
        return selectCursor(chainId, book, " FOR UPDATE SKIP LOCKED");
    }

    public Optional<Cursor> readCursor(long chainId, String book) {
        return selectCursor(chainId, book, "");
    }

    private Optional<Cursor> selectCursor(long chainId, String book, String lock) {
        return jdbc.sql("SELECT indexed_block, indexed_hash, indexed_time FROM chain_cursor"
                        + " WHERE chain_id = :chain AND book = :book" + lock)
                .param("chain", chainId)
                .param("book", book)
                .query((rs, n) -> cursor(rs))
                .optional();
    }

    void moveCursor(long chainId, String book, long block, String hash, Instant time, Instant now) {
        jdbc.sql("UPDATE chain_cursor SET indexed_block = :block, indexed_hash = :hash, indexed_time = :time,"
                        + " updated_at = :now WHERE chain_id = :chain AND book = :book")
                .param("chain", chainId)
                .param("book", book)
                .param("block", block)
                .param("hash", hash)
                .param("time", utc(time))
                .param("now", utc(now))
                .update();
    }

    void saveBlocks(long chainId, Map<Long, String> hashes) {
        for (Map.Entry<Long, String> e : hashes.entrySet()) {
            jdbc.sql("INSERT INTO chain_blocks (chain_id, number, hash) VALUES (:chain, :number, :hash)"
                            + " ON CONFLICT (chain_id, number) DO UPDATE SET hash = EXCLUDED.hash")
                    .param("chain", chainId)
                    .param("number", e.getKey())
                    .param("hash", e.getValue())
                    .update();
        }
    }

    /** Stored block hashes, newest first. */
    List<Map.Entry<Long, String>> blocksDescending(long chainId, int limit) {
        return jdbc.sql("SELECT number, hash FROM chain_blocks WHERE chain_id = :chain ORDER BY number DESC LIMIT"
                        + " :limit")
                .param("chain", chainId)
                .param("limit", limit)
                .query((rs, n) -> Map.entry(rs.getLong("number"), rs.getString("hash")))
                .list();
    }

    void pruneBlocks(long chainId, long below) {
        jdbc.sql("DELETE FROM chain_blocks WHERE chain_id = :chain AND number < :below")
                .param("chain", chainId)
                .param("below", below)
                .update();
    }

    /** Inserts the fill unless (chain id, tx hash, log index) is stored; 1 when inserted. */
    int insertFill(long chainId, BookEvents.OrderFilled f, Instant blockTime, String collateral, boolean confirmed) {
        JdbcClient.StatementSpec sql = jdbc.sql(
                """
                        INSERT INTO chain_fills (chain_id, tx_hash, log_index, block_number, block_time, book, nonce,
                            buyer, seller, option_address, premium, fee, referrer, referral_fee, seller_was_maker,
                            collateral_token, confirmed, block_hash)
                        VALUES (:chain, :tx, :idx, :block, :time, :book, :nonce, :buyer, :seller, :option, :premium,
                            :fee, :referrer, :referralFee, :sellerWasMaker, :collateral, :confirmed, :blockHash)
                        ON CONFLICT (chain_id, tx_hash, log_index) DO NOTHING
                        """);
        return fillValues(ChainRows.logRef(sql, chainId, f.at(), blockTime), f)
                .param("book", f.book())
                .param("collateral", collateral)
                .param("confirmed", confirmed)
                .param("blockHash", f.at().blockHash())
                .update();
    }

    /**
     * Whether the indexer read exactly this fill: same position, block (and block hash, when stored) and values. A
     * receipt's fill of a block the indexer has passed must be one.
     */
    public boolean hasFill(long chainId, BookEvents.OrderFilled f) {
        JdbcClient.StatementSpec sql = jdbc.sql(
                """
                SELECT count(*) FROM chain_fills WHERE chain_id = :chain AND tx_hash = :tx AND log_index = :idx
                    AND block_number = :block AND (block_hash IS NULL OR block_hash = :blockHash)
                    AND nonce = :nonce AND buyer = :buyer AND seller = :seller AND option_address = :option
                    AND premium = :premium AND fee = :fee AND referrer = :referrer
                    AND referral_fee = :referralFee AND seller_was_maker = :sellerWasMaker
                """);
        return fillValues(ChainRows.logRef(sql, chainId, f.at()), f)
                        .param("blockHash", f.at().blockHash())
                        .query(Long.class)
                        .single()
                > 0;
    }

    /** Binds what the fill's log says, as {@code chain_fills} holds it (not its position nor its book). */
    private static JdbcClient.StatementSpec fillValues(JdbcClient.StatementSpec sql, BookEvents.OrderFilled f) {
        return sql.param("nonce", new BigDecimal(f.nonce()))
                .param("buyer", f.buyer())
                .param("seller", f.seller())
                .param("option", f.option())
                .param("premium", new BigDecimal(f.premium()))
                .param("fee", new BigDecimal(f.fee()))
                .param("referrer", f.referrer())
                .param("referralFee", new BigDecimal(f.referralFee()))
                .param("sellerWasMaker", f.sellerWasMaker());
    }

    int insertReferralFee(long chainId, BookEvents.ReferralFeePaid r, Instant blockTime) {
        JdbcClient.StatementSpec sql = jdbc.sql(
                """
                INSERT INTO chain_referral_fees (chain_id, tx_hash, log_index, block_number, block_time,
                    referrer, collateral, fee, option_address)
                VALUES (:chain, :tx, :idx, :block, :time, :referrer, :collateral, :fee, :option)
                ON CONFLICT (chain_id, tx_hash, log_index) DO NOTHING
                """);
        return ChainRows.logRef(sql, chainId, r.at(), blockTime)
                .param("referrer", r.referrer())
                .param("collateral", r.collateral())
                .param("fee", new BigDecimal(r.fee()))
                .param("option", r.option())
                .update();
    }

    /** Marks the fills at or below {@code block} confirmed (a scan of the unconfirmed rows' partial index). */
    int confirmUpTo(long chainId, long block) {
        return jdbc.sql("UPDATE chain_fills SET confirmed = true WHERE chain_id = :chain AND NOT confirmed"
                        + " AND block_number <= :block")
                .param("chain", chainId)
                .param("block", block)
                .update();
    }

    /** Deletes everything read above {@code block} (a reorg); the number of fills removed. */
    int deleteAbove(long chainId, long block) {
        int fills = ChainRows.deleteAbove(jdbc, "chain_fills", "block_number", chainId, block);
        ChainRows.deleteAbove(jdbc, "chain_referral_fees", "block_number", chainId, block);
        ChainRows.deleteAbove(jdbc, "chain_blocks", "number", chainId, block);
        return fills;
    }

    long countFills(long chainId) {
        return jdbc.sql("SELECT count(*) FROM chain_fills WHERE chain_id = :chain")
                .param("chain", chainId)
                .query(Long.class)
                .single();
    }

    private static Cursor cursor(java.sql.ResultSet rs) throws java.sql.SQLException {
        OffsetDateTime time = rs.getObject("indexed_time", OffsetDateTime.class);
        return new Cursor(
                rs.getLong("indexed_block"), rs.getString("indexed_hash"), time == null ? null : time.toInstant());
    }
}

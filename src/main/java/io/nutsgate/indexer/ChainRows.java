package io.nutsgate.indexer;

import static io.nutsgate.common.SqlValues.utc;

import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What the chain reader's tables share ({@link IndexerStore}, {@link LifecycleStore}): a row read from a log is keyed on
 * {@code (chain_id, tx_hash, log_index)} and carries its block, and a reorg deletes every row above a block.
 */
final class ChainRows {

    private ChainRows() {}

    /** Binds where the log sits: {@code :chain}, {@code :tx}, {@code :idx} and {@code :block}. */
    static JdbcClient.StatementSpec logRef(JdbcClient.StatementSpec sql, long chainId, BookEvents.LogRef at) {
        return sql.param("chain", chainId)
                .param("tx", at.txHash())
                .param("idx", at.logIndex())
                .param("block", at.blockNumber());
    }

    /** As {@link #logRef}, with the block's time as {@code :time}: the key and block of a row to insert. */
    static JdbcClient.StatementSpec logRef(
            JdbcClient.StatementSpec sql, long chainId, BookEvents.LogRef at, Instant blockTime) {
        return logRef(sql, chainId, at).param("time", utc(blockTime));
    }

    /** Deletes the chain's rows of {@code table} whose {@code blockColumn} is above {@code block}; how many. */
    static int deleteAbove(JdbcClient jdbc, String table, String blockColumn, long chainId, long block) {
        return jdbc.sql("DELETE FROM " + table + " WHERE chain_id = :chain AND " + blockColumn + " > :block")
                .param("chain", chainId)
                .param("block", block)
                .update();
    }
}

package io.nutsgate.indexer;

import static io.nutsgate.common.SqlValues.instant;
import static io.nutsgate.common.SqlValues.integer;
import static io.nutsgate.common.SqlValues.numeric;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The options the chain reader follows and their lifecycle events ({@code chain_options}, {@code chain_option_events}). */
@Repository
class LifecycleStore {

    private final JdbcClient jdbc;

    LifecycleStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void follow(long chainId, String option, long block, String parent) {
        jdbc.sql("INSERT INTO chain_options (chain_id, option_address, block_number, parent_option)"
                        + " VALUES (:chain, :option, :block, :parent) ON CONFLICT DO NOTHING")
                .param("chain", chainId)
                .param("option", option)
                .param("block", block)
                .param("parent", parent)
                .update();
    }

    /** Which of {@code options} are followed. */
    Set<String> followed(long chainId, Collection<String> options) {
        if (options.isEmpty()) {
            return Set.of();
        }
        return Set.copyOf(jdbc.sql("SELECT option_address FROM chain_options WHERE chain_id = :chain"
                        + " AND option_address IN (:options)")
                .param("chain", chainId)
                .param("options", List.copyOf(options))
                .query(String.class)
                .list());
    }

    /** How many splits away from an option of a fill the option is: 0 for an option of a fill (or not followed). */
    int generation(long chainId, String option) {
        return jdbc.sql(
                        """
                        WITH RECURSIVE up (option_address, parent_option, depth) AS (
                            SELECT option_address, parent_option, 0 FROM chain_options
                            WHERE chain_id = :chain AND option_address = :option
                            UNION ALL
                            SELECT c.option_address, c.parent_option, up.depth + 1 FROM chain_options c
                            JOIN up ON c.chain_id = :chain AND c.option_address = up.parent_option
                            WHERE up.depth < 64)
                        SELECT COALESCE(max(depth), 0) FROM up
                        """)
                .param("chain", chainId)
                .param("option", option)
                .query(Integer.class)
                .single();
    }

    /** Inserts the event unless (chain id, tx hash, log index) is stored. */
    void insert(long chainId, OptionEvents.OptionEvent e, Instant blockTime) {
        JdbcClient.StatementSpec sql = jdbc.sql(
                """
                INSERT INTO chain_option_events (chain_id, tx_hash, log_index, block_number, block_time,
                    option_address, event, settlement_price, account, token, amount, fee, from_wallet,
                    to_wallet, is_buyer, new_option, contracts, buyer, seller)
                VALUES (:chain, :tx, :idx, :block, :time, :option, :event, :price, :account, :token, :amount,
                    :fee, :from, :to, :isBuyer, :newOption, :contracts, :buyer, :seller)
                ON CONFLICT (chain_id, tx_hash, log_index) DO NOTHING
                """);
        ChainRows.logRef(sql, chainId, e.at(), blockTime)
                .param("option", e.option())
                .param("event", e.kind().name())
                .param("price", numeric(e.settlementPrice()))
                .param("account", e.account())
                .param("token", e.token())
                .param("amount", numeric(e.amount()))
                .param("fee", numeric(e.fee()))
                .param("from", e.from())
                .param("to", e.to())
                .param("isBuyer", e.isBuyer())
                .param("newOption", e.newOption())
                .param(
                        "contracts",
                        e.splitOff() == null ? null : numeric(e.splitOff().contracts()))
                .param("buyer", e.splitOff() == null ? null : e.splitOff().buyer())
                .param("seller", e.splitOff() == null ? null : e.splitOff().seller())
                .update();
    }

    /** Every stored event of the option, in chain order, with its block time. */
    List<TimedEvent> events(long chainId, String option) {
        return jdbc.sql("SELECT * FROM chain_option_events WHERE chain_id = :chain AND option_address = :option"
                        + " ORDER BY block_number, log_index")
                .param("chain", chainId)
                .param("option", option)
                .query((rs, n) -> new TimedEvent(
                        new OptionEvents.OptionEvent(
                                new BookEvents.LogRef(
                                        rs.getString("tx_hash"),
                                        rs.getInt("log_index"),
                                        rs.getLong("block_number"),
                                        null),
                                rs.getString("option_address"),
                                OptionEvents.Kind.valueOf(rs.getString("event")),
                                integer(rs, "settlement_price"),
                                rs.getString("account"),
                                rs.getString("token"),
                                integer(rs, "amount"),
                                integer(rs, "fee"),
                                rs.getString("from_wallet"),
                                rs.getString("to_wallet"),
                                (Boolean) rs.getObject("is_buyer"),
                                rs.getString("new_option"),
                                rs.getObject("contracts") == null && rs.getString("buyer") == null
                                        ? null
                                        : new OptionEvents.SplitOff(
                                                integer(rs, "contracts"),
                                                rs.getString("buyer"),
                                                rs.getString("seller"))),
                        instant(rs, "block_time")))
                .list();
    }

    /** An event with the time of its block. */
    record TimedEvent(OptionEvents.OptionEvent event, Instant time) {}

    /** A reorg: deletes the events and followed options above {@code block}; the options whose events changed. */
    List<String> deleteAbove(long chainId, long block) {
        List<String> options = jdbc.sql("DELETE FROM chain_option_events WHERE chain_id = :chain AND block_number >"
                        + " :block RETURNING option_address")
                .param("chain", chainId)
                .param("block", block)
                .query(String.class)
                .list();
        ChainRows.deleteAbove(jdbc, "chain_options", "block_number", chainId, block);
        return options.stream().distinct().toList();
    }

    long countEvents(long chainId) {
        return jdbc.sql("SELECT count(*) FROM chain_option_events WHERE chain_id = :chain")
                .param("chain", chainId)
                .query(Long.class)
                .single();
    }
}

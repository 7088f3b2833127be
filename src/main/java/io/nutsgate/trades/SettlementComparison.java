package io.nutsgate.trades;

import static io.nutsgate.common.SqlValues.integer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Compares the settlement the Thetanuts indexer reported ({@code nuts_settlement_price}, {@code nuts_payout}) with
 * the one our chain reader read from the option's events, for trades that have both. A disagreement is counted
 * ({@code nuts_settlement_mismatch_total}) and logged once per trade: the row remembers it was reported
 * ({@code settlement_mismatch}), across restarts and instances. The chain's figures stay in the trade.
 */
@Component
class SettlementComparison {

    private static final Logger log = LoggerFactory.getLogger(SettlementComparison.class);

    private final JdbcClient jdbc;
    private final Counter mismatches;

    SettlementComparison(JdbcClient jdbc, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.mismatches = Counter.builder("nuts.settlement.mismatch")
                .description("settlements where the Thetanuts indexer and the chain disagree (chain figures kept)")
                .register(meters);
    }

    /** Checks the trades of one wallet (after a sync). */
    void checkWallet(String wallet) {
        check("wallet", wallet);
    }

    /** Checks the trades of one option (after the chain reader applied its events). */
    void checkOption(String option) {
        check("option_address", option);
    }

    private void check(String column, String value) {
        jdbc.sql("UPDATE trades SET settlement_mismatch = true WHERE " + column + " = :value"
                        + " AND lifecycle_block IS NOT NULL AND status = 'SETTLED' AND nuts_payout IS NOT NULL"
                        + " AND NOT settlement_mismatch AND (settlement_price, payout) IS DISTINCT FROM"
                        + " (nuts_settlement_price, nuts_payout)"
                        + " RETURNING option_address, wallet, side, settlement_price, payout, nuts_settlement_price,"
                        + " nuts_payout")
                .param("value", value)
                .query((rs, n) -> {
                    BigInteger price = integer(rs, "settlement_price");
                    BigInteger payout = integer(rs, "payout");
                    mismatches.increment();
                    log.warn(
                            "settlement of option {} ({} {}): chain says price {} payout {}, the Thetanuts indexer"
                                    + " says price {} payout {}; keeping the chain's",
                            rs.getString("option_address"),
                            rs.getString("wallet"),
                            rs.getString("side"),
                            price,
                            payout,
                            integer(rs, "nuts_settlement_price"),
                            integer(rs, "nuts_payout"));
                    return 1;
                })
                .list();
    }
}

package io.nutsgate.trades;

import static org.assertj.core.api.Assertions.assertThat;

import io.nutsgate.optionmath.Side;
import io.nutsgate.support.PersistenceTest;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@link ChainTrades#applyLifecycles} with {@code OptionSplit}s, on rows written as the indexer writes them: a split
 * whose new option's {@code OptionInitialized} was read, a transfer, then a split without it; applied twice (nothing
 * changes), then taken back by a reorg. Every figure is hand-computed here.
 *
 * <p>Entry: 10 contracts (10000000) of a 200-wide USDC spread, collateral 2000 USDC (2000000000), premium 421.5
 * (421500000), fee 25 (25000000); buyer A and seller B both followed.
 *
 * <ol>
 *   <li>S1 moves 500 USDC and 2.5 contracts (from the new option X's OptionInitialized, held by A and B): the option
 *       keeps 7.5 contracts and 1500 USDC; A's and B's X rows carry ⌊421500000 × 2500000 / 10000000⌋ = 105375000 of
 *       premium and ⌊25000000 / 4⌋ = 6250000 of fee; their rows keep 316125000 and 18750000.
 *   <li>T1: A hands the buyer's role to C: A's row is TRANSFERRED with 7.5 contracts, C's row starts with 7.5.
 *   <li>S2 moves 300 USDC into Y without its OptionInitialized: 7500000 × 300000000 / 1500000000 = 1500000
 *       contracts, the roles' holders keep them: C's Y row is a received position (premium 0, from A), B's Y row
 *       carries ⌊421500000 × 1500000 / 10000000⌋ = 63225000 and ⌊25000000 × 0.15⌋ = 3750000. The option keeps
 *       6 contracts and 1200 USDC; B's row keeps 421500000 − 105375000 − 63225000 = 252900000 and 15000000.
 * </ol>
 */
class ChainTradesSplitIT extends PersistenceTest {

    static final String OPTION = "0x" + "0d".repeat(20);
    static final String X = "0x" + "0e".repeat(20);
    static final String Y = "0x" + "0f".repeat(20);
    static final String A = "0x" + "a1".repeat(20);
    static final String B = "0x" + "b2".repeat(20);
    static final String C = "0x" + "c3".repeat(20);
    static final String ENTRY = "0x" + "e0".repeat(32);
    static final String USDC = "0x833589fcd6edb6e08f4c7c32d4f71b54bda02913";

    @DynamicPropertySource
    static void chainProperties(DynamicPropertyRegistry registry) {
        registry.add("nuts.chain.rpc-url", () -> "http://127.0.0.1:9");
        registry.add("nuts.chain.indexer-enabled", () -> "false");
    }

    @Autowired
    ChainTrades chainTrades;

    @Autowired
    TransactionTemplate transaction;

    @Test
    void shouldShrinkTheOptionsRowsAndGiveEachRoleItsPartOfTheNewOptions() {
        Instant expiry = clock.instant().plusSeconds(7 * 24 * 3600);
        transaction.execute(tx -> chainTrades.record(
                List.of(fill(A, Side.BUYER, expiry), fill(B, Side.SELLER, expiry)), clock.instant()));
        Instant t = clock.instant();
        OptionLife life = new OptionLife(
                OPTION,
                null,
                null,
                BigInteger.ZERO,
                null,
                null,
                null,
                null,
                List.of(new OptionLife.Transfer("0x" + "71".repeat(32), 110, t.plusSeconds(20), A, C, true)),
                List.of(
                        new OptionLife.Split(
                                "0x" + "51".repeat(32),
                                105,
                                t.plusSeconds(10),
                                X,
                                big(500_000_000),
                                big(2_500_000),
                                A,
                                B,
                                0),
                        new OptionLife.Split(
                                "0x" + "52".repeat(32),
                                120,
                                t.plusSeconds(40),
                                Y,
                                big(300_000_000),
                                null,
                                null,
                                null,
                                1)));

        List<Object> events = apply(life);
        assertThat(events).allSatisfy(e -> assertThat(e).isInstanceOf(TradeLifecycleEvent.class));
        Map<String, String> changes = events.stream()
                .map(TradeLifecycleEvent.class::cast)
                .collect(Collectors.toMap(
                        e -> e.trade().optionAddress().toLowerCase() + " "
                                + e.trade().wallet().toLowerCase(),
                        TradeLifecycleEvent::change));
        assertThat(changes)
                .containsEntry(OPTION + " " + A, "transferred")
                .containsEntry(OPTION + " " + C, "transferred")
                .containsEntry(OPTION + " " + B, "split")
                .containsEntry(X + " " + A, "split")
                .containsEntry(X + " " + B, "split")
                .containsEntry(Y + " " + C, "split")
                .containsEntry(Y + " " + B, "split")
                .hasSize(7);

        assertRow(OPTION, A, "TRANSFERRED", 7_500_000, 1_500_000_000, 316_125_000, 18_750_000, 2_500_000L, null);
        assertRow(OPTION, C, "OPEN", 6_000_000, 1_200_000_000, 0, 0, 1_500_000L, null);
        assertRow(OPTION, B, "OPEN", 6_000_000, 1_200_000_000, 252_900_000, 15_000_000, 4_000_000L, null);
        assertRow(X, A, "OPEN", 2_500_000, 500_000_000, 105_375_000, 6_250_000, null, OPTION);
        assertRow(X, B, "OPEN", 2_500_000, 500_000_000, 105_375_000, 6_250_000, null, OPTION);
        assertRow(Y, C, "OPEN", 1_500_000, 300_000_000, 0, 0, null, OPTION);
        assertRow(Y, B, "OPEN", 1_500_000, 300_000_000, 63_225_000, 3_750_000, null, OPTION);
        assertThat(row(Y, C).get("transferred_from")).isEqualTo(A);
        // B's premium is whole across its three rows
        assertThat(252_900_000 + 105_375_000 + 63_225_000).isEqualTo(421_500_000);

        // applied again: nothing changes
        assertThat(apply(life)).isEmpty();

        // a reorg took the transfer and the splits back: the entry as it was, the other rows gone
        List<Object> back =
                apply(new OptionLife(OPTION, null, null, BigInteger.ZERO, null, null, null, null, List.of()));
        assertThat(back.stream().filter(TradeRemovedEvent.class::isInstance)).hasSize(5);
        assertRow(OPTION, A, "OPEN", 10_000_000, 2_000_000_000, 421_500_000, 25_000_000, null, null);
        assertRow(OPTION, B, "OPEN", 10_000_000, 2_000_000_000, 421_500_000, 25_000_000, null, null);
        assertThat(jdbc.sql("SELECT count(*) FROM trades WHERE entry_tx_hash = :e")
                        .param("e", ENTRY)
                        .query(Long.class)
                        .single())
                .isEqualTo(2L);
    }

    private List<Object> apply(OptionLife life) {
        return transaction.execute(tx -> chainTrades.applyLifecycles(List.of(life), Long.MAX_VALUE, clock.instant()));
    }

    private void assertRow(
            String option,
            String wallet,
            String status,
            long contracts,
            long collateral,
            long premium,
            long fee,
            Long splitContracts,
            String splitFrom) {
        Map<String, Object> row = row(option, wallet);
        assertThat(row.get("status")).as("status of %s %s", option, wallet).isEqualTo(status);
        assertThat(amount(row, "contracts"))
                .as("contracts of %s %s", option, wallet)
                .isEqualTo(big(contracts));
        assertThat(amount(row, "collateral"))
                .as("collateral of %s %s", option, wallet)
                .isEqualTo(big(collateral));
        assertThat(amount(row, "premium"))
                .as("premium of %s %s", option, wallet)
                .isEqualTo(big(premium));
        assertThat(amount(row, "fee")).as("fee of %s %s", option, wallet).isEqualTo(big(fee));
        assertThat(amount(row, "split_contracts"))
                .as("split contracts of %s %s", option, wallet)
                .isEqualTo(splitContracts == null ? null : big(splitContracts));
        assertThat(row.get("split_from"))
                .as("split from of %s %s", option, wallet)
                .isEqualTo(splitFrom);
    }

    private Map<String, Object> row(String option, String wallet) {
        return jdbc.sql("SELECT * FROM trades WHERE entry_tx_hash = :e AND option_address = :o AND wallet = :w")
                .param("e", ENTRY)
                .param("o", option)
                .param("w", wallet)
                .query()
                .singleRow();
    }

    private static BigInteger amount(Map<String, Object> row, String column) {
        Object value = row.get(column);
        return value == null ? null : ((java.math.BigDecimal) value).toBigIntegerExact();
    }

    private static ChainTrades.ChainTrade fill(String wallet, Side side, Instant expiry) {
        return new ChainTrades.ChainTrade(
                ENTRY,
                100,
                OPTION,
                wallet,
                side,
                "ETH",
                "CALL_SPREAD",
                true,
                List.of(big(250_000_000_000L), big(270_000_000_000L)),
                expiry,
                USDC,
                "USDC",
                6,
                big(421_500_000),
                big(25_000_000),
                big(12_500_000),
                big(10_000_000),
                big(2_000_000_000),
                "0x" + "7e".repeat(20),
                Instant.ofEpochSecond(1_780_000_000L),
                true);
    }

    private static BigInteger big(long value) {
        return BigInteger.valueOf(value);
    }
}

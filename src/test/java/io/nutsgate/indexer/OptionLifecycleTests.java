package io.nutsgate.indexer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nutsgate.trades.OptionLife;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.core.methods.response.Log;

/**
 * The option lifecycle events as declared on Base and what a sequence of them means. Topics are REFERENCE §2.3's
 * (computed there with an independent Keccak-256, and re-checked with ethers' {@code id()}); logs are built by hand.
 */
class OptionLifecycleTests {

    static final String OPTION = "0x1111111111111111111111111111111111111111";
    static final String BUYER = "0x2222222222222222222222222222222222222222";
    static final String SELLER = "0x3333333333333333333333333333333333333333";
    static final String USDC = "0x833589fcd6edb6e08f4c7c32d4f71b54bda02913";
    static final String TX = "0x" + "ab".repeat(32);

    @Test
    void shouldUseTheTopicsDeclaredOnBase() {
        assertThat(OptionEvents.Kind.EXPIRED.topic)
                .isEqualTo("0xc549d3d80332dee29de8f13591cac9d525bb5fe89a6dd90f44f0f659c6133324");
        assertThat(OptionEvents.Kind.PAYOUT.topic)
                .isEqualTo("0x3a945388fe0a73ff7616714347533e2f1713377f609ad9e8b365949cbee1ff6e");
        assertThat(OptionEvents.Kind.CLOSED.topic)
                .isEqualTo("0xf6b70e7b963f6035e2f7f31cb25d86edbfb11d3006c4ad20bd93923a056e828c");
        assertThat(OptionEvents.Kind.SETTLEMENT_FAILED.topic)
                .isEqualTo("0xa4547bf89b2684b8ca4db9444ced28607710c030232e995d4b41a2812d1248e9");
        assertThat(OptionEvents.Kind.EXCESS_RETURNED.topic)
                .isEqualTo("0x2f47fba9a502efd974612c3884d89416a8e86d9173fa7de508825a75013da851");
        assertThat(OptionEvents.Kind.ROLE_TRANSFERRED.topic)
                .isEqualTo("0x83a50732194629dbdc1b6553381c106fd007ecfa402a02558dbfb039dda69fb7");
        assertThat(OptionEvents.Kind.SPLIT.topic)
                .isEqualTo("0xfc4947089e7500185f5b0c8d22f76ed333230d351d62be90fefa37174d7b733b");
    }

    @Test
    void shouldDecodeAPayoutToTheBuyer() {
        OptionEvents.OptionEvent e = OptionEvents.decode(
                log(7, OptionEvents.Kind.PAYOUT.topic, List.of(word(OPTION), word(BUYER)), word(2_691_577_652L)));
        assertThat(e.kind()).isEqualTo(OptionEvents.Kind.PAYOUT);
        assertThat(e.option()).isEqualTo(OPTION);
        assertThat(e.account()).isEqualTo(BUYER);
        assertThat(e.amount()).isEqualTo(BigInteger.valueOf(2_691_577_652L));
        assertThat(e.at().logIndex()).isEqualTo(7);
    }

    @Test
    void shouldDecodeARoleTransferAndTheSellersExcessCollateral() {
        OptionEvents.OptionEvent transfer = OptionEvents.decode(log(
                1,
                OptionEvents.Kind.ROLE_TRANSFERRED.topic,
                List.of(word(OPTION), word(BUYER), word(SELLER)),
                word(1)));
        assertThat(transfer.from()).isEqualTo(BUYER);
        assertThat(transfer.to()).isEqualTo(SELLER);
        assertThat(transfer.isBuyer()).isTrue();

        OptionEvents.OptionEvent excess = OptionEvents.decode(log(
                2, OptionEvents.Kind.EXCESS_RETURNED.topic, List.of(word(SELLER), word(USDC)), word(2_053_380_748L)));
        assertThat(excess.account()).isEqualTo(SELLER);
        assertThat(excess.token()).isEqualTo(USDC);
        assertThat(excess.amount()).isEqualTo(BigInteger.valueOf(2_053_380_748L));
    }

    @Test
    void shouldDecodeAnExpiryAClosingAFailedSettlementAndASplit() {
        OptionEvents.OptionEvent expired = OptionEvents.decode(
                log(3, OptionEvents.Kind.EXPIRED.topic, List.of(word(OPTION)), word(261_345_000_000L)));
        assertThat(expired.kind()).isEqualTo(OptionEvents.Kind.EXPIRED);
        assertThat(expired.settlementPrice()).isEqualTo(BigInteger.valueOf(261_345_000_000L));
        assertThat(expired.account()).isNull();
        assertThat(expired.amount()).isNull();

        OptionEvents.OptionEvent closed = OptionEvents.decode(
                log(4, OptionEvents.Kind.CLOSED.topic, List.of(word(OPTION), word(BUYER)), word(4_744_958_400L)));
        assertThat(closed.account()).isEqualTo(BUYER);
        assertThat(closed.amount()).isEqualTo(BigInteger.valueOf(4_744_958_400L));
        assertThat(closed.settlementPrice()).isNull();

        OptionEvents.OptionEvent failed =
                OptionEvents.decode(log(5, OptionEvents.Kind.SETTLEMENT_FAILED.topic, List.of(), "0x"));
        assertThat(failed.kind()).isEqualTo(OptionEvents.Kind.SETTLEMENT_FAILED);
        assertThat(failed.option()).isEqualTo(OPTION);
        assertThat(failed.amount()).isNull();

        // OptionSplit(address indexed newOption, uint256 collateralAmount, uint256 feePaid, address indexed
        // counterparty)
        String newOption = "0x4444444444444444444444444444444444444444";
        OptionEvents.OptionEvent split = OptionEvents.decode(log(
                6,
                OptionEvents.Kind.SPLIT.topic,
                List.of(word(newOption), word(SELLER)),
                word(1_000_000L) + word(2_500L).substring(2)));
        assertThat(split.newOption()).isEqualTo(newOption);
        assertThat(split.account()).isEqualTo(SELLER);
        assertThat(split.amount()).isEqualTo(BigInteger.valueOf(1_000_000L));
        assertThat(split.fee()).isEqualTo(BigInteger.valueOf(2_500L));
        assertThat(split.from()).isNull();
        assertThat(split.isBuyer()).isNull();
    }

    @Test
    void shouldRefuseALogThatDoesNotFitItsDeclaration() {
        // OptionExpired carries one word of data; two is not the event declared on Base
        Log twoWords = log(0, OptionEvents.Kind.EXPIRED.topic, List.of(word(OPTION)), word(1) + word(2).substring(2));
        assertThatThrownBy(() -> OptionEvents.decode(twoWords)).isInstanceOf(BookEvents.BadLogException.class);
        Log missingTopic = log(0, OptionEvents.Kind.PAYOUT.topic, List.of(word(OPTION)), word(1));
        assertThatThrownBy(() -> OptionEvents.decode(missingTopic)).isInstanceOf(BookEvents.BadLogException.class);
        // OptionSplit carries two words of data; one is not enough
        Log oneWord = log(0, OptionEvents.Kind.SPLIT.topic, List.of(word(OPTION), word(SELLER)), word(1));
        assertThatThrownBy(() -> OptionEvents.decode(oneWord)).isInstanceOf(BookEvents.BadLogException.class);
    }

    @Test
    void shouldSettleAtTheLastExpiryWithItsPayoutAndReturnAfterAFailedAttempt() {
        OptionLife life = OptionLifecycle.life(
                OPTION,
                List.of(
                        timed(event(10, 0, OptionEvents.Kind.SETTLEMENT_FAILED, null, null)),
                        timed(event(12, 0, OptionEvents.Kind.EXPIRED, 261_345_000_000L, null)),
                        timed(event(12, 1, OptionEvents.Kind.PAYOUT, null, 2_691_577_652L)),
                        timed(event(12, 2, OptionEvents.Kind.EXCESS_RETURNED, null, 2_053_380_748L))));
        assertThat(life.end()).isEqualTo(OptionLife.End.SETTLED);
        assertThat(life.settlementPrice()).isEqualTo(BigInteger.valueOf(261_345_000_000L));
        assertThat(life.payout()).isEqualTo(BigInteger.valueOf(2_691_577_652L));
        assertThat(life.collateralReturned()).isEqualTo(BigInteger.valueOf(2_053_380_748L));
        assertThat(life.endBlock()).isEqualTo(12);
    }

    @Test
    void shouldReportAFailedSettlementUntilOneSucceedsAndAnOutOfTheMoneySettlementAsPayingNothing() {
        OptionLife failed = OptionLifecycle.life(
                OPTION, List.of(timed(event(10, 0, OptionEvents.Kind.SETTLEMENT_FAILED, null, null))));
        assertThat(failed.end()).isEqualTo(OptionLife.End.SETTLEMENT_FAILED);
        assertThat(failed.settlementPrice()).isNull();

        OptionLife otm = OptionLifecycle.life(
                OPTION,
                List.of(
                        timed(event(11, 0, OptionEvents.Kind.EXPIRED, 245_037_000_000L, null)),
                        timed(event(11, 1, OptionEvents.Kind.EXCESS_RETURNED, null, 4_744_958_400L)),
                        timed(event(12, 0, OptionEvents.Kind.SETTLEMENT_FAILED, null, null))));
        assertThat(otm.end()).isEqualTo(OptionLife.End.SETTLED);
        assertThat(otm.payout()).isZero();
        assertThat(otm.collateralReturned()).isEqualTo(BigInteger.valueOf(4_744_958_400L));
    }

    @Test
    void shouldCloseAndKeepTransfersInChainOrder() {
        OptionEvents.OptionEvent transfer = new OptionEvents.OptionEvent(
                new BookEvents.LogRef(TX, 3, 9, null),
                OPTION,
                OptionEvents.Kind.ROLE_TRANSFERRED,
                null,
                null,
                null,
                null,
                null,
                BUYER,
                SELLER,
                true,
                null,
                null);
        OptionLife life = OptionLifecycle.life(
                OPTION, List.of(timed(transfer), timed(event(10, 0, OptionEvents.Kind.CLOSED, null, 4_744_958_400L))));
        assertThat(life.end()).isEqualTo(OptionLife.End.CLOSED);
        assertThat(life.payout()).isZero();
        assertThat(life.collateralReturned()).isEqualTo(BigInteger.valueOf(4_744_958_400L));
        assertThat(life.transfers()).singleElement().satisfies(t -> {
            assertThat(t.from()).isEqualTo(BUYER);
            assertThat(t.to()).isEqualTo(SELLER);
            assertThat(t.isBuyer()).isTrue();
            assertThat(t.block()).isEqualTo(9);
        });
        assertThat(OptionLifecycle.life(OPTION, List.of()).isEmpty()).isTrue();
    }

    @Test
    void shouldDecodeASplitAndPlaceItAmongTheTransfers() {
        String newOption = "0x4444444444444444444444444444444444444444";
        OptionEvents.OptionEvent split = OptionEvents.decode(log(
                2,
                OptionEvents.Kind.SPLIT.topic,
                List.of(word(newOption), word(SELLER)),
                word(949_000_000L) + word(0).substring(2)));
        assertThat(split.kind()).isEqualTo(OptionEvents.Kind.SPLIT);
        assertThat(split.newOption()).isEqualTo(newOption);
        assertThat(split.amount()).isEqualTo(BigInteger.valueOf(949_000_000L));
        assertThat(split.fee()).isZero();
        assertThat(split.account()).isEqualTo(SELLER);

        OptionEvents.OptionEvent transfer = new OptionEvents.OptionEvent(
                new BookEvents.LogRef(TX, 1, 9, null),
                OPTION,
                OptionEvents.Kind.ROLE_TRANSFERRED,
                null,
                null,
                null,
                null,
                null,
                BUYER,
                SELLER,
                true,
                null,
                null);
        OptionEvents.OptionEvent known = new OptionEvents.OptionEvent(
                        new BookEvents.LogRef(TX, 2, 9, null),
                        OPTION,
                        OptionEvents.Kind.SPLIT,
                        null,
                        SELLER,
                        null,
                        BigInteger.valueOf(949_000_000L),
                        BigInteger.ZERO,
                        null,
                        null,
                        null,
                        newOption,
                        null)
                .withSplitOff(new OptionEvents.SplitOff(BigInteger.valueOf(4_745_000), SELLER, SELLER));
        OptionLife life = OptionLifecycle.life(OPTION, List.of(timed(transfer), timed(known)));
        assertThat(life.end()).isNull();
        assertThat(life.isEmpty()).isFalse();
        assertThat(life.splits()).singleElement().satisfies(s -> {
            assertThat(s.newOption()).isEqualTo(newOption);
            assertThat(s.collateral()).isEqualTo(BigInteger.valueOf(949_000_000L));
            assertThat(s.contracts()).isEqualTo(BigInteger.valueOf(4_745_000));
            assertThat(s.buyer()).isEqualTo(SELLER);
            assertThat(s.transfersBefore()).isEqualTo(1);
            assertThat(s.block()).isEqualTo(9);
        });
    }

    private static LifecycleStore.TimedEvent timed(OptionEvents.OptionEvent e) {
        return new LifecycleStore.TimedEvent(e, Instant.ofEpochSecond(1_780_000_000L + e.at().blockNumber() * 2));
    }

    private static OptionEvents.OptionEvent event(
            long block, int index, OptionEvents.Kind kind, Long price, Long amount) {
        return new OptionEvents.OptionEvent(
                new BookEvents.LogRef(TX, index, block, null),
                OPTION,
                kind,
                price == null ? null : BigInteger.valueOf(price),
                null,
                null,
                amount == null ? null : BigInteger.valueOf(amount),
                null,
                null,
                null,
                null,
                null,
                null);
    }

    private static Log log(int index, String topic0, List<String> indexed, String data) {
        Log log = new Log();
        log.setAddress(OPTION);
        log.setTransactionHash(TX);
        log.setLogIndex("0x" + Integer.toHexString(index));
        log.setBlockNumber("0x10");
        log.setBlockHash("0x" + "cd".repeat(32));
        List<String> topics = new java.util.ArrayList<>();
        topics.add(topic0);
        topics.addAll(indexed);
        log.setTopics(topics);
        log.setData(data);
        return log;
    }

    /** An address or a number as one 32-byte word, 0x-prefixed. */
    private static String word(String address) {
        return "0x" + "0".repeat(24) + address.substring(2);
    }

    private static String word(long value) {
        String hex = Long.toHexString(value);
        return "0x" + "0".repeat(64 - hex.length()) + hex;
    }
}

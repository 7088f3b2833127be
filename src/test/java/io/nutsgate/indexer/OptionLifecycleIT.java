package io.nutsgate.indexer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nutsgate.protocol.Product;
import io.nutsgate.push.PushMessage;
import io.nutsgate.support.Devnet;
import io.nutsgate.support.Devnet.Account;
import io.nutsgate.support.ServiceTest;
import io.nutsgate.support.SocketIoTestClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.web3j.abi.EventEncoder;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import tools.jackson.databind.JsonNode;

/**
 * A trade's life after the fill, read from the option's own events on the devnet (whose keeper settles each expired
 * option within two blocks at its feed's price, like r12), seen over HTTP and by the official socket.io-client.
 *
 * <p>Every amount is hand-computed here from the REFERENCE §3.5 first row: ETH CALL_SPREAD 2500/2700, N = 23.724792
 * contracts (23724792), premium 999.999982 USDC (999999982), collateral (2700 − 2500) × N = 4744.9584 USDC
 * (4744958400).
 *
 * <ul>
 *   <li>ITM at S = 2613.45: payout = 113.45 × 23.724792 = 2691.5776524 → 2691.577652 USDC (2691577652), returned to
 *       the seller 4744958400 − 2691577652 = 2053380748, buyer P&L 2691577652 − 999999982 = 1691577670;
 *   <li>OTM at S = 2450.37: payout 0, returned 4744958400, buyer P&L −999999982;
 *   <li>closed: payout 0, the whole 4744958400 back to the seller, buyer P&L −999999982.
 * </ul>
 */
class OptionLifecycleIT extends ServiceTest {

    static final Duration WAIT = Duration.ofSeconds(90);
    /** How often the trades API is asked while a test waits for the indexer: a local read, blocks come every second. */
    static final Duration POLL = Duration.ofMillis(100);

    static final BigInteger CONTRACTS = BigInteger.valueOf(23_724_792);
    static final String PREMIUM = "999999982";
    static final String COLLATERAL = "4744958400";

    static Devnet devnet;

    @DynamicPropertySource
    static void chainProperties(DynamicPropertyRegistry registry) {
        devnet = Devnet.start(REFERRER);
        devnet.serveFromChain(registry);
        registry.add("nuts.chain.confirmations", () -> "2");
        registry.add("nuts.chain.poll-interval", () -> "200ms");
        registry.add("nuts.chain.error-backoff", () -> "200ms");
        registry.add("nuts.push.watch-interval", () -> "1h");
    }

    @AfterAll
    static void stopDevnet() {
        if (devnet != null) {
            devnet.close();
        }
    }

    /**
     * Also: the devnet's keeper settles within two blocks of expiry (like r12), read from the chain itself: the
     * option's one {@code OptionExpired} log is at most two blocks after the first block whose timestamp reached the
     * option's expiry; and the realised P&L ranks the wallet on the all-time P&L leaderboard (live, no refresh).
     */
    @Test
    void shouldSettleInTheMoneyWithinTwoBlocksOfExpiryWithThePayoutPriceAndPnlOfTheOptionsEvents() {
        Account taker = devnet.takers().get(0);
        devnet.setPrice("ETH", BigInteger.valueOf(261_345_000_000L));
        BigInteger realisedBefore = realisedPnl(taker);
        BigInteger rankedBefore = pnlLeaderboardValue(taker).orElse(BigInteger.ZERO);
        try (SocketIoTestClient client = subscribed(taker)) {
            Devnet.Order order = spread(20);
            TransactionReceipt filled = devnet.fill(taker, order, REFERRER);
            String tx = hash(filled);
            devnet.passTime(20);

            JsonNode pushed = awaitPush(client, PushMessage.TRADE_SETTLED, tx);
            assertThat(pushed.path("status").asString()).isEqualTo("settled");
            assertThat(pushed.path("tradeStatus").asString()).isEqualTo("SETTLED");
            assertThat(pushed.path("payout").path("raw").asString()).isEqualTo("2691577652");

            JsonNode trade = trade(taker, tx, "SETTLED");
            assertThat(trade.path("outcome").asString()).isEqualTo("ITM");
            assertThat(trade.path("settlementPrice").path("raw").asString()).isEqualTo("261345000000");
            assertThat(trade.path("settlementPrice").path("value").asString()).isEqualTo("2613.45");
            assertThat(trade.path("payout").path("raw").asString()).isEqualTo("2691577652");
            assertThat(trade.path("collateralReturned").path("raw").asString()).isEqualTo("2053380748");
            assertThat(trade.path("pnl").path("raw").asString()).isEqualTo("1691577670");
            assertThat(trade.path("premium").path("raw").asString()).isEqualTo(PREMIUM);
            assertThat(trade.path("lifecycleTxHash").asString())
                    .startsWith("0x")
                    .isNotEqualTo(tx);

            // the realised figure reaches the wallet's summary and its place on the P&L leaderboard
            assertThat(realisedPnl(taker).subtract(realisedBefore)).isEqualTo(new BigInteger("1691577670"));
            assertThat(pnlLeaderboardValue(taker).orElseThrow().subtract(rankedBefore))
                    .isEqualTo(new BigInteger("1691577670"));

            long expiredAt = optionExpiredBlock(trade.path("optionAddress").asString(), filled);
            long expiry = order.expiry().longValueExact();
            long firstExpiredBlock =
                    firstBlockAtOrAfter(expiry, filled.getBlockNumber().longValueExact());
            assertThat(expiredAt - firstExpiredBlock).isBetween(0L, 2L);
        }
    }

    @Test
    void shouldSettleOutOfTheMoneyWithNothingPaidAndTheWholeCollateralReturned() {
        Account taker = devnet.takers().get(1);
        devnet.setPrice("ETH", BigInteger.valueOf(245_037_000_000L));
        try (SocketIoTestClient client = subscribed(taker)) {
            String tx = hash(devnet.fill(taker, spread(20), REFERRER));
            devnet.passTime(20);

            awaitPush(client, PushMessage.TRADE_SETTLED, tx);
            JsonNode trade = trade(taker, tx, "SETTLED");
            assertThat(trade.path("outcome").asString()).isEqualTo("OTM");
            assertThat(trade.path("settlementPrice").path("raw").asString()).isEqualTo("245037000000");
            assertThat(trade.path("payout").path("raw").asString()).isEqualTo("0");
            assertThat(trade.path("collateralReturned").path("raw").asString()).isEqualTo(COLLATERAL);
            assertThat(trade.path("pnl").path("raw").asString()).isEqualTo("-999999982");
        }
    }

    @Test
    void shouldShowAFailedSettlementThenTheSettlementThatFollowsOnceTheFeedAnswers() {
        Account taker = devnet.takers().get(0);
        // BTC CALL_SPREAD 100000/105000, 1 contract (1000000) at 100 USDC: collateral 5000 USDC, premium 100 USDC
        Devnet.Order order = devnet.order(
                        Product.CALL_SPREAD,
                        "BTC",
                        List.of(Devnet.usd(100_000), Devnet.usd(105_000)),
                        Devnet.usd(100),
                        BigInteger.valueOf(50_000_000_000L),
                        false)
                .withNumContracts(BigInteger.valueOf(1_000_000))
                .withExpiry(devnet.latestBlockTimestamp() + 20);
        try (SocketIoTestClient client = subscribed(taker)) {
            String tx = hash(devnet.fill(taker, order, REFERRER));
            // the feed stops answering a price before the option expires (the fill itself needs the spot for its fee)
            devnet.setPrice("BTC", BigInteger.ZERO);
            devnet.passTime(20);

            JsonNode failed = awaitPush(client, PushMessage.TRADE_UPDATED, tx, "settlement_failed");
            assertThat(failed.path("tradeStatus").asString()).isEqualTo("SETTLEMENT_FAILED");
            JsonNode trade = trade(taker, tx, "SETTLEMENT_FAILED");
            assertThat(trade.path("payout").isNull()).isTrue();
            assertThat(trade.path("pnl").isNull()).isTrue();

            // the feed answers 103000: the keeper settles again, ITM by 3000 × 1 contract
            devnet.setPrice("BTC", Devnet.usd(103_000));
            awaitPush(client, PushMessage.TRADE_SETTLED, tx);
            JsonNode settled = trade(taker, tx, "SETTLED");
            assertThat(settled.path("payout").path("raw").asString()).isEqualTo("3000000000");
            assertThat(settled.path("collateralReturned").path("raw").asString())
                    .isEqualTo("2000000000");
            assertThat(settled.path("pnl").path("raw").asString()).isEqualTo("2900000000");
        }
    }

    @Test
    void shouldCloseWhenTheBuyerGivesTheOptionUpBeforeExpiry() {
        Account taker = devnet.takers().get(1);
        try (SocketIoTestClient client = subscribed(taker)) {
            String tx = hash(devnet.fill(taker, spread(7 * 24 * 3600), REFERRER));
            String option = option(taker, tx);

            devnet.closeOption(taker, option);

            JsonNode pushed = awaitPush(client, PushMessage.TRADE_UPDATED, tx, "closed");
            assertThat(pushed.path("tradeStatus").asString()).isEqualTo("CLOSED");
            JsonNode trade = trade(taker, tx, "CLOSED");
            assertThat(trade.path("payout").path("raw").asString()).isEqualTo("0");
            assertThat(trade.path("collateralReturned").path("raw").asString()).isEqualTo(COLLATERAL);
            assertThat(trade.path("pnl").path("raw").asString()).isEqualTo("-999999982");
            assertThat(trade.path("settlementPrice").isNull()).isTrue();
        }
    }

    @Test
    void shouldMoveATransferredPositionToItsNewHolderAndSayWhereItWent() {
        Account from = devnet.takers().get(0);
        Account to = devnet.takers().get(1);
        try (SocketIoTestClient oldHolder = subscribed(from);
                SocketIoTestClient newHolder = subscribed(to)) {
            String tx = hash(devnet.fill(from, spread(7 * 24 * 3600), REFERRER));
            String option = option(from, tx);

            devnet.transferRole(from, option, true, to.address());

            JsonNode left = awaitPush(oldHolder, PushMessage.TRADE_UPDATED, tx, "transferred");
            assertThat(left.path("tradeStatus").asString()).isEqualTo("TRANSFERRED");
            assertThat(left.path("transferredTo").asString()).isEqualToIgnoringCase(to.address());
            JsonNode arrived = awaitPush(newHolder, PushMessage.TRADE_UPDATED, tx, "transferred");
            assertThat(arrived.path("tradeStatus").asString()).isEqualTo("OPEN");
            assertThat(arrived.path("wallet").asString()).isEqualToIgnoringCase(to.address());

            JsonNode old = trade(from, tx, "TRANSFERRED");
            assertThat(old.path("transferredTo").asString()).isEqualToIgnoringCase(to.address());
            assertThat(old.path("pnl").isNull()).isTrue();
            JsonNode received = trade(to, tx, "OPEN");
            assertThat(received.path("side").asString()).isEqualTo("BUYER");
            assertThat(received.path("transferredFrom").asString()).isEqualToIgnoringCase(from.address());
            assertThat(received.path("optionAddress").asString()).isEqualToIgnoringCase(option);
            assertThat(received.path("contracts").path("raw").asString()).isEqualTo(CONTRACTS.toString());
            assertThat(received.path("premium").path("raw").asString()).isEqualTo("0");
        }
    }

    /**
     * The buyer splits 949 USDC of collateral off the reference spread before expiry, then the option and the new one
     * settle ITM at 2613.45. Hand-computed (c = 200 USDC per contract, ETH spot 2450.37 at the fill so the fee is
     * REFERENCE §3.5's 34.880711):
     *
     * <ul>
     *   <li>moved: 949000000 / 200 = 4.745 contracts (4745000) and 200 × 4.745 = 949 USDC; left: 23724792 − 4745000 =
     *       18979792 contracts and 4744958400 − 949000000 = 3795958400;
     *   <li>premium share of the new option ⌊999999982 × 4745000 / 23724792⌋ = 200001749, the option keeps 799998233;
     *       fee share ⌊34880711 × 4745000 / 23724792⌋ = 6976203, the option keeps 27904508;
     *   <li>at 2613.45 the option pays 113.45 × 18.979792 = 2153.2574024 → 2153257402 (P&L 2153257402 − 799998233 =
     *       1353259169), the new one 113.45 × 4.745 = 538.32025 → 538320250 (P&L 538320250 − 200001749 = 338318501);
     *       together 2691577652 and 1691577670, the unsplit trade's payout and P&L.
     * </ul>
     */
    @Test
    void shouldReduceTheTradeBySplitOffContractsAndGiveTheHolderTheNewOption() {
        Account taker = devnet.takers().get(0);
        devnet.setPrice("ETH", BigInteger.valueOf(245_037_000_000L));
        BigInteger realisedBefore = realisedPnl(taker);
        try (SocketIoTestClient client = subscribed(taker)) {
            String tx = hash(devnet.fill(taker, spread(60), REFERRER));
            String option = option(taker, tx);
            JsonNode entered = trade(taker, tx, option, "OPEN");
            assertThat(entered.path("fee").path("raw").asString()).isEqualTo("34880711");

            // the split and the owner's new price (which the split does not read) are mined side by side
            String splitTx =
                    devnet.sendWithoutWaiting(taker, option, Devnet.splitFunction(BigInteger.valueOf(949_000_000L)));
            devnet.setPrice("ETH", BigInteger.valueOf(261_345_000_000L));
            TransactionReceipt split = devnet.receipt(splitTx);
            assertThat(split.isStatusOK()).as("split").isTrue();
            String newOption = Devnet.splitOffOption(split, option).toLowerCase(Locale.ROOT);

            JsonNode reduced = awaitPush(client, PushMessage.TRADE_UPDATED, tx, option, "split");
            assertThat(reduced.path("contracts").path("raw").asString()).isEqualTo("18979792");
            assertThat(reduced.path("collateralAmount").path("raw").asString()).isEqualTo("3795958400");
            assertThat(reduced.path("splitContracts").path("raw").asString()).isEqualTo("4745000");
            assertThat(reduced.path("splitCollateral").path("raw").asString()).isEqualTo("949000000");
            assertThat(reduced.path("premium").path("raw").asString()).isEqualTo("799998233");
            assertThat(reduced.path("fee").path("raw").asString()).isEqualTo("27904508");
            JsonNode splitOff = awaitPush(client, PushMessage.TRADE_UPDATED, tx, newOption, "split");
            assertThat(splitOff.path("tradeStatus").asString()).isEqualTo("OPEN");
            assertThat(splitOff.path("splitFrom").asString()).isEqualToIgnoringCase(option);
            assertThat(splitOff.path("side").asString()).isEqualTo("BUYER");
            assertThat(splitOff.path("contracts").path("raw").asString()).isEqualTo("4745000");
            assertThat(splitOff.path("collateralAmount").path("raw").asString()).isEqualTo("949000000");
            assertThat(splitOff.path("premium").path("raw").asString()).isEqualTo("200001749");
            assertThat(splitOff.path("fee").path("raw").asString()).isEqualTo("6976203");

            devnet.passTime(60); // both options expire; the keeper settles each
            JsonNode parent = trade(taker, tx, option, "SETTLED");
            assertThat(parent.path("payout").path("raw").asString()).isEqualTo("2153257402");
            assertThat(parent.path("collateralReturned").path("raw").asString()).isEqualTo("1642700998");
            assertThat(parent.path("pnl").path("raw").asString()).isEqualTo("1353259169");
            assertThat(parent.path("contracts").path("raw").asString()).isEqualTo("18979792");
            JsonNode child = trade(taker, tx, newOption, "SETTLED");
            assertThat(child.path("payout").path("raw").asString()).isEqualTo("538320250");
            assertThat(child.path("collateralReturned").path("raw").asString()).isEqualTo("410679750");
            assertThat(child.path("pnl").path("raw").asString()).isEqualTo("338318501");
            assertThat(child.path("settlementPrice").path("raw").asString()).isEqualTo("261345000000");
            assertThat(child.path("confirmation").asString()).isIn("seen", "confirmed");

            // the wallet's realised P&L is the unsplit trade's
            await().atMost(WAIT).pollInterval(POLL).untilAsserted(() -> assertThat(
                            realisedPnl(taker).subtract(realisedBefore))
                    .isEqualTo(new BigInteger("1691577670")));
            // and the split-off row is kept once the indexer has confirmed its block
            await().atMost(WAIT).pollInterval(POLL).until(() -> find(taker, tx, newOption)
                    .map(t -> t.path("confirmation").asString().equals("confirmed"))
                    .orElse(false));
            assertThat(find(taker, tx, option)
                            .orElseThrow()
                            .path("confirmation")
                            .asString())
                    .isEqualTo("confirmed");
        }
    }

    @Test
    void shouldTakeASplitBackWhenAReorgRemovesItsBlock() {
        Account taker = devnet.takers().get(1);
        try (SocketIoTestClient client = subscribed(taker)) {
            String tx = hash(devnet.fill(taker, spread(7 * 24 * 3600), REFERRER));
            String option = option(taker, tx);
            TransactionReceipt split = devnet.splitOption(taker, option, BigInteger.valueOf(949_000_000L));
            String newOption = Devnet.splitOffOption(split, option).toLowerCase(Locale.ROOT);
            awaitPush(client, PushMessage.TRADE_UPDATED, tx, option, "split");
            awaitPush(client, PushMessage.TRADE_UPDATED, tx, newOption, "split");

            devnet.reorg(devnet.head() - split.getBlockNumber().longValueExact() + 1);

            JsonNode restored = awaitPush(client, PushMessage.TRADE_UPDATED, tx, option, "reverted");
            assertThat(restored.path("contracts").path("raw").asString()).isEqualTo(CONTRACTS.toString());
            assertThat(restored.path("collateralAmount").path("raw").asString()).isEqualTo(COLLATERAL);
            assertThat(restored.path("premium").path("raw").asString()).isEqualTo(PREMIUM);
            assertThat(restored.path("splitContracts").isNull()).isTrue();
            awaitPush(client, PushMessage.TRADE_REMOVED, tx, newOption, "removed");
            await().atMost(WAIT).pollInterval(POLL).until(() -> find(taker, tx, newOption)
                    .isEmpty());
            assertThat(find(taker, tx, option)
                            .orElseThrow()
                            .path("contracts")
                            .path("raw")
                            .asString())
                    .isEqualTo(CONTRACTS.toString());
        }
    }

    @Test
    void shouldTakeACloseBackWhenAReorgRemovesItsBlock() {
        Account taker = devnet.takers().get(0);
        try (SocketIoTestClient client = subscribed(taker)) {
            String tx = hash(devnet.fill(taker, spread(7 * 24 * 3600), REFERRER));
            String option = option(taker, tx);
            TransactionReceipt close = devnet.closeOption(taker, option);
            awaitPush(client, PushMessage.TRADE_UPDATED, tx, "closed");
            trade(taker, tx, "CLOSED");

            devnet.reorg(devnet.head() - close.getBlockNumber().longValueExact() + 1);

            JsonNode reverted = awaitPush(client, PushMessage.TRADE_UPDATED, tx, "reverted");
            assertThat(reverted.path("tradeStatus").asString()).isEqualTo("OPEN");
            JsonNode trade = trade(taker, tx, "OPEN");
            assertThat(trade.path("payout").isNull()).isTrue();
            assertThat(trade.path("pnl").isNull()).isTrue();
            assertThat(trade.path("lifecycleTxHash").isNull()).isTrue();
        }
    }

    /** The reference spread from the maker, its option expiring {@code seconds} after the latest block. */
    private static Devnet.Order spread(long seconds) {
        return devnet.referenceSpread(BigInteger.valueOf(20_000_000_000L))
                .withNumContracts(CONTRACTS)
                .withExpiry(devnet.latestBlockTimestamp() + seconds);
    }

    private SocketIoTestClient subscribed(Account wallet) {
        SocketIoTestClient client = SocketIoTestClient.connect("http://127.0.0.1:" + port);
        client.awaitConnected();
        assertThat(client.emitWithAck("subscribe:positions", wallet.address()).toString())
                .isEqualTo("{\"ok\":true}");
        return client;
    }

    private static JsonNode awaitPush(SocketIoTestClient client, String event, String tx) {
        return awaitPush(client, event, tx, null);
    }

    private static JsonNode awaitPush(
            SocketIoTestClient client, String event, String tx, String option, String status) {
        return client.await(
                        line -> line.path("event").asString().equals(event)
                                && line.path("args")
                                        .path(0)
                                        .path("entryTxHash")
                                        .asString()
                                        .equals(tx)
                                && line.path("args")
                                        .path(0)
                                        .path("optionAddress")
                                        .asString()
                                        .equalsIgnoreCase(option)
                                && line.path("args")
                                        .path(0)
                                        .path("status")
                                        .asString()
                                        .equals(status),
                        WAIT,
                        event + " " + status + " for " + tx + " of " + option)
                .path("args")
                .path(0);
    }

    private static JsonNode awaitPush(SocketIoTestClient client, String event, String tx, String status) {
        return client.await(
                        line -> line.path("event").asString().equals(event)
                                && line.path("args")
                                        .path(0)
                                        .path("entryTxHash")
                                        .asString()
                                        .equals(tx)
                                && (status == null
                                        || line.path("args")
                                                .path(0)
                                                .path("status")
                                                .asString()
                                                .equals(status)),
                        WAIT,
                        event + " " + status + " for " + tx)
                .path("args")
                .path(0);
    }

    /** The wallet's trade of the fill once the trades API shows it with {@code status}. */
    private JsonNode trade(Account wallet, String tx, String status) {
        return await().atMost(WAIT)
                .pollInterval(POLL)
                .until(
                        () -> find(wallet, tx)
                                .filter(t -> t.path("status").asString().equals(status)),
                        Optional::isPresent)
                .orElseThrow();
    }

    /** The wallet's trade of the fill in {@code option} once the trades API shows it with {@code status}. */
    private JsonNode trade(Account wallet, String tx, String option, String status) {
        return await().atMost(WAIT)
                .pollInterval(POLL)
                .until(
                        () -> find(wallet, tx, option)
                                .filter(t -> t.path("status").asString().equals(status)),
                        Optional::isPresent)
                .orElseThrow();
    }

    private Optional<JsonNode> find(Account wallet, String tx, String option) {
        JsonNode trades = body(get("/nuts/users/" + wallet.address() + "/trades?limit=100"))
                .path("data")
                .path("trades");
        return StreamSupport.stream(trades.spliterator(), false)
                .filter(t -> t.path("entryTxHash").asString().equals(tx)
                        && t.path("optionAddress").asString().equalsIgnoreCase(option))
                .findFirst();
    }

    private BigInteger realisedPnl(Account wallet) {
        JsonNode byCollateral = body(get("/nuts/users/" + wallet.address() + "/summary"))
                .path("data")
                .path("byCollateral");
        return byCollateral.isEmpty()
                ? BigInteger.ZERO
                : new BigInteger(
                        byCollateral.path(0).path("realisedPnl").path("raw").asString());
    }

    /**
     * The wallet's realised P&L on the all-time P&L leaderboard, checked to rank it as competition ranking does (one
     * more than the number of wallets with a strictly greater value), or empty when it is not listed.
     */
    private Optional<BigInteger> pnlLeaderboardValue(Account wallet) {
        HttpResponse<String> response = get("/nuts/leaderboard?metric=pnl&window=all&limit=100&collateral=USDC");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<JsonNode> entries = new ArrayList<>();
        body(response).path("data").path("entries").forEach(entries::add);
        return entries.stream()
                .filter(e -> e.path("address").asString().equalsIgnoreCase(wallet.address()))
                .findFirst()
                .map(e -> {
                    BigInteger value =
                            new BigInteger(e.path("value").path("raw").asString());
                    long above = entries.stream()
                            .filter(o ->
                                    new BigInteger(o.path("value").path("raw").asString()).compareTo(value) > 0)
                            .count();
                    assertThat(e.path("rank").asLong())
                            .as("rank of %s", wallet.address())
                            .isEqualTo(above + 1);
                    return value;
                });
    }

    /** The block of the option's one {@code OptionExpired} log since {@code filled}, read from the chain. */
    private static long optionExpiredBlock(String option, TransactionReceipt filled) {
        try {
            EthFilter filter = new EthFilter(
                    DefaultBlockParameter.valueOf(filled.getBlockNumber()), DefaultBlockParameterName.LATEST, option);
            filter.addSingleTopic(EventEncoder.buildEventSignature("OptionExpired(address,uint256)"));
            List<EthLog.LogResult> logs =
                    devnet.web3j().ethGetLogs(filter).send().getLogs();
            assertThat(logs).as("OptionExpired logs of %s", option).hasSize(1);
            return ((Log) logs.get(0).get()).getBlockNumber().longValueExact();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first block from {@code from} on whose timestamp is at or after {@code time} (unix seconds). */
    private static long firstBlockAtOrAfter(long time, long from) {
        try {
            for (long n = from; n <= devnet.head(); n++) {
                long timestamp = devnet.web3j()
                        .ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(n)), false)
                        .send()
                        .getBlock()
                        .getTimestamp()
                        .longValueExact();
                if (timestamp >= time) {
                    return n;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError("no block reached " + time);
    }

    private String option(Account wallet, String tx) {
        return await().atMost(WAIT)
                .pollInterval(POLL)
                .until(() -> find(wallet, tx), Optional::isPresent)
                .orElseThrow()
                .path("optionAddress")
                .asString();
    }

    private Optional<JsonNode> find(Account wallet, String tx) {
        JsonNode trades = body(get("/nuts/users/" + wallet.address() + "/trades?limit=100"))
                .path("data")
                .path("trades");
        return StreamSupport.stream(trades.spliterator(), false)
                .filter(t -> t.path("entryTxHash").asString().equals(tx))
                .findFirst();
    }

    private static String hash(TransactionReceipt receipt) {
        return receipt.getTransactionHash().toLowerCase(Locale.ROOT);
    }
}

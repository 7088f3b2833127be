package io.nutsgate.fill;

import io.nutsgate.capacity.LiveCapacity;
import io.nutsgate.common.Addresses;
import io.nutsgate.common.Amount;
import io.nutsgate.common.ApiException;
import io.nutsgate.common.Decimals;
import io.nutsgate.common.ErrorCode;
import io.nutsgate.optionmath.OptionMath;
import io.nutsgate.optionmath.OptionStructure;
import io.nutsgate.orders.LiveOrder;
import io.nutsgate.orders.OrderBook;
import io.nutsgate.protocol.Platform;
import io.nutsgate.rpc.RpcException;
import io.nutsgate.settings.NutsProperties;
import java.math.BigInteger;
import java.time.Clock;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Sizes a fill of a live order and builds the transactions for it (REFERENCE §3.2–§3.4). Refuses quotes that
 * expire within the configured margin (60 s by default): the user still has to sign and the transaction to be
 * mined.
 */
@Component
class FillPlanner {

    private static final Pattern ORDER_ID = Pattern.compile("^0x[0-9a-fA-F]{64}$");

    private final OrderBook orders;
    private final Platform platform;
    private final Clock clock;
    private final long quoteMarginSeconds;
    private final Integer referrerFeeSplitBps;
    private final LiveCapacity liveCapacity;
    private final FillSimulation simulation;

    FillPlanner(
            OrderBook orders,
            Platform platform,
            Clock clock,
            NutsProperties properties,
            LiveCapacity liveCapacity,
            FillSimulation simulation) {
        this.orders = orders;
        this.liveCapacity = liveCapacity;
        this.simulation = simulation;
        this.platform = platform;
        this.clock = clock;
        this.quoteMarginSeconds = properties.fill().quoteMargin().toSeconds();
        this.referrerFeeSplitBps = properties.fill().referrerFeeSplitBps();
    }

    FillPlanView plan(String id, FillPlanRequest request) {
        String referrer = platform.referrer()
                .orElseThrow(() -> new ApiException(
                        ErrorCode.REFERRER_NOT_CONFIGURED,
                        "this service has no referrer address (ALPHABIT_REFERRER_ADDRESS); fills are not offered"));
        if ((request.usdcAmount() == null) == (request.numContracts() == null)) {
            throw new ApiException(ErrorCode.INVALID_BODY, "give exactly one of usdcAmount or numContracts");
        }
        String taker = request.taker() == null ? null : Addresses.require(request.taker(), "taker");
        if (id == null || !ORDER_ID.matcher(id).matches()) {
            throw new ApiException(ErrorCode.INVALID_PARAMETER, "id must be an order id: 0x and 64 hex digits");
        }
        LiveOrder order = orders.find(id)
                .orElseThrow(() -> new ApiException(ErrorCode.ORDER_NOT_FOUND, "id " + id + " is not a live order"));
        if (order.product() == null
                || !order.deployment()
                        .product(order.implementation())
                        .map(order.product()::equals)
                        .orElse(false)) {
            throw new ApiException(
                    ErrorCode.UNKNOWN_IMPLEMENTATION,
                    "the order's implementation " + order.implementation() + " is not a known product");
        }
        requireFillable(order);

        int decimals = order.collateral().decimals();
        boolean takerBuys = order.takerBuys();
        BigInteger capacity = capacityNow(order);
        BigInteger contracts;
        boolean capped = false;
        if (request.usdcAmount() != null) {
            BigInteger budget = Decimals.parse(request.usdcAmount(), decimals, "usdcAmount");
            BigInteger wanted = takerBuys
                    ? OptionMath.contractsForPremium(budget, order.price())
                    // a selling taker's budget pays collateral: size it like a maker-short budget
                    : OptionMath.maxContracts(order.product(), order.strikes(), false, order.price(), budget);
            capped = wanted.compareTo(capacity) > 0;
            contracts = wanted.min(capacity);
        } else {
            contracts = Decimals.parse(request.numContracts(), decimals, "numContracts");
            if (contracts.compareTo(capacity) > 0) {
                throw new ApiException(
                        ErrorCode.AMOUNT_EXCEEDS_CAPACITY,
                        "numContracts " + request.numContracts() + " exceeds the order's capacity of "
                                + Decimals.format(capacity, decimals)
                                + bookWouldSay(order, contracts, taker, referrer));
            }
        }
        if (contracts.signum() == 0) {
            throw new ApiException(
                    ErrorCode.AMOUNT_TOO_SMALL,
                    (request.usdcAmount() != null ? "usdcAmount" : "numContracts")
                            + " buys no contract at this order's price");
        }

        BigInteger premium = OptionMath.premium(order.price(), contracts);
        BigInteger collateral =
                OptionMath.collateral(new OptionStructure(order.product(), order.strikes(), contracts, decimals));
        BigInteger fee = order.product().baseCollateral() || order.spotPrice() != null
                ? OptionMath.protocolFee(order.product(), contracts, premium, order.spotPrice())
                : null;
        BigInteger referrerFee =
                fee == null || referrerFeeSplitBps == null ? null : OptionMath.referrerShare(fee, referrerFeeSplitBps);
        BigInteger allowance = takerBuys ? premium : collateral;
        String token = order.collateral().address();
        String book = order.optionBook();

        String fillData = FillCalldata.fillOrder(order, contracts, referrer);
        FillPlanView.TakerState takerState = null;
        FillPlanView.Simulation simulated;
        if (taker == null) {
            simulated = new FillPlanView.Simulation(false, true, null, "no taker given");
        } else {
            try {
                FillSimulation.Result r = simulation.simulate(taker, token, book, allowance, fillData);
                if (r.skipped()) {
                    simulated = new FillPlanView.Simulation(false, true, null, "BASE_RPC_URL is not set");
                } else {
                    takerState = new FillPlanView.TakerState(
                            Amount.of(r.balance(), decimals),
                            Amount.of(r.allowance(), decimals),
                            r.approvalNeeded(),
                            r.balanceSufficient());
                    simulated = new FillPlanView.Simulation(r.ok(), false, r.revertReason(), null);
                }
            } catch (RpcException e) {
                simulated = new FillPlanView.Simulation(false, true, null, "the RPC node failed: " + e.getMessage());
            }
        }
        List<FillPlanView.Tx> transactions = List.of(
                new FillPlanView.Tx("approve", taker, token, FillCalldata.approve(book, allowance), "0"),
                new FillPlanView.Tx("fillOrder", taker, book, fillData, "0"));
        return new FillPlanView(
                order.id(),
                order.product().name(),
                order.product().name(),
                order.underlying(),
                takerBuys ? "BUY" : "SELL",
                order.collateral(),
                Amount.of(contracts, decimals),
                Amount.of(capacity, decimals),
                capped,
                Amount.of(order.price(), 8),
                Amount.of(premium, decimals),
                Amount.of(collateral, decimals),
                fee == null ? null : Amount.of(fee, decimals),
                referrer,
                referrerFee == null ? null : Amount.of(referrerFee, decimals),
                new FillPlanView.Approval(token, book, Amount.of(allowance, decimals)),
                transactions,
                order.orderExpiryTimestamp(),
                order.expiry(),
                takerState,
                simulated);
    }

    /**
     * With a taker and the chain on: what the book answers to this over-capacity fill ({@code eth_call}), as
     * {@code "; the OptionBook reverts: <reason>"}; empty otherwise.
     */
    private String bookWouldSay(LiveOrder order, BigInteger contracts, String taker, String referrer) {
        if (taker == null) {
            return "";
        }
        try {
            BigInteger premium = OptionMath.premium(order.price(), contracts);
            BigInteger allowance = order.takerBuys()
                    ? premium
                    : OptionMath.collateral(new OptionStructure(
                            order.product(),
                            order.strikes(),
                            contracts,
                            order.collateral().decimals()));
            FillSimulation.Result r = simulation.simulate(
                    taker,
                    order.collateral().address(),
                    order.optionBook(),
                    allowance,
                    FillCalldata.fillOrder(order, contracts, referrer));
            return r.skipped() || r.ok() || r.revertReason() == null
                    ? ""
                    : "; the OptionBook reverts: " + r.revertReason();
        } catch (RpcException | ArithmeticException e) {
            return "";
        }
    }

    /**
     * The signed budget's capacity, net of the last {@code amountFilled(nonce)} read in the background (never waits on
     * the node; the simulation of the fill itself says what the book answers now).
     */
    private BigInteger capacityNow(LiveOrder order) {
        return liveCapacity
                .amountFilled(order.optionBook(), List.of(order.nonce()))
                .map(snapshot -> snapshot.amountFilled().get(order.nonce()))
                .map(used -> used.equals(LiveCapacity.CANCELLED)
                        ? BigInteger.ZERO
                        : order.maxContracts(order.maxCollateralUsable().subtract(used)))
                .orElse(order.maxContracts());
    }

    private void requireFillable(LiveOrder order) {
        long now = clock.instant().getEpochSecond();
        if (order.orderExpiryTimestamp() <= now) {
            throw new ApiException(
                    ErrorCode.ORDER_EXPIRED,
                    "the quote of order " + order.id() + " expired at orderExpiryTimestamp "
                            + order.orderExpiryTimestamp());
        }
        if (order.orderExpiryTimestamp() <= now + quoteMarginSeconds) {
            throw new ApiException(
                    ErrorCode.ORDER_EXPIRED,
                    "the quote of order " + order.id() + " expires in " + (order.orderExpiryTimestamp() - now)
                            + " s, too soon to sign and mine a fill");
        }
        if (order.expiry() <= now) {
            throw new ApiException(
                    ErrorCode.ORDER_EXPIRED,
                    "the option of order " + order.id() + " expired at expiry " + order.expiry());
        }
    }
}

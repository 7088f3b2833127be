package io.nutsgate.payout;

import io.nutsgate.common.Addresses;
import io.nutsgate.common.Amount;
import io.nutsgate.common.ApiException;
import io.nutsgate.common.Decimals;
import io.nutsgate.common.ErrorCode;
import io.nutsgate.common.JsonFields;
import io.nutsgate.optionmath.CurvePoint;
import io.nutsgate.optionmath.OptionMath;
import io.nutsgate.optionmath.OptionStructure;
import io.nutsgate.optionmath.Settlement;
import io.nutsgate.optionmath.Side;
import io.nutsgate.orders.LiveOrder;
import io.nutsgate.orders.OrderBook;
import io.nutsgate.protocol.Deployment;
import io.nutsgate.protocol.Platform;
import io.nutsgate.protocol.Product;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/** Resolves what a payout request points at (raw order, live order, filled position) and values it. */
@Component
class Payouts {

    static final int DEFAULT_CURVE_POINTS = 200;
    private static final Pattern ORDER_ID = Pattern.compile("^0x[0-9a-fA-F]{64}$");
    private static final BigInteger EIGHT = BigInteger.valueOf(8),
            TEN = BigInteger.TEN,
            TWELVE = BigInteger.valueOf(12);

    private final OrderBook orders;
    private final OptionPositions positions;
    private final RecordedOptionPositions recorded;
    private final Platform platform;

    Payouts(OrderBook orders, OptionPositions positions, RecordedOptionPositions recorded, Platform platform) {
        this.recorded = recorded;
        this.platform = platform;
        this.orders = orders;
        this.positions = positions;
    }

    /** What is being valued, in on-chain units. {@code price} is null for filled positions. */
    record Subject(
            String source,
            String orderId,
            String optionAddress,
            OptionStructure position,
            Deployment.Token collateral,
            String underlying,
            BigInteger price,
            BigInteger premium,
            BigInteger knownSettlement,
            boolean capped) {}

    PayoutView payout(PayoutRequest request) {
        int given = (request.order() != null ? 1 : 0)
                + (request.orderId() != null ? 1 : 0)
                + (request.optionAddress() != null ? 1 : 0);
        if (given != 1) {
            throw new ApiException(ErrorCode.INVALID_BODY, "give exactly one of order, orderId or optionAddress");
        }
        Subject subject;
        if (request.order() != null) {
            subject = fromRawOrder(request.order(), request.numContracts());
        } else if (request.orderId() != null) {
            LiveOrder order = liveOrder(request.orderId(), "orderId");
            BigInteger contracts = request.numContracts() == null
                    ? BigInteger.TEN.pow(order.collateral().decimals())
                    : Decimals.parse(request.numContracts(), order.collateral().decimals(), "numContracts");
            subject = fromLiveOrder(order, contracts, false);
        } else {
            subject = fromPosition(request.optionAddress(), request.owner(), request.numContracts());
        }
        BigInteger settlement = request.settlementPrice() != null
                ? Decimals.parse(request.settlementPrice(), 8, "settlementPrice")
                : subject.knownSettlement();
        return view(subject, settlement);
    }

    /**
     * The buyer's curve of a live order. Size from a premium budget ({@code usdcAmount}, in the order's
     * collateral token, capped by the order's capacity) or a contract count ({@code numContracts}, refused
     * above capacity); one contract when neither is given. Default range: lowest strike −20 % to highest +20 %.
     */
    PayoffView payoff(String id, String usdcAmount, String numContracts, String from, String to, Integer points) {
        if (usdcAmount != null && numContracts != null) {
            throw new ApiException(ErrorCode.INVALID_PARAMETER, "give usdcAmount or numContracts, not both");
        }
        LiveOrder order = liveOrder(id, "id");
        int decimals = order.collateral().decimals();
        BigInteger capacity = order.maxContracts();
        BigInteger contracts;
        boolean capped = false;
        if (usdcAmount != null) {
            BigInteger wanted =
                    OptionMath.contractsForPremium(Decimals.parse(usdcAmount, decimals, "usdcAmount"), order.price());
            capped = wanted.compareTo(capacity) > 0;
            contracts = wanted.min(capacity);
        } else if (numContracts != null) {
            contracts = Decimals.parse(numContracts, decimals, "numContracts");
            if (contracts.compareTo(capacity) > 0) {
                throw new ApiException(
                        ErrorCode.AMOUNT_EXCEEDS_CAPACITY,
                        "numContracts " + numContracts + " exceeds the order's capacity of "
                                + Decimals.format(capacity, decimals));
            }
        } else {
            contracts = BigInteger.TEN.pow(decimals);
        }
        Subject subject = fromLiveOrder(order, contracts, capped);
        OptionStructure position = subject.position();
        // lowest and highest strike, whichever order the order lists them in (put structures: descending)
        List<BigInteger> strikes = OptionMath.ascending(position.product(), position.strikes());
        BigInteger low = from != null
                ? Decimals.parse(from, 8, "from")
                : strikes.getFirst().multiply(EIGHT).divide(TEN);
        BigInteger high = to != null
                ? Decimals.parse(to, 8, "to")
                : strikes.getLast().multiply(TWELVE).divide(TEN);
        int count = points == null ? DEFAULT_CURVE_POINTS : points;
        List<CurvePoint> curve = OptionMath.payoffCurve(position, subject.premium(), low, high, count);

        List<PayoffView.Point> views = new ArrayList<>(curve.size());
        for (CurvePoint p : curve) {
            views.add(new PayoffView.Point(
                    Amount.usd(p.price()), Amount.of(p.payout(), decimals), Amount.of(p.profit(), decimals)));
        }
        return new PayoffView(
                order.id(),
                position.product().name(),
                optionType(position.product()),
                order.underlying(),
                order.collateral(),
                Amount.of(contracts, decimals),
                capped,
                Amount.of(subject.premium(), decimals),
                Amount.of(OptionMath.maxPayout(position), decimals),
                maxLoss(position, subject.premium(), decimals),
                OptionMath.breakevens(position, subject.premium()).stream()
                        .map(Amount::usd)
                        .toList(),
                Amount.usd(low),
                Amount.usd(high),
                views);
    }

    // ---------------------------------------------------------------------------------------------- resolving

    /** The live order {@code id}; errors name {@code field} (the path's {@code id}, the body's {@code orderId}). */
    private LiveOrder liveOrder(String id, String field) {
        if (id == null || !ORDER_ID.matcher(id).matches()) {
            throw new ApiException(ErrorCode.INVALID_PARAMETER, field + " must be an order id: 0x and 64 hex digits");
        }
        return orders.find(id)
                .orElseThrow(
                        () -> new ApiException(ErrorCode.ORDER_NOT_FOUND, field + " " + id + " is not a live order"));
    }

    private static Subject fromLiveOrder(LiveOrder order, BigInteger contracts, boolean capped) {
        OptionStructure position = new OptionStructure(
                order.product(), order.strikes(), contracts, order.collateral().decimals());
        return new Subject(
                "orderId",
                order.id(),
                null,
                position,
                order.collateral(),
                order.underlying(),
                order.price(),
                OptionMath.premium(order.price(), contracts),
                null,
                capped);
    }

    private Subject fromRawOrder(PayoutRequest.RawOrder raw, String numContracts) {
        if (numContracts == null) {
            throw new ApiException(ErrorCode.INVALID_BODY, "numContracts is required with order");
        }
        String implementation = Addresses.require(raw.implementation(), "order.implementation");
        String collateralAddress = Addresses.require(raw.collateral(), "order.collateral");
        Product product = platform.deployments().stream()
                .map(d -> d.product(implementation))
                .flatMap(Optional::stream)
                .findFirst()
                .orElseThrow(() -> new ApiException(
                        ErrorCode.UNKNOWN_IMPLEMENTATION,
                        "order.implementation " + implementation + " is not a known product"));
        Deployment.Token collateral = platform.deployments().stream()
                .map(d -> d.token(collateralAddress))
                .flatMap(Optional::stream)
                .findFirst()
                .orElseThrow(() -> new ApiException(
                        ErrorCode.INVALID_PARAMETER,
                        "order.collateral " + collateralAddress + " is not a known token"));
        String underlying = raw.priceFeed() == null
                ? null
                : platform.deployments().stream()
                        .map(d -> d.priceFeed(raw.priceFeed()))
                        .flatMap(Optional::stream)
                        .map(Deployment.PriceFeed::underlying)
                        .findFirst()
                        .orElse(null);
        List<BigInteger> strikes = new ArrayList<>();
        for (JsonNode strike : raw.strikes()) {
            strikes.add(JsonFields.unsigned(strike)
                    .orElseThrow(() -> new ApiException(
                            ErrorCode.INVALID_STRIKES, "order.strikes must be non-negative 8-decimal integers")));
        }
        BigInteger price = JsonFields.unsigned(raw.price())
                .orElseThrow(() -> new ApiException(ErrorCode.INVALID_AMOUNT, "order.price must be an integer"));
        BigInteger contracts = Decimals.parse(numContracts, collateral.decimals(), "numContracts");
        OptionStructure position = new OptionStructure(product, strikes, contracts, collateral.decimals());
        return new Subject(
                "order",
                null,
                null,
                position,
                collateral,
                underlying,
                price,
                OptionMath.premium(price, contracts),
                null,
                false);
    }

    private Subject fromPosition(String optionAddress, String owner, String numContracts) {
        String option = Addresses.require(optionAddress, "optionAddress");
        HeldPosition held;
        if (owner == null) {
            // Without an owner only our own records can answer: the indexer is queried per user.
            held = recorded.find(option)
                    .orElseThrow(() -> new ApiException(
                            ErrorCode.POSITION_NOT_FOUND,
                            "optionAddress: no fill of " + option
                                    + " was made through this platform; pass its owner to ask the indexer"));
        } else {
            String holder = Addresses.require(owner, "owner");
            held = positions
                    .find(option, holder)
                    .orElseThrow(() -> new ApiException(
                            ErrorCode.POSITION_NOT_FOUND,
                            "optionAddress: no position " + option + " held by owner " + holder));
        }
        int decimals = held.collateral().decimals();
        BigInteger contracts = held.contracts();
        BigInteger premium = held.premium();
        if (numContracts != null) {
            // a what-if on part of the position: the premium scales with the size, floored
            BigInteger wanted = Decimals.parse(numContracts, decimals, "numContracts");
            premium = contracts.signum() == 0
                    ? BigInteger.ZERO
                    : premium.multiply(wanted).divide(contracts);
            contracts = wanted;
        }
        OptionStructure position = new OptionStructure(held.product(), held.strikes(), contracts, decimals);
        return new Subject(
                "optionAddress",
                null,
                held.optionAddress(),
                position,
                held.collateral(),
                held.underlying(),
                null,
                premium,
                held.settlementPrice(),
                false);
    }

    // ---------------------------------------------------------------------------------------------- views

    private static PayoutView view(Subject subject, BigInteger settlement) {
        OptionStructure position = subject.position();
        int decimals = subject.collateral().decimals();
        BigInteger premium = subject.premium();
        BigInteger collateral = OptionMath.collateral(position);
        PayoutView.AtSettlement at = null;
        if (settlement != null) {
            Settlement s = OptionMath.settle(position, settlement);
            at = new PayoutView.AtSettlement(
                    Amount.usd(settlement),
                    Amount.of(s.buyerPayout(), decimals),
                    Amount.of(s.sellerReturn(), decimals),
                    new PayoutView.SideAmounts(
                            Amount.of(OptionMath.profit(position, Side.BUYER, premium, settlement), decimals),
                            Amount.of(OptionMath.profit(position, Side.SELLER, premium, settlement), decimals)));
        }
        return new PayoutView(
                subject.source(),
                subject.orderId(),
                subject.optionAddress(),
                position.product().name(),
                optionType(position.product()),
                position.product().structure().name(),
                subject.underlying(),
                subject.collateral(),
                position.strikes().stream().map(Amount::usd).toList(),
                Amount.of(position.contracts(), decimals),
                subject.price() == null ? null : Amount.of(subject.price(), 8),
                Amount.of(premium, decimals),
                Amount.of(collateral, decimals),
                Amount.of(OptionMath.maxPayout(position), decimals),
                maxLoss(position, premium, decimals),
                OptionMath.breakevens(position, premium).stream()
                        .map(Amount::usd)
                        .toList(),
                at);
    }

    private static PayoutView.SideAmounts maxLoss(OptionStructure position, BigInteger premium, int decimals) {
        return new PayoutView.SideAmounts(
                Amount.of(OptionMath.maxLoss(position, Side.BUYER, premium), decimals),
                Amount.of(OptionMath.maxLoss(position, Side.SELLER, premium), decimals));
    }

    /** The label clients show; the product key itself (CALL_SPREAD, IRON_CONDOR, …). */
    static String optionType(Product product) {
        return product.name();
    }
}

package io.nutsgate.trades;

import io.nutsgate.common.Addresses;
import io.nutsgate.optionmath.Side;
import io.nutsgate.protocol.Product;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns an indexer Position object (REFERENCE §1.5, §1.6) into the {@link Trade} one wallet made, if it was made with
 * our referrer and the wallet is its buyer or seller.
 *
 * <p>Status: {@code explicitClose} set or {@code status:"closed"} → CLOSED; {@code status:"settled"} or a
 * {@code settlement} without oracle failure → SETTLED; {@code optionStatus:"expired-awaiting-settlement"} or expiry
 * passed → EXPIRED; otherwise OPEN.
 *
 * <p>Payout and P&L (collateral base units), for SETTLED and CLOSED:
 *
 * <ul>
 *   <li>payout = {@code settlement.payoutBuyer}; a close without settlement data pays the buyer 0 and returns the
 *       whole collateral to the seller;
 *   <li>returned = {@code settlement.collateralReturnedSeller}, or {@code collateral − payout} when null;
 *   <li>buyer P&L = payout − premium (the fee is inside the premium the buyer paid);
 *   <li>seller P&L = premium − fee − (collateral − returned).
 * </ul>
 */
final class PositionMapper {

    private static final Pattern TX_HASH = Pattern.compile("^0x[0-9a-fA-F]{64}$");
    private static final Pattern UNSIGNED = Pattern.compile("^[0-9]{1,78}$");
    private static final Pattern SYMBOL = Pattern.compile("^[A-Za-z0-9._-]{1,32}$");
    private static final Pattern PRODUCT = Pattern.compile("^[A-Z][A-Z0-9_]{0,39}$");
    private static final int MAX_STRIKES = 8;

    private PositionMapper() {}

    /** A position the indexer sent that cannot be read; the sync skips it and says why. */
    static final class InvalidPositionException extends RuntimeException {
        InvalidPositionException(String message) {
            super(message);
        }
    }

    /**
     * The trades {@code wallet} made in {@code position}: one when it is the buyer or the seller, two (BUYER then
     * SELLER) when it is both, none when the position has another referrer or the wallet is neither. {@code wallet}
     * and {@code referrer} are lower case.
     */
    static List<Trade> toTrades(JsonNode position, String wallet, String referrer, Instant now) {
        if (!(position instanceof ObjectNode)) {
            throw new InvalidPositionException("position is not a JSON object");
        }
        String positionReferrer = optionalAddress(position, "referrer");
        if (positionReferrer == null || !positionReferrer.equals(referrer)) {
            return List.of();
        }
        List<Trade> trades = new ArrayList<>(2);
        if (wallet.equals(optionalAddress(position, "buyer"))) {
            trades.add(toTrade(position, wallet, Side.BUYER, positionReferrer, now));
        }
        if (wallet.equals(optionalAddress(position, "seller"))) {
            trades.add(toTrade(position, wallet, Side.SELLER, positionReferrer, now));
        }
        return List.copyOf(trades);
    }

    private static Trade toTrade(JsonNode position, String wallet, Side side, String positionReferrer, Instant now) {
        String option =
                position.hasNonNull("address") ? address(position, "address") : address(position, "optionAddress");
        String txHash = text(position, "entryTxHash");
        if (!TX_HASH.matcher(txHash).matches()) {
            throw invalid("entryTxHash", txHash);
        }
        int decimals = (int) seconds(position, "collateralDecimals", 0, 36);
        Instant expiry = Instant.ofEpochSecond(seconds(position, "expiryTimestamp", 1, 99_999_999_999L));
        BigInteger premium = amount(position, "entryPremium");
        BigInteger fee = optionalAmount(position, "entryFeePaid");
        BigInteger contracts = amount(position, "numContracts");
        BigInteger collateral = amount(position, "collateralAmount");
        String product = product(position);

        JsonNode settlement = position.path("settlement");
        boolean hasSettlement =
                settlement.isObject() && !settlement.path("oracleFailure").asBoolean(false);
        TradeStatus status = status(position, hasSettlement, expiry, now);

        BigInteger settlementPrice = hasSettlement ? optionalAmount(settlement, "settlementPrice") : null;
        BigInteger payout = null;
        BigInteger pnl = null;
        Instant settledAt = null;
        BigInteger returned = null;
        if (status.isFinal()) {
            payout = hasSettlement ? optionalAmount(settlement, "payoutBuyer") : null;
            if (payout == null && status == TradeStatus.CLOSED) {
                payout = BigInteger.ZERO;
            }
            if (payout != null) {
                returned = hasSettlement ? optionalAmount(settlement, "collateralReturnedSeller") : null;
                if (returned == null) {
                    returned = collateral.subtract(payout).max(BigInteger.ZERO);
                }
                BigInteger feeOrZero = fee == null ? BigInteger.ZERO : fee;
                pnl = side == Side.BUYER
                        ? payout.subtract(premium)
                        : premium.subtract(feeOrZero).subtract(collateral.subtract(returned));
            }
            settledAt = position.hasNonNull("closeTimestamp")
                    ? Instant.ofEpochSecond(seconds(position, "closeTimestamp", 1, 99_999_999_999L))
                    : now;
        }
        return new Trade(
                txHash.toLowerCase(Locale.ROOT),
                option,
                wallet,
                side,
                status,
                symbol(position, "underlyingAsset"),
                product,
                isCall(product),
                strikes(position),
                expiry,
                address(position, "collateralToken"),
                symbol(position, "collateralSymbol"),
                decimals,
                premium,
                fee == null ? BigInteger.ZERO : fee,
                contracts,
                collateral,
                settlementPrice,
                payout,
                pnl,
                positionReferrer,
                Instant.ofEpochSecond(seconds(position, "entryTimestamp", 1, 99_999_999_999L)),
                settledAt,
                null,
                null,
                returned,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null);
    }

    static TradeStatus status(JsonNode position, boolean hasSettlement, Instant expiry, Instant now) {
        String status = position.path("status").asString("").toLowerCase(Locale.ROOT);
        JsonNode close = position.path("explicitClose");
        boolean explicitlyClosed =
                !close.isMissingNode() && !close.isNull() && !(close.isBoolean() && !close.asBoolean());
        if (explicitlyClosed || status.equals("closed")) {
            return TradeStatus.CLOSED;
        }
        if (status.equals("settled") || hasSettlement) {
            return TradeStatus.SETTLED;
        }
        if ("expired-awaiting-settlement".equals(position.path("optionStatus").asString("")) || !expiry.isAfter(now)) {
            return TradeStatus.EXPIRED;
        }
        return TradeStatus.OPEN;
    }

    /** {@code implementationName} upper case (the old {@code *_FLYS} names mapped to {@code *_FLY}), else null. */
    static String product(JsonNode position) {
        JsonNode name = position.path("implementationName");
        if (!name.isString()) {
            return null;
        }
        String value = name.asString().trim().toUpperCase(Locale.ROOT);
        if (value.endsWith("_FLYS")) {
            value = value.substring(0, value.length() - 1);
        }
        return PRODUCT.matcher(value).matches() ? value : null;
    }

    /** True for call flavours, false for puts, null for products that are neither or unknown. */
    static Boolean isCall(String product) {
        if (product == null) {
            return null;
        }
        try {
            Product known = Product.valueOf(product);
            return known == Product.IRON_CONDOR || known == Product.RANGER ? null : known.isCall();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static List<BigInteger> strikes(JsonNode position) {
        JsonNode strikes = position.path("strikes");
        if (!strikes.isArray() || strikes.isEmpty() || strikes.size() > MAX_STRIKES) {
            throw new InvalidPositionException("strikes must be an array of 1 to " + MAX_STRIKES + " numbers");
        }
        List<BigInteger> values = new ArrayList<>(strikes.size());
        for (JsonNode strike : strikes) {
            values.add(unsigned(strike, "strikes"));
        }
        return List.copyOf(values);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        if (!value.isString()) {
            throw new InvalidPositionException(field + " is missing or not a string");
        }
        return value.asString();
    }

    private static String address(JsonNode node, String field) {
        String value = text(node, field);
        if (!Addresses.isValid(value)) {
            throw invalid(field, value);
        }
        return value.toLowerCase(Locale.ROOT);
    }

    private static String optionalAddress(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isString() && Addresses.isValid(value.asString())
                ? value.asString().toLowerCase(Locale.ROOT)
                : null;
    }

    private static String symbol(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isString() && SYMBOL.matcher(value.asString()).matches() ? value.asString() : null;
    }

    private static BigInteger amount(JsonNode node, String field) {
        JsonNode value = node.path(field);
        if (value.isMissingNode() || value.isNull()) {
            throw new InvalidPositionException(field + " is missing");
        }
        return unsigned(value, field);
    }

    private static BigInteger optionalAmount(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() ? null : unsigned(value, field);
    }

    /** A non-negative integer sent as a decimal string or a JSON integer. */
    private static BigInteger unsigned(JsonNode value, String field) {
        if (value.isString() && UNSIGNED.matcher(value.asString()).matches()) {
            return new BigInteger(value.asString());
        }
        if (value.isIntegralNumber() && value.bigIntegerValue().signum() >= 0) {
            return value.bigIntegerValue();
        }
        throw invalid(field, value.toString());
    }

    private static long seconds(JsonNode node, String field, long min, long max) {
        JsonNode value = node.path(field);
        if (value.isMissingNode() || value.isNull()) {
            throw new InvalidPositionException(field + " is missing");
        }
        BigInteger number = unsigned(value, field);
        if (number.compareTo(BigInteger.valueOf(min)) < 0 || number.compareTo(BigInteger.valueOf(max)) > 0) {
            throw invalid(field, number.toString());
        }
        return number.longValueExact();
    }

    private static InvalidPositionException invalid(String field, String value) {
        String shown = value.length() > 80 ? value.substring(0, 80) + "…" : value;
        return new InvalidPositionException(field + " has an invalid value: " + shown);
    }
}

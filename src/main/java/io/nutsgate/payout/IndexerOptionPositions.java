package io.nutsgate.payout;

import io.nutsgate.common.ApiException;
import io.nutsgate.common.ErrorCode;
import io.nutsgate.common.JsonFields;
import io.nutsgate.protocol.Deployment;
import io.nutsgate.protocol.Platform;
import io.nutsgate.protocol.Product;
import io.nutsgate.thetanuts.PositionKind;
import io.nutsgate.thetanuts.PositionsApi;
import io.nutsgate.thetanuts.UpstreamException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@link OptionPositions} over the book indexer: the owner's open positions first, then their history. The
 * product comes from the indexer's {@code implementationName} (newest host); older hosts do not send it and
 * such positions are refused rather than guessed from the undocumented {@code optionType} code.
 */
@Component
class IndexerOptionPositions implements OptionPositions {

    private final PositionsApi positions;
    private final Platform platform;

    IndexerOptionPositions(PositionsApi positions, Platform platform) {
        this.positions = positions;
        this.platform = platform;
    }

    @Override
    public Optional<HeldPosition> find(String optionAddress, String owner) {
        for (PositionKind kind : List.of(PositionKind.OPEN, PositionKind.HISTORY)) {
            for (ObjectNode node : positions.fetchFresh(owner, kind)) {
                if (optionAddress.equalsIgnoreCase(node.path("address").asString(""))) {
                    return Optional.of(held(node, platform.deployment()));
                }
            }
        }
        return Optional.empty();
    }

    static HeldPosition held(JsonNode node, Deployment deployment) {
        String address = JsonFields.address(node.get("address")).orElseThrow(() -> malformed("address"));
        Product product = product(node.get("implementationName"));
        List<BigInteger> strikes = new ArrayList<>();
        JsonNode strikeNodes = node.path("strikes");
        if (!strikeNodes.isArray()) {
            throw malformed("strikes");
        }
        for (JsonNode strike : strikeNodes) {
            strikes.add(JsonFields.unsigned(strike).orElseThrow(() -> malformed("strikes")));
        }
        BigInteger contracts =
                JsonFields.unsigned(node.get("numContracts")).orElseThrow(() -> malformed("numContracts"));
        BigInteger premium = JsonFields.unsigned(node.get("entryPremium")).orElseThrow(() -> malformed("entryPremium"));
        String tokenAddress =
                JsonFields.address(node.get("collateralToken")).orElseThrow(() -> malformed("collateralToken"));
        Deployment.Token token = deployment
                .token(tokenAddress)
                .orElseGet(() -> new Deployment.Token(
                        JsonFields.text(node.get("collateralSymbol")).orElse("?"),
                        tokenAddress,
                        JsonFields.seconds(node.get("collateralDecimals"))
                                .filter(d -> d <= 36)
                                .map(Long::intValue)
                                .orElseThrow(() -> malformed("collateralDecimals"))));
        BigInteger settlementPrice = JsonFields.unsigned(node.path("settlement").get("settlementPrice"))
                .orElse(null);
        String underlying = JsonFields.text(node.get("underlyingAsset")).orElse(null);
        return new HeldPosition(address, product, strikes, contracts, token, premium, underlying, settlementPrice);
    }

    private static Product product(JsonNode name) {
        return productNamed(JsonFields.text(name)
                .orElseThrow(() -> new ApiException(
                        ErrorCode.UNKNOWN_IMPLEMENTATION,
                        "the indexer does not name this position's product (older host); cannot compute its payout")));
    }

    /** The product of an indexer {@code implementationName}, old names included. */
    static Product productNamed(String text) {
        String key = text.toUpperCase(Locale.ROOT);
        // renamed keys (REFERENCE §5.4): *_FLYS became *_FLY, RANGE became RANGER
        key = switch (key) {
            case "CALL_FLYS" -> "CALL_FLY";
            case "PUT_FLYS" -> "PUT_FLY";
            case "RANGE" -> "RANGER";
            default -> key;
        };
        try {
            return Product.valueOf(key);
        } catch (IllegalArgumentException e) {
            throw new ApiException(ErrorCode.UNKNOWN_IMPLEMENTATION, "unknown product " + text);
        }
    }

    private static UpstreamException malformed(String field) {
        return UpstreamException.badResponse("position without a valid " + field);
    }
}

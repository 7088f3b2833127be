package io.nutsgate.payout;

import io.nutsgate.common.ApiException;
import io.nutsgate.common.ErrorCode;
import io.nutsgate.protocol.Deployment;
import io.nutsgate.protocol.Platform;
import io.nutsgate.protocol.Product;
import io.nutsgate.trades.RecordedOptions;
import io.nutsgate.trades.RecordedOptions.RecordedOption;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** Filled options found in the platform's own trade records, by option address alone. */
@Component
class RecordedOptionPositions {

    private final RecordedOptions recorded;
    private final Platform platform;

    RecordedOptionPositions(RecordedOptions recorded, Platform platform) {
        this.recorded = recorded;
        this.platform = platform;
    }

    Optional<HeldPosition> find(String optionAddress) {
        return recorded.find(optionAddress).map(this::held);
    }

    private HeldPosition held(RecordedOption r) {
        if (r.product() == null) {
            throw new ApiException(
                    ErrorCode.UNKNOWN_IMPLEMENTATION,
                    "the recorded fill of " + r.optionAddress() + " has no known product");
        }
        Product product = IndexerOptionPositions.productNamed(r.product());
        Deployment.Token token = platform.deployment()
                .token(r.collateralToken())
                .orElseGet(() -> new Deployment.Token(
                        r.collateralSymbol() == null ? "?" : r.collateralSymbol(),
                        r.collateralToken(),
                        r.collateralDecimals()));
        return new HeldPosition(
                r.optionAddress(),
                product,
                r.strikes(),
                r.contracts(),
                token,
                r.premium(),
                r.underlying(),
                r.settlementPrice());
    }
}

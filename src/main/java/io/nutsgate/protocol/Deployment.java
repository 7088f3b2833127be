package io.nutsgate.protocol;

import io.nutsgate.common.Checksummed;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One OptionBook deployment on Base: its book, factory, the tokens it takes as collateral, the price feeds
 * that identify underlyings and the implementations it can clone. Lookups are by lower-case address.
 */
public record Deployment(
        String name,
        long chainId,
        String optionBook,
        String factory,
        long deploymentBlock,
        List<Token> tokens,
        List<PriceFeed> priceFeeds,
        List<Implementation> implementations) {

    @Schema(description = "An ERC-20 token")
    public record Token(
            @Schema(example = "USDC") String symbol,
            @Schema(example = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913") @Checksummed String address,
            @Schema(example = "6") int decimals) {}

    /** A Chainlink feed (8 decimals) and the underlying it prices. */
    public record PriceFeed(String underlying, @Checksummed String address) {}

    public record Implementation(Product product, @Checksummed String address) {}

    public Deployment {
        tokens = List.copyOf(tokens);
        priceFeeds = List.copyOf(priceFeeds);
        implementations = List.copyOf(implementations);
    }

    public Optional<Token> token(String address) {
        return Optional.ofNullable(index(tokens, Token::address).get(lower(address)));
    }

    public Optional<Token> tokenBySymbol(String symbol) {
        return tokens.stream().filter(t -> t.symbol().equalsIgnoreCase(symbol)).findFirst();
    }

    public Optional<PriceFeed> priceFeed(String address) {
        return Optional.ofNullable(index(priceFeeds, PriceFeed::address).get(lower(address)));
    }

    public Optional<Product> product(String implementation) {
        return Optional.ofNullable(
                        index(implementations, Implementation::address).get(lower(implementation)))
                .map(Implementation::product);
    }

    public boolean isOptionBook(String address) {
        return optionBook.equalsIgnoreCase(address);
    }

    private static <T> Map<String, T> index(List<T> items, Function<T, String> address) {
        // small lists (≤ 15); the maps are rebuilt rarely enough that caching them is not worth the state
        return items.stream().collect(Collectors.toMap(i -> lower(address.apply(i)), i -> i, (a, b) -> a));
    }

    private static String lower(String address) {
        return address == null ? "" : address.toLowerCase(Locale.ROOT);
    }
}

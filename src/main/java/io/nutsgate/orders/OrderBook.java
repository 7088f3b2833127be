package io.nutsgate.orders;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.nutsgate.common.Decimals;
import io.nutsgate.common.RenderedJson;
import io.nutsgate.protocol.Platform;
import io.nutsgate.protocol.Product;
import io.nutsgate.system.NutsProperties;
import io.nutsgate.thetanuts.CachedUpstream;
import io.nutsgate.thetanuts.CachedUpstream.Fetched;
import io.nutsgate.thetanuts.CachedUpstream.Resource;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The live orders of the OptionBook feed, cached. Rendered answers are kept per filter until the feed is
 * refetched or the first quote in them expires, so a hit is a lookup and a byte copy.
 */
@Service
public class OrderBook {

    static final String CACHE_KEY = "orders:feed";

    /** A rendered answer, for one feed version and, when stale, for one age in seconds (it is in the body). */
    private record Rendered(RenderedJson json, long fetchedAtMillis, long staleAgeSeconds, long validUntilSeconds) {}

    private final CachedUpstream upstream;
    private final Resource<OrdersFeed> resource;
    private final JsonMapper json;
    private final Clock clock;
    private final Cache<String, Rendered> rendered = Caffeine.newBuilder()
            .maximumSize(1_000)
            .expireAfterWrite(Duration.ofMinutes(5))
            .build();

    OrderBook(
            CachedUpstream upstream,
            NutsProperties properties,
            JsonMapper json,
            Platform platform,
            MeterRegistry meters,
            Clock clock) {
        this.upstream = upstream;
        this.json = json;
        this.clock = clock;
        OrdersFeedParser parser = new OrdersFeedParser(
                json.rebuild()
                        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                        .build(),
                platform,
                meters);
        this.resource = new Resource<>(
                CACHE_KEY,
                "orders",
                properties.ordersUrl(),
                properties.cache().ttl().orders(),
                parser::parse);
    }

    /** The whole validated feed (quotes not yet filtered by time), from cache when fresh. */
    public Fetched<OrdersFeed> feed() {
        return upstream.get(resource);
    }

    /** The order with this id if it is still in the feed, expired quote or not. */
    public Optional<LiveOrder> find(String id) {
        return feed().value().orders().stream()
                .filter(o -> o.id().equalsIgnoreCase(id))
                .findFirst();
    }

    RenderedJson render(OrderFilter filter) {
        Fetched<OrdersFeed> feed = feed();
        long now = clock.instant().getEpochSecond();
        String key = filter.cacheKey();
        // While the feed fails (or is being refreshed) the stale answer is rendered once per second of age, not per
        // request.
        long staleAge = feed.stale() ? feed.ageSeconds(clock) : -1;
        Rendered hit = rendered.getIfPresent(key);
        if (hit != null
                && hit.fetchedAtMillis() == feed.fetchedAtMillis()
                && hit.staleAgeSeconds() == staleAge
                && now < hit.validUntilSeconds()) {
            return hit.json();
        }
        List<LiveOrder> live = feed.value().orders().stream()
                .filter(o -> o.quoteValidAt(now, 0))
                .filter(filter::accepts)
                .toList();
        OrdersView view = new OrdersView(
                live.stream().map(OrderBook::view).toList(),
                live.size(),
                feed.value().marketData(),
                feed.value().timestamp(),
                feed.value().lastUpdated(),
                feed.fetchedAtMillis());
        RenderedJson result = RenderedJson.of(json.writeValueAsBytes(view), feed.stale(), Math.max(staleAge, 0));
        long firstQuoteExpiry =
                live.stream().mapToLong(LiveOrder::orderExpiryTimestamp).min().orElse(Long.MAX_VALUE);
        rendered.put(key, new Rendered(result, feed.fetchedAtMillis(), staleAge, firstQuoteExpiry));
        return result;
    }

    static OrderView view(LiveOrder o) {
        int decimals = o.collateral().decimals();
        Optional<BigInteger> maxContracts =
                o.product() == Product.RANGER ? Optional.empty() : Optional.of(o.maxContracts());
        return new OrderView(
                o.id(),
                o.underlying(),
                o.product().name(),
                o.product().structure().name(),
                o.isCall(),
                o.takerBuys() ? "SELL" : "BUY",
                o.takerBuys() ? "BUY" : "SELL",
                o.strikes().stream().map(BigInteger::toString).toList(),
                o.strikes().stream().map(s -> Decimals.format(s, 8)).toList(),
                o.price().toString(),
                Decimals.format(o.price(), 8),
                o.collateral(),
                o.expiry(),
                o.orderExpiryTimestamp(),
                new OrderView.CapacityView(
                        o.maxCollateralUsable().toString(),
                        Decimals.format(o.maxCollateralUsable(), decimals),
                        maxContracts.map(BigInteger::toString).orElse(null),
                        maxContracts.map(n -> Decimals.format(n, decimals)).orElse(null)),
                o.greeks(),
                o.optionBook(),
                o.chainId(),
                o.nonce(),
                o.rawOrder(),
                o.signature());
    }
}

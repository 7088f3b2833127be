package io.nutsgate.orders;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.nutsgate.chain.LiveCapacity;
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

    private record Rendered(RenderedJson json, long fetchedAtMillis, long validUntilSeconds, long capacityVersion) {}

    private final CachedUpstream upstream;
    private final Resource<OrdersFeed> resource;
    private final JsonMapper json;
    private final Clock clock;
    private final LiveCapacity capacity;
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
            Clock clock,
            LiveCapacity capacity) {
        this.upstream = upstream;
        this.capacity = capacity;
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
        List<LiveOrder> quoted = feed.value().orders().stream()
                .filter(o -> o.quoteValidAt(now, 0))
                .toList();
        Optional<LiveCapacity.Snapshot> filled = quoted.isEmpty()
                ? Optional.empty()
                : capacity.amountFilled(
                        quoted.getFirst().optionBook(),
                        quoted.stream().map(LiveOrder::nonce).distinct().toList());
        long capacityVersion = filled.map(LiveCapacity.Snapshot::version).orElse(0L);
        Rendered hit = rendered.getIfPresent(key);
        if (!feed.stale()
                && hit != null
                && hit.fetchedAtMillis() == feed.fetchedAtMillis()
                && hit.capacityVersion() == capacityVersion
                && now < hit.validUntilSeconds()) {
            return hit.json();
        }
        int cancelled = 0;
        int full = 0;
        List<LiveOrder> live = new java.util.ArrayList<>();
        List<OrderView> views = new java.util.ArrayList<>();
        for (LiveOrder o : quoted) {
            if (!filter.accepts(o)) {
                continue;
            }
            BigInteger remaining = null;
            if (filled.isPresent()) {
                BigInteger used = filled.get().amountFilled().getOrDefault(o.nonce(), BigInteger.ZERO);
                if (used.equals(LiveCapacity.CANCELLED)) {
                    cancelled++;
                    continue;
                }
                remaining = o.maxCollateralUsable().subtract(used);
                if (remaining.signum() <= 0
                        || (o.product() != Product.RANGER
                                && o.maxContracts(remaining).signum() == 0)) {
                    full++;
                    continue;
                }
            }
            live.add(o);
            views.add(view(o, remaining));
        }
        OrdersView view = new OrdersView(
                views,
                live.size(),
                feed.value().marketData(),
                feed.value().timestamp(),
                feed.value().lastUpdated(),
                feed.fetchedAtMillis(),
                filled.isPresent() ? new OrdersView.LeftOut(cancelled, full) : null);
        RenderedJson result = RenderedJson.of(json.writeValueAsBytes(view), feed.stale(), feed.ageSeconds(clock));
        if (!feed.stale()) {
            long firstQuoteExpiry = live.stream()
                    .mapToLong(LiveOrder::orderExpiryTimestamp)
                    .min()
                    .orElse(Long.MAX_VALUE);
            rendered.put(key, new Rendered(result, feed.fetchedAtMillis(), firstQuoteExpiry, capacityVersion));
        }
        return result;
    }

    static OrderView view(LiveOrder o) {
        return view(o, null);
    }

    /** {@code remaining}: the budget left on chain, null when not read. */
    static OrderView view(LiveOrder o, BigInteger remaining) {
        int decimals = o.collateral().decimals();
        Optional<BigInteger> maxContracts = o.product() == Product.RANGER
                ? Optional.empty()
                : Optional.of(remaining == null ? o.maxContracts() : o.maxContracts(remaining));
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
                        maxContracts.map(n -> Decimals.format(n, decimals)).orElse(null),
                        remaining == null ? null : remaining.toString(),
                        remaining == null ? null : Decimals.format(remaining, decimals)),
                o.greeks(),
                o.optionBook(),
                o.chainId(),
                o.nonce(),
                o.rawOrder(),
                o.signature());
    }
}

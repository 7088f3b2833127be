package io.nutsgate.orders;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.nutsgate.capacity.LiveCapacity;
import io.nutsgate.common.Addresses;
import io.nutsgate.common.Amount;
import io.nutsgate.common.RenderedJson;
import io.nutsgate.protocol.Platform;
import io.nutsgate.protocol.Product;
import io.nutsgate.settings.NutsProperties;
import io.nutsgate.thetanuts.CachedUpstream;
import io.nutsgate.thetanuts.CachedUpstream.Fetched;
import io.nutsgate.thetanuts.CachedUpstream.Resource;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.stereotype.Service;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The live orders of the OptionBook feed, cached. Rendered answers are kept per filter until the feed is
 * refetched or the first quote in them expires, so a hit is a few lookups and the stored bytes, whatever the size.
 */
@Service
public class OrderBook {

    static final String CACHE_KEY = "orders:feed";

    /** A rendered answer, for one feed version and, when stale, for one age in seconds (it is in the body). */
    private record Rendered(
            RenderedJson json,
            long fetchedAtMillis,
            long staleAgeSeconds,
            long validUntilSeconds,
            long capacityVersion) {}

    /** The orders of one feed version whose quotes are valid, and their nonces; until the first quote expires. */
    private record Quoted(
            long fetchedAtMillis, List<LiveOrder> orders, LiveCapacity.NonceSet nonces, long validUntilSeconds) {}

    private final CachedUpstream upstream;
    private final Resource<OrdersFeed> resource;
    private final JsonMapper json;
    private final Clock clock;
    private final LiveCapacity capacity;
    private final Cache<String, Rendered> rendered = Caffeine.newBuilder()
            .maximumSize(1_000)
            .expireAfterWrite(Duration.ofMinutes(5))
            .build();
    private volatile Quoted quoted;

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
                        parser::parse)
                .refreshedAhead();
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

    /** {@link #render}'s answer when the feed is fresh in process (no remote call to make); else null. */
    RenderedJson cached(OrderFilter filter) {
        return upstream.freshInProcess(resource)
                .map(feed -> render(filter, feed))
                .orElse(null);
    }

    RenderedJson render(OrderFilter filter) {
        return render(filter, feed());
    }

    private RenderedJson render(OrderFilter filter, Fetched<OrdersFeed> feed) {
        long now = clock.instant().getEpochSecond();
        // While the feed fails (or is being refreshed) the stale answer is rendered once per second of age, not per
        // request.
        long staleAge = feed.stale() ? feed.ageSeconds(clock) : -1;
        Quoted quoted = quoted(feed, now);
        LiveCapacity.NonceSet nonces = quoted.nonces();
        Optional<LiveCapacity.Snapshot> filled =
                nonces == null ? Optional.empty() : capacity.amountFilled(nonces.book(), nonces.nonces());
        long capacityVersion = filled.map(LiveCapacity.Snapshot::version).orElse(0L);
        String key = filter.cacheKey();
        Rendered hit = rendered.getIfPresent(key);
        if (isCurrent(hit, feed, staleAge, capacityVersion, now)) {
            return hit.json();
        }
        // One request renders a new version while the others of that moment wait for it (about a millisecond), rather
        // than every request in flight rendering and compressing the same bytes at once.
        return rendered.asMap()
                .compute(
                        key,
                        (k, old) -> isCurrent(old, feed, staleAge, capacityVersion, now)
                                ? old
                                : rendered(filter, feed, quoted, filled, staleAge, capacityVersion))
                .json();
    }

    private static boolean isCurrent(
            Rendered rendered, Fetched<OrdersFeed> feed, long staleAge, long capacityVersion, long now) {
        return rendered != null
                && rendered.fetchedAtMillis() == feed.fetchedAtMillis()
                && rendered.staleAgeSeconds() == staleAge
                && rendered.capacityVersion() == capacityVersion
                && now < rendered.validUntilSeconds();
    }

    /**
     * The orders of the feed whose quotes are valid now, made once per feed version and kept until the first of them
     * expires, so a cached read does no work that grows with the feed.
     */
    private Quoted quoted(Fetched<OrdersFeed> feed, long now) {
        Quoted held = quoted;
        if (held != null && held.fetchedAtMillis() == feed.fetchedAtMillis() && now < held.validUntilSeconds()) {
            return held;
        }
        List<LiveOrder> orders = feed.value().orders().stream()
                .filter(o -> o.quoteValidAt(now, 0))
                .toList();
        long validUntil = orders.stream()
                .mapToLong(o -> Math.min(o.orderExpiryTimestamp(), o.expiry()))
                .min()
                .orElse(Long.MAX_VALUE);
        LiveCapacity.NonceSet nonces = orders.isEmpty()
                ? null
                : LiveCapacity.NonceSet.of(
                        orders.getFirst().optionBook(),
                        orders.stream().map(LiveOrder::nonce).toList());
        Quoted fresh = new Quoted(feed.fetchedAtMillis(), orders, nonces, validUntil);
        quoted = fresh;
        return fresh;
    }

    private Rendered rendered(
            OrderFilter filter,
            Fetched<OrdersFeed> feed,
            Quoted quoted,
            Optional<LiveCapacity.Snapshot> filled,
            long staleAge,
            long capacityVersion) {
        int cancelled = 0;
        int full = 0;
        List<LiveOrder> live = new java.util.ArrayList<>();
        List<OrderView> views = new java.util.ArrayList<>();
        for (LiveOrder o : quoted.orders()) {
            if (!filter.accepts(o)) {
                continue;
            }
            BigInteger remaining = null;
            BigInteger used = filled.map(f -> f.amountFilled().get(o.nonce())).orElse(null);
            if (used != null) {
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
            views.add(view(
                    o,
                    remaining,
                    remaining == null ? null : filled.get().readAt().getEpochSecond()));
        }
        OrdersFeed value = feed.value();
        Instant fetchedAt = Instant.ofEpochMilli(feed.fetchedAtMillis());
        OrdersView view = new OrdersView(
                views,
                live.size(),
                spotPrices(value.spotPrices()),
                builtAt(value.timestamp()),
                value.timestamp(),
                value.lastUpdated() == null ? null : value.lastUpdated() / 1000,
                fetchedAt,
                fetchedAt.toString(),
                filled.isPresent() ? new OrdersView.LeftOut(cancelled, full) : null);
        RenderedJson result = RenderedJson.of(json.writeValueAsBytes(view), feed.stale(), Math.max(staleAge, 0));
        return new Rendered(result, feed.fetchedAtMillis(), staleAge, quoted.validUntilSeconds(), capacityVersion);
    }

    static OrderView view(LiveOrder o) {
        return view(o, null, null);
    }

    /** {@code remaining}: the budget left on chain, null when not read; {@code readAt}: when it was read. */
    static OrderView view(LiveOrder o, BigInteger remaining, Long readAt) {
        int decimals = o.collateral().decimals();
        Amount maxContracts = o.product() == Product.RANGER
                ? null
                : Amount.of(remaining == null ? o.maxContracts() : o.maxContracts(remaining), decimals);
        return new OrderView(
                o.id(),
                o.underlying(),
                o.product().name(),
                o.product().structure().name(),
                o.isCall(),
                o.takerBuys() ? "SELL" : "BUY",
                o.takerBuys() ? "BUY" : "SELL",
                o.strikes().stream().map(Amount::usd).toList(),
                Amount.usd(o.price()),
                o.collateral(),
                o.expiry(),
                o.orderExpiryTimestamp(),
                new OrderView.CapacityView(
                        Amount.of(o.maxCollateralUsable(), decimals),
                        maxContracts,
                        remaining == null ? null : Amount.of(remaining, decimals),
                        remaining == null ? OrderView.CapacityView.SIGNED : OrderView.CapacityView.CHAIN,
                        readAt),
                o.greeks(),
                o.optionBook(),
                o.chainId(),
                o.nonce(),
                checksummed(o.rawOrder()),
                o.signature());
    }

    /** The signed order with its address fields EIP-55 checksummed; everything else as the feed gave it. */
    private static JsonNode checksummed(JsonNode order) {
        if (!(order instanceof ObjectNode object)) {
            return order;
        }
        ObjectNode copy = object.deepCopy();
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            JsonNode value = field.getValue();
            if (value.isString() && Addresses.isValid(value.asString())) {
                copy.put(field.getKey(), Addresses.checksum(value.asString()));
            }
        }
        return copy;
    }

    private static Map<String, Amount> spotPrices(Map<String, BigInteger> spots) {
        Map<String, Amount> prices = new TreeMap<>();
        spots.forEach((underlying, price) -> prices.put(underlying, Amount.usd(price)));
        return prices;
    }

    /** The feed's ISO-8601 build time in unix seconds; null when absent or unreadable. */
    private static Long builtAt(String timestamp) {
        if (timestamp == null) {
            return null;
        }
        try {
            return Instant.parse(timestamp).getEpochSecond();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}

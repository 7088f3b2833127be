package io.nutsgate.thetanuts;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nutsgate.common.ErrorCode;
import io.nutsgate.system.NutsProperties;
import io.nutsgate.thetanuts.CacheStore.StoredBody;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Read-through cache over the Thetanuts hosts. A fresh stored body is served as is; concurrent misses of one
 * key share a single upstream request; when upstream fails, the last good body is served marked stale while
 * it is younger than {@code NUTS_CACHE_MAX_STALE}. Only bodies that parse are ever stored.
 */
@Component
public class CachedUpstream {

    private static final Logger log = LoggerFactory.getLogger(CachedUpstream.class);

    /** What to fetch: a cache key, the endpoint name used in metrics, the URL, its fresh lifetime and its parser. */
    public record Resource<T>(String key, String endpoint, URI uri, Duration ttl, Function<byte[], T> parser) {}

    /** A parsed value with the time its body was fetched; {@code stale} when upstream failed and it is an old one. */
    public record Fetched<T>(T value, long fetchedAtMillis, boolean stale) {
        public long ageSeconds(Clock clock) {
            return Math.max(0, (clock.millis() - fetchedAtMillis) / 1000);
        }
    }

    private record Parsed(long fetchedAtMillis, Object value) {}

    private final UpstreamClient client;
    private final CacheStore store;
    private final UpstreamHealth health;
    private final Clock clock;
    private final Duration maxStale;
    private final Duration waitLimit;
    private final MeterRegistry meters;
    private final ConcurrentHashMap<String, CompletableFuture<Fetched<?>>> inflight = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final Cache<String, Parsed> parsed = Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterAccess(Duration.ofMinutes(30))
            .build();

    CachedUpstream(
            UpstreamClient client,
            CacheStore store,
            UpstreamHealth health,
            Clock clock,
            NutsProperties properties,
            MeterRegistry meters) {
        this.client = client;
        this.store = store;
        this.health = health;
        this.clock = clock;
        this.maxStale = properties.cache().maxStale();
        this.waitLimit = properties.upstream().timeout().plusSeconds(1);
        this.meters = meters;
    }

    public <T> Fetched<T> get(Resource<T> resource) {
        Optional<StoredBody> stored = store.get(resource.key());
        if (stored.isPresent() && isFresh(stored.get(), resource)) {
            count(resource, "hit");
            return decode(resource, stored.get(), false);
        }
        count(resource, "miss");
        CompletableFuture<Fetched<?>> mine = new CompletableFuture<>();
        CompletableFuture<Fetched<?>> leader = inflight.putIfAbsent(resource.key(), mine);
        if (leader != null) {
            return awaitLeader(resource, leader);
        }
        try {
            Fetched<T> result = refreshUnlessFresh(resource);
            mine.complete(result);
            return result;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inflight.remove(resource.key(), mine);
        }
    }

    /** Drops a stored body so the next read goes upstream (after a trade, say). */
    public void evict(String key) {
        store.evict(key);
        parsed.invalidate(key);
    }

    private <T> Fetched<T> refreshUnlessFresh(Resource<T> resource) {
        // Another request may have stored a fresh body between our miss and taking the lead.
        Optional<StoredBody> stored = store.get(resource.key());
        if (stored.isPresent() && isFresh(stored.get(), resource)) {
            return decode(resource, stored.get(), false);
        }
        try {
            byte[] body = client.get(resource.endpoint(), resource.uri());
            T value = parse(resource, body);
            long now = clock.millis();
            store.put(resource.key(), new StoredBody(body, now), resource.ttl().plus(maxStale));
            parsed.put(resource.key(), new Parsed(now, value));
            health.succeeded(resource.endpoint());
            return new Fetched<>(value, now, false);
        } catch (UpstreamException e) {
            health.failed(resource.endpoint(), e);
            if (stored.isPresent() && isServable(stored.get(), resource)) {
                count(resource, "stale");
                log.warn(
                        "{} failed ({}); serving the body fetched {} s ago",
                        resource.endpoint(),
                        e.getMessage(),
                        (clock.millis() - stored.get().fetchedAtMillis()) / 1000);
                return decode(resource, stored.get(), true);
            }
            throw e;
        }
    }

    @SuppressWarnings("unchecked")
    private <T> Fetched<T> awaitLeader(Resource<T> resource, CompletableFuture<Fetched<?>> leader) {
        try {
            return (Fetched<T>) leader.get(waitLimit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new UpstreamException(ErrorCode.UPSTREAM_UNAVAILABLE, resource.endpoint() + " failed", e.getCause());
        } catch (TimeoutException e) {
            throw new UpstreamException(ErrorCode.UPSTREAM_TIMEOUT, resource.endpoint() + " did not answer in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamException(
                    ErrorCode.UPSTREAM_UNAVAILABLE, "interrupted while waiting for " + resource.endpoint());
        }
    }

    @SuppressWarnings("unchecked")
    private <T> Fetched<T> decode(Resource<T> resource, StoredBody stored, boolean stale) {
        Parsed memo = parsed.getIfPresent(resource.key());
        if (memo != null && memo.fetchedAtMillis() == stored.fetchedAtMillis()) {
            return new Fetched<>((T) memo.value(), stored.fetchedAtMillis(), stale);
        }
        // A body another instance stored (Redis): it was validated there, so parsing succeeds here too.
        T value = parse(resource, stored.body());
        parsed.put(resource.key(), new Parsed(stored.fetchedAtMillis(), value));
        return new Fetched<>(value, stored.fetchedAtMillis(), stale);
    }

    private static <T> T parse(Resource<T> resource, byte[] body) {
        try {
            T value = resource.parser().apply(body);
            if (value == null) {
                throw UpstreamException.badResponse(resource.endpoint() + " body is empty");
            }
            return value;
        } catch (UpstreamException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new UpstreamException(
                    ErrorCode.UPSTREAM_BAD_RESPONSE,
                    resource.endpoint() + " answered a body that is not the expected JSON",
                    e);
        }
    }

    private boolean isFresh(StoredBody stored, Resource<?> resource) {
        return clock.millis() - stored.fetchedAtMillis() < resource.ttl().toMillis();
    }

    private boolean isServable(StoredBody stored, Resource<?> resource) {
        return clock.millis() - stored.fetchedAtMillis()
                < resource.ttl().plus(maxStale).toMillis();
    }

    private void count(Resource<?> resource, String result) {
        counters.computeIfAbsent(resource.endpoint() + "|" + result, k -> Counter.builder("nuts.cache.requests")
                        .description(
                                "Reads of cached upstream resources by result: hit, miss, stale (served after an upstream failure)")
                        .tag("resource", resource.endpoint())
                        .tag("result", result)
                        .register(meters))
                .increment();
    }
}

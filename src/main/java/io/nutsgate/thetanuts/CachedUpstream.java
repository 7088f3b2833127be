package io.nutsgate.thetanuts;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ExecutorServiceMetrics;
import io.nutsgate.common.ErrorCode;
import io.nutsgate.settings.NutsProperties;
import io.nutsgate.thetanuts.CacheStore.StoredBody;
import jakarta.annotation.PreDestroy;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Read-through cache over the Thetanuts hosts, in two levels: parsed values in process (read first, so a request
 * never waits on Redis for a value this instance holds) over the {@link CacheStore} (Caffeine, or Redis shared
 * between instances). A fresh value is served as is. A value past its lifetime but younger than
 * {@code NUTS_CACHE_MAX_STALE} is served at once marked stale while one refresh runs in the background
 * (stale-while-revalidate); only with nothing servable does a request wait, and concurrent misses of one key share
 * a single upstream request. Every upstream call goes through the endpoint's circuit breaker, so a dead host is not
 * called on every miss. Only bodies that parse are ever stored, and a stored value is only ever replaced by a newer
 * good one.
 */
@Component
public class CachedUpstream {

    private static final Logger log = LoggerFactory.getLogger(CachedUpstream.class);

    /**
     * What to fetch: a cache key, the endpoint name used in metrics, the URL, its fresh lifetime and its parser; with
     * {@code refreshAhead}, a read in the last quarter of the lifetime starts the next fetch in the background, so a
     * read in steady use is never served stale (the cached reads answered from stored bytes).
     */
    public record Resource<T>(
            String key, String endpoint, URI uri, Duration ttl, Function<byte[], T> parser, boolean refreshAhead) {

        public Resource(String key, String endpoint, URI uri, Duration ttl, Function<byte[], T> parser) {
            this(key, endpoint, uri, ttl, parser, false);
        }

        /** This resource, fetched again ahead of its expiry while it is read. */
        public Resource<T> refreshedAhead() {
            return new Resource<>(key, endpoint, uri, ttl, parser, true);
        }
    }

    /**
     * A parsed value with the time its body was fetched; {@code stale} when it is past its fresh lifetime (upstream
     * failed, or a refresh is under way).
     */
    public record Fetched<T>(T value, long fetchedAtMillis, boolean stale) {
        public long ageSeconds(Clock clock) {
            return Math.max(0, (clock.millis() - fetchedAtMillis) / 1000);
        }
    }

    /** The in-process level: a parsed value, when its body was fetched and how long it may be kept. */
    private record Held(Object value, long fetchedAtMillis, long retainNanos) {}

    private final UpstreamClient client;
    private final CacheStore store;
    private final UpstreamHealth health;
    private final Breakers breakers;
    private final Clock clock;
    private final Duration maxStale;
    private final Duration waitLimit;
    private final MeterRegistry meters;
    // Single flight by hand, not Caffeine's loading cache: a key's value outlives its lifetime (served stale while
    // one refresh runs), its body may come from another instance through the shared store, and a fetch goes through
    // the endpoint's breaker; a loading cache would drop the value at expiry or load it twice across the two levels.
    private final ConcurrentHashMap<String, CompletableFuture<Fetched<?>>> inflight = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Long> evictedAt = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Map<String, Counter>> counters = new ConcurrentHashMap<>();
    private final Cache<String, Held> local = Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfter(Expiry.<String, Held>writing((key, held) -> Duration.ofNanos(held.retainNanos())))
            .build();
    /** One virtual thread per background refresh: each blocks on the network, and there can be many keys at once. */
    private final ExecutorService refresher;

    CachedUpstream(
            UpstreamClient client,
            CacheStore store,
            UpstreamHealth health,
            Breakers breakers,
            Clock clock,
            NutsProperties properties,
            MeterRegistry meters) {
        this.client = client;
        this.store = store;
        this.health = health;
        this.breakers = breakers;
        this.clock = clock;
        this.maxStale = properties.cache().maxStale();
        this.waitLimit = properties.upstream().timeout().plusSeconds(1);
        this.meters = meters;
        this.refresher = ExecutorServiceMetrics.monitor(
                meters,
                Executors.newThreadPerTaskExecutor(
                        Thread.ofVirtual().name("upstream-refresh-", 0).factory()),
                "upstream-refresh");
    }

    public <T> Fetched<T> get(Resource<T> resource) {
        Held held = held(resource);
        long now = clock.millis();
        if (held != null && isFresh(held, resource, now)) {
            count(resource, "hit");
            refreshIfDue(resource, held, now);
            return fetched(held, false);
        }
        if (held != null && isServable(held, resource, now) && !resource.ttl().isZero()) {
            count(resource, "stale");
            refreshInBackground(resource, held.fetchedAtMillis());
            return fetched(held, true);
        }
        count(resource, "miss");
        return refreshAndWait(resource, held);
    }

    /**
     * Fetches {@code resource} now, whatever the cache holds, and stores the answer if it is good. On failure the
     * cached value stays as it was (it is still served, stale when old). Returns whether a new value was stored.
     */
    public boolean refresh(Resource<?> resource) {
        try {
            fetchAndStore(resource);
            return true;
        } catch (UpstreamException e) {
            log.warn("refresh of {} failed, keeping the cached value: {}", resource.key(), e.getMessage());
            return false;
        }
    }

    /**
     * {@link #get}'s answer when it is a hit of the in-process level (no upstream call, no store read, counted as a
     * hit); else empty, and nothing is done.
     */
    public <T> Optional<Fetched<T>> freshInProcess(Resource<T> resource) {
        Held held = local.getIfPresent(resource.key());
        long now = clock.millis();
        if (held == null || !isFresh(held, resource, now)) {
            return Optional.empty();
        }
        count(resource, "hit");
        refreshIfDue(resource, held, now);
        return Optional.of(fetched(held, false));
    }

    /**
     * Whether either level holds a fresh value of {@code resource}: with Redis as the store, also one another
     * instance fetched. Nothing is fetched.
     */
    public boolean holdsFresh(Resource<?> resource) {
        Held held = held(resource);
        return held != null && isFresh(held, resource, clock.millis());
    }

    /** Whether any level holds a value for {@code key}, fresh or not. */
    public boolean holds(String key) {
        return local.getIfPresent(key) != null || store.get(key).isPresent();
    }

    /**
     * Drops a stored value from both levels, so the next read goes upstream with nothing to fall back on; a fetch
     * already under way for the key is not stored when it ends (it started before the eviction).
     */
    public void evict(String key) {
        evictedAt.put(key, System.nanoTime());
        inflight.remove(key);
        store.evict(key);
        local.invalidate(key);
    }

    /** The newest value of either level: the in-process one unless it is not fresh and the store has a newer one. */
    private Held held(Resource<?> resource) {
        Held held = local.getIfPresent(resource.key());
        if (held != null && isFresh(held, resource, clock.millis())) {
            return held;
        }
        Optional<StoredBody> stored = store.get(resource.key());
        if (stored.isEmpty() || (held != null && stored.get().fetchedAtMillis() <= held.fetchedAtMillis())) {
            return held;
        }
        Held shared = adopt(resource, stored.get());
        return shared == null ? held : shared;
    }

    /** A body another instance stored (Redis), held in process; null if it is too old or does not parse. */
    private Held adopt(Resource<?> resource, StoredBody stored) {
        try {
            // it was validated where it was fetched, so it parses here too unless the store was tampered with
            return hold(resource, parse(resource, stored.body()), stored.fetchedAtMillis());
        } catch (UpstreamException e) {
            log.warn("stored {} does not parse, ignoring it: {}", resource.key(), e.getMessage());
            return null;
        }
    }

    /** Keeps a value in process for what is left of its lifetime plus the stale allowance; null if none is left. */
    private Held hold(Resource<?> resource, Object value, long fetchedAtMillis) {
        long retainMillis = resource.ttl().plus(maxStale).toMillis() - (clock.millis() - fetchedAtMillis);
        if (retainMillis <= 0) {
            return null;
        }
        Held held = new Held(value, fetchedAtMillis, TimeUnit.MILLISECONDS.toNanos(retainMillis));
        local.asMap()
                .merge(
                        resource.key(),
                        held,
                        (old, mine) -> old.fetchedAtMillis() > mine.fetchedAtMillis() ? old : mine);
        return held;
    }

    /**
     * For a resource {@linkplain Resource#refreshAhead refreshed ahead}: once a fresh value is in the last quarter of
     * its lifetime, one background fetch replaces it before it expires. Without this, every expiry sent the requests
     * of the refresh's duration down the slow path with a stale answer (a p99 of 150-350 ms every 30 s under load).
     * A newer body another instance put in the shared store is taken instead of a fetch.
     */
    private void refreshIfDue(Resource<?> resource, Held held, long now) {
        long ttl = resource.ttl().toMillis();
        if (resource.refreshAhead()
                && now - held.fetchedAtMillis() >= ttl - ttl / 4
                && !inflight.containsKey(resource.key())) {
            refreshInBackground(resource, held.fetchedAtMillis());
        }
    }

    /** One background fetch of {@code resource}; first, a stored body newer than {@code newerThanMillis} is taken. */
    private void refreshInBackground(Resource<?> resource, long newerThanMillis) {
        CompletableFuture<Fetched<?>> mine = new CompletableFuture<>();
        if (inflight.putIfAbsent(resource.key(), mine) != null) {
            return; // one refresh at a time per key
        }
        try {
            refresher.execute(() -> {
                try {
                    Held shared = newerStored(resource, newerThanMillis);
                    if (shared != null) {
                        inflight.remove(resource.key(), mine);
                        mine.complete(fetched(shared, false));
                        return;
                    }
                    lead(resource, mine);
                } catch (UpstreamException e) {
                    // logged where it failed; the stale copy stays served
                }
            });
        } catch (RuntimeException e) { // shutting down
            inflight.remove(resource.key(), mine);
            mine.completeExceptionally(e);
        }
    }

    /** A fresh body in the store fetched after {@code newerThanMillis} (another instance's), held in process; else null. */
    private Held newerStored(Resource<?> resource, long newerThanMillis) {
        Optional<StoredBody> stored = store.get(resource.key());
        if (stored.isEmpty()
                || stored.get().fetchedAtMillis() <= newerThanMillis
                || clock.millis() - stored.get().fetchedAtMillis()
                        >= resource.ttl().toMillis() / 2) {
            return null;
        }
        return adopt(resource, stored.get());
    }

    private <T> Fetched<T> refreshAndWait(Resource<T> resource, Held held) {
        CompletableFuture<Fetched<?>> mine = new CompletableFuture<>();
        CompletableFuture<Fetched<?>> leader = inflight.putIfAbsent(resource.key(), mine);
        try {
            return leader != null ? awaitLeader(resource, leader) : lead(resource, mine);
        } catch (UpstreamException e) {
            if (held != null && isServable(held, resource, clock.millis())) {
                count(resource, "stale");
                return fetched(held, true);
            }
            throw e;
        }
    }

    /** Runs the one upstream request of a key and hands its outcome to everyone waiting on {@code mine}. */
    private <T> Fetched<T> lead(Resource<T> resource, CompletableFuture<Fetched<?>> mine) {
        try {
            Fetched<T> result = fetchAndStore(resource);
            mine.complete(result);
            return result;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inflight.remove(resource.key(), mine);
        }
    }

    private <T> Fetched<T> fetchAndStore(Resource<T> resource) {
        CircuitBreaker breaker = breakers.upstream(resource.endpoint());
        long started = System.nanoTime();
        byte[] body;
        try {
            body = breaker.executeSupplier(() -> client.get(resource.endpoint(), resource.uri()));
        } catch (CallNotPermittedException e) {
            // as Breakers.call answers, but an open breaker is not one more failure of the host for its health
            throw Breakers.circuitOpen(resource.endpoint(), resource.uri());
        } catch (UpstreamException e) {
            health.failed(resource.endpoint(), e);
            log.debug("{} failed: {}", resource.endpoint(), e.getMessage()); // UpstreamClient logs it, rate-limited
            throw e;
        }
        T value;
        try {
            value = parse(resource, body);
        } catch (UpstreamException e) {
            health.failed(resource.endpoint(), e);
            log.debug("{} failed: {}", resource.endpoint(), e.getMessage()); // UpstreamClient logs it, rate-limited
            throw e;
        }
        long now = clock.millis();
        Long evicted = evictedAt.get(resource.key());
        if (evicted != null && evicted - started > 0) {
            return new Fetched<>(value, now, false); // evicted meanwhile: answer, but keep nothing
        }
        store.put(resource.key(), new StoredBody(body, now), resource.ttl().plus(maxStale));
        hold(resource, value, now);
        health.succeeded(resource.endpoint());
        return new Fetched<>(value, now, false);
    }

    @SuppressWarnings("unchecked")
    private <T> Fetched<T> awaitLeader(Resource<T> resource, CompletableFuture<Fetched<?>> leader) {
        try {
            return (Fetched<T>) leader.get(waitLimit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UpstreamException upstream) {
                throw upstream;
            }
            throw new UpstreamException(ErrorCode.UPSTREAM_UNAVAILABLE, resource.endpoint() + " failed", e.getCause());
        } catch (TimeoutException e) {
            throw new UpstreamException(
                    ErrorCode.UPSTREAM_TIMEOUT,
                    UpstreamHosts.describe(resource.endpoint(), resource.uri(), "no answer in time", true));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamException(
                    ErrorCode.UPSTREAM_UNAVAILABLE, "interrupted while waiting for " + resource.endpoint());
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> Fetched<T> fetched(Held held, boolean stale) {
        return new Fetched<>((T) held.value(), held.fetchedAtMillis(), stale);
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
                    UpstreamHosts.describe(
                            resource.endpoint(),
                            resource.uri(),
                            "answered a body that is not the expected JSON",
                            false),
                    e);
        }
    }

    private static boolean isFresh(Held held, Resource<?> resource, long now) {
        return now - held.fetchedAtMillis() < resource.ttl().toMillis();
    }

    private boolean isServable(Held held, Resource<?> resource, long now) {
        return now - held.fetchedAtMillis() < resource.ttl().plus(maxStale).toMillis();
    }

    /** Counts a read; the counters are made once per endpoint, not looked up by a string built per request. */
    private void count(Resource<?> resource, String result) {
        counters.computeIfAbsent(resource.endpoint(), this::countersOf)
                .get(result)
                .increment();
    }

    private Map<String, Counter> countersOf(String endpoint) {
        Map<String, Counter> byResult = new HashMap<>();
        for (String result : new String[] {"hit", "miss", "stale"}) {
            byResult.put(
                    result,
                    Counter.builder("nuts.cache.requests")
                            .description("Reads of cached upstream resources by result: hit, miss, stale (served past"
                                    + " its lifetime while a refresh runs or upstream fails)")
                            .tag("resource", endpoint)
                            .tag("result", result)
                            .register(meters));
        }
        return Map.copyOf(byResult);
    }

    @PreDestroy
    void stop() {
        refresher.shutdownNow();
    }
}

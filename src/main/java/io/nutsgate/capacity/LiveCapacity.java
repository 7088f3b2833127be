package io.nutsgate.capacity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nutsgate.jobs.NamedExecutors;
import io.nutsgate.rpc.ChainAccess;
import io.nutsgate.rpc.Rpc;
import io.nutsgate.rpc.RpcException;
import io.nutsgate.settings.NutsProperties;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.stereotype.Component;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Uint256;

/**
 * {@code amountFilled(nonce)} of the book for the nonce groups asked for, read in the background and never on a
 * request: a request gets the last value read (with when it was read) at once and, when that is older than
 * {@code NUTS_CAPACITY_REFRESH} or lacks one of its nonces, starts one refresh (single flight: at most one batch per
 * book is in flight, whatever the number of requests). {@code 2^256 − 1} means cancelled. Without {@code BASE_RPC_URL},
 * before the first read and for a nonce the node would not answer, there is no value: the order is shown with its
 * signed budget. A failed refresh keeps the last value, which ages.
 */
@Component
public class LiveCapacity implements DisposableBean {

    public static final BigInteger CANCELLED = BigInteger.TWO.pow(256).subtract(BigInteger.ONE);

    private static final Logger log = LoggerFactory.getLogger(LiveCapacity.class);
    /** A missing nonce starts a refresh at most this often (a nonce the node never answers must not loop). */
    private static final Duration MISSING_NONCE_REFRESH = Duration.ofMillis(250);
    /** Nonces read per refresh at most: the live ones of the last few refreshes. */
    private static final int MAX_NONCES = 2_000;

    /**
     * The amounts filled per nonce (decimal string), when they were read, and a version for caches (the
     * {@code System.nanoTime()} of the read).
     */
    public record Snapshot(Map<String, BigInteger> amountFilled, Instant readAt, long version) {}

    /** One book's last snapshot, the nonces asked for lately, and the refresh in flight. */
    private final class Book {
        final String address;
        final Cache<String, Boolean> wanted;
        final AtomicBoolean refreshing = new AtomicBoolean();
        volatile Snapshot snapshot;
        /** System.nanoTime() of the last refresh started or ended (timing is monotonic, not the business clock). */
        volatile long lastAttempt;

        volatile boolean attempted;

        Book(String address) {
            this.address = address;
            this.wanted = Caffeine.newBuilder()
                    .maximumSize(MAX_NONCES)
                    .expireAfterAccess(refresh.multipliedBy(3).plusMinutes(1))
                    .build();
        }
    }

    private final ChainAccess chain;
    private final Clock clock;
    private final Duration refresh;
    private final Map<String, Book> books = new ConcurrentHashMap<>();
    private final ThreadPoolTaskExecutor refresher;
    private final Counter failures;

    LiveCapacity(ChainAccess chain, NutsProperties properties, Clock clock, MeterRegistry meters) {
        this.chain = chain;
        this.clock = clock;
        this.refresh = properties.chain().capacityRefresh();
        this.refresher = NamedExecutors.singleThread("live-capacity", 64, meters);
        this.failures = Counter.builder("nuts.capacity.refresh.failures")
                .description("background amountFilled refreshes that failed (the last value is kept and ages)")
                .register(meters);
        Gauge.builder("nuts.capacity.age.seconds", this, LiveCapacity::oldestAgeSeconds)
                .description("age of the amountFilled values served with the live orders")
                .register(meters);
    }

    /**
     * The nonce groups of one book, sorted and keyed once: a caller that asks for the same set on every request
     * (the orders list) builds this once per feed version.
     */
    public record NonceSet(String book, List<String> nonces, String key) {

        public static NonceSet of(String book, List<String> nonces) {
            List<String> sorted = List.copyOf(new java.util.TreeSet<>(nonces));
            return new NonceSet(book, sorted, book.toLowerCase(Locale.ROOT) + ":" + String.join(",", sorted));
        }
    }

    /**
     * The last {@code amountFilled} read for the book (it may lack some of {@code nonces}); never waits on the node.
     * Starts a background refresh when the value is older than the refresh interval or lacks one of the nonces.
     */
    public Optional<Snapshot> amountFilled(String book, List<String> nonces) {
        if (!chain.enabled() || nonces.isEmpty()) {
            return Optional.empty();
        }
        Book state = books.computeIfAbsent(book.toLowerCase(Locale.ROOT), Book::new);
        boolean missing = false;
        Snapshot current = state.snapshot;
        for (String nonce : nonces) {
            if (nonce == null) {
                continue;
            }
            state.wanted.put(nonce, Boolean.TRUE);
            missing |= current == null || !current.amountFilled().containsKey(nonce);
        }
        long now = System.nanoTime();
        boolean old = current == null || now - current.version() >= refresh.toNanos();
        boolean due =
                !state.attempted || now - state.lastAttempt >= (missing ? MISSING_NONCE_REFRESH : refresh).toNanos();
        if ((old || missing) && due) {
            startRefresh(state);
        }
        return Optional.ofNullable(current);
    }

    private void startRefresh(Book state) {
        if (!state.refreshing.compareAndSet(false, true)) {
            return; // one in flight already: its result serves this request's successors
        }
        state.lastAttempt = System.nanoTime();
        state.attempted = true;
        try {
            refresher.execute(() -> {
                try {
                    List<String> nonces = List.copyOf(state.wanted.asMap().keySet());
                    Map<String, BigInteger> read = read(state.address, nonces);
                    state.snapshot = new Snapshot(Map.copyOf(read), clock.instant(), System.nanoTime());
                } catch (RpcException e) {
                    failures.increment();
                    log.debug("amountFilled refresh failed, the last value is kept: {}", e.getMessage());
                } catch (RuntimeException e) {
                    failures.increment();
                    log.warn("amountFilled refresh failed, the last value is kept: {}", e.toString());
                } finally {
                    state.lastAttempt = System.nanoTime();
                    state.refreshing.set(false);
                }
            });
        } catch (RejectedExecutionException e) {
            state.refreshing.set(false); // shutting down
        }
    }

    /**
     * {@code amountFilled} of {@code nonces} read now, in batches. Throws {@link RpcException} when the batch fails or
     * any answer is not one 32-byte word ({@code 0x}, {@code 0x01}, a node error): an unreadable result is a failed
     * refresh, and the last value is kept.
     */
    Map<String, BigInteger> read(String book, List<String> nonces) {
        Rpc rpc = chain.require();
        List<String> calls = new ArrayList<>(nonces.size());
        for (String nonce : nonces) {
            calls.add(FunctionEncoder.encode(amountFilledCall(nonce)));
        }
        List<Rpc.CallResult> results = rpc.batchCalls(book, calls);
        Map<String, BigInteger> out = new HashMap<>();
        for (int i = 0; i < nonces.size(); i++) {
            Rpc.CallResult r = results.get(i);
            if (!r.ok()) {
                throw new RpcException(
                        RpcException.Kind.NODE_ERROR,
                        "amountFilled",
                        null,
                        r.error() + " for nonce " + nonces.get(i),
                        null);
            }
            out.put(nonces.get(i), Rpc.word("amountFilled", r.data()));
        }
        return out;
    }

    private double oldestAgeSeconds() {
        long now = System.nanoTime();
        return books.values().stream()
                .map(b -> b.snapshot)
                .filter(s -> s != null)
                .mapToDouble(s -> (now - s.version()) / 1e9)
                .max()
                .orElse(Double.NaN);
    }

    private static Function amountFilledCall(String nonce) {
        return new Function(
                "amountFilled", List.of(new Uint256(new BigInteger(nonce))), List.of(new TypeReference<Uint256>() {}));
    }

    @Override
    public void destroy() {
        refresher.shutdown();
    }
}

package io.nutsgate.push;

import io.nutsgate.system.NutsProperties;
import io.nutsgate.system.RateLimiter;
import io.nutsgate.system.RateLimiters;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/**
 * What subscriptions may make the wallet watch ask the Thetanuts indexer, so that a client's sockets cost it no more
 * than the same client's {@code POST /nuts/positions} calls: at most {@code NUTS_PUSH_MAX_WALLETS_PER_CLIENT}
 * subscriptions per client (by the rate limits' client address, over all its sockets), at most
 * {@code NUTS_PUSH_WATCH_MAX_WALLETS} wallets followed by this instance, and a wallet this instance does not follow
 * yet takes one call from the client's {@code NUTS_POSITIONS_RATE_LIMIT}, the very bucket a new address on the REST
 * path takes from.
 */
@Component
class WatchBudget {

    private final int maxPerClient;
    private final int maxWallets;
    private final RateLimiter newAddresses;
    private final Map<String, AtomicInteger> perClient = new ConcurrentHashMap<>();
    private final AtomicInteger followed = new AtomicInteger();

    WatchBudget(NutsProperties properties, RateLimiters limiters) {
        this.maxPerClient = properties.push().bounds().maxWalletsPerClient();
        this.maxWallets = properties.push().watchMaxWallets();
        this.newAddresses = limiters.limiter(
                "positions",
                properties.positionsRateLimit().requests(),
                properties.positionsRateLimit().window());
    }

    /** Why {@code client} may not subscribe to {@code wallet} now, or null (then call {@link #added}). */
    String refusal(String client, String wallet, boolean followedHere) {
        AtomicInteger mine = client == null ? null : perClient.get(client);
        if (mine != null && mine.get() >= maxPerClient) {
            return "wallet: a client follows at most " + maxPerClient
                    + " wallets over all its sockets (NUTS_PUSH_MAX_WALLETS_PER_CLIENT)";
        }
        if (followedHere) {
            return null;
        }
        if (followed.get() >= maxWallets) {
            return "wallet: this instance follows its maximum of " + maxWallets + " wallets; retry later";
        }
        try {
            newAddresses.acquire(client == null ? "unknown" : client);
        } catch (RateLimiter.RateLimitedException e) {
            return "wallet: this client asked for too many new wallets (NUTS_POSITIONS_RATE_LIMIT); retry in "
                    + e.retryAfterSeconds() + " s";
        }
        return null;
    }

    void added(String client) {
        if (client != null) {
            perClient.computeIfAbsent(client, c -> new AtomicInteger()).incrementAndGet();
        }
    }

    void removed(String client) {
        if (client != null) {
            perClient.computeIfPresent(client, (c, n) -> n.decrementAndGet() <= 0 ? null : n);
        }
    }

    /** Rooms of this instance, kept by {@link PushSockets}: a room opened or closed. */
    void followed(int delta) {
        followed.addAndGet(delta);
    }
}

package io.nutsgate.positions;

import io.nutsgate.push.SubscriptionBudget;
import io.nutsgate.settings.NutsProperties;
import io.nutsgate.thetanuts.PositionsBudget;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/**
 * What subscriptions may make the wallet watch ask the Thetanuts indexer, so that a client's sockets cost it no more
 * than the same client's {@code POST /nuts/positions} calls: at most {@code NUTS_PUSH_MAX_WALLETS_PER_CLIENT}
 * subscriptions per client (by the rate limits' client address, over all its sockets), at most
 * {@code NUTS_PUSH_WATCH_MAX_WALLETS} wallets followed by this instance, and every wallet new to the positions cache
 * drawn from the same bucket as {@code POST /nuts/positions} ({@link PositionsBudget}, {@code NUTS_POSITIONS_RATE_LIMIT}):
 * a client swapping wallets cannot make the watch read more of them than it could ask for over REST. The watch reads
 * each followed wallet through the positions cache ({@link PositionWatcher}), so a held wallet costs at most one
 * indexer read per cache TTL, and the sockets ({@code push.PushSockets#renewAll}) count it again against the same
 * bucket every TTL. The sockets ask it through {@link SubscriptionBudget}, so the transport knows nothing of budgets.
 */
@Component
class WatchBudget implements SubscriptionBudget {

    private final int maxPerClient;
    private final int maxWallets;
    private final Map<String, AtomicInteger> perClient = new ConcurrentHashMap<>();
    private final AtomicInteger followed = new AtomicInteger();

    private final PositionsBudget positions;

    WatchBudget(NutsProperties properties, PositionsBudget positions) {
        this.positions = positions;
        this.maxPerClient = properties.push().bounds().maxWalletsPerClient();
        this.maxWallets = properties.push().watchMaxWallets();
    }

    /** Why {@code client} may not subscribe to {@code wallet} now, or null (then call {@link #added}). */
    @Override
    public String refusal(String client, String wallet, boolean followedHere) {
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
        return null;
    }

    /**
     * Counts a wallet this instance does not follow yet against {@code client}'s positions budget (free when anyone
     * asked for it within the positions cache lifetime, over REST or a socket); throws
     * {@link io.nutsgate.ratelimit.RateLimiter.RateLimitedException} past it, having counted nothing else. A wallet
     * followed here costs the indexer nothing more: the watch reads it anyway.
     */
    @Override
    public void charge(String client, String wallet, boolean followedHere) {
        if (!followedHere) {
            positions.acquire(client, wallet);
        }
    }

    /**
     * Counts a wallet {@code client} has followed for a whole positions cache lifetime again, as asking
     * {@code POST /nuts/positions} for it again would be (free when anyone asked for it within the lifetime); throws
     * {@link io.nutsgate.ratelimit.RateLimiter.RateLimitedException} past the budget.
     */
    @Override
    public void renew(String client, String wallet) {
        positions.renew(client, wallet);
    }

    @Override
    public void added(String client) {
        if (client != null) {
            perClient.computeIfAbsent(client, c -> new AtomicInteger()).incrementAndGet();
        }
    }

    @Override
    public void removed(String client) {
        if (client != null) {
            perClient.computeIfPresent(client, (c, n) -> n.decrementAndGet() <= 0 ? null : n);
        }
    }

    /** Rooms of this instance, kept by the sockets: a room opened or closed. */
    @Override
    public void followed(int delta) {
        followed.addAndGet(delta);
    }
}

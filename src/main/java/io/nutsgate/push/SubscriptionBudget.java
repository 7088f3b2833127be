package io.nutsgate.push;

/**
 * What a client's subscriptions may cost, asked by the sockets before a wallet joins a room and kept up to date as
 * rooms change. Defined here and answered by {@code positions} (the wallet watch's budget, {@code WatchBudget}): the
 * transport counts sockets and rooms, the watch knows what following a wallet costs the indexer.
 */
public interface SubscriptionBudget {

    /**
     * Why {@code client} may not subscribe to {@code wallet} now, or null (then {@link #charge} and {@link #added});
     * {@code followedHere} when a socket of this instance is in the wallet's room already.
     */
    String refusal(String client, String wallet, boolean followedHere);

    /**
     * Counts a wallet for {@code client} before it joins the room; throws
     * {@link io.nutsgate.ratelimit.RateLimiter.RateLimitedException} past the client's budget, having counted nothing.
     */
    void charge(String client, String wallet, boolean followedHere);

    /**
     * Counts a wallet {@code client} has followed for a whole positions cache lifetime again; throws
     * {@link io.nutsgate.ratelimit.RateLimiter.RateLimitedException} past the budget (then the socket leaves the room).
     */
    void renew(String client, String wallet);

    /** One more subscription of {@code client} (null: a socket without a client key, not counted per client). */
    void added(String client);

    /** One subscription of {@code client} fewer. */
    void removed(String client);

    /** Rooms of this instance: {@code +1} when a room opened here, {@code -1} when it closed. */
    void followed(int delta);
}

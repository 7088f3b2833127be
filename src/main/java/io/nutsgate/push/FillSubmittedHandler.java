package io.nutsgate.push;

/**
 * What a socket's {@code fill:submitted} does, defined here and answered by the {@code submissions} feature: the
 * transport reads the hash and writes the ack, and knows nothing of receipts (the port keeps push free of the chain
 * reader's rooms, and {@code submissions} depending on push instead of the reverse keeps the graph acyclic).
 */
public interface FillSubmittedHandler {

    /**
     * Submits {@code txHash} (possibly null or malformed, as the client sent it) for {@code client}, the limits' key
     * of the socket's client, as {@code POST /nuts/fills} does; throws {@link io.nutsgate.common.ApiException} with
     * that endpoint's code when refused ({@link io.nutsgate.ratelimit.RateLimiter.RateLimitedException} past its rate
     * limit).
     */
    Submitted submit(String txHash, String client);

    /** Where the submission stands: its hash, its state's name (e.g. {@code PENDING}) and why it failed, if it did. */
    record Submitted(String txHash, String state, String error) {}
}

package io.nutsgate.auth;

import java.util.Optional;

/**
 * The two reads a contract wallet's signature needs, answered by the chain's RPC node ({@code BASE_RPC_URL}).
 * Implemented outside this package, where the RPC client lives. Both throw an {@link io.nutsgate.common.ApiException}
 * {@code CHAIN_UNAVAILABLE} (503) when there is no RPC node, or it cannot be reached or does not answer within
 * {@code NUTS_RPC_TIMEOUT}: then nothing can be said about the signature.
 */
public interface WalletContracts {

    /** Whether an RPC node is configured at all. */
    boolean available();

    /** Whether code is deployed at {@code address} (latest block). */
    boolean hasCode(String address);

    /**
     * An {@code eth_call} at the latest block, never a transaction; {@code to} null calls deployless (the data is
     * creation code, whose constructor's return is the answer). Empty when the node answers with an error: a revert,
     * out of gas, anything that is not a result.
     */
    Optional<String> call(String to, String data);
}

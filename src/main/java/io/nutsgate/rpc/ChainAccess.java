package io.nutsgate.rpc;

import io.micrometer.observation.ObservationRegistry;
import io.nutsgate.common.ApiException;
import io.nutsgate.common.ErrorCode;
import io.nutsgate.protocol.Platform;
import io.nutsgate.resilience.CircuitBreakers;
import io.nutsgate.resilience.Retries;
import io.nutsgate.settings.NutsProperties;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The RPC connection, present only when {@code BASE_RPC_URL} is set (one warning at start otherwise). At start the
 * node's {@code eth_chainId} must match the active deployment: a mismatch stops the start-up naming the setting; a
 * node that does not answer yet is checked later. After the start {@link Rpc} checks the chain id again on every
 * reconnect and after every failure, and refuses the answers of a node on another chain.
 */
@Component
public class ChainAccess implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ChainAccess.class);

    private final Rpc rpc;
    private final Platform platform;
    private volatile boolean chainIdChecked;

    public ChainAccess(
            NutsProperties properties,
            Platform platform,
            CircuitBreakers breakers,
            Retries retries,
            ObservationRegistry observations) {
        this.platform = platform;
        if (!properties.chain().enabled()) {
            log.warn("BASE_RPC_URL is not set: the chain indexer, referral revenue, live capacity, fill simulation"
                    + " and POST /nuts/fills are off (CHAIN_UNAVAILABLE)");
            this.rpc = null;
            return;
        }
        this.rpc = Rpc.of(properties, platform.deployment().chainId(), breakers, retries, observations);
        try {
            checkChainId();
        } catch (RpcException e) {
            log.warn(
                    "the RPC node at {} does not answer yet ({}); chain id checked again later",
                    rpc.safeUrl(),
                    e.getMessage());
        }
    }

    /** Verifies {@code eth_chainId} once; throws {@link IllegalStateException} on a mismatch. */
    public void checkChainId() {
        if (chainIdChecked || rpc == null) {
            return;
        }
        long chainId = rpc.chainId();
        long expected = platform.deployment().chainId();
        if (chainId != expected) {
            throw new IllegalStateException("BASE_RPC_URL " + rpc.safeUrl() + " serves chain id " + chainId
                    + ", the deployment " + platform.deployment().name() + " is on " + expected);
        }
        chainIdChecked = true;
    }

    public boolean enabled() {
        return rpc != null;
    }

    public Optional<Rpc> rpc() {
        return Optional.ofNullable(rpc);
    }

    /** The RPC connection, or {@code CHAIN_UNAVAILABLE} (503) when {@code BASE_RPC_URL} is not set. */
    public Rpc require() {
        if (rpc == null) {
            throw new ApiException(
                    ErrorCode.CHAIN_UNAVAILABLE, "chain access is off: BASE_RPC_URL is not set on this server");
        }
        return rpc;
    }

    @Override
    public void destroy() {
        if (rpc != null) {
            rpc.close();
        }
    }
}

package io.nutsgate.chain;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.nutsgate.system.NutsProperties;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Uint256;

/**
 * {@code amountFilled(nonce)} of the book for the nonce groups of the live orders, read with one JSON-RPC batch per
 * refresh ({@code NUTS_CAPACITY_REFRESH}) and never per request; {@code 2^256 − 1} means cancelled. Empty without
 * {@code BASE_RPC_URL} or when the node fails (the orders are then shown with their signed budget).
 */
@Component
public class LiveCapacity {

    public static final BigInteger CANCELLED = BigInteger.TWO.pow(256).subtract(BigInteger.ONE);

    private static final Logger log = LoggerFactory.getLogger(LiveCapacity.class);

    /** The amounts filled per nonce (decimal string) and when they were read (a version for caches). */
    public record Snapshot(Map<String, BigInteger> amountFilled, long version) {}

    private final ChainAccess chain;
    private final Cache<String, Snapshot> snapshots;

    LiveCapacity(ChainAccess chain, NutsProperties properties) {
        this.chain = chain;
        this.snapshots = Caffeine.newBuilder()
                .maximumSize(16)
                .expireAfterWrite(properties.chain().capacityRefresh())
                .build();
    }

    /**
     * The nonce groups of one book, sorted and keyed once: a caller that asks for the same set on every request
     * (the orders list) builds this once per feed version, so a cached read costs one lookup, not a sort.
     */
    public record NonceSet(String book, List<String> nonces, String key) {

        public static NonceSet of(String book, List<String> nonces) {
            List<String> sorted = List.copyOf(new TreeSet<>(nonces));
            return new NonceSet(book, sorted, book.toLowerCase(java.util.Locale.ROOT) + ":" + String.join(",", sorted));
        }
    }

    /** {@code amountFilled} of every nonce, cached for the refresh interval per (book, nonce set). */
    public Optional<Snapshot> amountFilled(String book, List<String> nonces) {
        return nonces.isEmpty() ? Optional.empty() : amountFilled(NonceSet.of(book, nonces));
    }

    /**
     * {@code amountFilled} of every nonce of {@code set}, cached for the refresh interval; concurrent misses of one
     * set share one batch (Caffeine's per-key computation).
     */
    public Optional<Snapshot> amountFilled(NonceSet set) {
        if (!chain.enabled() || set.nonces().isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(
                    snapshots.get(set.key(), key -> new Snapshot(read(set.book(), set.nonces()), System.nanoTime())));
        } catch (RpcException e) {
            log.warn("amountFilled batch failed, orders shown with their signed budget: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /** {@code amountFilled} read now (no cache), for a fill plan; throws {@link RpcException}. */
    public Map<String, BigInteger> amountFilledNow(String book, List<String> nonces) {
        return read(book, nonces);
    }

    private Map<String, BigInteger> read(String book, List<String> nonces) {
        Rpc rpc = chain.require();
        List<String> calls = new ArrayList<>(nonces.size());
        for (String nonce : nonces) {
            calls.add(FunctionEncoder.encode(amountFilled(nonce)));
        }
        List<Rpc.CallResult> results = rpc.batchCalls(book, calls);
        Map<String, BigInteger> out = new HashMap<>();
        for (int i = 0; i < nonces.size(); i++) {
            Rpc.CallResult r = results.get(i);
            if (!r.ok()) {
                throw new RpcException("amountFilled", null, r.error(), null);
            }
            List<Type> decoded = FunctionReturnDecoder.decode(
                    r.data(), amountFilled(nonces.get(i)).getOutputParameters());
            if (decoded.isEmpty()) {
                throw new RpcException("amountFilled", null, "no value for nonce " + nonces.get(i), null);
            }
            out.put(nonces.get(i), (BigInteger) decoded.getFirst().getValue());
        }
        return out;
    }

    private static Function amountFilled(String nonce) {
        return new Function(
                "amountFilled", List.of(new Uint256(new BigInteger(nonce))), List.of(new TypeReference<Uint256>() {}));
    }
}

package io.nutsgate.fill;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.nutsgate.rpc.ChainAccess;
import io.nutsgate.rpc.Rpc;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeEncoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.utils.Numeric;

/**
 * A taker's side of a fill, read from the chain: collateral balance and allowance to the book, and an {@code eth_call}
 * of {@code fillOrder} from the taker at the latest block as if the approval were already given (a state override
 * of the token's allowance slot, found once per token by probing the usual Solidity mapping slots and remembered
 * for an hour, found or not), so a failed simulation means the order itself would fail. A node answer that is not
 * what the call returns (an address without code answers {@code 0x}) is a failed call ({@link RpcException}).
 */
@Component
public class FillSimulation {

    /** What the chain says about a planned fill; {@code skipped} without {@code BASE_RPC_URL}. */
    public record Result(
            boolean skipped,
            BigInteger balance,
            BigInteger allowance,
            boolean approvalNeeded,
            boolean balanceSufficient,
            boolean ok,
            String revertReason) {

        public static Result skippedResult() {
            return new Result(true, null, null, true, false, false, null);
        }
    }

    private static final int MAX_SLOT = 20;
    private static final String PROBE = "0x000000000000000000000000000000000000000000000000000000000bad1dea";

    private final ChainAccess chain;
    /**
     * The allowance slot per token, or empty when no probed slot holds it: probed once per token (at most
     * {@code MAX_SLOT + 1} calls) and not again for an hour, whatever the number of plans.
     */
    private final Cache<String, Optional<Integer>> allowanceSlots = Caffeine.newBuilder()
            .maximumSize(1_000)
            .expireAfterWrite(Duration.ofHours(1))
            .build();

    public FillSimulation(ChainAccess chain) {
        this.chain = chain;
    }

    /**
     * Reads balance and allowance of {@code taker} in {@code token} for {@code book} and simulates {@code fillData}
     * (the {@code fillOrder} calldata) with the allowance overridden to {@code needed}. Throws {@link RpcException}
     * when the node fails.
     */
    public Result simulate(String taker, String token, String book, BigInteger needed, String fillData) {
        if (!chain.enabled()) {
            return Result.skippedResult();
        }
        Rpc rpc = chain.require();
        BigInteger balance = rpc.callUint(null, token, FunctionEncoder.encode(balanceOf(taker)));
        BigInteger allowance = rpc.callUint(null, token, FunctionEncoder.encode(allowance(taker, book)));
        Map<String, Object> override = null;
        if (allowance.compareTo(needed) < 0) {
            Integer slot = allowanceSlot(rpc, token, taker, book);
            if (slot != null) {
                override = Map.of(token, Map.of("stateDiff", Map.of(allowanceKey(slot, taker, book), word(needed))));
            }
        }
        EthCall result = rpc.callWithOverride(taker, book, fillData, override);
        boolean failed = result.hasError() || result.isReverted();
        return new Result(
                false,
                balance,
                allowance,
                allowance.compareTo(needed) < 0,
                balance.compareTo(needed) >= 0,
                !failed,
                failed ? reason(result) : null);
    }

    private Integer allowanceSlot(Rpc rpc, String token, String owner, String spender) {
        return allowanceSlots
                .get(token.toLowerCase(Locale.ROOT), key -> probe(rpc, token, owner, spender))
                .orElse(null);
    }

    private static Optional<Integer> probe(Rpc rpc, String token, String owner, String spender) {
        String data = FunctionEncoder.encode(allowance(owner, spender));
        BigInteger expected = Numeric.toBigInt(PROBE);
        for (int slot = 0; slot <= MAX_SLOT; slot++) {
            EthCall probe = rpc.callWithOverride(
                    null,
                    token,
                    data,
                    Map.of(token, Map.of("stateDiff", Map.of(allowanceKey(slot, owner, spender), PROBE))));
            if (!probe.hasError()
                    && !probe.isReverted()
                    && probe.getValue() != null
                    && probe.getValue().length() == 66
                    && Numeric.toBigInt(probe.getValue()).equals(expected)) {
                return Optional.of(slot);
            }
        }
        return Optional.empty();
    }

    /** {@code keccak(spender ‖ keccak(owner ‖ slot))}: {@code mapping(owner => mapping(spender => uint))}. */
    static String allowanceKey(int slot, String owner, String spender) {
        String inner = Hash.sha3("0x" + TypeEncoder.encode(new Address(owner))
                + TypeEncoder.encode(new Uint256(BigInteger.valueOf(slot))));
        return Hash.sha3("0x" + TypeEncoder.encode(new Address(spender)) + Numeric.cleanHexPrefix(inner));
    }

    private static String word(BigInteger value) {
        return Numeric.toHexStringWithPrefixZeroPadded(value, 64);
    }

    private static Function balanceOf(String owner) {
        return new Function("balanceOf", List.of(new Address(owner)), List.of(new TypeReference<Uint256>() {}));
    }

    private static Function allowance(String owner, String spender) {
        return new Function(
                "allowance",
                List.of(new Address(owner), new Address(spender)),
                List.of(new TypeReference<Uint256>() {}));
    }

    /** {@code Error(string)}'s text, else the node's message and raw revert data. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    static String reason(EthCall result) {
        String data = result.hasError() && result.getError().getData() != null
                ? result.getError().getData().replace("\"", "")
                : result.getRevertReasonEncodedData();
        if (data != null && data.startsWith("0x08c379a0")) {
            List<Type> decoded = FunctionReturnDecoder.decode(
                    "0x" + data.substring(10), List.of((TypeReference) new TypeReference<Utf8String>() {}));
            if (!decoded.isEmpty()) {
                return decoded.getFirst().getValue().toString();
            }
        }
        String message = result.hasError() ? result.getError().getMessage() : result.getRevertReason();
        return message + (data == null ? "" : " " + data);
    }
}

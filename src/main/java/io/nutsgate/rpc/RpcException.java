package io.nutsgate.rpc;

import java.util.Locale;

/**
 * A JSON-RPC call that failed, and how: the node answered with an error ({@code code} and message), could not be
 * reached, did not answer within the timeout, answered something we cannot read, serves another chain, or the
 * {@code rpc} circuit breaker is open and no call was made.
 */
public class RpcException extends RuntimeException {

    /** How a call failed; decides whether the breaker counts it and whether it is tried again. */
    public enum Kind {
        /** The node answered a JSON-RPC error object. */
        NODE_ERROR,
        /** Connection refused or reset, HTTP error status. */
        TRANSPORT,
        /** No answer within {@code NUTS_RPC_TIMEOUT}. */
        TIMEOUT,
        /** An answer that is not what the method returns (junk hex, wrong shape, missing fields). */
        UNREADABLE,
        /** The node's {@code eth_chainId} is not the deployment's. */
        WRONG_CHAIN,
        /** The {@code rpc} breaker is open: not called. */
        BREAKER_OPEN
    }

    private final Kind kind;
    private final Integer code;

    public RpcException(String method, Integer code, String message, Throwable cause) {
        this(Kind.NODE_ERROR, method, code, message, cause);
    }

    public RpcException(Kind kind, String method, Integer code, String message, Throwable cause) {
        super(method + ": " + (code == null ? "" : code + " ") + message, cause);
        this.kind = code == null && kind == Kind.NODE_ERROR ? Kind.UNREADABLE : kind;
        this.code = code;
    }

    static RpcException unreadable(String method, String what) {
        return new RpcException(Kind.UNREADABLE, method, null, what, null);
    }

    public Kind kind() {
        return kind;
    }

    public Integer code() {
        return code;
    }

    /** The node said the call itself reverts or is refused for its arguments: the node is healthy. */
    boolean callRefused() {
        if (kind != Kind.NODE_ERROR) {
            return false;
        }
        String text = String.valueOf(getMessage()).toLowerCase(Locale.ROOT);
        return rangeTooLarge()
                || (code != null && code == 3)
                || text.contains("revert")
                || text.contains("out of gas")
                || text.contains("outofgas")
                || text.contains("evm error")
                || text.contains("evmerror")
                || text.contains("invalid opcode");
    }

    /** Counted as a failure by the {@code rpc} breaker: everything but a refused call and an open breaker. */
    boolean nodeFailure() {
        return kind != Kind.BREAKER_OPEN && !callRefused();
    }

    /** Worth trying again at once: a fast failure of the node, not a timeout (a request waits one at most). */
    boolean worthRetrying() {
        return (kind == Kind.TRANSPORT || kind == Kind.UNREADABLE || kind == Kind.NODE_ERROR) && !callRefused();
    }

    /**
     * The provider refused the block range or the size of the result: Infura's -32005, Alchemy's "query returned
     * more than 10000 results", "block range is too large", a plain 10,000-block cap.
     */
    public boolean rangeTooLarge() {
        if (code != null && code == -32005) {
            return true;
        }
        String text = String.valueOf(getMessage()).toLowerCase(Locale.ROOT);
        return text.contains("query returned more than")
                || text.contains("block range")
                || text.contains("range too large")
                || text.contains("range is too large")
                || text.contains("exceed maximum block range")
                || text.contains("response size exceeded")
                || text.contains("too many results")
                || text.contains("10000 blocks")
                || text.contains("10,000 blocks");
    }
}

package io.nutsgate.chain;

import java.util.Locale;

/**
 * A JSON-RPC call that failed: the node answered with an error ({@code code} and message), or it could not be
 * reached or did not answer within the timeout ({@code code} null).
 */
public class RpcException extends RuntimeException {

    private final Integer code;

    RpcException(String method, Integer code, String message, Throwable cause) {
        super(method + ": " + (code == null ? "" : code + " ") + message, cause);
        this.code = code;
    }

    public Integer code() {
        return code;
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

package io.nutsgate.thetanuts;

import io.nutsgate.common.ApiException;
import io.nutsgate.common.ErrorCode;

/** An upstream call that failed: unreachable, too slow, or answering something that is not the expected JSON. */
public class UpstreamException extends ApiException {

    public UpstreamException(ErrorCode code, String message) {
        super(code, message);
    }

    public UpstreamException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }

    public static UpstreamException badResponse(String what) {
        return new UpstreamException(ErrorCode.UPSTREAM_BAD_RESPONSE, "upstream answered an unexpected body: " + what);
    }
}

package io.nutsgate.ops;

import io.nutsgate.settings.NutsProperties;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The operator's bearer token, {@code NUTS_MANAGEMENT_TOKEN}: it opens health details, metrics and Prometheus
 * ({@link ManagementAccessFilter}) and the dashboard's data ({@code GET /nuts/dashboard}). Unset, all of them stay
 * closed. {@code NUTS_OPERATOR_TOKEN}, the dashboard's token of old, is a deprecated alias: used when it alone is set,
 * ignored when {@code NUTS_MANAGEMENT_TOKEN} is set too; either way one warning at start says so.
 */
@Component
public class ManagementToken {

    private static final Logger log = LoggerFactory.getLogger(ManagementToken.class);
    private static final String BEARER = "Bearer ";

    private final byte[] token;

    ManagementToken(NutsProperties properties) {
        String management = properties.management().hasToken()
                ? properties.management().token().strip()
                : null;
        String operator =
                properties.operatorToken() == null || properties.operatorToken().isBlank()
                        ? null
                        : properties.operatorToken().strip();
        if (operator != null && management == null) {
            log.warn("NUTS_OPERATOR_TOKEN is deprecated: it is used as NUTS_MANAGEMENT_TOKEN (dashboard data, health"
                    + " details and metrics); set NUTS_MANAGEMENT_TOKEN instead");
        } else if (operator != null && !operator.equals(management)) {
            log.warn("NUTS_OPERATOR_TOKEN is deprecated and ignored: NUTS_MANAGEMENT_TOKEN is set and opens the"
                    + " dashboard's data; remove NUTS_OPERATOR_TOKEN");
        } else if (operator != null) {
            log.warn("NUTS_OPERATOR_TOKEN is deprecated: remove it, NUTS_MANAGEMENT_TOKEN (the same value) is enough");
        }
        String effective = management != null ? management : operator;
        this.token = effective == null ? null : effective.getBytes(StandardCharsets.UTF_8);
    }

    /** Whether a token is configured; without one, what it protects is closed to every request. */
    public boolean isSet() {
        return token != null;
    }

    /** Whether {@code authorization} (an {@code Authorization} header, may be null) is {@code Bearer <the token>}. */
    public boolean presentedIn(String authorization) {
        if (token == null
                || authorization == null
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        return MessageDigest.isEqual(
                token, authorization.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8));
    }
}

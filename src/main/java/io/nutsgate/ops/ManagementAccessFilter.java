package io.nutsgate.ops;

import io.nutsgate.common.ErrorCode;
import io.nutsgate.web.JsonErrors;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Locale;
import java.util.Set;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UriUtils;

/**
 * The actuator is not public. Open to anyone: the health status ({@code /actuator/health}, no details) and the
 * liveness and readiness probes. Health details, metrics and Prometheus need {@code Authorization: Bearer
 * <NUTS_MANAGEMENT_TOKEN>}, or a request to {@code MANAGEMENT_PORT} when that is set (a port kept off the public
 * network); otherwise 401 {@code UNAUTHORIZED}. With {@code MANAGEMENT_PORT} set the public port serves no actuator
 * at all, token or not: {@code /actuator/**} there is 404 {@code NOT_FOUND}.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 3)
class ManagementAccessFilter extends OncePerRequestFilter {

    private static final Set<String> OPEN =
            Set.of("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness", "/livez", "/readyz");
    private static final Principal OPERATOR = () -> "management";

    private final ManagementToken token;
    private final Integer managementPort;

    ManagementAccessFilter(ManagementToken token, Environment environment) {
        this.token = token;
        // Spring Boot's own setting (MANAGEMENT_PORT), read where the actuator reads it.
        this.managementPort = ManagementPortDetails.separatePort(environment);
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = normalised(request);
        return !path.startsWith("/actuator/") && !path.equals("/actuator") && !OPEN.contains(path);
    }

    /**
     * The path as routing sees it, never narrower: each segment percent-decoded and stripped of {@code ;} parameters
     * (as Spring MVC's {@code PathContainer} matches it), empty segments (double and trailing slashes) dropped, and
     * lower case. The raw request URI let {@code /%61ctuator/prometheus} through; a path that might route to the
     * actuator in any spelling is decided here as the actuator.
     */
    static String normalised(HttpServletRequest request) {
        String raw = request.getRequestURI();
        String context = request.getContextPath();
        if (context != null && !context.isEmpty() && raw.startsWith(context)) {
            raw = raw.substring(context.length());
        }
        return normalised(raw);
    }

    static String normalised(String rawPath) {
        StringBuilder path = new StringBuilder();
        for (String segment : rawPath.split("/")) {
            int parameters = segment.indexOf(';');
            String name = parameters >= 0 ? segment.substring(0, parameters) : segment;
            try {
                name = UriUtils.decode(name, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                // Tomcat refuses a malformed escape before any filter; kept as written if one gets here.
            }
            int decodedParameters = name.indexOf(';');
            if (decodedParameters >= 0) {
                name = name.substring(0, decodedParameters);
            }
            if (!name.isEmpty()) {
                path.append('/').append(name.toLowerCase(Locale.ROOT));
            }
        }
        return path.isEmpty() ? "/" : path.toString();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        boolean onManagementPort = managementPort != null && request.getLocalPort() == managementPort;
        if (managementPort != null && !onManagementPort) {
            // The public port, with the actuator on MANAGEMENT_PORT: nothing here to ask a token for.
            chain.doFilter(request, response);
        } else if (onManagementPort || token.presentedIn(request.getHeader("Authorization"))) {
            chain.doFilter(new Operator(request), response);
        } else if (OPEN.contains(normalised(request))) {
            chain.doFilter(request, response);
        } else {
            JsonErrors.write(
                    response,
                    ErrorCode.UNAUTHORIZED,
                    "Authorization: " + request.getRequestURI() + " needs Bearer NUTS_MANAGEMENT_TOKEN"
                            + (token.isSet() ? "" : " (not set; use MANAGEMENT_PORT)"));
        }
    }

    /** Lets the actuator show health details ({@code show-details: when-authorized}). */
    private static final class Operator extends HttpServletRequestWrapper {
        Operator(HttpServletRequest request) {
            super(request);
        }

        @Override
        public Principal getUserPrincipal() {
            return OPERATOR;
        }

        @Override
        public boolean isUserInRole(String role) {
            return true;
        }
    }
}

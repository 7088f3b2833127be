package io.nutsgate.common;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

/**
 * Writes a {@link RenderedJson} straight to the servlet response: 304 on a matching {@code If-None-Match}, the
 * stored gzip bytes when accepted, else the stored body. No message converter, header map or copy of the body is
 * made per request: the stored array goes to the connector as it is.
 */
public final class JsonHttp {

    private static final String NO_CACHE = "no-cache";
    private static final String JSON = MediaType.APPLICATION_JSON_VALUE;

    private JsonHttp() {}

    public static void write(RenderedJson rendered, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        response.setHeader(HttpHeaders.ETAG, rendered.etag());
        response.setHeader(HttpHeaders.CACHE_CONTROL, NO_CACHE);
        response.addHeader(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING);
        if (matches(request.getHeader(HttpHeaders.IF_NONE_MATCH), rendered.etag())) {
            response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return;
        }
        response.setContentType(JSON);
        byte[] body = rendered.body();
        if (rendered.gzipped() != null && acceptsGzip(request.getHeader(HttpHeaders.ACCEPT_ENCODING))) {
            response.setHeader(HttpHeaders.CONTENT_ENCODING, "gzip");
            body = rendered.gzipped();
        }
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.trim();
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.equals("*") || tag.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String part : acceptEncoding.toLowerCase(Locale.ROOT).split(",")) {
            String[] tokens = part.trim().split(";");
            if (tokens[0].trim().equals("gzip")) {
                return tokens.length < 2 || !tokens[1].replace(" ", "").equals("q=0");
            }
        }
        return false;
    }
}

package io.nutsgate.common;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** Writes a {@link RenderedJson}: 304 on a matching {@code If-None-Match}, the stored gzip bytes when accepted. */
public final class JsonHttp {

    private JsonHttp() {}

    public static ResponseEntity<byte[]> respond(RenderedJson rendered, HttpServletRequest request) {
        HttpHeaders headers = new HttpHeaders();
        headers.setETag(rendered.etag());
        headers.setCacheControl(CacheControl.noCache());
        headers.add(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING);
        if (matches(request.getHeader(HttpHeaders.IF_NONE_MATCH), rendered.etag())) {
            return new ResponseEntity<>(headers, HttpStatus.NOT_MODIFIED);
        }
        headers.setContentType(MediaType.APPLICATION_JSON);
        if (rendered.gzipped() != null && acceptsGzip(request.getHeader(HttpHeaders.ACCEPT_ENCODING))) {
            headers.set(HttpHeaders.CONTENT_ENCODING, "gzip");
            return new ResponseEntity<>(rendered.gzipped(), headers, HttpStatus.OK);
        }
        return new ResponseEntity<>(rendered.body(), headers, HttpStatus.OK);
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
        for (String part : acceptEncoding.toLowerCase().split(",")) {
            String[] tokens = part.trim().split(";");
            if (tokens[0].trim().equals("gzip")) {
                return tokens.length < 2 || !tokens[1].replace(" ", "").equals("q=0");
            }
        }
        return false;
    }
}

package io.nutsgate.web;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;

/**
 * After a request whose body timed out, tells Tomcat not to read the rest of it and to close the connection.
 * Tomcat would otherwise swallow the remainder (up to {@link ServerConfiguration#MAX_SWALLOW_BYTES}) to reuse the
 * connection, and a client trickling that remainder would hold the connection for hours. Bodies refused for their
 * size or type are still swallowed: their senders are fast, and closing with unread bytes would reset the
 * connection before they read the answer.
 */
class AbandonedBodyValve extends ValveBase {

    private static final String ABANDONED = AbandonedBodyValve.class.getName() + ".abandoned";

    AbandonedBodyValve() {
        super(true);
    }

    /** Marks the request's body as refused: the connection is closed after the answer instead of draining it. */
    static void abandon(HttpServletRequest request) {
        request.setAttribute(ABANDONED, Boolean.TRUE);
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        try {
            getNext().invoke(request, response);
        } finally {
            if (request.getAttribute(ABANDONED) != null) {
                request.getCoyoteRequest().action(ActionCode.DISABLE_SWALLOW_INPUT, null);
            }
        }
    }
}

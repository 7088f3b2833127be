package io.nutsgate.auth;

import java.time.Clock;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** Bearer tokens for callers outside HTTP (the Socket.IO handshake's {@code auth: {token}}). */
@Component
public class SessionTokens {

    private final SessionStore sessions;
    private final Clock clock;

    SessionTokens(SessionStore sessions, Clock clock) {
        this.sessions = sessions;
        this.clock = clock;
    }

    /** The lower-case wallet of a live session, or empty for a missing, unknown or expired token. */
    public Optional<String> wallet(String token) {
        return sessions.find(token, clock.instant()).map(SignedIn::address);
    }
}

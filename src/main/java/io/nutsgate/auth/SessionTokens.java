package io.nutsgate.auth;

import io.nutsgate.common.ApiException;
import java.time.Clock;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * Bearer tokens, wherever they come from (HTTP {@code Authorization: Bearer}, the Socket.IO handshake's
 * {@code auth: {token}}): one of our session tokens, or a Farcaster Quick Auth JWT, whose user is found or created by
 * fid on the way ({@link FarcasterSignedInEvent}).
 */
@Component
public class SessionTokens {

    private final SessionStore sessions;
    private final QuickAuthTokens quickAuth;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    SessionTokens(SessionStore sessions, QuickAuthTokens quickAuth, ApplicationEventPublisher events, Clock clock) {
        this.sessions = sessions;
        this.quickAuth = quickAuth;
        this.events = events;
        this.clock = clock;
    }

    /**
     * Who {@code token} signs in: empty for a missing, unknown or expired session token; a Quick Auth JWT that is
     * refused throws its {@link ApiException} (401 with the reason's code, 503 when the keys cannot be fetched).
     */
    public Optional<SignedIn> signedIn(String token) {
        if (token == null) {
            return Optional.empty();
        }
        if (token.startsWith(SessionStore.PREFIX) || !QuickAuthTokens.looksLikeJwt(token)) {
            return sessions.find(token, clock.instant());
        }
        QuickAuthTokens.Verified verified = quickAuth.verify(token);
        events.publishEvent(new FarcasterSignedInEvent(verified.fid()));
        return Optional.of(new SignedIn(null, verified.fid(), verified.expiresAt()));
    }
}

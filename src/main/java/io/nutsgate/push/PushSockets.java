package io.nutsgate.push;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.nutsgate.auth.SessionTokens;
import io.nutsgate.auth.SignedIn;
import io.nutsgate.common.Addresses;
import io.nutsgate.common.ApiException;
import io.nutsgate.common.ErrorCode;
import io.nutsgate.ratelimit.RateLimiter.RateLimitedException;
import io.nutsgate.settings.NutsProperties;
import io.socket.engineio.server.EngineIoSocket;
import io.socket.engineio.server.ReadyState;
import io.socket.socketio.server.SocketIoNamespace;
import io.socket.socketio.server.SocketIoServer;
import io.socket.socketio.server.SocketIoSocket;
import io.socket.socketio.server.SocketIoSocket.ReceivedByLocalAcknowledgementCallback;
import io.socket.socketio.server.parser.IOParser;
import io.socket.socketio.server.parser.Packet;
import io.socket.socketio.server.parser.Parser;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import org.json.JSONArray;
import org.json.JSONException;
import org.json.JSONObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

/**
 * The sockets of this instance and their rooms. A client emits {@code subscribe:positions} /
 * {@code unsubscribe:positions} with a wallet address (any case) and, when it asks for one, gets the ack
 * {@code {ok:true}} or {@code {ok:false, error:{code, message}}}. Bad input (not an address, an array, an object, a
 * huge string, more than {@code NUTS_PUSH_MAX_SUBSCRIPTIONS} wallets, an unknown event) is answered that way or
 * ignored, and counted; it never closes the socket. A wallet new to the positions cache draws on the client's
 * {@code NUTS_POSITIONS_RATE_LIMIT} budget, shared with {@code POST /nuts/positions} (past it {@code RATE_LIMITED}), and
 * one followed for a whole cache lifetime draws on it again ({@link #renewAll}). A session token in the handshake
 * ({@code auth: {token}}) is checked and recorded, but subscribing does not need it.
 */
@Component
class PushSockets implements LocalRooms {

    static final String SUBSCRIBE = "subscribe:positions";
    static final String UNSUBSCRIBE = "unsubscribe:positions";
    static final String FILL_SUBMITTED = "fill:submitted";
    static final String SUBSCRIPTION_ENDED = "subscription:ended";
    private static final Set<String> HANDLED = Set.of(SUBSCRIBE, UNSUBSCRIBE, FILL_SUBMITTED);
    private static final Set<String> RESERVED = Set.of("disconnect", "disconnecting", "error", "connect");
    private static final Logger log = LoggerFactory.getLogger(PushSockets.class);
    private static final IOParser.Encoder ENCODER = new IOParser.Encoder();

    /**
     * What one socket holds: its wallets (bounded) each with when it was last counted against the client's positions
     * budget ({@link System#nanoTime}), who it signed in as, if anyone, and its client's key.
     */
    private record SocketState(Map<String, Long> wallets, Optional<SignedIn> signedInAs, String client) {}

    private final ObservationRegistry observations;
    private final NutsProperties.Push settings;
    private final SessionTokens sessions;
    private final ApplicationEventPublisher events;
    private final PushMetrics metrics;
    private final FillSubmittedHandler fills;
    private final SubscriptionBudget budget;
    private final Map<String, Set<SocketIoSocket>> rooms = new ConcurrentHashMap<>();
    private final Map<SocketIoSocket, SocketState> states = new ConcurrentHashMap<>();
    private final long renewNanos;
    private final ScheduledFuture<?> renewal;
    private volatile Runnable roomOpened;

    PushSockets(
            SocketIoServer server,
            NutsProperties properties,
            SessionTokens sessions,
            ApplicationEventPublisher events,
            PushMetrics metrics,
            FillSubmittedHandler fills,
            SubscriptionBudget budget,
            MeterRegistry meters,
            ObservationRegistry observations,
            TaskScheduler scheduler) {
        this.observations = observations;
        this.fills = fills;
        this.budget = budget;
        this.settings = properties.push();
        this.sessions = sessions;
        this.events = events;
        this.metrics = metrics;
        SocketIoNamespace namespace = server.namespace("/");
        namespace.on("connection", args -> onConnection((SocketIoSocket) args[0]));
        Gauge.builder("nuts.push.rooms", rooms, Map::size)
                .description("Wallet rooms with a subscriber on this instance")
                .register(meters);
        Duration lifetime = properties.cache().ttl().positions();
        this.renewNanos = lifetime.toNanos();
        Duration every = lifetime.dividedBy(2).compareTo(Duration.ofMillis(100)) < 0
                ? Duration.ofMillis(100)
                : lifetime.dividedBy(2);
        this.renewal = scheduler.scheduleWithFixedDelay(
                this::renewAll, scheduler.getClock().instant().plus(every), every);
    }

    private void onConnection(SocketIoSocket socket) {
        SocketState state = new SocketState(
                new ConcurrentHashMap<>(),
                signedInAs(socket),
                ConnectionGate.client(socket.getClient().getConnection().getInitialHeaders()));
        states.put(socket, state);
        socket.on(SUBSCRIBE, args -> safely(socket, () -> subscribe(socket, state, args)));
        socket.on(UNSUBSCRIBE, args -> safely(socket, () -> unsubscribe(socket, state, args)));
        socket.on(FILL_SUBMITTED, args -> safely(socket, () -> fillSubmitted(socket, state, args)));
        socket.registerAllEventListener((event, args) -> {
            if (!HANDLED.contains(event) && !RESERVED.contains(event)) {
                metrics.rejected(PushMetrics.UNKNOWN_EVENT);
                ack(
                        args,
                        error(
                                ErrorCode.UNKNOWN_EVENT,
                                "unknown event; emit " + SUBSCRIBE + ", " + UNSUBSCRIBE + " or " + FILL_SUBMITTED));
            }
        });
        socket.on(
                "disconnect",
                args -> safely(socket, () -> {
                    states.remove(socket);
                    synchronized (state) {
                        for (String wallet : state.wallets().keySet()) {
                            budget.removed(state.client());
                            leave(socket, wallet);
                        }
                        state.wallets().clear();
                    }
                }));
    }

    /** The handshake's {@code auth.token}: a session token or a Farcaster Quick Auth JWT, checked as over HTTP. */
    private Optional<SignedIn> signedInAs(SocketIoSocket socket) {
        if (!(socket.getConnectData() instanceof JSONObject auth) || !auth.has("token")) {
            return Optional.empty();
        }
        Object token = auth.opt("token");
        Optional<SignedIn> caller;
        try {
            caller = token instanceof String t ? sessions.signedIn(t) : Optional.empty();
        } catch (ApiException refused) {
            log.debug("socket {}: token refused ({})", socket.getId(), refused.code());
            caller = Optional.empty();
        }
        if (caller.isPresent()) {
            metrics.signedIn();
            log.debug(
                    "socket {} signed in as {}",
                    socket.getId(),
                    caller.get().isWallet()
                            ? caller.get().address()
                            : "fid " + caller.get().fid());
        } else {
            metrics.rejected(PushMetrics.INVALID_TOKEN);
        }
        return caller;
    }

    private void subscribe(SocketIoSocket socket, SocketState state, Object[] args) {
        Optional<String> wallet = wallet(args);
        if (wallet.isEmpty()) {
            metrics.rejected(PushMetrics.INVALID_ADDRESS);
            ack(args, invalidWallet());
            return;
        }
        String address = wallet.get();
        synchronized (state) {
            if (!state.wallets().containsKey(address)) {
                String refusal = state.wallets().size() >= settings.maxSubscriptionsPerSocket()
                        ? "wallet: a socket follows at most " + settings.maxSubscriptionsPerSocket()
                                + " wallets; unsubscribe:positions one first"
                        : budget.refusal(state.client(), address, hasLocalSubscribers(address));
                if (refusal != null) {
                    metrics.rejected(PushMetrics.TOO_MANY_SUBSCRIPTIONS);
                    ack(args, error(ErrorCode.TOO_MANY_SUBSCRIPTIONS, refusal));
                    return;
                }
                try {
                    budget.charge(client(socket, state), address, hasLocalSubscribers(address));
                } catch (RateLimitedException limited) {
                    metrics.rejected(PushMetrics.RATE_LIMITED);
                    ack(
                            args,
                            rateLimited(
                                    limited,
                                    "wallet: this client asked for more new wallets than NUTS_POSITIONS_RATE_LIMIT"
                                            + " allows (subscriptions and POST /nuts/positions together)"));
                    return;
                }
                state.wallets().put(address, System.nanoTime());
                budget.added(state.client());
                join(socket, address);
            }
        }
        ack(args, ok());
    }

    private void unsubscribe(SocketIoSocket socket, SocketState state, Object[] args) {
        Optional<String> wallet = wallet(args);
        if (wallet.isEmpty()) {
            metrics.rejected(PushMetrics.INVALID_ADDRESS);
            ack(args, invalidWallet());
            return;
        }
        synchronized (state) {
            if (state.wallets().remove(wallet.get()) != null) {
                budget.removed(state.client());
                leave(socket, wallet.get());
            }
        }
        ack(args, ok());
    }

    /**
     * Every half positions cache lifetime: a wallet a socket has followed for a whole lifetime
     * ({@code NUTS_CACHE_TTL_POSITIONS}) is counted again against its client's positions budget, as asking
     * {@code POST /nuts/positions} for it again would be (free when anyone asked for it within the lifetime). Past the
     * budget the socket leaves the wallet's room and gets {@code subscription:ended} {@code {wallet, error:{code:
     * "RATE_LIMITED", message, retryAfterSeconds}}}: a client following wallets costs the indexer no more than one
     * polling them over REST.
     */
    void renewAll() {
        long now = System.nanoTime();
        for (Map.Entry<SocketIoSocket, SocketState> entry : states.entrySet()) {
            try {
                renew(entry.getKey(), entry.getValue(), now);
            } catch (RuntimeException e) {
                log.debug(
                        "renewing the subscriptions of socket {}: {}",
                        entry.getKey().getId(),
                        e.toString());
            }
        }
    }

    private void renew(SocketIoSocket socket, SocketState state, long now) {
        synchronized (state) {
            for (Map.Entry<String, Long> held : List.copyOf(state.wallets().entrySet())) {
                if (now - held.getValue() < renewNanos) {
                    continue;
                }
                String wallet = held.getKey();
                try {
                    budget.renew(client(socket, state), wallet);
                    state.wallets().put(wallet, now);
                } catch (RateLimitedException limited) {
                    metrics.rejected(PushMetrics.RATE_LIMITED);
                    state.wallets().remove(wallet);
                    budget.removed(state.client());
                    leave(socket, wallet);
                    JSONObject error = rateLimited(
                                    limited,
                                    "wallet: following it another NUTS_CACHE_TTL_POSITIONS would take this client"
                                            + " past NUTS_POSITIONS_RATE_LIMIT (subscriptions and POST /nuts/positions"
                                            + " together); subscribe again later")
                            .getJSONObject("error");
                    socket.send(
                            SUBSCRIPTION_ENDED,
                            new JSONObject().put("wallet", wallet).put("error", error));
                }
            }
        }
    }

    private static String client(SocketIoSocket socket, SocketState state) {
        return state.client() == null ? "socket:" + socket.getId() : state.client();
    }

    /**
     * {@code fill:submitted} with {@code txHash} or {@code {txHash}}: the same as {@code POST /nuts/fills}. The ack
     * is {@code {ok:true, fill:{txHash, state, error}}} (the trade then arrives as {@code trade:new} in the wallet's
     * room) or the error of that endpoint ({@code INVALID_PARAMETER}, {@code CHAIN_UNAVAILABLE}, and past the limits
     * {@code RATE_LIMITED}, with {@code retryAfter} seconds, or {@code TOO_MANY_PENDING_FILLS}). The limits count the
     * socket's client, the key {@link ConnectionGateFilter} put on its handshake by the rule of the REST limits
     * ({@code ClientAddresses}): one bucket and one pending count with that client's {@code POST /nuts/fills}, however
     * many connections it opens.
     */
    private void fillSubmitted(SocketIoSocket socket, SocketState state, Object[] args) {
        Object first = args.length == 0 ? null : args[0];
        String txHash = first instanceof String value
                ? value
                : first instanceof JSONObject body && body.opt("txHash") instanceof String value ? value : null;
        try {
            // a session always has its client's key (ConnectionGateFilter sets it on every /socket.io/ request)
            String client = state.client() != null ? state.client() : "socket:" + socket.getId();
            FillSubmittedHandler.Submitted submission = fills.submit(txHash, client);
            ack(
                    args,
                    ok().put(
                                    "fill",
                                    new JSONObject()
                                            .put("txHash", submission.txHash())
                                            .put("state", submission.state().toLowerCase(Locale.ROOT))
                                            .put(
                                                    "error",
                                                    submission.error() == null
                                                            ? JSONObject.NULL
                                                            : submission.error())));
        } catch (ApiException e) {
            metrics.rejected(PushMetrics.BAD_PACKET);
            JSONObject refusal = error(e.code(), e.getMessage());
            if (e instanceof RateLimitedException limited) {
                refusal.getJSONObject("error").put("retryAfterSeconds", limited.retryAfterSeconds());
            }
            ack(args, refusal);
        }
    }

    private void join(SocketIoSocket socket, String wallet) {
        boolean[] first = {false};
        rooms.compute(PushMessage.positionsRoom(wallet), (room, sockets) -> {
            if (sockets == null) {
                sockets = ConcurrentHashMap.newKeySet();
                first[0] = true;
            }
            sockets.add(socket);
            return sockets;
        });
        if (first[0]) {
            budget.followed(1);
            events.publishEvent(new RoomOpenedEvent(wallet));
            Runnable hook = roomOpened;
            if (hook != null) {
                hook.run();
            }
        }
    }

    @PreDestroy
    void stopRenewal() {
        renewal.cancel(false);
    }

    /** Runs {@code hook} whenever a room gets its first socket here (the bus starts listening then). */
    void onRoomOpened(Runnable hook) {
        this.roomOpened = hook;
    }

    /** Whether any socket of this instance is in a room. */
    boolean hasRooms() {
        return !rooms.isEmpty();
    }

    private void leave(SocketIoSocket socket, String wallet) {
        boolean[] last = {false};
        rooms.computeIfPresent(PushMessage.positionsRoom(wallet), (room, sockets) -> {
            sockets.remove(socket);
            last[0] = sockets.isEmpty();
            return last[0] ? null : sockets;
        });
        if (last[0]) {
            budget.followed(-1);
            events.publishEvent(new RoomClosedEvent(wallet));
        }
    }

    /**
     * Emits to the sockets of this instance in the message's room; returns how many got it. The event is parsed and
     * encoded once (Socket.IO packet text, by the library's encoder), then handed to each socket's engine as is:
     * nothing is encoded per socket, and no lock is held while encoding (the engine's per-socket lock only covers
     * queueing the ready text, see {@link QueuedWebSocket}).
     */
    int emitLocal(PushMessage message) {
        Set<SocketIoSocket> sockets = rooms.get(message.room());
        if (sockets == null || sockets.isEmpty()) {
            return 0;
        }
        // a span per push this instance delivers (none for a room nobody here listens to)
        return Observation.createNotStarted("nuts.push", observations)
                .contextualName("push " + message.event())
                .lowCardinalityKeyValue("event", message.event())
                .observe(() -> deliver(message, sockets));
    }

    private int deliver(PushMessage message, Set<SocketIoSocket> sockets) {
        Object[] encoded;
        try {
            encoded = encode(message);
        } catch (JSONException e) {
            log.error("a push to {} is not JSON, dropped", message.room(), e);
            return 0;
        }
        int sent = 0;
        for (SocketIoSocket socket : sockets) {
            try {
                EngineIoSocket connection = socket.getClient().getConnection();
                if (socket.isConnected() && connection.getReadyState() == ReadyState.OPEN) {
                    for (Object part : encoded) {
                        connection.send(new io.socket.engineio.server.parser.Packet<>(
                                io.socket.engineio.server.parser.Packet.MESSAGE, part));
                    }
                    sent++;
                }
            } catch (RuntimeException e) {
                log.debug("push to socket {} failed: {}", socket.getId(), e.toString());
            }
        }
        metrics.delivered(message.event(), sent);
        return sent;
    }

    /** The Socket.IO packet of an event in the default namespace, encoded once for every socket. */
    private static Object[] encode(PushMessage message) {
        Object payload = message.payload().startsWith("[")
                ? new org.json.JSONArray(message.payload())
                : new JSONObject(message.payload());
        Packet<JSONArray> packet =
                new Packet<>(Parser.EVENT, new JSONArray().put(message.event()).put(payload));
        packet.nsp = "/";
        packet.id = -1;
        Object[][] encoded = new Object[1][];
        ENCODER.encode(packet, parts -> encoded[0] = parts);
        return encoded[0];
    }

    @Override
    public List<String> localWallets() {
        return rooms.keySet().stream()
                .map(room -> room.substring("positions:".length()))
                .toList();
    }

    @Override
    public boolean hasLocalSubscribers(String wallet) {
        return rooms.containsKey(PushMessage.positionsRoom(wallet));
    }

    // ---- input and acks ----

    /** The wallet argument: a string that is an address, in any case; anything else is empty. */
    private static Optional<String> wallet(Object[] args) {
        if (args.length == 0 || !(args[0] instanceof String value) || !Addresses.isValid(value)) {
            return Optional.empty();
        }
        return Optional.of(value.toLowerCase(Locale.ROOT));
    }

    /** Answers when the client asked for an ack (the library passes the ack callback as the last argument). */
    private static void ack(Object[] args, JSONObject answer) {
        if (args.length > 0 && args[args.length - 1] instanceof ReceivedByLocalAcknowledgementCallback callback) {
            callback.sendAcknowledgement(answer);
        }
    }

    private void safely(SocketIoSocket socket, Runnable handler) {
        try {
            handler.run();
        } catch (RuntimeException e) {
            metrics.rejected(PushMetrics.BAD_PACKET);
            log.warn("a Socket.IO handler failed for socket {}", socket.getId(), e);
        }
    }

    private static JSONObject ok() {
        return new JSONObject().put("ok", true);
    }

    private static JSONObject invalidWallet() {
        return error(ErrorCode.INVALID_ADDRESS, "wallet must be a 0x-prefixed 20-byte hex address string");
    }

    /** {@code {ok:false, error:{code:"RATE_LIMITED", message, retryAfterSeconds}}}: REST's 429 and Retry-After. */
    private static JSONObject rateLimited(RateLimitedException limited, String why) {
        JSONObject answer = error(ErrorCode.RATE_LIMITED, why + "; " + limited.getMessage());
        answer.getJSONObject("error").put("retryAfterSeconds", limited.retryAfterSeconds());
        return answer;
    }

    private static JSONObject error(ErrorCode code, String message) {
        return new JSONObject()
                .put("ok", false)
                .put("error", new JSONObject().put("code", code.name()).put("message", message));
    }
}

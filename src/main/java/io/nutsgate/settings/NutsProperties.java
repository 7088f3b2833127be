package io.nutsgate.settings;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Every setting of the service, bound in {@code application.yml} from the environment names the deployment
 * already uses ({@code ALPHABIT_REFERRER_ADDRESS}, {@code THETANUTS_INDEXER_URL}, …). Invalid values stop
 * the start-up with the property named.
 */
@Validated
@ConfigurationProperties(prefix = "nuts")
public record NutsProperties(
        @DefaultValue("*") String corsOrigin,
        @Pattern(
                        regexp = "^(0x[0-9a-fA-F]{40})?$",
                        message =
                                "ALPHABIT_REFERRER_ADDRESS must be a 0x-prefixed 20-byte hex address, e.g. 0x7e1d3c2b4a59687f8e9d0c1b2a3948576a6b5c4d")
                String referrerAddress,
        @NotNull @DefaultValue(DEFAULT_ORDERS_URL) URI ordersUrl,
        @NotNull @DefaultValue(DEFAULT_INDEXER_URL) URI indexerUrl,
        @Pattern(
                        regexp = "^(0x[0-9a-fA-F]{40})?$",
                        message =
                                "THETANUTS_OPTIONBOOK_ADDRESS must be a 0x-prefixed 20-byte hex address, e.g. 0x1bDff855d6811728acaDC00989e79143a2bdfDed")
                String optionBookAddress,
        String deploymentFile,
        String redisUrl,
        @Pattern(
                        regexp = "^(\\S{16,})?$",
                        message = "NUTS_OPERATOR_TOKEN (deprecated: set NUTS_MANAGEMENT_TOKEN) must be at least 16"
                                + " characters, no spaces")
                String operatorToken,
        @NotNull @DefaultValue("nutsgate:") String redisKeyPrefix,
        @Valid @DefaultValue Cache cache,
        @Valid @DefaultValue Upstream upstream,
        @Valid @DefaultValue RateLimit updateRateLimit,
        @Valid @DefaultValue Auth auth,
        @Valid @DefaultValue Trades trades,
        @Valid @DefaultValue FillPlan fill,
        @Valid @DefaultValue Http http,
        @Valid @DefaultValue Clients clients,
        @Valid @DefaultValue PositionsRateLimit positionsRateLimit,
        @Valid @DefaultValue Management management,
        @Valid @DefaultValue Database database,
        @Valid @DefaultValue Update update,
        @Valid @DefaultValue Redis redis,
        @Valid @DefaultValue Push push,
        @Valid @DefaultValue Chain chain,
        @Valid @DefaultValue Jobs jobs) {

    /**
     * Background work (docs/plumbing.md). Every periodic and delayed job runs on the one task scheduler of
     * {@code schedulerThreads} threads. A job that must run on one instance at a time takes its lock (ShedLock, table
     * {@code shedlock}) per run and holds it for at most its lease, which must be longer than one run can take: an
     * instance that dies mid-run blocks that job everywhere for at most the lease.
     */
    public record Jobs(
            @Min(value = 1, message = "NUTS_SCHEDULER_THREADS must be at least 1") @DefaultValue("4")
                    int schedulerThreads,
            @NotNull @DurationMin(seconds = 1, message = "NUTS_INDEXER_LEASE must be at least 1s") @DefaultValue("2m")
                    Duration indexerLease,
            @NotNull
                    @DurationMin(seconds = 1, message = "NUTS_TRADES_SYNC_LEASE must be at least 1s")
                    @DefaultValue("1h")
                    Duration tradeSyncLease,
            @NotNull
                    @DurationMin(seconds = 1, message = "NUTS_PUSH_WATCH_LEASE must be at least 1s")
                    @DefaultValue("10m")
                    Duration watchLease,
            @NotNull
                    @DurationMin(seconds = 1, message = "NUTS_LEADERBOARD_LEASE must be at least 1s")
                    @DefaultValue("10m")
                    Duration leaderboardLease) {}

    /** THETANUTS_ORDERS_URL when unset: the production orders feed. */
    public static final String DEFAULT_ORDERS_URL = "https://round-snowflake-9c31.devops-118.workers.dev/";

    /** THETANUTS_INDEXER_URL when unset: the production book indexer. */
    public static final String DEFAULT_INDEXER_URL = "https://indexer.thetanuts.finance/api/v1/book";

    /**
     * Chain access (issue 9). A blank {@code rpcUrl} ({@code BASE_RPC_URL}) turns every chain feature off. Every RPC
     * call gives up after {@code rpcTimeout} and goes through the {@code rpc} circuit breaker ({@code breaker}) and
     * retry ({@code retry}: fast failures only, never a timeout, so a request waits at most one timeout). The indexer
     * reads {@code eth_getLogs} windows of at most {@code maxBlockRange} blocks (halved on a provider's range error,
     * grown back on success), looks for a new head every {@code pollInterval} and marks fills confirmed
     * {@code confirmations} blocks deep. {@code POST /nuts/fills} reads receipts of the pending submissions every
     * {@code receiptPollInterval} (a submission not found backs off to {@code receiptMaxPollInterval}) for up to
     * {@code receiptTimeout}; {@code submissions} bounds them. Live capacity is re-read in the background every
     * {@code capacityRefresh}.
     */
    public record Chain(
            @Pattern(
                            regexp = "^(https?://\\S+)?$",
                            message = "BASE_RPC_URL must be an http(s) URL, e.g. http://127.0.0.1:8545")
                    String rpcUrl,
            @DefaultValue("true") boolean indexerEnabled,
            @NotNull @DefaultValue("5s") Duration rpcTimeout,
            @Min(value = 0, message = "NUTS_INDEXER_CONFIRMATIONS must be 0 to 1000")
                    @Max(value = 1000, message = "NUTS_INDEXER_CONFIRMATIONS must be 0 to 1000")
                    @DefaultValue("10")
                    int confirmations,
            @NotNull @DefaultValue("500ms") Duration pollInterval,
            @Min(value = 1, message = "NUTS_INDEXER_MAX_BLOCK_RANGE must be 1 to 100000")
                    @Max(value = 100_000, message = "NUTS_INDEXER_MAX_BLOCK_RANGE must be 1 to 100000")
                    @DefaultValue("2000")
                    int maxBlockRange,
            @NotNull @DefaultValue("500ms") Duration receiptPollInterval,
            @NotNull @DefaultValue("10s") Duration receiptMaxPollInterval,
            @NotNull @DefaultValue("2m") Duration receiptTimeout,
            @NotNull @DefaultValue("5s") Duration capacityRefresh,
            @Valid @DefaultValue Breaker breaker,
            @Valid @DefaultValue Retry retry,
            @Valid @DefaultValue Submissions submissions) {

        public boolean enabled() {
            return rpcUrl != null && !rpcUrl.isBlank();
        }
    }

    /**
     * A Resilience4j retry: at most {@code maxAttempts} calls in all, waiting {@code firstWait} before the second and
     * twice as long before each further one.
     */
    public record Retry(
            @Min(value = 1, message = "NUTS_RPC_RETRY_MAX_ATTEMPTS must be 1 to 10")
                    @Max(value = 10, message = "NUTS_RPC_RETRY_MAX_ATTEMPTS must be 1 to 10")
                    @DefaultValue("3")
                    int maxAttempts,
            @NotNull @DefaultValue("200ms") Duration firstWait) {}

    /**
     * {@code POST /nuts/fills} and {@code fill:submitted}: {@code perMinute} submissions per client and minute, at most
     * {@code maxPendingPerClient} of a client and {@code maxPending} in all awaiting their receipt on an instance, at
     * most {@code receiptsPerPoll} receipts asked for per poll (one JSON-RPC batch); entries that ended are deleted
     * {@code retention} after their last change, by a prune every {@code pruneInterval}.
     */
    public record Submissions(
            @Min(value = 1, message = "NUTS_FILLS_PER_MINUTE must be at least 1") @DefaultValue("30") int perMinute,
            @Min(value = 1, message = "NUTS_FILLS_MAX_PENDING_PER_CLIENT must be at least 1") @DefaultValue("10")
                    int maxPendingPerClient,
            @Min(value = 1, message = "NUTS_FILLS_MAX_PENDING must be at least 1") @DefaultValue("1000") int maxPending,
            @Min(value = 1, message = "NUTS_FILLS_RECEIPTS_PER_POLL must be 1 to 100")
                    @Max(value = 100, message = "NUTS_FILLS_RECEIPTS_PER_POLL must be 1 to 100")
                    @DefaultValue("50")
                    int receiptsPerPoll,
            @NotNull @DefaultValue("1h") Duration retention,
            @NotNull @DefaultValue("1m") Duration pruneInterval) {}

    /**
     * What one client connection may hold: {@code readTimeout} without a byte while the request line, headers or
     * body are read (then the connection is closed, or a started body answered 408 {@code REQUEST_TIMEOUT}),
     * {@code bodyTimeout} for a whole request body however it trickles in, {@code keepAliveTimeout} idle between
     * requests, and at most {@code maxConnections} connections per instance (more wait in the accept queue).
     */
    public record Http(
            @NotNull @DefaultValue("5s") Duration readTimeout,
            @NotNull @DefaultValue("10s") Duration bodyTimeout,
            @NotNull @DefaultValue("15s") Duration keepAliveTimeout,
            @Min(value = 100, message = "NUTS_HTTP_MAX_CONNECTIONS must be at least 100") @DefaultValue("10000")
                    int maxConnections) {}

    /**
     * Who the client is, for rate limits: the connection's address, or, when that is one of {@code trustedProxies}
     * (CIDRs such as {@code 10.0.0.0/8, fd00::/8}), the nearest untrusted address in the one header the proxy writes,
     * {@code forwardedHeader}: {@code X-Forwarded-For} (default) or {@code Forwarded}. IPv6 clients count per /64. With {@code REDIS_URL} the counters live in Redis under
     * {@code rateLimitPrefix}, shared by all instances.
     */
    public record Clients(
            @NotNull @DefaultValue("") List<String> trustedProxies,
            @NotNull @DefaultValue("nutsgate:ratelimit:") String rateLimitPrefix,
            @NotNull @DefaultValue("x-forwarded-for") ForwardedHeader forwardedHeader) {

        /**
         * The one header the trusted proxy writes ({@code NUTS_FORWARDED_HEADER}): only it is read, the other is
         * ignored, since a client can send either and a proxy that writes one passes the other through untouched.
         */
        public enum ForwardedHeader {
            X_FORWARDED_FOR("X-Forwarded-For"),
            FORWARDED("Forwarded");

            private final String headerName;

            ForwardedHeader(String headerName) {
                this.headerName = headerName;
            }

            public String headerName() {
                return headerName;
            }
        }
    }

    /**
     * The operator's token ({@code NUTS_MANAGEMENT_TOKEN}, read through {@link ManagementToken}, which also honours
     * the deprecated {@code operatorToken}): on the public port health status, liveness and readiness are open;
     * health details, metrics, Prometheus and the dashboard's data need {@code Authorization: Bearer <token>}.
     * Without a token the actuator is served only on {@code MANAGEMENT_PORT}, when set, and the dashboard is off.
     */
    public record Management(String token) {
        public boolean hasToken() {
            return token != null && !token.isBlank();
        }
    }

    /** The feeds are fetched over HTTP(S) only; anything else cannot work and stops the start-up. */
    @AssertTrue(
            message = "THETANUTS_ORDERS_URL (nuts.orders-url) must be an http:// or https:// URL with a host,"
                    + " e.g. https://round-snowflake-9c31.devops-118.workers.dev/")
    public boolean isOrdersUrlHttp() {
        return isHttp(ordersUrl);
    }

    @AssertTrue(
            message = "THETANUTS_INDEXER_URL (nuts.indexer-url) must be an http:// or https:// URL with a host,"
                    + " e.g. https://indexer.thetanuts.finance/api/v1/book")
    public boolean isIndexerUrlHttp() {
        return isHttp(indexerUrl);
    }

    private static boolean isHttp(URI uri) {
        return uri == null
                || (("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                        && uri.getHost() != null);
    }

    /**
     * {@code POST /nuts/update}: when the indexer answers {@code skipped} it is asked again {@code retryDelay} later,
     * {@code maxRetries} times at most.
     */
    public record Update(
            @NotNull @DefaultValue("10s") Duration retryDelay, @DefaultValue("3") @Min(0) int maxRetries) {}

    /**
     * {@code url} is {@code DATABASE_URL} (an external PostgreSQL; parsed by the database configuration, which never
     * repeats it); blank, the embedded PostgreSQL keeps its data in {@code embeddedDir}. A request waits at most
     * {@code connectionTimeout} for a connection before answering 503 {@code DATABASE_UNAVAILABLE}.
     */
    public record Database(
            String url,
            @NotNull @DefaultValue("./data/postgres") Path embeddedDir,
            @NotNull
                    @DurationMin(millis = 250, message = "NUTS_DATABASE_CONNECTION_TIMEOUT must be at least 250ms")
                    @DefaultValue("500ms")
                    Duration connectionTimeout) {
        public boolean external() {
            return url != null && !url.isBlank();
        }

        @Override
        public String toString() {
            return "Database[url=" + (external() ? "(set)" : "(unset)") + ", embeddedDir=" + embeddedDir
                    + ", connectionTimeout=" + connectionTimeout + "]";
        }
    }

    /**
     * Socket.IO pushes ({@code /socket.io/} on the API's port): connections per instance, wallets per socket, the
     * largest message read (bigger ones close that socket), what a slow socket may queue and how long one send may
     * take; the watch of subscribed wallets (one instance, every {@code watchInterval}, at most
     * {@code watchMaxWallets} per run) and the checks after {@code POST /nuts/update}; how often the bus between
     * instances tries again to subscribe (Redis) or listen (PostgreSQL) while it cannot ({@code busRetry}), and the
     * breaker that stops publishing to it while it fails ({@code busBreaker}: {@code push-redis} or
     * {@code push-pg-notify}).
     */
    public record Push(
            @DefaultValue("true") boolean enabled,
            @Min(value = 1, message = "NUTS_PUSH_MAX_CONNECTIONS must be at least 1") @DefaultValue("20000")
                    int maxConnections,
            @Min(value = 1, message = "NUTS_PUSH_MAX_SUBSCRIPTIONS must be 1 to 1000")
                    @Max(value = 1000, message = "NUTS_PUSH_MAX_SUBSCRIPTIONS must be 1 to 1000")
                    @DefaultValue("20")
                    int maxSubscriptionsPerSocket,
            @NotNull @DefaultValue("64KB") DataSize maxMessageSize,
            @Min(value = 1, message = "NUTS_PUSH_MAX_QUEUED must be at least 1") @DefaultValue("1000")
                    int maxQueuedMessages,
            @NotNull @DefaultValue("10s") Duration sendTimeout,
            @DefaultValue("true") boolean watch,
            @NotNull @DefaultValue("30s") Duration watchInterval,
            @Min(value = 1, message = "NUTS_PUSH_WATCH_MAX_WALLETS must be at least 1") @DefaultValue("1000")
                    int watchMaxWallets,
            @NotNull @DefaultValue("5s,20s,60s") List<Duration> afterUpdateChecks,
            @NotNull
                    @DurationMin(millis = 100, message = "NUTS_PUSH_BUS_RETRY must be at least 100ms")
                    @DefaultValue("2s")
                    Duration busRetry,
            @Valid @DefaultValue Breaker busBreaker,
            @Valid @DefaultValue Bounds bounds) {

        /**
         * What one client may make the push channel hold (docs/hostile-clients.md): binary attachments per packet,
         * bytes buffered per socket and per instance, packets per second per socket, open sessions per client (by the
         * rate limits' client address) and the Engine.IO heartbeat after which a silent session ends.
         */
        public record Bounds(
                @Min(value = 0, message = "NUTS_PUSH_MAX_ATTACHMENTS must be 0 to 64")
                        @Max(value = 64, message = "NUTS_PUSH_MAX_ATTACHMENTS must be 0 to 64")
                        @DefaultValue("4")
                        int maxAttachments,
                @NotNull @DefaultValue("2MB") DataSize maxBufferedPerSocket,
                @NotNull @DefaultValue("64MB") DataSize maxBuffered,
                @Min(value = 1, message = "NUTS_PUSH_MAX_PACKETS_PER_SECOND must be at least 1") @DefaultValue("50")
                        int maxPacketsPerSecond,
                @Min(value = 1, message = "NUTS_PUSH_MAX_SESSIONS_PER_CLIENT must be at least 1") @DefaultValue("20")
                        int maxSessionsPerClient,
                @Min(value = 1, message = "NUTS_PUSH_MAX_WALLETS_PER_CLIENT must be at least 1") @DefaultValue("30")
                        int maxWalletsPerClient,
                @NotNull @DefaultValue("25s") Duration pingInterval,
                @NotNull @DefaultValue("20s") Duration pingTimeout) {

            @AssertTrue(message = "NUTS_PUSH_MAX_BUFFERED_PER_SOCKET must be 1KB to NUTS_PUSH_MAX_BUFFERED")
            boolean isBufferedOrdered() {
                return maxBufferedPerSocket.toBytes() >= 1024
                        && maxBufferedPerSocket.toBytes() <= maxBuffered.toBytes();
            }

            @AssertTrue(message = "NUTS_PUSH_PING_INTERVAL and NUTS_PUSH_PING_TIMEOUT must be 100ms to 10m")
            boolean isHeartbeatSane() {
                return within(pingInterval) && within(pingTimeout);
            }

            private static boolean within(Duration d) {
                return d.compareTo(Duration.ofMillis(100)) >= 0 && d.compareTo(Duration.ofMinutes(10)) <= 0;
            }
        }
    }

    /**
     * Fill plans: quotes expiring within {@code quoteMargin} are refused (the user still has to sign and the
     * transaction to be mined); {@code referrerFeeSplitBps} is our referrer's share of the protocol fee as
     * whitelisted on chain ({@code referrerFeeSplitBps(referrer)}), unset when not known.
     */
    public record FillPlan(
            @NotNull @DefaultValue("60s") Duration quoteMargin,
            @Min(value = 0, message = "ALPHABIT_REFERRER_FEE_SPLIT_BPS must be 0 to 10000")
                    @Max(value = 10000, message = "ALPHABIT_REFERRER_FEE_SPLIT_BPS must be 0 to 10000")
                    Integer referrerFeeSplitBps) {}

    /** Fresh lifetime per upstream resource, and how long a last good value may still be served when upstream fails. */
    public record Cache(@Valid @DefaultValue Ttl ttl, @NotNull @DefaultValue("10m") Duration maxStale) {}

    public record Ttl(
            @NotNull @DefaultValue("30s") Duration orders,
            @NotNull @DefaultValue("60s") Duration positions,
            @NotNull @DefaultValue("300s") Duration history,
            @NotNull @DefaultValue("300s") Duration stats) {}

    /** Timeouts of every call to the Thetanuts hosts, and the breaker that stops calling a failing endpoint. */
    public record Upstream(
            @NotNull @DefaultValue("2s") Duration connectTimeout,
            @NotNull @DefaultValue("5s") Duration timeout,
            @Valid @DefaultValue Breaker breaker) {}

    /**
     * A circuit breaker (Resilience4j): over the last {@code window} calls, once at least {@code minimumCalls} were
     * made, a failure rate of {@code failureRatePercent} or more opens it; while open no call is made, and after
     * {@code openFor} one trial call decides whether it closes again.
     */
    public record Breaker(
            @Min(1) @DefaultValue("10") int window,
            @Min(1) @DefaultValue("5") int minimumCalls,
            @Min(1) @Max(100) @DefaultValue("50") int failureRatePercent,
            @NotNull @DefaultValue("5s") Duration openFor) {}

    /** Redis (with {@code REDIS_URL}): the timeout of each command, and the breaker that skips it while it is down. */
    public record Redis(@NotNull @DefaultValue("250ms") Duration timeout, @Valid @DefaultValue Breaker breaker) {}

    /** Calls of {@code /nuts/update} a client may make per window. */
    public record RateLimit(@Min(1) @DefaultValue("6") int requests, @NotNull @DefaultValue("1m") Duration window) {}

    /**
     * Calls of {@code /nuts/positions} for an address not asked for within its cache lifetime (each costs two
     * indexer calls) a client may make per window; repeated addresses are served from the cache and not counted.
     */
    public record PositionsRateLimit(
            @Min(1) @DefaultValue("30") int requests, @NotNull @DefaultValue("1m") Duration window) {}

    /**
     * Sign-In with Ethereum. A blank {@code siweDomain}/{@code siweUri} means {@code localhost:<port>} and
     * {@code http://localhost:<port>} with the port the server listens on.
     */
    public record Auth(
            @Pattern(
                            regexp = "^([A-Za-z0-9.-]+(:[0-9]{1,5})?)?$",
                            message = "SIWE_DOMAIN must be host or host:port, e.g. app.example.com")
                    String siweDomain,
            @Pattern(
                            regexp = "^(https?://\\S+)?$",
                            message = "SIWE_URI must be an http(s) URI, e.g. https://app.example.com")
                    String siweUri,
            @NotNull @DefaultValue("10m") Duration nonceTtl,
            @NotNull @DefaultValue("24h") Duration sessionTtl,
            @NotNull @DefaultValue("5m") Duration clockSkew,
            @DefaultValue("30") @Min(1) int noncesPerMinute,
            @NotNull @DefaultValue("8453") List<@NotNull @Min(1) Long> siweChainIds,
            @NotNull @DefaultValue(COINBASE_SMART_WALLET_FACTORIES)
                    List<
                                    @Pattern(
                                            regexp = "^(\\*|0x[0-9a-fA-F]{40})$",
                                            message = "NUTS_SIWE_6492_FACTORIES must be 0x addresses or *")
                                    String>
                            siwe6492Factories,
            @Valid @DefaultValue QuickAuth quickAuth) {

        /**
         * The Coinbase Smart Wallet (Base Account) factories on Base, v1.1 and v1: coinbase/smart-wallet README,
         * "Deployments" (commit 924743b).
         */
        public static final String COINBASE_SMART_WALLET_FACTORIES =
                "0xBA5ED110eFDBa3D005bfC882d75358ACBbB85842,0x0BA5ED0c6AA8c49038F819E587E2633c4A9F428a";
    }

    /**
     * Farcaster Quick Auth: JWTs from {@code origin} (its JWK set at {@code /.well-known/jwks.json}) for the audience
     * {@code domain} (blank: the host of {@code SIWE_DOMAIN}). The JWK set is kept {@code jwksCacheTtl}; a token
     * naming an unknown key refetches it at most once per {@code jwksRefetchInterval}; each fetch times out after
     * {@code timeout} and goes through the {@code quick-auth-jwks} circuit breaker ({@code breaker}).
     */
    public record QuickAuth(
            @NotNull
                    @Pattern(
                            regexp = "^https?://[^/?#\\s]+$",
                            message = "FARCASTER_QUICK_AUTH_ORIGIN must be an http(s) origin without a path")
                    @DefaultValue("https://auth.farcaster.xyz")
                    String origin,
            @Pattern(
                            regexp = "^([A-Za-z0-9.-]+(:[0-9]{1,5})?)?$",
                            message = "FARCASTER_QUICK_AUTH_DOMAIN must be host or host:port")
                    String domain,
            @NotNull @DefaultValue("5m") Duration jwksCacheTtl,
            @NotNull @DefaultValue("30s") Duration jwksRefetchInterval,
            @NotNull @DefaultValue("5s") Duration timeout,
            @Valid @DefaultValue Breaker breaker) {}

    /**
     * The trade history sync: every {@code syncInterval} for the wallets seen within {@code activeWindow}
     * ({@code scheduledSync}), and after a sign-in or, {@code afterUpdateDelay} later, after {@code POST /nuts/update}
     * (the indexer needs a moment to see the fill) ({@code syncOnEvents}).
     * {@code leaderboardCollateral} is the token whose amounts the leaderboard ranks when none is asked for; the 7 and
     * 30 day leaderboards are recomputed every {@code leaderboardRefresh}.
     */
    public record Trades(
            @DefaultValue("true") boolean scheduledSync,
            @DefaultValue("true") boolean syncOnEvents,
            @NotNull @DefaultValue("5m") Duration syncInterval,
            @NotNull @DefaultValue("30d") Duration activeWindow,
            @NotNull @DefaultValue("15s") Duration afterUpdateDelay,
            @NotNull @DefaultValue("1m") Duration leaderboardRefresh,
            @Pattern(
                            regexp = "^0x[0-9a-fA-F]{40}$",
                            message =
                                    "NUTS_LEADERBOARD_COLLATERAL must be a token address, e.g. 0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913")
                    @DefaultValue("0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913")
                    String leaderboardCollateral) {}

    public boolean hasReferrer() {
        return referrerAddress != null && !referrerAddress.isBlank();
    }

    /** A {@code NUTS_DEPLOYMENT_FILE} replaces the built-in registry of deployments. */
    public boolean hasDeploymentFile() {
        return deploymentFile != null && !deploymentFile.isBlank();
    }

    public boolean hasRedis() {
        return redisUrl != null && !redisUrl.isBlank();
    }
}

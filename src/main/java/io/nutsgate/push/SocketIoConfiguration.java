package io.nutsgate.push;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ExecutorServiceMetrics;
import io.nutsgate.ratelimit.ClientAddresses;
import io.nutsgate.settings.NutsProperties;
import io.socket.engineio.server.EngineIoServer;
import io.socket.engineio.server.EngineIoServerOptions;
import io.socket.engineio.server.EngineIoSocket;
import io.socket.socketio.server.SocketIoServer;
import io.socket.socketio.server.SocketIoServerOptions;
import jakarta.servlet.ServletContext;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.apache.coyote.AbstractProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.web.context.ServletContextAware;
import org.springframework.web.cors.CorsConfiguration;

/**
 * The Socket.IO server (socket.io-server-java, protocol v4 with v3 clients too) on the API's port and path
 * {@code /socket.io/}: long-polling through {@link SocketIoController}, WebSocket through Tomcat's own WebSocket
 * container ({@link EngineIoEndpoint}). Origins are checked as for the REST API ({@code CORS_ORIGIN}).
 */
@Configuration(proxyBeanMethods = false)
class SocketIoConfiguration {

    static final String PATH = "/socket.io/";

    /** Tomcat accepts 8,192 connections by default: room for every socket plus REST traffic. */
    static final int HTTP_HEADROOM = 2_048;

    /** Characters (text) or bytes (binary) Tomcat buffers per WebSocket read; longer messages arrive in parts. */
    static final int READ_BUFFER = 2_048;

    @Bean
    WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> socketCapacity(NutsProperties properties) {
        int connections = properties.push().maxConnections() + HTTP_HEADROOM;
        return factory -> factory.addConnectorCustomizers(connector -> {
            if (connector.getProtocolHandler() instanceof AbstractProtocol<?> protocol
                    && protocol.getMaxConnections() < connections) {
                protocol.setMaxConnections(connections);
            }
        });
    }

    @Bean(destroyMethod = "shutdown")
    ConnectionGate connectionGate(NutsProperties properties, MeterRegistry meters, TaskScheduler scheduler) {
        return new ConnectionGate(
                properties.push().maxConnections(), properties.push().bounds(), meters, scheduler);
    }

    /** Before Tomcat's WebSocket filter, so a refused WebSocket handshake is answered over HTTP. */
    @Bean
    FilterRegistrationBean<ConnectionGateFilter> connectionGateFilter(
            ConnectionGate gate, ClientAddresses clients, PushMetrics metrics) {
        FilterRegistrationBean<ConnectionGateFilter> registration =
                new FilterRegistrationBean<>(new ConnectionGateFilter(gate, clients, metrics));
        registration.addUrlPatterns(PATH, PATH + "*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 2);
        return registration;
    }

    @Bean
    InboundLimits inboundLimits(NutsProperties properties, PushMetrics metrics, MeterRegistry meters) {
        return new InboundLimits(properties.push().bounds(), metrics, meters);
    }

    /**
     * The engine's heartbeat timers ({@link HeartbeatTimers}): made here so that it stops with the context; its threads,
     * active timers and queue are in the {@code executor_*} metrics as {@code engineio-heartbeat}.
     */
    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService engineIoHeartbeats(MeterRegistry meters) {
        ScheduledThreadPoolExecutor pool =
                HeartbeatTimers.newPool(EngineIoServerOptions.DEFAULT.getMaxTimeoutThreadPoolSize());
        new ExecutorServiceMetrics(pool, "engineio-heartbeat", List.of()).bindTo(meters);
        return pool;
    }

    @Bean(destroyMethod = "shutdown")
    EngineIoServer engineIoServer(
            ConnectionGate gate,
            InboundLimits limits,
            NutsProperties properties,
            ScheduledExecutorService engineIoHeartbeats) {
        EngineIoServerOptions options = EngineIoServerOptions.newFromDefault();
        options.setScheduledExecutorService(engineIoHeartbeats);
        options.setPingInterval(properties.push().bounds().pingInterval().toMillis());
        options.setPingTimeout(properties.push().bounds().pingTimeout().toMillis());
        // CORS of the polling requests is Spring MVC's, configured with the REST API's (web.WebConfiguration).
        options.setCorsHandlingDisabled(true);
        options.setHandshakeInterceptor(gate::admit);
        EngineIoServer server = new EngineIoServer(options);
        // Before socket.io-server's own listener (it is added when SocketIoServer is made): every packet is checked
        // before the Socket.IO parser sees it.
        server.on("connection", args -> {
            EngineIoSocket socket = (EngineIoSocket) args[0];
            gate.track(socket);
            limits.watch(socket);
            HeartbeatTimers.cancelOnClose(socket);
        });
        return server;
    }

    /**
     * A session that joins no namespace within the ping timeout is closed (Socket.IO's default is 45 s). Its timer
     * cannot be cancelled and holds the session until it fires, also after the session closed: the official client
     * joins within milliseconds, so a short one costs nobody and frees refused sessions sooner.
     */
    @Bean
    SocketIoServer socketIoServer(EngineIoServer engine, NutsProperties properties) {
        SocketIoServerOptions options = SocketIoServerOptions.newFromDefault();
        options.setConnectionTimeout(properties.push().bounds().pingTimeout().toMillis());
        return new SocketIoServer(engine, options);
    }

    /**
     * Writes to WebSocket clients, one drain task at a time per socket (see {@link QueuedWebSocket}), on virtual
     * threads. A thread-per-task executor has no pool or queue to report: the {@code executor} and
     * {@code executor_idle} timers of {@code push-write} time each drain and its wait to start.
     */
    @Bean(destroyMethod = "shutdownNow")
    ExecutorService pushWriters(MeterRegistry meters) {
        return ExecutorServiceMetrics.monitor(
                meters,
                Executors.newThreadPerTaskExecutor(
                        Thread.ofVirtual().name("push-write-", 0).factory()),
                "push-write");
    }

    @Bean
    WebSocketRegistration socketIoWebSocket(
            EngineIoServer engine,
            NutsProperties properties,
            ExecutorService pushWriters,
            PushMetrics metrics,
            InboundLimits limits) {
        return new WebSocketRegistration(engine, properties, pushWriters, metrics, limits);
    }

    /** Adds the WebSocket endpoint to the servlet container's {@link ServerContainer} once the beans exist. */
    static final class WebSocketRegistration implements ServletContextAware, SmartInitializingSingleton {

        private static final Logger log = LoggerFactory.getLogger(WebSocketRegistration.class);

        private final EngineIoServer engine;
        private final NutsProperties properties;
        private final ExecutorService writers;
        private final PushMetrics metrics;
        private final InboundLimits limits;
        private final CorsConfiguration origins = new CorsConfiguration();
        private ServletContext servletContext;

        WebSocketRegistration(
                EngineIoServer engine,
                NutsProperties properties,
                ExecutorService writers,
                PushMetrics metrics,
                InboundLimits limits) {
            this.engine = engine;
            this.properties = properties;
            this.writers = writers;
            this.metrics = metrics;
            this.limits = limits;
            origins.setAllowedOriginPatterns(
                    Arrays.asList(properties.corsOrigin().split("\\s*,\\s*")));
        }

        @Override
        public void setServletContext(ServletContext servletContext) {
            this.servletContext = servletContext;
        }

        @Override
        public void afterSingletonsInstantiated() {
            ServerContainer container = servletContext == null
                    ? null
                    : (ServerContainer) servletContext.getAttribute(ServerContainer.class.getName());
            if (container == null) {
                log.warn("no WebSocket container in this servlet context: Socket.IO serves long-polling only");
                return;
            }
            // Messages are read in parts (EngineIoEndpoint joins them), so a small per-connection read buffer will do:
            // Tomcat allocates it for every connection up front.
            container.setDefaultMaxTextMessageBufferSize(READ_BUFFER);
            container.setDefaultMaxBinaryMessageBufferSize(READ_BUFFER);
            ServerEndpointConfig config = ServerEndpointConfig.Builder.create(EngineIoEndpoint.class, PATH)
                    .configurator(new ServerEndpointConfig.Configurator() {
                        @Override
                        public boolean checkOrigin(String origin) {
                            // Browsers always send Origin; other clients (servers, the Node client) may not.
                            return origin == null || origins.checkOrigin(origin) != null;
                        }

                        @Override
                        public void modifyHandshake(
                                ServerEndpointConfig endpoint, HandshakeRequest request, HandshakeResponse response) {
                            // Tomcat gives every handshake its own copy of these properties.
                            Map<String, List<String>> headers = new HashMap<>(request.getHeaders());
                            endpoint.getUserProperties().put(EngineIoEndpoint.HEADERS, headers);
                        }

                        @Override
                        public <T> T getEndpointInstance(Class<T> endpointClass) {
                            return endpointClass.cast(
                                    new EngineIoEndpoint(engine, properties.push(), writers, metrics, limits));
                        }
                    })
                    .build();
            try {
                container.addEndpoint(config);
            } catch (DeploymentException e) {
                throw new IllegalStateException("cannot register the Socket.IO WebSocket endpoint at " + PATH, e);
            }
        }
    }
}

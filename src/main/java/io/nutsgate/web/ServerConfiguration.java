package io.nutsgate.web;

import io.nutsgate.settings.NutsProperties;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.http11.AbstractHttp11Protocol;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Tomcat as hostile clients meet it: read, body and keep-alive timeouts and a connection cap from
 * {@link NutsProperties.Http}; bodies refused by the server are not read past {@value #MAX_SWALLOW_BYTES} bytes;
 * its own error pages are the JSON envelope. The NIO connector parks idle sockets in one poller, so thousands of
 * them cost no threads.
 */
@Configuration(proxyBeanMethods = false)
class ServerConfiguration {

    static final int MAX_SWALLOW_BYTES = BodySizeLimitFilter.MAX_BODY_BYTES;
    static final int ACCEPT_QUEUE = 1024;

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> hostileClientLimits(NutsProperties properties) {
        return new HostileClientLimits(properties.http());
    }

    /**
     * Runs right after Spring Boot's own Tomcat customizer (order 0), so these values win over its defaults, and
     * before the push channel's, which may raise the connection cap for its sockets.
     */
    private record HostileClientLimits(NutsProperties.Http http)
            implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

        @Override
        public void customize(TomcatServletWebServerFactory factory) {
            factory.addConnectorCustomizers(connector -> {
                connector.setMaxPostSize(BodySizeLimitFilter.MAX_BODY_BYTES);
                if (connector.getProtocolHandler() instanceof AbstractHttp11Protocol<?> protocol) {
                    protocol.setConnectionTimeout((int) http.readTimeout().toMillis());
                    protocol.setKeepAliveTimeout((int) http.keepAliveTimeout().toMillis());
                    protocol.setMaxConnections(http.maxConnections());
                    protocol.setMaxSwallowSize(MAX_SWALLOW_BYTES);
                    // A burst of new connections waits in the kernel's queue instead of being dropped and retried.
                    protocol.setAcceptCount(ACCEPT_QUEUE);
                }
            });
            factory.addContextCustomizers(context -> {
                context.getPipeline().addValve(new AbandonedBodyValve());
                if (context.getParent() instanceof StandardHost host) {
                    for (Valve valve : host.getPipeline().getValves()) {
                        if (valve instanceof ErrorReportValve) {
                            host.getPipeline().removeValve(valve);
                        }
                    }
                    host.setErrorReportValveClass(JsonErrorReportValve.class.getName());
                    host.getPipeline().addValve(new JsonErrorReportValve());
                }
            });
        }

        @Override
        public int getOrder() {
            return 1;
        }
    }
}

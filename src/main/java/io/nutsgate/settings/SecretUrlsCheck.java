package io.nutsgate.settings;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Checks the settings that may carry a password ({@code DATABASE_URL}, {@code REDIS_URL}) as soon as the
 * environment is read, before any library parses them: a library's "invalid URL" message quotes the URL, password
 * and all. A value that does not parse refuses the start-up naming the variable and never the value.
 */
class SecretUrlsCheck implements EnvironmentPostProcessor, Ordered {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String database = environment.getProperty("DATABASE_URL");
        if (database != null && !database.isBlank()) {
            DatabaseUrl.parse(database);
        }
        String redis = environment.getProperty("REDIS_URL");
        if (redis != null && !redis.isBlank()) {
            checkRedisUrl(redis);
        }
    }

    static void checkRedisUrl(String value) {
        String trimmed = value.strip();
        int schemeEnd = trimmed.indexOf("://");
        String scheme = schemeEnd < 0 ? "" : trimmed.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            throw refusedRedis("the scheme is not redis:// or rediss://");
        }
        String rest = trimmed.substring(schemeEnd + 3);
        String hostPart = rest.substring(rest.lastIndexOf('@') + 1);
        try {
            URI uri = new URI("redis://" + hostPart);
            if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
                throw refusedRedis("there is no host (or the port is not a number from 1 to 65535)");
            }
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            if (!path.isEmpty() && !path.equals("/") && !path.matches("^/\\d{1,2}$")) {
                throw refusedRedis("the database is not a number");
            }
        } catch (URISyntaxException e) {
            throw refusedRedis("the host or port does not parse");
        }
    }

    private static StartupRefusedException refusedRedis(String why) {
        return new StartupRefusedException(
                "REDIS_URL is not a usable Redis URL: " + why + "; expected redis://[user:password@]host:port[/db]");
    }

    /** After {@code application.yml} and the environment are read. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}

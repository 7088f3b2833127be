package io.nutsgate.settings;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;

/**
 * {@code DATABASE_URL} parsed into what the connection pool needs: a JDBC URL without credentials, the user and the
 * password. Accepts {@code postgres://user:password@host:port/database?params} (also {@code postgresql://}; reserved
 * characters in the user or password may be percent-encoded, and a password may also hold {@code % ^ # @} as they
 * are) and {@code jdbc:postgresql://host:port/database?user=…&password=…}. No message and no {@link #toString()}
 * ever holds the password: a value that does not parse is refused naming only the variable and what is wrong.
 */
public final class DatabaseUrl implements JdbcConnectionDetails {

    static final String VARIABLE = "DATABASE_URL";
    private static final String EXPECTED =
            "; expected postgres://user:password@host:port/database or jdbc:postgresql://host:port/database";

    private final String jdbcUrl;
    private final String username;
    private final String password;

    private DatabaseUrl(String jdbcUrl, String username, String password) {
        this.jdbcUrl = jdbcUrl;
        this.username = username;
        this.password = password;
    }

    public static DatabaseUrl parse(String value) {
        String trimmed = value.strip();
        String lower = trimmed.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:postgresql:")) {
            return parseJdbc(trimmed);
        }
        int schemeEnd = trimmed.indexOf("://");
        String scheme = schemeEnd < 0 ? "" : lower.substring(0, schemeEnd);
        if (!scheme.equals("postgres") && !scheme.equals("postgresql")) {
            throw refused("the scheme is not postgres://, postgresql:// or jdbc:postgresql:");
        }
        String rest = trimmed.substring(schemeEnd + 3);
        // The host never holds '@', the password may: the credentials end at the last '@'.
        int at = rest.lastIndexOf('@');
        String user = null;
        String password = null;
        if (at >= 0) {
            String userInfo = rest.substring(0, at);
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
            if (user.isEmpty()) {
                throw refused("the user name is empty");
            }
        }
        String hostPart = rest.substring(at + 1);
        URI uri;
        try {
            uri = new URI("postgres://" + hostPart);
        } catch (URISyntaxException e) {
            // The parser's message quotes the input; it is not repeated.
            throw refused("the host, port or database name does not parse");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw refused("there is no host (or the port is not a number from 1 to 65535)");
        }
        if (uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            throw refused("the host, port or database name does not parse");
        }
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        if (port < 1 || port > 65535) {
            throw refused("the port is not a number from 1 to 65535");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (path.length() > 1 && path.indexOf('/', 1) >= 0) {
            throw refused("the database name holds a '/'");
        }
        if (path.length() <= 1) {
            // PostgreSQL would connect to the user's default database (postgres) and Flyway would migrate it.
            throw noDatabase();
        }
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        String host = uri.getHost();
        return new DatabaseUrl(
                "jdbc:postgresql://" + host + ":" + port + (path.isEmpty() ? "/" : path) + query, user, password);
    }

    private static DatabaseUrl parseJdbc(String value) {
        if (org.postgresql.Driver.parseURL(value, null) == null) {
            throw refused("the jdbc:postgresql: URL does not parse");
        }
        // Read from the URL itself: the driver fills an empty database name in with the user's.
        String location = value.substring("jdbc:postgresql:".length()).split("\\?", 2)[0];
        if (location.startsWith("//")) {
            int slash = location.indexOf('/', 2);
            location = slash < 0 ? "" : location.substring(slash + 1);
        }
        if (location.isBlank()) {
            throw noDatabase();
        }
        int q = value.indexOf('?');
        if (q < 0) {
            return new DatabaseUrl(value, null, null);
        }
        String user = null;
        String password = null;
        List<String> kept = new ArrayList<>();
        for (String parameter : value.substring(q + 1).split("&")) {
            int eq = parameter.indexOf('=');
            String key = (eq < 0 ? parameter : parameter.substring(0, eq)).toLowerCase(Locale.ROOT);
            String parameterValue = eq < 0 ? "" : decode(parameter.substring(eq + 1));
            switch (key) {
                case "user" -> user = parameterValue;
                case "password" -> password = parameterValue;
                default -> {
                    if (!parameter.isEmpty()) kept.add(parameter);
                }
            }
        }
        String base = value.substring(0, q);
        return new DatabaseUrl(kept.isEmpty() ? base : base + "?" + String.join("&", kept), user, password);
    }

    /** Percent-decodes {@code %XX}; a {@code %} not followed by two hex digits is kept as it is. */
    static String decode(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '%' && i + 2 < bytes.length && hex(bytes[i + 1]) >= 0 && hex(bytes[i + 2]) >= 0) {
                out.write(hex(bytes[i + 1]) * 16 + hex(bytes[i + 2]));
                i += 2;
            } else {
                out.write(bytes[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int hex(byte b) {
        return Character.digit(b, 16);
    }

    private static StartupRefusedException noDatabase() {
        return new StartupRefusedException(VARIABLE
                + " names no database (PostgreSQL would use the user's default one, postgres); add it after the host,"
                + " e.g. postgres://user:password@db.example:5432/nutsgate");
    }

    private static StartupRefusedException refused(String why) {
        return new StartupRefusedException(VARIABLE + " is not a usable PostgreSQL URL: " + why + EXPECTED);
    }

    @Override
    public String getJdbcUrl() {
        return jdbcUrl;
    }

    @Override
    public String getUsername() {
        return username;
    }

    @Override
    public String getPassword() {
        return password;
    }

    /** {@code host:port} of the server, for messages. */
    public String hostAndPort() {
        Properties parsed = org.postgresql.Driver.parseURL(jdbcUrl, null);
        return parsed == null ? "?" : parsed.getProperty("PGHOST") + ":" + parsed.getProperty("PGPORT");
    }

    /** Host, port and database, for the logs: no credentials, no parameters. */
    public String redacted() {
        int q = jdbcUrl.indexOf('?');
        return (q < 0 ? jdbcUrl : jdbcUrl.substring(0, q)) + (username == null ? "" : " as " + username);
    }

    @Override
    public String toString() {
        return redacted();
    }
}

package io.nutsgate.ratelimit;

import io.nutsgate.settings.NutsProperties;
import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Who a request comes from, for per-client limits. The connection's address, unless it is one of
 * {@code NUTS_TRUSTED_PROXIES}: then the nearest address that is not itself a trusted proxy in the one header the
 * proxy writes, {@code NUTS_FORWARDED_HEADER} ({@code X-Forwarded-For} by default, or RFC 7239 {@code Forwarded}'s
 * {@code for=}), read right to left so a client cannot claim an address by prepending it. The other header is never
 * read: a proxy that writes one passes the other through as the client sent it. IPv6 clients are grouped by their /64,
 * which one subscriber usually holds whole.
 *
 * <p>Not Tomcat's {@code RemoteIpValve}: it parses only the {@code X-Forwarded-For} list syntax (not {@code Forwarded}'s
 * {@code for=} pairs) and takes trusted proxies as regular expressions instead of IPv4 and IPv6 CIDR blocks.
 */
@Component
public class ClientAddresses {

    private static final Pattern IPV4 = Pattern.compile("^\\d{1,3}(\\.\\d{1,3}){3}$");
    private static final Pattern IPV6 = Pattern.compile("^[0-9a-fA-F:.]*:[0-9a-fA-F:.]*$");

    /** A CIDR block: the first {@code bits} bits of {@code network}. */
    record Cidr(byte[] network, int bits) {

        static Cidr parse(String text) {
            String[] parts = text.trim().split("/", 2);
            InetAddress address = literal(parts[0])
                    .orElseThrow(() -> new IllegalArgumentException(
                            "NUTS_TRUSTED_PROXIES: " + text + " is not an IP address or CIDR block"));
            int max = address.getAddress().length * 8;
            int bits;
            try {
                bits = parts.length == 2 ? Integer.parseInt(parts[1]) : max;
            } catch (NumberFormatException e) {
                bits = -1;
            }
            if (bits < 0 || bits > max) {
                throw new IllegalArgumentException(
                        "NUTS_TRUSTED_PROXIES: " + text + " has a prefix length outside 0.." + max);
            }
            return new Cidr(address.getAddress(), bits);
        }

        boolean contains(InetAddress address) {
            byte[] candidate = address.getAddress();
            if (candidate.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < bits; bit++) {
                int mask = 0x80 >> (bit % 8);
                if ((candidate[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    private final List<Cidr> trusted;
    private final NutsProperties.Clients.ForwardedHeader header;

    ClientAddresses(NutsProperties properties) {
        this.header = properties.clients().forwardedHeader();
        List<Cidr> blocks = new ArrayList<>();
        for (String entry : properties.clients().trustedProxies()) {
            for (String block : entry.split(",")) {
                if (!block.isBlank()) {
                    blocks.add(Cidr.parse(block));
                }
            }
        }
        this.trusted = List.copyOf(blocks);
    }

    /** The key the client's limits are counted under: an IPv4 address, or an IPv6 /64 such as {@code 2001:db8:0:1::/64}. */
    public String clientKey(HttpServletRequest request) {
        return clientKey(request.getRemoteAddr(), Collections.list(request.getHeaders(header.headerName())));
    }

    /** {@code headers}: the values of the configured header ({@code NUTS_FORWARDED_HEADER}), in order. */
    String clientKey(String remoteAddress, List<String> headers) {
        InetAddress client = literal(remoteAddress).orElse(null);
        if (client == null) {
            return remoteAddress;
        }
        if (isTrusted(client)) {
            List<String> hops =
                    header == NutsProperties.Clients.ForwardedHeader.FORWARDED ? forwardedFor(headers) : split(headers);
            for (int i = hops.size() - 1; i >= 0; i--) {
                Optional<InetAddress> hop = literal(stripPort(hops.get(i)));
                if (hop.isEmpty()) {
                    break; // garbage or an obfuscated identifier: stop at the last address we can vouch for
                }
                client = hop.get();
                if (!isTrusted(client)) {
                    break;
                }
            }
        }
        return key(client);
    }

    private boolean isTrusted(InetAddress address) {
        for (Cidr block : trusted) {
            if (block.contains(address)) {
                return true;
            }
        }
        return false;
    }

    static String key(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length == 4) {
            return address.getHostAddress();
        }
        return String.format(
                Locale.ROOT,
                "%x:%x:%x:%x::/64",
                ((bytes[0] & 0xff) << 8) | (bytes[1] & 0xff),
                ((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff),
                ((bytes[4] & 0xff) << 8) | (bytes[5] & 0xff),
                ((bytes[6] & 0xff) << 8) | (bytes[7] & 0xff));
    }

    private static List<String> split(List<String> headers) {
        List<String> hops = new ArrayList<>();
        for (String header : headers) {
            for (String hop : header.split(",")) {
                hops.add(hop.trim());
            }
        }
        return hops;
    }

    /** The {@code for=} values of RFC 7239 {@code Forwarded} headers, in order. */
    private static List<String> forwardedFor(List<String> headers) {
        List<String> hops = new ArrayList<>();
        for (String element : split(headers)) {
            String value = "unknown";
            for (String pair : element.split(";")) {
                String[] kv = pair.trim().split("=", 2);
                if (kv.length == 2 && kv[0].trim().equalsIgnoreCase("for")) {
                    value = kv[1].trim().replace("\"", "");
                }
            }
            hops.add(value);
        }
        return hops;
    }

    /** {@code 1.2.3.4:80} → {@code 1.2.3.4}; {@code [2001:db8::1]:80} → {@code 2001:db8::1}. */
    private static String stripPort(String hop) {
        if (hop.startsWith("[")) {
            int end = hop.indexOf(']');
            return end < 0 ? hop : hop.substring(1, end);
        }
        int colon = hop.indexOf(':');
        return colon >= 0 && colon == hop.lastIndexOf(':') ? hop.substring(0, colon) : hop;
    }

    /** Parses an IP literal without ever resolving a name. */
    static Optional<InetAddress> literal(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String candidate = text.trim();
        if (!(IPV4.matcher(candidate).matches() || IPV6.matcher(candidate).matches()) || candidate.length() > 45) {
            return Optional.empty();
        }
        if (IPV4.matcher(candidate).matches()) {
            for (String octet : candidate.split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    return Optional.empty();
                }
            }
        }
        try {
            return Optional.of(InetAddress.getByName(candidate));
        } catch (UnknownHostException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}

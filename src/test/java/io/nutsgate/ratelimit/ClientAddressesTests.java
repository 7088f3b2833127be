package io.nutsgate.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nutsgate.support.TestProperties;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.mock.web.MockHttpServletRequest;

class ClientAddressesTests {

    private static final String PROXIES = "10.0.0.0/8, 192.168.1.1,fd00::/8";
    private final ClientAddresses behindProxies = trusting(PROXIES);
    private final ClientAddresses behindForwardedProxies = new ClientAddresses(
            TestProperties.with(Map.of("clients.trusted-proxies", PROXIES, "clients.forwarded-header", "forwarded")));
    private final ClientAddresses direct = trusting("");

    private static ClientAddresses trusting(String proxies) {
        return new ClientAddresses(TestProperties.with(Map.of("clients.trusted-proxies", proxies)));
    }

    /** A request from {@code remote} carrying {@code headers} (name, value, name, value, ...; a name may repeat). */
    private static MockHttpServletRequest request(String remote, String... headers) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/nuts/update");
        request.setRemoteAddr(remote);
        for (int i = 0; i < headers.length; i += 2) {
            request.addHeader(headers[i], headers[i + 1]);
        }
        return request;
    }

    /** remote address | X-Forwarded-For | expected key: worked out by hand from the trusted blocks above. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                // a trusted proxy: the nearest untrusted hop, right to left
                "10.1.2.3|203.0.113.7|203.0.113.7",
                "10.1.2.3|198.51.100.1, 203.0.113.7|203.0.113.7",
                "10.1.2.3|203.0.113.7, 10.9.9.9|203.0.113.7",
                "192.168.1.1|203.0.113.7:4711, 10.0.0.5|203.0.113.7",
                // every hop trusted: the leftmost one
                "10.1.2.3|10.5.5.5, 10.6.6.6|10.5.5.5",
                // a hop that is not an address stops the walk at the last good one
                "10.1.2.3|evil.example, 10.0.0.8|10.0.0.8",
                "10.1.2.3|999.1.1.1|10.1.2.3",
                // not a trusted proxy: the header is ignored
                "192.168.1.2|203.0.113.7|192.168.1.2",
                "203.0.113.9|1.2.3.4|203.0.113.9",
                // IPv6 clients count per /64
                "fd00::1|2001:db8:1:2:aaaa:bbbb:cccc:dddd|2001:db8:1:2::/64",
                "fd00::1|[2001:db8:1:2::9]:443|2001:db8:1:2::/64",
                "2001:db8:0:1:ffff::1||2001:db8:0:1::/64",
            })
    void shouldFindTheClientBehindTrustedProxiesOnly(String remote, String forwardedFor, String expected) {
        MockHttpServletRequest request =
                forwardedFor == null ? request(remote) : request(remote, "X-Forwarded-For", forwardedFor);

        assertThat(behindProxies.clientKey(request)).isEqualTo(expected);
    }

    /**
     * The proxy appends the real client (198.51.100.9) to X-Forwarded-For and passes everything else through: what
     * the client adds (a Forwarded header, its own X-Forwarded-For hops, a second X-Forwarded-For line) never
     * changes its key.
     */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "Forwarded|for=203.0.113.1|X-Forwarded-For|198.51.100.9",
                "Forwarded|for=\"[2001:db8::1]\"|X-Forwarded-For|198.51.100.9",
                "X-Forwarded-For|203.0.113.1, 198.51.100.9|Forwarded|for=203.0.113.2",
                "X-Forwarded-For|203.0.113.1|X-Forwarded-For|198.51.100.9",
                "Forwarded|for=203.0.113.1, for=10.0.0.3|X-Forwarded-For|10.0.0.4, 198.51.100.9",
            })
    void shouldReadOnlyXForwardedForBehindAProxyThatWritesIt(String name1, String value1, String name2, String value2) {
        assertThat(behindProxies.clientKey(request("10.0.0.1", name1, value1, name2, value2)))
                .isEqualTo("198.51.100.9");
    }

    /** The same with NUTS_FORWARDED_HEADER=forwarded: the proxy appends for=198.51.100.9 to Forwarded. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "X-Forwarded-For|203.0.113.1|Forwarded|for=198.51.100.9",
                "X-Forwarded-For|2001:db8::1|Forwarded|for=198.51.100.9;proto=https",
                "Forwarded|for=203.0.113.1, for=198.51.100.9|X-Forwarded-For|203.0.113.2",
                "Forwarded|for=203.0.113.1|Forwarded|for=198.51.100.9",
                "Forwarded|for=unknown;by=x, for=\"198.51.100.9:4711\"|X-Forwarded-For|10.0.0.8",
            })
    void shouldReadOnlyForwardedBehindAProxyThatWritesIt(String name1, String value1, String name2, String value2) {
        assertThat(behindForwardedProxies.clientKey(request("10.0.0.1", name1, value1, name2, value2)))
                .isEqualTo("198.51.100.9");
    }

    @Test
    void shouldReadTheForwardedForPairsWhenConfigured() {
        String key = behindForwardedProxies.clientKey(request(
                "10.0.0.1",
                "Forwarded",
                "for=198.51.100.17;proto=https, for=\"[2001:db8:cafe:1::17]:4711\";by=10.0.0.1"));

        assertThat(key).isEqualTo("2001:db8:cafe:1::/64");
    }

    @Test
    void shouldIgnoreForwardingHeadersWhenNoProxyIsTrusted() {
        assertThat(direct.clientKey(
                        request("127.0.0.1", "Forwarded", "for=198.51.100.17", "X-Forwarded-For", "203.0.113.1")))
                .isEqualTo("127.0.0.1");
    }

    @Test
    void shouldGroupAddressesOfOneIpv6SubnetAndKeepOthersApart() {
        String a = direct.clientKey(request("2001:db8:1:2::1"));
        String b = direct.clientKey(request("2001:db8:1:2:ffff:ffff:ffff:ffff"));
        String c = direct.clientKey(request("2001:db8:1:3::1"));

        assertThat(a).isEqualTo(b);
        assertThat(a).isNotEqualTo(c);
    }

    @Test
    void shouldRefuseAMalformedTrustedProxyNamingTheSetting() {
        assertThatThrownBy(() -> trusting("10.0.0.0/33")).hasMessageContaining("NUTS_TRUSTED_PROXIES");
        assertThatThrownBy(() -> trusting("proxy.internal")).hasMessageContaining("NUTS_TRUSTED_PROXIES");
    }

    @Test
    void shouldRefuseAnUnknownForwardedHeaderSetting() {
        assertThatThrownBy(() -> TestProperties.with(Map.of("clients.forwarded-header", "x-real-ip")))
                .hasStackTraceContaining("forwarded-header");
    }
}

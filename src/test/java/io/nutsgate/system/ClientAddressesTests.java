package io.nutsgate.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nutsgate.support.TestProperties;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClientAddressesTests {

    private final ClientAddresses behindProxies = trusting("10.0.0.0/8, 192.168.1.1,fd00::/8");
    private final ClientAddresses direct = trusting("");

    private static ClientAddresses trusting(String proxies) {
        return new ClientAddresses(TestProperties.with(Map.of("clients.trusted-proxies", proxies)));
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
        List<String> xff = forwardedFor == null ? List.of() : List.of(forwardedFor);

        assertThat(behindProxies.clientKey(remote, List.of(), xff)).isEqualTo(expected);
    }

    @Test
    void shouldPreferTheForwardedHeader() {
        String key = behindProxies.clientKey(
                "10.0.0.1",
                List.of("for=198.51.100.17;proto=https, for=\"[2001:db8:cafe:1::17]:4711\";by=10.0.0.1"),
                List.of("203.0.113.1"));

        assertThat(key).isEqualTo("2001:db8:cafe:1::/64");
    }

    @Test
    void shouldIgnoreForwardingHeadersWhenNoProxyIsTrusted() {
        assertThat(direct.clientKey("127.0.0.1", List.of("for=198.51.100.17"), List.of("203.0.113.1")))
                .isEqualTo("127.0.0.1");
    }

    @Test
    void shouldGroupAddressesOfOneIpv6SubnetAndKeepOthersApart() {
        String a = direct.clientKey("2001:db8:1:2::1", List.of(), List.of());
        String b = direct.clientKey("2001:db8:1:2:ffff:ffff:ffff:ffff", List.of(), List.of());
        String c = direct.clientKey("2001:db8:1:3::1", List.of(), List.of());

        assertThat(a).isEqualTo(b);
        assertThat(a).isNotEqualTo(c);
    }

    @Test
    void shouldRefuseAMalformedTrustedProxyNamingTheSetting() {
        assertThatThrownBy(() -> trusting("10.0.0.0/33")).hasMessageContaining("NUTS_TRUSTED_PROXIES");
        assertThatThrownBy(() -> trusting("proxy.internal")).hasMessageContaining("NUTS_TRUSTED_PROXIES");
    }
}

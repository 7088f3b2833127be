package io.nutsgate.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.nutsgate.support.TestProperties;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which bearer tokens open the operator's data, from NUTS_MANAGEMENT_TOKEN and its deprecated alias. */
class ManagementTokenTests {

    private static final String MANAGEMENT = "management-token-0123456789";
    private static final String OPERATOR = "operator-token-0123456789";

    @Test
    void shouldAcceptOnlyTheManagementTokenWhenItAloneIsSet() {
        ManagementToken token = token(Map.of("management.token", MANAGEMENT));

        assertThat(token.isSet()).isTrue();
        assertThat(token.presentedIn("Bearer " + MANAGEMENT)).isTrue();
        assertThat(token.presentedIn("bearer " + MANAGEMENT)).isTrue();
        assertThat(token.presentedIn("Bearer " + MANAGEMENT + "x")).isFalse();
        assertThat(token.presentedIn(MANAGEMENT)).isFalse();
        assertThat(token.presentedIn("Basic " + MANAGEMENT)).isFalse();
        assertThat(token.presentedIn(null)).isFalse();
    }

    @Test
    void shouldUseTheDeprecatedOperatorTokenWhenItAloneIsSet() {
        ManagementToken token = token(Map.of("operator-token", OPERATOR));

        assertThat(token.isSet()).isTrue();
        assertThat(token.presentedIn("Bearer " + OPERATOR)).isTrue();
    }

    @Test
    void shouldIgnoreTheDeprecatedOperatorTokenWhenTheManagementTokenIsSet() {
        ManagementToken token = token(Map.of("management.token", MANAGEMENT, "operator-token", OPERATOR));

        assertThat(token.presentedIn("Bearer " + MANAGEMENT)).isTrue();
        assertThat(token.presentedIn("Bearer " + OPERATOR)).isFalse();
    }

    @Test
    void shouldOpenNothingWhenNoTokenIsSet() {
        ManagementToken token = token(Map.of());

        assertThat(token.isSet()).isFalse();
        assertThat(token.presentedIn("Bearer ")).isFalse();
        assertThat(token.presentedIn("Bearer null")).isFalse();
    }

    private static ManagementToken token(Map<String, String> settings) {
        return new ManagementToken(TestProperties.with(settings));
    }
}

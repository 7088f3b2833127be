package io.nutsgate.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CachedReadFilterTests {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "*/*| true",
                "application/json| true",
                "application/json, text/plain, */*| true",
                "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8| true",
                "application/*| true",
                "application/xml| false",
                "text/html| false",
                "application/json;q=0| false",
                "text/html, application/json;q=0| false"
            })
    void shouldServeStoredJsonOnlyToAnAcceptThatSurelyTakesJson(String accept, boolean served) {
        assertThat(CachedReadFilter.acceptsJson(accept)).isEqualTo(served);
    }

    @Test
    void shouldServeStoredJsonToAClientThatSendsNoAccept() {
        assertThat(CachedReadFilter.acceptsJson(null)).isTrue();
    }
}

package io.nutsgate.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QueryParametersTests {

    enum Colour {
        RED,
        DARK_BLUE
    }

    enum Span {
        WEEK,
        ALL;

        String label() {
            return this == WEEK ? "7d" : "all";
        }
    }

    @ParameterizedTest
    @CsvSource({"red, RED", "RED, RED", "Dark_Blue, DARK_BLUE", "dark_blue, DARK_BLUE"})
    void shouldReadAChoiceInAnyCase(String value, Colour expected) {
        assertThat(QueryParameters.oneOf(Colour.class, "colour", value, null)).isEqualTo(expected);
        assertThat(QueryParameters.oneOf(Colour.class, "colour", value)).isEqualTo(expected);
    }

    @Test
    void shouldAnswerTheFallbackForAnAbsentOrBlankChoice() {
        assertThat(QueryParameters.oneOf(Colour.class, "colour", null, Colour.RED))
                .isEqualTo(Colour.RED);
        assertThat(QueryParameters.oneOf(Colour.class, "colour", " ", Colour.RED))
                .isEqualTo(Colour.RED);
        assertThat(QueryParameters.oneOf(Colour.class, "colour", "", null)).isNull();
    }

    @Test
    void shouldRefuseAnUnknownChoiceNamingTheParameterTheChoicesAndWhatItGot() {
        assertThatThrownBy(() -> QueryParameters.oneOf(Colour.class, "colour", "green", Colour.RED))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER))
                .hasMessage("colour must be one of RED, DARK_BLUE (any case); got green");
        // without a fallback a blank value is refused too
        assertThatThrownBy(() -> QueryParameters.oneOf(Colour.class, "colour", ""))
                .hasMessage("colour must be one of RED, DARK_BLUE (any case); got ");
    }

    @Test
    void shouldKnowChoicesByTheirLabels() {
        assertThat(QueryParameters.oneOf(Span.class, Span::label, "window", "7D", Span.ALL))
                .isEqualTo(Span.WEEK);
        assertThatThrownBy(() -> QueryParameters.oneOf(Span.class, Span::label, "window", "week", Span.ALL))
                .hasMessage("window must be one of 7d, all (any case); got week");
    }

    @ParameterizedTest
    @CsvSource({"1, 1", "366, 366", "' 30 ', 30", "'', 30", "' ', 30"})
    void shouldReadAWholeNumberInItsRangeOrTheFallback(String value, int expected) {
        assertThat(QueryParameters.wholeNumber("days", value, 1, 366, 30)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"0", "367", "-1", "1.5", "abc", "99999999999"})
    void shouldRefuseAnythingElseNamingTheParameterTheRangeAndWhatItGot(String value) {
        assertThatThrownBy(() -> QueryParameters.wholeNumber("days", value, 1, 366, 30))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER))
                .hasMessage("days must be a whole number from 1 to 366; got " + value);
    }

    @Test
    void shouldBoundANumberTheFrameworkAlreadyRead() {
        assertThat(QueryParameters.wholeNumber("limit", (Integer) null, 1, 100, 20))
                .isEqualTo(20);
        assertThat(QueryParameters.wholeNumber("limit", 100, 1, 100, 20)).isEqualTo(100);
        assertThatThrownBy(() -> QueryParameters.wholeNumber("limit", 101, 1, 100, 20))
                .hasMessage("limit must be a whole number from 1 to 100; got 101");
    }
}

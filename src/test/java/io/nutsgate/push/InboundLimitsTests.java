package io.nutsgate.push;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The packet readings the bounds rest on, against packets written by hand from the Socket.IO and Engine.IO specs. */
class InboundLimitsTests {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "51-[\"e\",{\"_placeholder\":true,\"num\":0}]|1",
                "54-/chat,[\"e\"]|4",
                "61-12[{\"_placeholder\":true,\"num\":0}]|1",
                "51000000-[\"x\"]|1000000",
                "599999999999999999999-[\"x\"]|2147483647",
                "2[\"e\"]|-1",
                "42[\"e\"]|-1",
                "5-[\"e\"]|-1",
                "5x-[\"e\"]|-1",
                "5|-1",
            })
    void shouldReadTheAttachmentsABinaryPacketAnnounces(String packet, int expected) {
        assertThat(InboundLimits.attachments(packet)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "2[\"subscribe:positions\",\"0xabc\"]|1",
                "2[\"e\",{\"a\":[1,{\"b\":[]}]}]|5",
                "2[\"[[[[[[\",\"{{{{\"]|1",
                "2[\"\\\"[[[\"]|1",
                "0|0",
            })
    void shouldMeasureNestingOutsideStrings(String packet, int expected) {
        assertThat(InboundLimits.depth(packet)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "40|true",
                "42[\"e\"]\u001e3|true",
                "bAQID|true",
                "|false",
                "garbage|false",
                "b!!!|false",
                "'40\u001e'|false"
            })
    void shouldAcceptOnlyEngineIo4Payloads(String body, boolean expected) {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);

        assertThat(SocketIoController.isPayloadV4(bytes)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "EIO=4&transport=polling|true",
                "EIO=4&transport=polling&t=abc&sid=x1|true",
                "EIO=4&transport=polling&sid=a&sid=b|false",
                "EIO=4&EIO=3&transport=polling|false",
                "EIO=4&transport=polling&sid=%zz|false",
                "|false",
            })
    void shouldReadTheQueryStrictly(String query, boolean parsed) {
        assertThat(SocketIoQuery.parse(query)).as(query).matches(q -> q.isPresent() == parsed);
    }
}

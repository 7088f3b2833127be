package io.nutsgate.orders;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nutsgate.protocol.Deployments;
import io.nutsgate.protocol.Platform;
import io.nutsgate.support.FixtureUpstream;
import io.nutsgate.support.Vectors;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Order ids are keccak-256 of the maker's signature bytes, compared with ethers' keccak256 ({@code keccak.json}). */
class OrderIdTests {

    private static final JsonNode KECCAK = Vectors.load("keccak.json");

    @Test
    void shouldUseTheOriginalKeccakNotNistSha3() {
        // The Keccak-256 of no input, as every Ethereum client has it (the empty code hash); NIST SHA3-256 of no
        // input is a7ffc6f8…, so this pins the generator to the Ethereum variant.
        assertThat(KECCAK.get("empty").asString())
                .isEqualTo("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    }

    @Test
    void shouldIdEachFeedOrderByTheKeccakOfItsSignature() {
        OrdersFeedParser parser = new OrdersFeedParser(
                JsonMapper.builder().build(),
                new Platform(Deployments.R12, Optional.empty()),
                new SimpleMeterRegistry());

        List<LiveOrder> orders = parser.parse(
                        FixtureUpstream.fixture("orders.json").getBytes(StandardCharsets.UTF_8))
                .orders();

        assertThat(orders).hasSize(KECCAK.get("orderIds").size());
        for (JsonNode v : KECCAK.get("orderIds")) {
            LiveOrder order = orders.get(v.get("orderIndex").asInt());
            assertThat(order.signature())
                    .isEqualToIgnoringCase(v.get("signature").asString());
            assertThat(order.id()).isEqualTo(v.get("id").asString());
        }
    }
}

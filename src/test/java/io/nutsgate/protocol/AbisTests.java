package io.nutsgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class AbisTests {

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void shouldDeriveTheReferenceSelectorsAndTopicFromTheShippedAbis() {
        Map<String, String> ids = new HashMap<>();
        for (String abi : new String[] {"OptionBook", "ERC20"}) {
            for (JsonNode entry : Abis.load(json, abi)) {
                String name = entry.get("name").asString();
                ids.put(name, entry.get("type").asString().equals("event") ? Abis.topic(entry) : Abis.selector(entry));
            }
        }
        // REFERENCE §2.2–§2.4 and hashes.txt
        assertThat(ids)
                .containsEntry("fillOrder", "0xa4761ec1")
                .containsEntry("OrderFilled", "0x0fee4799857c39adce81e92cca3ceec36011917cd675b91dad36d2be13e1fd2d")
                .containsEntry("getValidNumContracts", "0x2e25445b")
                .containsEntry("fees", "0x9b9ac2cb")
                .containsEntry("claimFees", "0x15a0ea6a")
                .containsEntry("approve", "0x095ea7b3")
                .containsEntry("allowance", "0xdd62ed3e")
                .containsEntry("balanceOf", "0x70a08231")
                .containsEntry("decimals", "0x313ce567");
    }

    @Test
    void shouldSpellTheOrderTupleCanonically() {
        JsonNode fillOrder = Abis.load(json, "OptionBook").get(0);
        assertThat(Abis.canonicalSignature(fillOrder))
                .isEqualTo(
                        "fillOrder((address,uint256,address,bool,address,address,bool,uint256,uint256[],uint256,uint256,uint256,bytes),bytes,address)");
    }
}

package io.nutsgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.nutsgate.support.GatewayTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ConfigIT extends GatewayTest {

    @Test
    void shouldDescribeTheChainDeploymentTokensFeedsImplementationsAndAbis() {
        JsonNode data = body(get("/nuts/config")).get("data");

        assertThat(data.get("chainId").asLong()).isEqualTo(8453);
        assertThat(data.get("deployment").get("optionBook").asString())
                .isEqualTo("0x1bDff855d6811728acaDC00989e79143a2bdfDed");
        assertThat(data.get("deployment").get("deploymentBlock").asLong()).isEqualTo(45601440);
        io.nutsgate.support.Eip55.assertChecksummed(data.get("referrer").asString(), REFERRER);
        assertThat(data.get("tokens").toString()).contains("\"symbol\":\"USDC\"", "\"decimals\":6");
        assertThat(data.get("priceFeeds").toString()).contains("0x64c911996D3c6aC71f9b455B1E8E7266BcbD848F");
        assertThat(data.get("implementations").toString()).contains("\"product\":\"IRON_CONDOR\"");
        assertThat(data.get("otherDeployments").get(0).get("optionBook").asString())
                .isEqualTo("0xd58b814C7Ce700f251722b5555e25aE0fa8169A1");
        assertThat(data.get("abis").get("optionBook").toString()).contains("fillOrder", "OrderFilled", "claimFees");
        assertThat(data.get("abis").get("erc20").toString()).contains("approve", "allowance", "balanceOf", "decimals");
    }
}

package io.nutsgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nutsgate.NutsgateApplication;
import io.nutsgate.support.Devnet;
import io.nutsgate.support.ServiceTest;
import io.nutsgate.support.UniqueContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.web3j.protocol.core.DefaultBlockParameterName;
import tools.jackson.databind.JsonNode;

/** nutsgate started with {@code NUTS_DEPLOYMENT_FILE} = the file dev/devnet wrote serves that deployment. */
@UniqueContext
class DevnetConfigIT extends ServiceTest {

    private static Devnet devnet;

    @DynamicPropertySource
    static void deploymentFile(DynamicPropertyRegistry registry) {
        devnet = Devnet.sharedWithReferrer(REFERRER); // only read here
        registry.add("nuts.deployment-file", () -> devnet.deploymentFile().toString());
    }

    @Test
    void shouldServeTheDevnetDeploymentInConfig() throws Exception {
        // the oracle: the file as dev/devnet wrote it, read as plain JSON
        JsonNode file = json.readTree(Files.readString(devnet.deploymentFile()));
        String book = file.get("optionBook").asString();
        assertThat(devnet.web3j()
                        .ethGetCode(book, DefaultBlockParameterName.LATEST)
                        .send()
                        .getCode())
                .as("a contract is deployed at the book's address")
                .hasSizeGreaterThan(1000);

        JsonNode data = body(get("/nuts/config")).get("data");

        assertThat(data.get("chainId").asLong()).isEqualTo(8453);
        assertThat(data.get("deployment").get("name").asString()).isEqualTo("devnet");
        assertThat(data.get("deployment").get("optionBook").asString()).isEqualToIgnoringCase(book);
        assertThat(data.get("deployment").get("factory").asString())
                .isEqualToIgnoringCase(file.get("factory").asString());
        assertThat(data.get("deployment").get("deploymentBlock").asLong())
                .isEqualTo(file.get("deploymentBlock").asLong())
                .isPositive();
        assertThat(data.get("tokens")).hasSize(1);
        assertThat(data.get("tokens").get(0).get("symbol").asString()).isEqualTo("USDC");
        assertThat(data.get("tokens").get(0).get("address").asString())
                .isEqualToIgnoringCase(file.get("tokens").get(0).get("address").asString());
        assertThat(data.get("tokens").get(0).get("decimals").asInt()).isEqualTo(6);
        assertThat(data.get("priceFeeds").toString().toLowerCase(Locale.ROOT))
                .contains(
                        file.get("priceFeeds").get(0).get("address").asString().toLowerCase(Locale.ROOT));
        List<String> products = new ArrayList<>();
        data.get("implementations")
                .forEach(i -> products.add(i.get("product").asString() + "@"
                        + i.get("address").asString().toLowerCase(Locale.ROOT)));
        List<String> expected = new ArrayList<>();
        file.get("implementations")
                .forEach(i -> expected.add(i.get("product").asString() + "@"
                        + i.get("address").asString().toLowerCase(Locale.ROOT)));
        assertThat(products)
                .containsExactlyElementsOf(expected)
                .contains("PUT_SPREAD@"
                        + devnet.implementation(Product.PUT_SPREAD).toLowerCase(Locale.ROOT));
        assertThat(data.get("otherDeployments"))
                .as("the file replaces r12 and r10")
                .isEmpty();
        assertThat(data.get("referrer").asString()).isEqualToIgnoringCase(REFERRER);
    }

    @Test
    void shouldRefuseToStartOnABadDeploymentFileNamingTheVariable(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(
                dir.resolve("bad.json"),
                Files.readString(devnet.deploymentFile()).replace("\"CALL_SPREAD\"", "\"CALL_SPREADS\""));

        assertThatThrownBy(() -> new SpringApplicationBuilder(NutsgateApplication.class)
                        .run("--server.port=0", "--NUTS_DEPLOYMENT_FILE=" + bad)
                        .close())
                .satisfies(e -> assertThat(messages(e))
                        .anyMatch(m -> m.startsWith("NUTS_DEPLOYMENT_FILE " + bad
                                + ": implementations[2].product CALL_SPREADS is not a product")));
    }

    private static List<String> messages(Throwable e) {
        List<String> messages = new ArrayList<>();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.add(String.valueOf(t.getMessage()));
        }
        return messages;
    }
}

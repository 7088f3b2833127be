package io.nutsgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeploymentFileTests {

    /** A devnet's file: every registry key plus the devnet's rpcUrl and accounts. */
    static final String DEVNET = fixture();

    static String fixture() {
        try (var in = DeploymentFileTests.class.getResourceAsStream("/fixtures/devnet-deployment.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void shouldServeTheBuiltInR12AndR10RegistriesAsReferenceSection5ListsThem() {
        Deployment r12 = Deployments.R12;
        assertThat(r12.optionBook()).isEqualTo("0x1bDff855d6811728acaDC00989e79143a2bdfDed");
        assertThat(r12.factory()).isEqualTo("0x8118daD971dEbffB49B9280047659174128A8B94");
        assertThat(r12.deploymentBlock()).isEqualTo(45601440);
        assertThat(r12.implementations()).hasSize(14);
        assertThat(r12.product("0x02fe0d9635e0139dbb3768a5d5db404fd84d9134")).contains(Product.PUT_SPREAD);
        assertThat(r12.product("0x9980ec85bc6fE07340adb36c76FA093bb6D4FcBc")).contains(Product.RANGER);
        assertThat(r12.token("0xcbB7C0000aB88B473b1f5aFd9ef808440eed33Bf"))
                .map(Deployment.Token::decimals)
                .contains(8);
        assertThat(r12.tokens()).hasSize(8);
        assertThat(r12.priceFeed("0x71041dddad3595F9CEd3DcCFBe3D1F4b0a16Bb70"))
                .map(Deployment.PriceFeed::underlying)
                .contains("ETH");

        Deployment r10 = Deployments.R10;
        assertThat(r10.optionBook()).isEqualTo("0xd58b814C7Ce700f251722b5555e25aE0fa8169A1");
        assertThat(r10.deploymentBlock()).isEqualTo(36596854);
        assertThat(r10.implementations()).hasSize(13);
        assertThat(r10.product("0x2db5afa04aee616157beb53b96612947b3d13ee3")).contains(Product.CALL_SPREAD);
        assertThat(Deployments.builtIn().all()).containsExactly(r12, r10);
    }

    @Test
    void shouldReadADevnetFileIgnoringItsRpcUrlAndAccounts(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("devnet.json"), DEVNET);

        Deployment devnet = DeploymentFile.read(file);

        assertThat(devnet.name()).isEqualTo("devnet");
        assertThat(devnet.chainId()).isEqualTo(8453);
        assertThat(devnet.isOptionBook("0xdc64a140aa3e981100a9beca4e685f962f0cf6c9"))
                .isTrue();
        assertThat(devnet.deploymentBlock()).isEqualTo(5);
        assertThat(devnet.product("0x2279b7a0a67db372996a5fab50d91eaa73d2ebe6")).contains(Product.PUT_SPREAD);
        assertThat(devnet.tokenBySymbol("USDC").map(Deployment.Token::decimals)).contains(6);
    }

    @Test
    void shouldTakeAFileWithoutAFactory() {
        Deployment d = parse(DEVNET.replace("\"factory\": \"0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9\",", ""));
        assertThat(d.factory()).isNull();
    }

    @Test
    void shouldNameTheFieldOfEachProblem() {
        assertRefused(
                DEVNET.replace("\"PUT_SPREAD\"", "\"PUT_SPREADS\""),
                "implementations[0].product PUT_SPREADS is not a product");
        assertRefused(
                DEVNET.replace("\"decimals\": 6", "\"decimals\": 99"),
                "tokens[0].decimals must be from 0 to 77, was 99");
        assertRefused(
                DEVNET.replace("\"decimals\": 6", "\"decimals\": \"6\""), "tokens[0].decimals must be an integer");
        assertRefused(DEVNET.replace("\"chainId\": 8453", "\"chainId\": 0"), "chainId must be at least 1");
        assertRefused(DEVNET.replace("\"deploymentBlock\": 5,", ""), "deploymentBlock must be an integer");
        assertRefused(DEVNET.replace("\"name\": \"devnet\"", "\"name\": \"\""), "name must be a non-empty string");
        assertRefused(
                DEVNET.replace(
                        "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512", "0xe7f1725E7734CE288F8367e1Bb143E90bb3F051"),
                "priceFeeds[0].address must be a 0x-prefixed 20-byte hex address");
        // one letter's case flipped: a typo the EIP-55 checksum catches
        assertRefused(
                DEVNET.replace(
                        "0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9", "0xdc64a140Aa3E981100a9becA4E685f962f0cF6C9"),
                "optionBook 0xdc64a140Aa3E981100a9becA4E685f962f0cF6C9 has a bad EIP-55 checksum");
        assertRefused(DEVNET.replace("\"deploymentBlock\"", "\"deployBlock\""), "deployBlock is not a known key");
        assertRefused(
                DEVNET.replace("\"underlying\": \"ETH\"", "\"asset\": \"ETH\""),
                "priceFeeds[0].asset is not a known key");
        assertRefused(
                DEVNET.replaceFirst("\"tokens\": \\[.*],", "\"tokens\": [],"), "tokens must be a non-empty array");
        assertRefused(
                DEVNET.replace(
                        "{\"product\": \"PUT_SPREAD\", \"address\": \"0x2279B7A0a67DB372996a5FaB50D91eAA73d2eBe6\"}",
                        "{\"product\": \"PUT_SPREAD\", \"address\": \"0x2279B7A0a67DB372996a5FaB50D91eAA73d2eBe6\"},"
                                + "{\"product\": \"PUT\", \"address\": \"0x2279b7a0a67db372996a5fab50d91eaa73d2ebe6\"}"),
                "implementations lists address 0x2279b7a0a67db372996a5fab50d91eaa73d2ebe6 twice");
        assertRefused("[]", "the document must be a JSON object");
        assertRefused("{\"name\": ", "devnet.json: not JSON");
    }

    @Test
    void shouldNameAFileThatCannotBeRead(@TempDir Path dir) {
        Path missing = dir.resolve("missing.json");
        assertThatThrownBy(() -> DeploymentFile.read(missing))
                .isInstanceOf(InvalidDeploymentException.class)
                .hasMessageStartingWith(missing + ": cannot be read");
    }

    private static Deployment parse(String json) {
        return DeploymentFile.parse(json.getBytes(StandardCharsets.UTF_8), "devnet.json");
    }

    private static void assertRefused(String json, String message) {
        assertThatThrownBy(() -> parse(json))
                .isInstanceOf(InvalidDeploymentException.class)
                .hasMessageStartingWith("devnet.json: ")
                .hasMessageContaining(message);
    }
}

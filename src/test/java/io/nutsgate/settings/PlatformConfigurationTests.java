package io.nutsgate.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nutsgate.protocol.Deployment;
import io.nutsgate.protocol.Deployments;
import io.nutsgate.support.TestProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlatformConfigurationTests {

    private static String devnet() throws java.io.IOException {
        try (var in = PlatformConfigurationTests.class.getResourceAsStream("/fixtures/devnet-deployment.json")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void shouldServeR12WhenNoBookIsConfiguredAndR10WhenItsBookIs() {
        Deployments builtIn = PlatformConfiguration.registry(TestProperties.with(Map.of()));

        assertThat(PlatformConfiguration.active(builtIn, "").optionBook())
                .isEqualTo("0x1bDff855d6811728acaDC00989e79143a2bdfDed");
        assertThat(PlatformConfiguration.active(builtIn, "0xD58B814C7CE700F251722B5555E25AE0FA8169A1")
                        .name())
                .isEqualTo("r10");
        Deployment custom = PlatformConfiguration.active(builtIn, "0x039bD7Bb12Ff5854DA226F738FAD372C508A0b2F");
        assertThat(custom.optionBook()).isEqualTo("0x039bD7Bb12Ff5854DA226F738FAD372C508A0b2F");
        assertThat(custom.implementations()).isEqualTo(Deployments.R12.implementations());
    }

    @Test
    void shouldReplaceTheBuiltInRegistryWithTheDeploymentFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("devnet.json"), devnet());

        Deployments registry =
                PlatformConfiguration.registry(TestProperties.with(Map.of("deployment-file", file.toString())));

        assertThat(registry.all()).hasSize(1);
        assertThat(PlatformConfiguration.active(registry, "").optionBook())
                .isEqualTo("0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9");
        assertThat(registry.byOptionBook("0x1bDff855d6811728acaDC00989e79143a2bdfDed"))
                .isEmpty();
    }

    @Test
    void shouldRefuseABadDeploymentFileNamingTheVariableTheFileAndTheProblem(@TempDir Path dir) throws Exception {
        Path file =
                Files.writeString(dir.resolve("devnet.json"), devnet().replace("\"decimals\": 6", "\"decimals\": -1"));

        assertThatThrownBy(() ->
                        PlatformConfiguration.registry(TestProperties.with(Map.of("deployment-file", file.toString()))))
                .isInstanceOf(StartupRefusedException.class)
                .hasMessage("NUTS_DEPLOYMENT_FILE " + file + ": tokens[0].decimals must be from 0 to 77, was -1");
    }
}

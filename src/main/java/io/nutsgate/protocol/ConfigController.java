package io.nutsgate.protocol;

import io.nutsgate.common.CachedRead;
import io.nutsgate.common.Checksummed;
import io.nutsgate.common.JsonHttp;
import io.nutsgate.common.RenderedJson;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@RestController
@Tag(name = "config", description = "What the frontend needs to talk to the chain")
class ConfigController implements CachedRead {

    @Schema(description = "Chain, active deployment, tokens, price feeds, implementations, referrer and ABIs")
    record ChainConfig(
            @Schema(example = "8453") long chainId,
            @Schema(example = "Base") String chainName,
            DeploymentView deployment,
            @Schema(description = "The platform's referrer, passed as fillOrder's third argument; null if unset")
                    @Checksummed
                    String referrer,
            List<Deployment.Token> tokens,
            List<Deployment.PriceFeed> priceFeeds,
            List<ImplementationView> implementations,
            @Schema(description = "Other known books whose options may still be open")
                    List<DeploymentView> otherDeployments,
            @Schema(
                            description =
                                    "JSON ABIs: optionBook (fillOrder, OrderFilled, getValidNumContracts, fees, claimFees) and "
                                            + "erc20 (approve, allowance, balanceOf, decimals)")
                    Abi abis) {}

    record DeploymentView(
            String name, @Checksummed String optionBook, @Checksummed String factory, long deploymentBlock) {}

    record ImplementationView(
            String product, @Checksummed String address, String structure, int strikeCount, boolean baseCollateral) {}

    record Abi(JsonNode optionBook, JsonNode erc20) {}

    @Schema(name = "ConfigResponse")
    record ConfigEnvelope(boolean success, ChainConfig data) {}

    private final RenderedJson rendered;

    ConfigController(Platform platform, JsonMapper json) {
        Deployment active = platform.deployment();
        ChainConfig config = new ChainConfig(
                active.chainId(),
                active.chainId() == Deployments.BASE_CHAIN_ID ? "Base" : "chain " + active.chainId(),
                view(active),
                platform.referrer().orElse(null),
                active.tokens(),
                active.priceFeeds(),
                active.implementations().stream()
                        .map(i -> new ImplementationView(
                                i.product().name(),
                                i.address(),
                                i.product().structure().name(),
                                i.product().strikeCount(),
                                i.product().baseCollateral()))
                        .toList(),
                platform.otherDeployments().stream().map(ConfigController::view).toList(),
                new Abi(Abis.load(json, "OptionBook"), Abis.load(json, "ERC20")));
        // Configuration is fixed for the life of the process: render it once.
        this.rendered = RenderedJson.of(json.writeValueAsBytes(config), false, 0);
    }

    @GetMapping(value = "/nuts/config", produces = "application/json")
    @Operation(summary = "Chain id, contracts, tokens, price feeds, implementations, referrer and ABIs")
    @ApiResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = ConfigEnvelope.class)))
    void config(HttpServletRequest request, HttpServletResponse response) throws IOException {
        JsonHttp.write(rendered, request, response);
    }

    /** Also answered before Spring MVC (web.CachedReadFilter): the same stored bytes. */
    @Override
    public String path() {
        return "/nuts/config";
    }

    @Override
    public RenderedJson cached() {
        return rendered;
    }

    private static DeploymentView view(Deployment d) {
        return new DeploymentView(d.name(), d.optionBook(), d.factory(), d.deploymentBlock());
    }
}

package io.nutsgate.web;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.IntegerSchema;
import java.time.Instant;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI document's title, version (the build's) and description, with the API's conventions. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    static final String DESCRIPTION =
            """
            The backend of a builder platform offering Thetanuts Finance V4 options (OptionBook on Base, chain 8453): \
            live orders, payoffs, fill plans, positions, the platform's trade history and leaderboards.

            Conventions: every answer is {"success":true,"data":…} or {"success":false,"error":{"code","message"}}; \
            every 4xx message names the offending field or parameter. Every amount is {"raw","value"}: raw the \
            on-chain integer as a string, value the same amount as a decimal string (raw / 10^decimals: the \
            collateral token's decimals, 8 for USD prices and strikes). Addresses are answered EIP-55 checksummed \
            and accepted in any case. Timestamps are unix seconds (integers); a field ending At may carry its \
            ISO-8601 text beside it as …AtIso. Leaderboard ranks use competition ranking: equal values share a \
            rank and the next rank skips (1, 2, 2, 4).""";

    static {
        // Instants are written as unix seconds (JsonConfiguration); say so in the schemas.
        SpringDocUtils.getConfig()
                .replaceWithSchema(
                        Instant.class, new IntegerSchema().format("int64").description("unix seconds"));
    }

    @Bean
    OpenAPI nutsgateOpenApi(ObjectProvider<BuildProperties> build) {
        BuildProperties properties = build.getIfAvailable();
        return new OpenAPI()
                .info(new Info()
                        .title("nutsgate API")
                        .version(properties == null ? "development" : properties.getVersion())
                        .description(DESCRIPTION));
    }
}

package io.nutsgate.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Every setting of the service, bound in {@code application.yml} from the environment names the deployment
 * already uses ({@code ALPHABIT_REFERRER_ADDRESS}, {@code THETANUTS_INDEXER_URL}, …). Invalid values stop
 * the start-up with the property named.
 */
@Validated
@ConfigurationProperties(prefix = "nuts")
public record NutsProperties(
        @DefaultValue("*") String corsOrigin,
        @Pattern(
                        regexp = "^(0x[0-9a-fA-F]{40})?$",
                        message = "ALPHABIT_REFERRER_ADDRESS must be a 0x-prefixed 20-byte hex address")
                String referrerAddress,
        @NotNull @DefaultValue("https://round-snowflake-9c31.devops-118.workers.dev/") URI ordersUrl,
        @NotNull @DefaultValue("https://indexer.thetanuts.finance/api/v1/book") URI indexerUrl,
        @Pattern(
                        regexp = "^0x[0-9a-fA-F]{40}$",
                        message = "THETANUTS_OPTIONBOOK_ADDRESS must be a 0x-prefixed 20-byte hex address")
                @DefaultValue("0x1bDff855d6811728acaDC00989e79143a2bdfDed")
                String optionBookAddress,
        String redisUrl,
        @Valid @DefaultValue Cache cache,
        @Valid @DefaultValue Upstream upstream,
        @Valid @DefaultValue RateLimit updateRateLimit) {

    /** Fresh lifetime per upstream resource, and how long a last good value may still be served when upstream fails. */
    public record Cache(@Valid @DefaultValue Ttl ttl, @NotNull @DefaultValue("10m") Duration maxStale) {}

    public record Ttl(
            @NotNull @DefaultValue("30s") Duration orders,
            @NotNull @DefaultValue("60s") Duration positions,
            @NotNull @DefaultValue("300s") Duration history,
            @NotNull @DefaultValue("300s") Duration stats) {}

    public record Upstream(
            @NotNull @DefaultValue("2s") Duration connectTimeout, @NotNull @DefaultValue("5s") Duration timeout) {}

    /** Calls of {@code /nuts/update} a client may make per window. */
    public record RateLimit(@DefaultValue("6") int requests, @NotNull @DefaultValue("1m") Duration window) {}

    public boolean hasReferrer() {
        return referrerAddress != null && !referrerAddress.isBlank();
    }

    public boolean hasRedis() {
        return redisUrl != null && !redisUrl.isBlank();
    }
}

package io.nutsgate.revenue;

import io.nutsgate.common.Addresses;
import io.nutsgate.common.Amount;
import io.nutsgate.common.ApiException;
import io.nutsgate.common.ApiResponse;
import io.nutsgate.common.ErrorCode;
import io.nutsgate.indexer.ChainIndexer;
import io.nutsgate.protocol.Deployment;
import io.nutsgate.protocol.Platform;
import io.nutsgate.rpc.ChainAccess;
import io.nutsgate.rpc.Rpc;
import io.nutsgate.rpc.RpcException;
import io.nutsgate.settings.NutsProperties;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Uint256;

@RestController
@RequestMapping("/nuts/referrer")
@Tag(name = "chain", description = "Our chain indexer, referral revenue and fill receipts")
class RevenueController {

    record RevenueView(
            String referrer,
            String optionBook,
            @Schema(description = "the last block our indexer has read; earnings include it") Long indexedBlock,
            List<TokenRevenue> tokens) {}

    record TokenRevenue(
            Deployment.Token token,
            @Schema(description = "sum of ReferralFeePaid to our referrer in this token") Amount earned,
            long fills,
            List<DayRevenue> daily,
            @Schema(description = "fees(token, referrer) on chain now: what claimFees(token) would pay")
                    Amount claimable,
            ClaimTransaction claimTransaction) {}

    record DayRevenue(
            @Schema(example = "2026-05-06") LocalDate date,
            @Schema(description = "00:00 UTC of the day, unix seconds") Instant startsAt,
            Amount earned,
            long fills) {}

    @Schema(description = "claimFees(token) for the referrer wallet to sign and send")
    record ClaimTransaction(String from, String to, String data, String value) {}

    private final ChainAccess chain;
    private final ChainIndexer indexer;
    private final Platform platform;
    private final NutsProperties properties;
    private final JdbcClient jdbc;

    RevenueController(
            ChainAccess chain, ChainIndexer indexer, Platform platform, NutsProperties properties, JdbcClient jdbc) {
        this.chain = chain;
        this.indexer = indexer;
        this.platform = platform;
        this.properties = properties;
        this.jdbc = jdbc;
    }

    @GetMapping("/revenue")
    @Operation(
            summary = "Referral fees earned through our referrer per collateral token (per day and in total, from"
                    + " ReferralFeePaid), what is claimable now (fees(token, referrer)) and the claimFees transaction")
    ApiResponse<RevenueView> revenue() {
        if (!properties.hasReferrer()) {
            throw new ApiException(
                    ErrorCode.REFERRER_NOT_CONFIGURED, "ALPHABIT_REFERRER_ADDRESS is not set on this server");
        }
        Rpc rpc = chain.require();
        String referrer = properties.referrerAddress().toLowerCase(Locale.ROOT);
        Deployment deployment = platform.deployment();
        String book = deployment.optionBook().toLowerCase(Locale.ROOT);

        record Row(String token, LocalDate day, BigInteger fee, long fills) {}
        List<Row> rows = jdbc.sql("SELECT collateral, (block_time AT TIME ZONE 'UTC')::date AS day, sum(fee) AS fee,"
                        + " count(*) AS fills FROM chain_referral_fees WHERE chain_id = :chain AND referrer = :referrer"
                        + " GROUP BY collateral, day ORDER BY collateral, day")
                .param("chain", deployment.chainId())
                .param("referrer", referrer)
                .query((rs, n) -> new Row(
                        rs.getString("collateral"),
                        rs.getObject("day", LocalDate.class),
                        rs.getBigDecimal("fee").toBigIntegerExact(),
                        rs.getLong("fills")))
                .list();

        Set<String> tokens = new LinkedHashSet<>();
        deployment.tokens().forEach(t -> tokens.add(t.address().toLowerCase(Locale.ROOT)));
        rows.forEach(r -> tokens.add(r.token()));
        List<String> tokenList = List.copyOf(tokens);

        List<String> calls = new ArrayList<>();
        for (String token : tokenList) {
            calls.add(FunctionEncoder.encode(feesFunction(token, referrer)));
        }
        List<Rpc.CallResult> claimable;
        try {
            claimable = rpc.batchCalls(book, calls);
        } catch (RpcException e) {
            throw new ApiException(ErrorCode.CHAIN_ERROR, "the RPC node failed: " + e.getMessage(), e);
        }

        List<TokenRevenue> out = new ArrayList<>();
        for (int i = 0; i < tokenList.size(); i++) {
            String address = tokenList.get(i);
            Deployment.Token token = deployment
                    .token(address)
                    .map(t -> new Deployment.Token(t.symbol(), Addresses.checksum(t.address()), t.decimals()))
                    .orElse(new Deployment.Token(null, Addresses.checksum(address), 0));
            int decimals = token.decimals();
            Map<LocalDate, DayRevenue> daily = new LinkedHashMap<>();
            BigInteger total = BigInteger.ZERO;
            long fills = 0;
            for (Row r : rows) {
                if (r.token().equals(address)) {
                    daily.put(
                            r.day(),
                            new DayRevenue(
                                    r.day(),
                                    r.day().atStartOfDay(ZoneOffset.UTC).toInstant(),
                                    Amount.of(r.fee(), decimals),
                                    r.fills()));
                    total = total.add(r.fee());
                    fills += r.fills();
                }
            }
            Rpc.CallResult result = claimable.get(i);
            if (!result.ok()) {
                throw new ApiException(
                        ErrorCode.CHAIN_ERROR, "fees(" + address + ", referrer) failed: " + result.error());
            }
            List<Type> decoded = FunctionReturnDecoder.decode(
                    result.data(), feesFunction(address, referrer).getOutputParameters());
            if (decoded.isEmpty()) {
                throw new ApiException(ErrorCode.CHAIN_ERROR, "fees(" + address + ", referrer) returned no value");
            }
            BigInteger claim = (BigInteger) decoded.getFirst().getValue();
            out.add(new TokenRevenue(
                    token,
                    Amount.of(total, decimals),
                    fills,
                    List.copyOf(daily.values()),
                    Amount.of(claim, decimals),
                    new ClaimTransaction(
                            Addresses.checksum(referrer),
                            Addresses.checksum(book),
                            FunctionEncoder.encode(new Function("claimFees", List.of(new Address(address)), List.of())),
                            "0")));
        }
        return ApiResponse.ok(new RevenueView(
                Addresses.checksum(referrer),
                Addresses.checksum(book),
                indexer.status().indexedBlock(),
                out));
    }

    private static Function feesFunction(String token, String referrer) {
        return new Function(
                "fees", List.of(new Address(token), new Address(referrer)), List.of(new TypeReference<Uint256>() {}));
    }
}

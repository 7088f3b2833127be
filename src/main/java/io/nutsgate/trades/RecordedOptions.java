package io.nutsgate.trades;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Options filled through the platform, looked up by their contract address in our own trade records. */
@Component
public class RecordedOptions {

    /** One recorded fill of an option; amounts in the collateral's base units, prices 8 decimals. */
    public record RecordedOption(
            String optionAddress,
            String product,
            String underlying,
            List<BigInteger> strikes,
            BigInteger contracts,
            String collateralToken,
            String collateralSymbol,
            int collateralDecimals,
            BigInteger premium,
            BigInteger settlementPrice) {}

    private final JdbcClient jdbc;

    RecordedOptions(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The first recorded fill of {@code optionAddress} (lower case): the buyer's and the seller's rows agree. */
    public Optional<RecordedOption> find(String optionAddress) {
        return jdbc.sql(
                        """
                        SELECT option_address, product, underlying, strikes, contracts, collateral_token,
                               collateral_symbol, collateral_decimals, premium, settlement_price
                          FROM trades WHERE option_address = :option
                         ORDER BY created_at, id LIMIT 1""")
                .param("option", optionAddress)
                .query(RecordedOptions::row)
                .optional();
    }

    private static RecordedOption row(ResultSet rs, int n) throws SQLException {
        BigDecimal settlement = rs.getBigDecimal("settlement_price");
        return new RecordedOption(
                rs.getString("option_address"),
                rs.getString("product"),
                rs.getString("underlying"),
                strikes(rs.getArray("strikes")),
                rs.getBigDecimal("contracts").toBigIntegerExact(),
                rs.getString("collateral_token"),
                rs.getString("collateral_symbol"),
                rs.getInt("collateral_decimals"),
                rs.getBigDecimal("premium").toBigIntegerExact(),
                settlement == null ? null : settlement.toBigIntegerExact());
    }

    private static List<BigInteger> strikes(Array array) throws SQLException {
        List<BigInteger> strikes = new ArrayList<>();
        for (Object value : (Object[]) array.getArray()) {
            strikes.add(((BigDecimal) value).toBigIntegerExact());
        }
        return strikes;
    }
}

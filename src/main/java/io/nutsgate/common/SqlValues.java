package io.nutsgate.common;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Amounts and times across JDBC, one way everywhere: chain amounts are {@code numeric(78,0)} read back as exact
 * {@link BigInteger}s (never through a double), times are {@code timestamptz} written as UTC offsets. Nulls stay null.
 */
public final class SqlValues {

    private SqlValues() {}

    public static BigInteger integer(ResultSet rs, String column) throws SQLException {
        BigDecimal value = rs.getBigDecimal(column);
        return value == null ? null : value.toBigIntegerExact();
    }

    public static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    public static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    public static BigDecimal numeric(BigInteger value) {
        return value == null ? null : new BigDecimal(value);
    }
}

package io.nutsgate.support;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The API's conventions as a walk over an answer's JSON (README "API conventions"): amounts are exactly
 * {raw, value} with value = raw / 10^decimals, addresses are EIP-55 (checked by {@link Eip55}, written from the
 * EIP), timestamps are integers (ISO-8601 only beside them), no amount hides as a bare number. Used by
 * {@code system.ApiConventionsIT} over every endpoint and by the chain tests over the endpoints that need a devnet.
 */
public final class ApiShapes {

    /** Amount fields priced in USD with 8 decimals; every other amount is in the enclosing collateral token. */
    private static final Set<String> USD_AMOUNTS =
            Set.of("strikes", "price", "settlementPrice", "breakevens", "from", "to", "marketData");

    /** Fields whose value is a plain JSON number that is not an amount (counts, ids, sizes, blocks). */
    private static final Set<String> PLAIN_NUMBERS = Set.of(
            "count",
            "chainId",
            "decimals",
            "rank",
            "fid",
            "trades",
            "openCount",
            "uniqueTraders",
            "strikeCount",
            "deploymentBlock",
            "ageSeconds",
            // the chain indexer's blocks and counts
            "confirmations",
            "headBlock",
            "indexedBlock",
            "lagBlocks",
            "lagSeconds",
            "skippedLogs",
            "reorgs",
            "fills");

    /** Timestamp fields not ending in At. */
    private static final Set<String> TIMESTAMPS = Set.of("expiry", "orderExpiryTimestamp", "asOf");

    /**
     * Subtrees passed through as their source gives them, documented as such: the signed order (its numbers are
     * what was signed), the feed's greeks, the ABIs.
     */
    private static final Set<String> PASSED_THROUGH = Set.of("order", "greeks", "abis");

    private static final Pattern ADDRESS = Pattern.compile("^0x[0-9a-fA-F]{40}$");
    private static final Pattern NUMERIC = Pattern.compile("^-?\\d+(\\.\\d+)?$");

    private final List<String> violations = new ArrayList<>();
    private int amounts;
    private int addresses;
    private int timestamps;

    /** Walks one answer's {@code data}. */
    public void walk(String endpoint, JsonNode answer) {
        walk(endpoint, answer.get("data"), "data", "data", null, false);
    }

    public List<String> violations() {
        return violations;
    }

    public int amounts() {
        return amounts;
    }

    public int addresses() {
        return addresses;
    }

    public int timestamps() {
        return timestamps;
    }

    /**
     * Checks {@code node} at {@code path} ({@code key} its field name; list items keep their list's). {@code tokens}
     * is the decimals of the nearest enclosing collateral token; {@code usd} whether amounts here are USD prices.
     */
    private void walk(String endpoint, JsonNode node, String path, String key, Integer tokens, boolean usd) {
        if (node == null || node.isNull()) {
            return;
        }
        String where = endpoint + " " + path;
        if (node.isObject()) {
            if (node.has("raw") || (node.has("value") && node.get("value").isString() && !isTransaction(path))) {
                amount(where, node, usd ? Integer.valueOf(8) : tokens);
                return;
            }
            Integer decimals = tokens;
            for (String token : List.of("collateral", "collateralToken", "token")) {
                if (node.path(token).path("decimals").isIntegralNumber()) {
                    decimals = node.get(token).get("decimals").asInt();
                }
            }
            if (node.path("collateralDecimals").isIntegralNumber()) {
                decimals = node.get("collateralDecimals").asInt();
            }
            boolean indexerPosition =
                    endpoint.equals("POST /nuts/positions") && path.matches("data\\.(positions|history)\\[\\d+]");
            for (String field : node.propertyNames()) {
                JsonNode value = node.get(field);
                if (PASSED_THROUGH.contains(field)) {
                    continue;
                }
                if (indexerPosition && !field.equals("amounts")) {
                    continue; // the indexer's own fields, kept as they come; the companion is checked
                }
                if (field.endsWith("AtIso")) {
                    iso(where + "." + field, value, node.get(field.substring(0, field.length() - 3)));
                    continue;
                }
                if (field.endsWith("At") || TIMESTAMPS.contains(field)) {
                    if (!value.isNull()) {
                        timestamps++;
                        if (!value.isIntegralNumber()) {
                            violations.add(where + "." + field + " is a timestamp but not an integer: " + value);
                        }
                    }
                    continue;
                }
                walk(endpoint, value, path + "." + field, field, decimals, usd || USD_AMOUNTS.contains(field));
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(endpoint, node.get(i), path + "[" + i + "]", key, tokens, usd);
            }
        } else if (node.isString()) {
            String text = node.asString();
            if (ADDRESS.matcher(text).matches()) {
                addresses++;
                if (!Eip55.isChecksummed(text)) {
                    violations.add(where + " is an address not EIP-55 checksummed: " + text);
                }
            } else if (NUMERIC.matcher(text).matches()
                    && !key.equals("nonce")
                    && !(key.equals("value") && isTransaction(path))) {
                violations.add(where + " is a bare numeric string, not an amount object: " + text);
            }
        } else if (node.isNumber()) {
            if (!node.isIntegralNumber() || !PLAIN_NUMBERS.contains(key)) {
                violations.add(where + " is a bare number, not an amount object or a count: " + node);
            }
        }
    }

    private void amount(String where, JsonNode node, Integer decimals) {
        amounts++;
        if (!new HashSet<>(node.propertyNames()).equals(Set.of("raw", "value"))) {
            violations.add(where + " is an amount with other fields than raw and value: " + node);
            return;
        }
        JsonNode raw = node.get("raw");
        JsonNode value = node.get("value");
        if (!raw.isString() || !raw.asString().matches("^-?\\d+$")) {
            violations.add(where + ".raw is not an integer string: " + raw);
            return;
        }
        if (!value.isString() || !NUMERIC.matcher(value.asString()).matches()) {
            violations.add(where + ".value is not a decimal string: " + value);
            return;
        }
        if (decimals == null) {
            violations.add(where + " is an amount whose token (decimals) is not known from its context");
            return;
        }
        BigDecimal expected = new BigDecimal(new BigInteger(raw.asString())).movePointLeft(decimals);
        if (new BigDecimal(value.asString()).compareTo(expected) != 0) {
            violations.add(where + ".value " + value.asString() + " is not raw / 10^" + decimals + " = "
                    + expected.toPlainString());
        }
    }

    private void iso(String where, JsonNode iso, JsonNode seconds) {
        if (iso.isNull()) {
            if (seconds != null && !seconds.isNull()) {
                violations.add(where + " is null beside a time");
            }
            return;
        }
        try {
            long parsed = Instant.parse(iso.asString()).getEpochSecond();
            if (seconds == null || !seconds.isIntegralNumber() || seconds.asLong() != parsed) {
                violations.add(where + " " + iso.asString() + " is not beside the same unix seconds: " + seconds);
            }
        } catch (DateTimeParseException e) {
            violations.add(where + " is not ISO-8601: " + iso);
        }
    }

    /** A transaction's {@code value} is the wei a wallet sends, as wallets take it: not an amount object. */
    private static boolean isTransaction(String path) {
        return path.contains("transactions") || path.contains("claimTransaction");
    }
}

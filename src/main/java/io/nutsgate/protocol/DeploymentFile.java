package io.nutsgate.protocol;

import io.nutsgate.protocol.Deployment.Implementation;
import io.nutsgate.protocol.Deployment.PriceFeed;
import io.nutsgate.protocol.Deployment.Token;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import org.web3j.crypto.Keys;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A deployment as JSON, the format of {@code NUTS_DEPLOYMENT_FILE} and of the built-in registries
 * ({@code deployments/r12.json}, {@code r10.json}):
 *
 * <pre>{"name", "chainId", "optionBook", "factory" (optional), "deploymentBlock",
 *  "tokens": [{"symbol", "address", "decimals"}], "priceFeeds": [{"underlying", "address"}],
 *  "implementations": [{"product": "PUT_SPREAD", "address"}]}</pre>
 *
 * {@code product} is a {@link Product} name. A devnet's file ({@code dev/devnet}) adds {@code rpcUrl} and
 * {@code accounts}, which the registry ignores; any other key is refused, as are missing or malformed fields,
 * addresses whose mixed case is not their EIP-55 checksum, and addresses listed twice.
 */
public final class DeploymentFile {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern ADDRESS = Pattern.compile("^0x[0-9a-fA-F]{40}$");
    private static final Set<String> KEYS = Set.of(
            "name",
            "chainId",
            "optionBook",
            "factory",
            "deploymentBlock",
            "tokens",
            "priceFeeds",
            "implementations",
            "rpcUrl",
            "accounts");
    private static final int MAX_DECIMALS = 77; // 10^77 < 2^256

    private DeploymentFile() {}

    /** Reads and validates a deployment file; the exception's message names the file and the problem. */
    public static Deployment read(Path file) {
        String source = file.toString();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new InvalidDeploymentException(source + ": cannot be read (" + e + ")", e);
        }
        return parse(bytes, source);
    }

    /** A built-in registry, {@code deployments/<name>.json} on the class path. */
    public static Deployment resource(String name) {
        String path = "/deployments/" + name + ".json";
        try (InputStream in = DeploymentFile.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new InvalidDeploymentException(path + ": no such resource");
            }
            return parse(in.readAllBytes(), path);
        } catch (IOException e) {
            throw new InvalidDeploymentException(path + ": cannot be read (" + e + ")", e);
        }
    }

    public static Deployment parse(byte[] json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JacksonException e) {
            throw new InvalidDeploymentException(source + ": not JSON (" + e.getOriginalMessage() + ")", e);
        }
        try {
            return deployment(root);
        } catch (InvalidDeploymentException e) {
            throw new InvalidDeploymentException(source + ": " + e.getMessage(), e);
        }
    }

    private static Deployment deployment(JsonNode root) {
        requireObject(root, "the document", KEYS);
        String name = text(root, "name", "name");
        long chainId = integer(root, "chainId", "chainId", 1, Long.MAX_VALUE);
        String optionBook = address(root, "optionBook", "optionBook");
        String factory = root.hasNonNull("factory") ? address(root, "factory", "factory") : null;
        long deploymentBlock = integer(root, "deploymentBlock", "deploymentBlock", 0, Long.MAX_VALUE);
        List<Token> tokens = list(root, "tokens", (item, field) -> {
            requireObject(item, field, Set.of("symbol", "address", "decimals"));
            return new Token(
                    text(item, "symbol", field + ".symbol"), address(item, "address", field + ".address"), (int)
                            integer(item, "decimals", field + ".decimals", 0, MAX_DECIMALS));
        });
        List<PriceFeed> feeds = list(root, "priceFeeds", (item, field) -> {
            requireObject(item, field, Set.of("underlying", "address"));
            return new PriceFeed(
                    text(item, "underlying", field + ".underlying"), address(item, "address", field + ".address"));
        });
        List<Implementation> implementations = list(root, "implementations", (item, field) -> {
            requireObject(item, field, Set.of("product", "address"));
            return new Implementation(product(item, field + ".product"), address(item, "address", field + ".address"));
        });
        unique(tokens.stream().map(Token::address).toList(), "tokens", "address");
        unique(tokens.stream().map(Token::symbol).toList(), "tokens", "symbol");
        unique(feeds.stream().map(PriceFeed::address).toList(), "priceFeeds", "address");
        unique(implementations.stream().map(Implementation::address).toList(), "implementations", "address");
        if (root.has("rpcUrl") && !root.get("rpcUrl").isString()) {
            throw new InvalidDeploymentException("rpcUrl must be a string");
        }
        if (root.has("accounts") && !root.get("accounts").isArray()) {
            throw new InvalidDeploymentException("accounts must be an array");
        }
        return new Deployment(name, chainId, optionBook, factory, deploymentBlock, tokens, feeds, implementations);
    }

    private static void requireObject(JsonNode node, String field, Set<String> keys) {
        if (node == null || !node.isObject()) {
            throw new InvalidDeploymentException(field + " must be a JSON object");
        }
        for (String key : node.propertyNames()) {
            if (!keys.contains(key)) {
                throw new InvalidDeploymentException(
                        (field.equals("the document") ? "" : field + ".") + key + " is not a known key");
            }
        }
    }

    private static String text(JsonNode parent, String key, String field) {
        JsonNode node = parent.get(key);
        if (node == null || !node.isString() || node.asString().isBlank()) {
            throw new InvalidDeploymentException(field + " must be a non-empty string");
        }
        return node.asString().strip();
    }

    private static long integer(JsonNode parent, String key, String field, long min, long max) {
        JsonNode node = parent.get(key);
        if (node == null || !node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new InvalidDeploymentException(field + " must be an integer");
        }
        long value = node.longValue();
        if (value < min || value > max) {
            throw new InvalidDeploymentException(field + " must be "
                    + (max == Long.MAX_VALUE ? "at least " + min : "from " + min + " to " + max) + ", was " + value);
        }
        return value;
    }

    private static String address(JsonNode parent, String key, String field) {
        String value = text(parent, key, field);
        if (!ADDRESS.matcher(value).matches()) {
            throw new InvalidDeploymentException(field + " must be a 0x-prefixed 20-byte hex address, was " + value);
        }
        String digits = value.substring(2);
        boolean mixedCase =
                !digits.equals(digits.toLowerCase(Locale.ROOT)) && !digits.equals(digits.toUpperCase(Locale.ROOT));
        if (mixedCase && !Keys.toChecksumAddress(value).equals(value)) {
            throw new InvalidDeploymentException(field + " " + value + " has a bad EIP-55 checksum");
        }
        return value;
    }

    private static Product product(JsonNode item, String field) {
        String name = text(item, "product", field);
        try {
            return Product.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new InvalidDeploymentException(
                    field + " " + name + " is not a product (one of " + List.of(Product.values()) + ")");
        }
    }

    private static <T> List<T> list(JsonNode root, String key, BiFunction<JsonNode, String, T> item) {
        JsonNode array = root.get(key);
        if (array == null || !array.isArray() || array.isEmpty()) {
            throw new InvalidDeploymentException(key + " must be a non-empty array");
        }
        List<T> items = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            items.add(item.apply(array.get(i), key + "[" + i + "]"));
        }
        return items;
    }

    private static void unique(List<String> values, String list, String key) {
        Set<String> seen = new HashSet<>();
        for (String value : values) {
            if (!seen.add(value.toLowerCase(Locale.ROOT))) {
                throw new InvalidDeploymentException(list + " lists " + key + " " + value + " twice");
            }
        }
    }
}

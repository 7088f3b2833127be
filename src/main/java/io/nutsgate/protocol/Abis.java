package io.nutsgate.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.web3j.crypto.Hash;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The contract ABIs the frontend needs, as JSON (shipped in {@code abi/*.json}), and the canonical
 * signatures from which selectors and event topics are derived.
 */
public final class Abis {

    private Abis() {}

    public static JsonNode load(JsonMapper json, String name) {
        try (InputStream in = Abis.class.getResourceAsStream("/abi/" + name + ".json")) {
            if (in == null) {
                throw new IllegalStateException("missing ABI resource abi/" + name + ".json");
            }
            return json.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code fillOrder((address,…,bytes),bytes,address)} for a function or event entry of a JSON ABI. */
    public static String canonicalSignature(JsonNode entry) {
        List<String> types = new ArrayList<>();
        for (JsonNode input : entry.path("inputs")) {
            types.add(canonicalType(input));
        }
        return entry.path("name").asString() + "(" + String.join(",", types) + ")";
    }

    /** The 4-byte selector of a function entry, 0x-prefixed. */
    public static String selector(JsonNode function) {
        return Hash.sha3String(canonicalSignature(function)).substring(0, 10);
    }

    /** topic0 of an event entry. */
    public static String topic(JsonNode event) {
        return Hash.sha3String(canonicalSignature(event));
    }

    private static String canonicalType(JsonNode param) {
        String type = param.path("type").asString();
        if (!type.startsWith("tuple")) {
            return type;
        }
        List<String> components = new ArrayList<>();
        for (JsonNode component : param.path("components")) {
            components.add(canonicalType(component));
        }
        return "(" + String.join(",", components) + ")" + type.substring("tuple".length());
    }
}

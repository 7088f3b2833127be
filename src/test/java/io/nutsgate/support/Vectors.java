package io.nutsgate.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Vectors made by another implementation (ethers 6) in {@code src/test/resources/vectors}. They are recorded, so
 * the tests need no npm; {@code cd src/test/vectors && npm ci && node make-vectors.mjs} makes them again.
 */
public final class Vectors {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Vectors() {}

    /** {@code siwe.json}, {@code calldata.json} or {@code keccak.json}. */
    public static JsonNode load(String name) {
        try (InputStream in = Vectors.class.getResourceAsStream("/vectors/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no test vectors /vectors/" + name);
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

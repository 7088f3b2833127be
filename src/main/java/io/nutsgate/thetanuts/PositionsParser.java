package io.nutsgate.thetanuts;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads a positions or history answer of either host generation: a bare array (older hosts) or
 * {@code {"data":[…]}} (newest). Every field is kept; integer amounts are made strings so that no client
 * parses them as floating point.
 */
final class PositionsParser {

    private static final Set<String> AMOUNTS =
            Set.of("entryPremium", "entryFeePaid", "numContracts", "collateralAmount", "pnlUsd");
    private static final Set<String> SETTLEMENT_AMOUNTS =
            Set.of("settlementPrice", "payoutBuyer", "collateralReturnedSeller", "deliveryAmount");

    private PositionsParser() {}

    static List<ObjectNode> parse(JsonMapper json, byte[] body) {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JacksonException e) {
            throw UpstreamException.badResponse("positions are not JSON");
        }
        JsonNode list = root != null && root.isObject() ? root.get("data") : root;
        if (list == null || !list.isArray()) {
            throw UpstreamException.badResponse("positions are neither an array nor {\"data\":[…]}");
        }
        List<ObjectNode> positions = new ArrayList<>(list.size());
        for (JsonNode item : list) {
            if (!item.isObject()) {
                throw UpstreamException.badResponse("a position is not a JSON object");
            }
            ObjectNode position = (ObjectNode) item;
            stringify(position, AMOUNTS);
            if (position.get("strikes") instanceof ArrayNode strikes) {
                for (int i = 0; i < strikes.size(); i++) {
                    if (strikes.get(i).isIntegralNumber()) {
                        strikes.set(i, strikes.get(i).bigIntegerValue().toString());
                    }
                }
            }
            if (position.get("settlement") instanceof ObjectNode settlement) {
                stringify(settlement, SETTLEMENT_AMOUNTS);
            }
            positions.add(position);
        }
        return positions;
    }

    private static void stringify(ObjectNode node, Set<String> fields) {
        for (String field : fields) {
            JsonNode value = node.get(field);
            if (value != null && value.isIntegralNumber()) {
                node.put(field, value.bigIntegerValue().toString());
            }
        }
    }
}

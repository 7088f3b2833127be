package io.nutsgate.users;

import io.nutsgate.common.ApiException;
import io.nutsgate.common.ErrorCode;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.HttpOutputMessage;
import org.springframework.http.MediaType;
import org.springframework.http.converter.AbstractHttpMessageConverter;
import org.springframework.http.converter.HttpMessageNotReadableException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

/**
 * Reads the {@code PUT /users/me} body, and only that, strictly (other bodies keep the application's mapper):
 * duplicate and unknown keys, trailing content, {@code null}, numbers from strings or fractions, and strings from
 * numbers or booleans are refused. Each refusal is a 400 {@code INVALID_BODY} naming the field.
 */
final class StrictProfileReader extends AbstractHttpMessageConverter<ProfileRequest> {

    private static final Map<String, String> EXPECTED = Map.of(
            "fid", "must be a positive JSON integer such as 3621 (not a string, fraction or exponent)",
            "username", "must be a JSON string",
            "displayName", "must be a JSON string (\"\" clears it, leaving it out keeps it)",
            "pfpUrl", "must be a JSON string (\"\" clears it, leaving it out keeps it)");
    private static final Set<String> OPTIONAL = Set.of("displayName", "pfpUrl");

    private final JsonMapper strict;

    StrictProfileReader(JsonMapper application) {
        super(MediaType.APPLICATION_JSON, new MediaType("application", "*+json"));
        this.strict = application
                .rebuild()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .withCoercionConfig(
                        LogicalType.Textual, text -> text.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .withCoercionConfig(LogicalType.Integer, number -> number.setCoercion(
                                CoercionInputShape.String, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .build();
    }

    @Override
    protected boolean supports(Class<?> type) {
        return type == ProfileRequest.class;
    }

    @Override
    protected boolean canWrite(MediaType mediaType) {
        return false;
    }

    @Override
    protected ProfileRequest readInternal(Class<? extends ProfileRequest> type, HttpInputMessage input)
            throws IOException {
        JsonNode body;
        try {
            body = strict.readTree(input.getBody());
        } catch (JacksonException e) {
            if (e.getCause() instanceof IOException io) {
                throw io; // the body could not be read (e.g. over the size limit): not a JSON problem
            }
            throw refused(e, input);
        }
        if (body == null || body.isMissingNode()) {
            throw refused(new ApiException(ErrorCode.INVALID_BODY, "request body is missing"), input);
        }
        if (!body.isObject()) {
            throw refused(
                    new ApiException(ErrorCode.INVALID_BODY, "request body must be a JSON object {fid, username, ...}"),
                    input);
        }
        for (Map.Entry<String, JsonNode> field : body.properties()) {
            if (field.getValue().isNull() && EXPECTED.containsKey(field.getKey())) {
                throw refused(
                        new ApiException(
                                ErrorCode.INVALID_BODY,
                                field.getKey() + ": must not be null"
                                        + (OPTIONAL.contains(field.getKey())
                                                ? "; leave it out to keep the stored value, send \"\" to clear it"
                                                : "")),
                        input);
            }
        }
        try {
            return strict.treeToValue(body, ProfileRequest.class);
        } catch (JacksonException e) {
            throw refused(e, input);
        }
    }

    @Override
    protected void writeInternal(ProfileRequest profile, HttpOutputMessage output) {
        throw new UnsupportedOperationException("a request body only");
    }

    private static HttpMessageNotReadableException refused(JacksonException e, HttpInputMessage input) {
        return refused(new ApiException(ErrorCode.INVALID_BODY, message(e), e), input);
    }

    private static HttpMessageNotReadableException refused(ApiException reason, HttpInputMessage input) {
        return new HttpMessageNotReadableException(reason.getMessage(), reason, input);
    }

    /** What is wrong, starting with the field's name when there is one. */
    static String message(JacksonException e) {
        String field = field(e);
        if (field == null) {
            if (e.getOriginalMessage().startsWith("Trailing token")) {
                return "request body is not valid JSON: there is more after the profile object";
            }
            return e.getLocation() != null && e.getLocation().getLineNr() > 0
                    ? "request body is not valid JSON (line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr() + ")"
                    : "request body is not valid JSON";
        }
        if (e instanceof UnrecognizedPropertyException) {
            return field + ": unknown field; a profile has fid, username, displayName and pfpUrl";
        }
        if (e.getOriginalMessage().startsWith("Duplicate Object property")) {
            return field + ": appears more than once in the body";
        }
        return field + ": " + EXPECTED.getOrDefault(field, "has an invalid value");
    }

    /**
     * The field a binding error is about, or the field a duplicate key or an out-of-range number was read at; null
     * for a syntax error (the parser's last field name would only mislead there).
     */
    private static String field(JacksonException e) {
        for (JacksonException.Reference reference : e.getPath()) {
            if (reference.getPropertyName() != null) {
                return reference.getPropertyName();
            }
        }
        boolean atAField =
                e instanceof InputCoercionException || e.getOriginalMessage().startsWith("Duplicate Object property");
        return atAField && e.processor() instanceof JsonParser parser ? parser.currentName() : null;
    }
}

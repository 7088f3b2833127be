package io.nutsgate.common;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The query parameters controllers read by hand (a choice of names, a bounded whole number): one rule per kind and one
 * 400 {@code INVALID_PARAMETER} message, which names the parameter, what it takes and what it got.
 */
public final class QueryParameters {

    private QueryParameters() {}

    /**
     * {@code fallback} when the parameter is absent or blank; else the constant of {@code type} whose name it is, in any
     * case, or a 400 {@code "<name> must be one of A, B (any case); got x"}.
     */
    public static <E extends Enum<E>> E oneOf(Class<E> type, String name, String value, E fallback) {
        return oneOf(type, Enum::name, name, value, fallback);
    }

    /** {@link #oneOf(Class, String, String, Enum)} where the constants are known by {@code label} (e.g. {@code 7d}). */
    public static <E extends Enum<E>> E oneOf(
            Class<E> type, Function<E, String> label, String name, String value, E fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        return oneOf(type, label, name, value);
    }

    /**
     * The constant of {@code type} whose name {@code value} is, in any case; a blank value too is a 400 {@code "<name>
     * must be one of A, B (any case); got x"} (for a parameter whose absence the caller handles).
     */
    public static <E extends Enum<E>> E oneOf(Class<E> type, String name, String value) {
        return oneOf(type, Enum::name, name, value);
    }

    private static <E extends Enum<E>> E oneOf(Class<E> type, Function<E, String> label, String name, String value) {
        String wanted = value.toLowerCase(Locale.ROOT);
        for (E constant : type.getEnumConstants()) {
            if (label.apply(constant).toLowerCase(Locale.ROOT).equals(wanted)) {
                return constant;
            }
        }
        String choices = Arrays.stream(type.getEnumConstants()).map(label).collect(Collectors.joining(", "));
        throw new ApiException(
                ErrorCode.INVALID_PARAMETER, name + " must be one of " + choices + " (any case); got " + value);
    }

    /**
     * {@code fallback} when the parameter is absent or blank; else a whole number from {@code min} to {@code max}
     * (surrounding spaces ignored), or a 400 {@code "<name> must be a whole number from <min> to <max>; got x"}.
     */
    public static int wholeNumber(String name, String value, int min, int max, int fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        int number;
        try {
            number = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw outOfRange(name, value, min, max);
        }
        if (number < min || number > max) {
            throw outOfRange(name, value, min, max);
        }
        return number;
    }

    /** {@link #wholeNumber(String, String, int, int, int)} of a parameter the framework already read as a number. */
    public static int wholeNumber(String name, Integer value, int min, int max, int fallback) {
        if (value == null) {
            return fallback;
        }
        if (value < min || value > max) {
            throw outOfRange(name, value.toString(), min, max);
        }
        return value;
    }

    private static ApiException outOfRange(String name, String value, int min, int max) {
        return new ApiException(
                ErrorCode.INVALID_PARAMETER,
                name + " must be a whole number from " + min + " to " + max + "; got " + value);
    }
}

package io.nutsgate.common;

/** The {@code limit} query parameter of the paged lists (trades, leaderboards): one rule and one message for all. */
public final class PageLimit {

    public static final int DEFAULT = 20;
    public static final int MAX = 100;

    private PageLimit() {}

    /** {@link #DEFAULT} when absent; 1 to {@link #MAX}, else 400 {@code INVALID_PARAMETER} naming the parameter. */
    public static int of(Integer limit) {
        return QueryParameters.wholeNumber("limit", limit, 1, MAX, DEFAULT);
    }
}

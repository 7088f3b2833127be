package io.nutsgate.thetanuts;

/** The indexer's two per-user lists: open positions, and settled or closed history. */
public enum PositionKind {
    OPEN("positions"),
    HISTORY("history");

    private final String endpoint;

    PositionKind(String endpoint) {
        this.endpoint = endpoint;
    }

    /** The indexer endpoint name, used in cache keys and metrics. */
    String endpoint() {
        return endpoint;
    }
}

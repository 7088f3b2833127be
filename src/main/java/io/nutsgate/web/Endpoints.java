package io.nutsgate.web;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.server.PathContainer;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * The endpoints this service answers, for 404 messages: the list, and the one closest to a path that matched
 * none (a trailing slash, another case, a typo).
 */
class Endpoints {

    /** One path pattern and the methods it answers. */
    record Endpoint(String pattern, List<String> methods) {
        @Override
        public String toString() {
            return String.join("|", methods) + " " + pattern;
        }
    }

    /** What a newcomer looks for beside the API: the documentation, the demo, the dashboard and the probes. */
    static final String PAGES =
            "GET /docs (API documentation), GET /demo/, GET /dashboard/, GET /livez, GET /readyz, GET /v3/api-docs";

    private final ObjectProvider<RequestMappingHandlerMapping> mappings;
    private volatile List<Endpoint> endpoints;

    /** The MVC mappings are read on the first 404, once every controller is registered. */
    Endpoints(@Qualifier("requestMappingHandlerMapping") ObjectProvider<RequestMappingHandlerMapping> mappings) {
        this.mappings = mappings;
    }

    /** The API's endpoints (the documentation's own paths left out), sorted by path. */
    List<Endpoint> all() {
        List<Endpoint> known = endpoints;
        if (known == null) {
            Map<String, TreeSet<String>> byPattern = new TreeMap<>();
            for (RequestMappingInfo info :
                    mappings.getObject().getHandlerMethods().keySet()) {
                if (info.getPathPatternsCondition() == null) {
                    continue;
                }
                for (String pattern : info.getPathPatternsCondition().getPatternValues()) {
                    if (pattern.startsWith("/nuts") || pattern.startsWith("/auth") || pattern.startsWith("/users")) {
                        TreeSet<String> methods = byPattern.computeIfAbsent(pattern, p -> new TreeSet<>());
                        for (RequestMethod method : info.getMethodsCondition().getMethods()) {
                            methods.add(method.name());
                        }
                    }
                }
            }
            known = new ArrayList<>();
            for (Map.Entry<String, TreeSet<String>> e : byPattern.entrySet()) {
                known.add(new Endpoint(e.getKey(), List.copyOf(e.getValue())));
            }
            known = List.copyOf(known);
            endpoints = known;
        }
        return known;
    }

    /** True when some endpoint's path pattern matches {@code path} (whatever its methods). */
    boolean exists(String path) {
        PathContainer container = PathContainer.parsePath(path);
        return all().stream()
                .anyMatch(e ->
                        PathPatternParser.defaultInstance.parse(e.pattern()).matches(container));
    }

    /** The endpoint {@code path} most likely meant, if one is close enough to suggest. */
    Optional<Endpoint> closest(String path) {
        String wanted = normalise(path);
        return all().stream()
                .map(e -> Map.entry(e, distance(wanted, e.pattern().toLowerCase(Locale.ROOT))))
                .filter(e -> e.getValue() <= Math.max(3, wanted.length() / 4))
                .min(Map.Entry.<Endpoint, Integer>comparingByValue()
                        .thenComparing(e -> e.getKey().pattern(), Comparator.naturalOrder()))
                .map(Map.Entry::getKey);
    }

    /** The message of a 404 for {@code method path}: the closest endpoint, then every endpoint. */
    String notFoundMessage(String method, String path) {
        StringBuilder message =
                new StringBuilder("no endpoint ").append(method).append(' ').append(path);
        closest(path).ifPresent(e -> message.append("; did you mean ").append(e).append('?'));
        message.append(" Endpoints: ");
        message.append(String.join(", ", all().stream().map(Endpoint::toString).toList()));
        message.append(". Pages: ").append(PAGES);
        return message.toString();
    }

    private static String normalise(String path) {
        String p = path.toLowerCase(Locale.ROOT);
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    /**
     * Edit distance between a path and a pattern, segment by segment: a {@code {variable}} segment matches any one
     * segment; other segments cost their character edit distance; a missing or extra segment costs its length.
     */
    static int distance(String path, String pattern) {
        String[] a = path.split("/", -1);
        String[] b = pattern.split("/", -1);
        int[][] d = new int[a.length + 1][b.length + 1];
        for (int i = 1; i <= a.length; i++) d[i][0] = d[i - 1][0] + a[i - 1].length() + 1;
        for (int j = 1; j <= b.length; j++) d[0][j] = d[0][j - 1] + b[j - 1].length() + 1;
        for (int i = 1; i <= a.length; i++) {
            for (int j = 1; j <= b.length; j++) {
                int substitute = b[j - 1].startsWith("{") ? 0 : chars(a[i - 1], b[j - 1]);
                d[i][j] = Math.min(
                        d[i - 1][j - 1] + substitute,
                        Math.min(d[i - 1][j] + a[i - 1].length() + 1, d[i][j - 1] + b[j - 1].length() + 1));
            }
        }
        return d[a.length][b.length];
    }

    private static int chars(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) previous[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(previous[j - 1] + cost, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}

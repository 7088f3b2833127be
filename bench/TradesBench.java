import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Times the real endpoints of a running nutsgate on loopback: sequential requests, a warm-up first, then a fixed
 * number of timed requests per scenario; prints p50/p90/p99/max in milliseconds. Stops by itself.
 *
 * <p>java bench/TradesBench.java http://127.0.0.1:18080 10000 [requests]
 */
public class TradesBench {

    private static final Pattern CURSOR = Pattern.compile("\"nextCursor\":\"([^\"]+)\"");

    public static void main(String[] args) throws Exception {
        String base = args[0];
        int users = Integer.parseInt(args[1]);
        int requests = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
        if (!URI.create(base).getHost().matches("127\\.0\\.0\\.1|localhost")) {
            throw new IllegalArgumentException("the benchmark only targets this machine (127.0.0.1 / localhost)");
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Random random = new Random(42);
        IntFunction<String> wallet = i -> "0x" + "0".repeat(40 - Integer.toHexString(i).length()) + Integer.toHexString(i);

        List<Scenario> scenarios = List.of(
                new Scenario("leaderboard all-time volume", () -> "/nuts/leaderboard?window=all&metric=volume&limit=20"),
                new Scenario("leaderboard all-time pnl", () -> "/nuts/leaderboard?window=all&metric=pnl&limit=20"),
                new Scenario("leaderboard 7d volume", () -> "/nuts/leaderboard?window=7d&metric=volume&limit=20"),
                new Scenario("leaderboard 7d pnl", () -> "/nuts/leaderboard?window=7d&metric=pnl&limit=20"),
                new Scenario("leaderboard 30d volume", () -> "/nuts/leaderboard?window=30d&metric=volume&limit=20"),
                new Scenario("leaderboard 30d pnl", () -> "/nuts/leaderboard?window=30d&metric=pnl&limit=20"),
                new Scenario("user trades page 1", () ->
                        "/nuts/users/" + wallet.apply(1 + random.nextInt(users)) + "/trades?limit=20"),
                new Scenario("user trades SETTLED page 1", () ->
                        "/nuts/users/" + wallet.apply(1 + random.nextInt(users)) + "/trades?status=SETTLED&limit=20"),
                new Scenario("user summary", () -> "/nuts/users/" + wallet.apply(1 + random.nextInt(users)) + "/summary"),
                new Scenario("referrer summary 30d", () -> "/nuts/referrer/summary?window=30d"),
                new Scenario("referrer summary all", () -> "/nuts/referrer/summary?window=all"));

        System.out.printf("%-30s %8s %8s %8s %8s %8s%n", "scenario (ms)", "n", "p50", "p90", "p99", "max");
        for (Scenario scenario : scenarios) {
            for (int i = 0; i < Math.min(200, requests); i++) {
                get(http, base + scenario.path.get());
            }
            long[] nanos = new long[requests];
            for (int i = 0; i < requests; i++) {
                String url = base + scenario.path.get();
                long start = System.nanoTime();
                get(http, url);
                nanos[i] = System.nanoTime() - start;
            }
            report(scenario.name, nanos);
        }
        // Page 2: the cursor comes from a first page fetched just before (not timed).
        long[] nanos = new long[requests];
        for (int i = 0; i < requests; i++) {
            String page = base + "/nuts/users/" + wallet.apply(1 + random.nextInt(users)) + "/trades?limit=20";
            Matcher cursor = CURSOR.matcher(get(http, page));
            String url = page
                    + (cursor.find() ? "&cursor=" + cursor.group(1) : "");
            long start = System.nanoTime();
            get(http, url);
            nanos[i] = System.nanoTime() - start;
        }
        report("user trades page 2 (cursor)", nanos);
        System.out.println("connection retries: " + retries);
    }

    record Scenario(String name, java.util.function.Supplier<String> path) {}

    /** One retry when the server closed a kept-alive connection just as it was reused; counted, not hidden. */
    static int retries;

    static String get(HttpClient http, String url) throws Exception {
        try {
            return getOnce(http, url);
        } catch (java.io.IOException e) {
            retries++;
            return getOnce(http, url);
        }
    }

    static String getOnce(HttpClient http, String url) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    static void report(String name, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf("%-30s %8d %8.2f %8.2f %8.2f %8.2f%n", name, sorted.length, ms(sorted, 0.50),
                ms(sorted, 0.90), ms(sorted, 0.99), sorted[sorted.length - 1] / 1e6);
    }

    static double ms(long[] sorted, double q) {
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, index)] / 1e6;
    }
}

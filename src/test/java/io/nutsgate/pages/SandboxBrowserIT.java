package io.nutsgate.pages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.nutsgate.protocol.Product;
import io.nutsgate.support.Devnet;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The sandbox in a real browser: the devnet, dev/maker's feed and indexer, and nutsgate pointed at both (as
 * {@code dev/sandbox} runs them); headless Chromium fills an order through {@code /demo} and sees the toast and the
 * positions row arrive without a reload, then opens {@code /dashboard} and reads the sandbox's numbers. The oracle
 * for the amounts is the chain: the taker's USDC balance before and after the fill. Screenshots go to
 * {@code target/screenshots/}. Needs Debian's {@code chromium} and {@code chromium-driver} ({@code .ci/run}
 * installs them); skipped without them unless {@code CI=true}, where their absence fails the test.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SandboxBrowserIT {

    /** The sandbox's referrer: anvil's account 9, whitelisted at 50 % by dev/devnet. */
    private static final String REFERRER = "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720";

    private static final String MANAGEMENT_TOKEN = "browser-test-management-token";
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final Pattern READY = Pattern.compile("^maker ready feedUrl=(\\S+) indexerUrl=(\\S+)");

    private static Devnet devnet;
    private static Process maker;
    private static String feedUrl;
    private static String indexerUrl;
    private static WebDriver browser;
    private static BigInteger premiumPaid;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void sandbox(DynamicPropertyRegistry registry) {
        registry.add("nuts.deployment-file", () -> sandbox().deploymentFile().toString());
        registry.add("nuts.chain.rpc-url", () -> sandbox().rpcUrl());
        registry.add("nuts.chain.confirmations", () -> "2");
        registry.add("nuts.orders-url", () -> feed()[0]);
        registry.add("nuts.indexer-url", () -> feed()[1]);
        registry.add("nuts.referrer-address", () -> REFERRER);
        registry.add("nuts.management.token", () -> MANAGEMENT_TOKEN);
        registry.add("nuts.fill.referrer-fee-split-bps", () -> "5000");
        registry.add("nuts.fill.quote-margin", () -> "20s");
        registry.add("nuts.cache.ttl.orders", () -> "2s");
        registry.add("nuts.cache.ttl.positions", () -> "1s");
        registry.add("nuts.trades.after-update-delay", () -> "1s");
        registry.add("nuts.trades.leaderboard-refresh", () -> "2s");
        registry.add("nuts.trades.leaderboard-collateral", () -> sandbox().usdc());
        registry.add("nuts.push.after-update-checks", () -> "1s,3s,8s,20s");
    }

    private static synchronized Devnet sandbox() {
        if (devnet == null) {
            devnet = Devnet.start(REFERRER);
        }
        return devnet;
    }

    /** dev/maker on a free port over the devnet's deployment: {feed URL, indexer URL}. */
    private static synchronized String[] feed() {
        if (maker == null) {
            Path script = Path.of("dev", "maker.js").toAbsolutePath();
            try {
                maker = new ProcessBuilder(
                                "node",
                                script.toString(),
                                "--deployment",
                                sandbox().deploymentFile().toString(),
                                "--port",
                                "0",
                                "--interval",
                                "5",
                                "--quote-life",
                                "60",
                                // no 5-minute options: the only trade that settles during the test is its own
                                "--short-expiry-minutes",
                                "0")
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
                BufferedReader out =
                        new BufferedReader(new InputStreamReader(maker.getInputStream(), StandardCharsets.UTF_8));
                String line = CompletableFuture.supplyAsync(() -> {
                            try {
                                return out.readLine();
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        })
                        .get(120, TimeUnit.SECONDS);
                Matcher m = READY.matcher(line == null ? "" : line);
                if (!m.find()) {
                    throw new IllegalStateException("dev/maker did not get ready: " + line);
                }
                feedUrl = m.group(1);
                indexerUrl = m.group(2);
            } catch (Exception e) {
                throw new IllegalStateException("cannot start dev/maker", e);
            }
        }
        return new String[] {feedUrl, indexerUrl};
    }

    @BeforeAll
    static void startBrowser() {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!"true".equals(System.getenv("CI"))) {
            assumeTrue(installed, "Debian's chromium and chromium-driver are not installed");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1700");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stopAll() {
        if (browser != null) {
            browser.quit();
        }
        if (maker != null) {
            maker.destroy();
            try {
                if (!maker.waitFor(10, TimeUnit.SECONDS)) {
                    maker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (devnet != null) {
            devnet.close();
        }
    }

    @Test
    @Order(1)
    void shouldFillAnOrderThroughTheDemoPageAndShowThePushedTradeWithoutAReload() throws Exception {
        Devnet.Account taker = devnet.takers().get(0);
        BigInteger before = devnet.balanceOf(devnet.usdc(), taker.address());
        browser.get("http://localhost:" + port + "/demo/#rpc=" + devnet.rpcUrl() + "&key=" + taker.privateKey());
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        wait.until(d -> !d.findElements(By.cssSelector("#orders tbody tr")).isEmpty());
        wait.until(d -> d.findElement(By.id("wallet")).getText().contains(taker.address()));
        js("window.__noReload = 'still here'");

        new Select(browser.findElement(By.id("f-underlying"))).selectByValue("ETH");
        new Select(browser.findElement(By.id("f-product"))).selectByValue("CALL_SPREAD");
        browser.findElement(By.cssSelector("#orders tbody tr")).click();
        // A call spread has two strikes: two marked kinks on the payoff chart.
        wait.until(d -> "2".equals(d.findElement(By.id("payoff")).getDomAttribute("data-kinks")));
        assertThat(browser.findElements(By.cssSelector("#payoff canvas"))).isNotEmpty();

        WebElement amount = browser.findElement(By.id("amount"));
        amount.clear();
        amount.sendKeys("250");
        browser.findElement(By.id("plan")).click();
        wait.until(d -> d.findElement(By.id("send")).isEnabled());
        assertThat(browser.findElement(By.id("plan-facts")).getText()).contains("approve → fillOrder");

        browser.findElement(By.id("send")).click();
        WebDriverWait push = new WebDriverWait(browser, Duration.ofSeconds(120));
        WebElement toast = push.until(d -> d.findElements(By.cssSelector("#toasts .toast")).stream()
                .findFirst()
                .orElse(null));
        WebElement row = push.until(d -> d.findElements(By.cssSelector("#positions tbody tr")).stream()
                .findFirst()
                .orElse(null));

        premiumPaid = before.subtract(devnet.balanceOf(devnet.usdc(), taker.address()));
        assertThat(premiumPaid).isPositive().isLessThanOrEqualTo(BigInteger.valueOf(250_000_000));
        String premium = new BigDecimal(premiumPaid, 6).stripTrailingZeros().toPlainString();
        assertThat(toast.getText()).contains("CALL_SPREAD").contains(premium + " USDC");
        assertThat(row.getText()).contains("ETH CALL_SPREAD").contains("BUYER").contains(premium);
        assertThat(js("return window.__noReload")).isEqualTo("still here");
        screenshot("demo.png");
    }

    @Test
    @Order(2)
    void shouldRenderTheDashboardChartsWithTheSandboxNumbers() throws Exception {
        assumeTrue(premiumPaid != null, "the demo fill did not happen");
        browser.get("http://localhost:" + port + "/dashboard/#token=" + MANAGEMENT_TOKEN);
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        wait.until(d ->
                "1".equals(d.findElement(By.cssSelector("[data-card=fills] .v")).getText()));
        String premium = new BigDecimal(premiumPaid, 6).stripTrailingZeros().toPlainString();
        // The card shows the volume rounded to 4 decimals.
        BigDecimal shown = new BigDecimal(browser.findElement(By.cssSelector("[data-card=volume] .v"))
                .getText()
                .replace(",", ""));
        assertThat(shown)
                .isCloseTo(
                        new BigDecimal(premiumPaid, 6), org.assertj.core.data.Offset.offset(new BigDecimal("0.005")));
        for (String chart : List.of("chart-revenue", "chart-volume", "chart-traders")) {
            assertThat(browser.findElements(By.cssSelector("#" + chart + " canvas")))
                    .as(chart)
                    .isNotEmpty();
        }
        WebElement volume = browser.findElement(By.id("chart-volume"));
        assertThat(volume.getDomAttribute("data-bars")).isEqualTo("1");
        assertThat(new BigDecimal(volume.getDomAttribute("data-total"))).isEqualByComparingTo(premium);
        // The revenue table: today's row, the fill's token, one fill and its premium as volume.
        assertThat(browser.findElement(By.cssSelector("#revenue tbody tr")).getText())
                .contains("USDC")
                .contains(" 1 ");
        // Amounts are rounded one way everywhere: the fees card and today's fees cell show the same text.
        List<WebElement> cells = browser.findElements(By.cssSelector("#revenue tbody tr:first-child td"));
        assertThat(browser.findElement(By.cssSelector("[data-card=fees] .v")).getText())
                .isEqualTo(cells.get(4).getText());
        // One trader, one fill today.
        WebElement traders = browser.findElement(By.id("chart-traders"));
        assertThat(traders.getDomAttribute("data-total")).isEqualTo("2");
        @SuppressWarnings("unchecked")
        Map<String, Object> health =
                (Map<String, Object>) js("return {status: document.getElementById('health').innerText}");
        // The one token also opens the health details: the upstream indicator is shown, not asked for.
        assertThat(String.valueOf(health.get("status")))
                .contains("UP")
                .contains("upstream (Thetanuts)")
                .doesNotContain("details need the management token");
        screenshot("dashboard.png");
    }

    /**
     * A trade that settles while the demo page is open: the taker buys 2.5 ETH CALL_SPREAD 2500/2700 contracts
     * (2500000) at 42.15, expiring 60 s on; the feed then says 2613.45, the devnet's clock jumps past the expiry and its
     * keeper settles it. By hand:
     * premium 42.15 × 2.5 = 105.375 USDC, payout (2613.45 − 2500) × 2.5 = 283.625 USDC, P&L 283.625 − 105.375 = 178.25.
     * The demo page's row and toast show them as pushed, without a reload; the dashboard's payouts table shows today's
     * one settled option, in the money, and the 283.625 USDC paid to our user.
     */
    @Test
    @Order(3)
    void shouldShowTheSettledTradeAndItsPayoutOnTheDemoPageAndTheDashboard() throws Exception {
        assumeTrue(premiumPaid != null, "the demo fill did not happen");
        Devnet.Account taker = devnet.takers().get(0);
        Devnet.Order order = devnet.order(
                        Product.CALL_SPREAD,
                        List.of(Devnet.usd(2_500), Devnet.usd(2_700)),
                        BigInteger.valueOf(4_215_000_000L),
                        BigInteger.valueOf(20_000_000_000L),
                        false)
                .withNumContracts(BigInteger.valueOf(2_500_000))
                .withExpiry(devnet.latestBlockTimestamp() + 60);
        String tx = devnet.fill(taker, order, REFERRER).getTransactionHash().toLowerCase(Locale.ROOT);
        devnet.setPrice("ETH", Devnet.usd(2_613).add(BigInteger.valueOf(45_000_000)));

        browser.get("http://localhost:" + port + "/demo/#rpc=" + devnet.rpcUrl() + "&key=" + taker.privateKey());
        // the page re-renders its rows on every push: each read finds the row again, a stale one is read again
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        wait.ignoring(StaleElementReferenceException.class);
        By row = By.cssSelector("#positions tbody tr[data-tx='" + tx + "']");
        List<String> open = wait.until(d -> d.findElements(row).stream()
                .findFirst()
                .map(SandboxBrowserIT::cells)
                .orElse(null));
        assertThat(open.get(6)).isIn("OPEN", "EXPIRED");
        js("window.__noReload = 'still here'");
        devnet.passTime(60); // the option expires now; the devnet's keeper settles it

        WebDriverWait settlement = new WebDriverWait(browser, Duration.ofSeconds(120));
        settlement.ignoring(StaleElementReferenceException.class);
        List<String> settled = settlement.until(d -> d.findElements(row).stream()
                .findFirst()
                .map(SandboxBrowserIT::cells)
                .filter(c -> c.get(6).equals("SETTLED ITM"))
                .orElse(null));
        assertThat(settled.get(1)).isEqualTo("ETH CALL_SPREAD");
        assertThat(settled.get(3)).isEqualTo("BUYER");
        assertThat(settled.get(4)).isEqualTo("2.5");
        assertThat(settled.get(5)).isEqualTo("105.375 USDC");
        assertThat(settled.get(7)).isEqualTo("2613.45");
        assertThat(settled.get(8)).isEqualTo("283.625 USDC");
        assertThat(settled.get(9)).isEqualTo("178.25");
        String toast = wait.until(d -> d.findElements(By.cssSelector("#toasts .toast[data-lifecycle=settled]")).stream()
                .filter(t -> t.getDomAttribute("data-tx").equals(tx))
                .findFirst()
                .map(WebElement::getText)
                .orElse(null));
        assertThat(toast).isEqualTo("ETH CALL_SPREAD: Settled ITM at 2613.45: paid 283.625 USDC");
        assertThat(js("return window.__noReload")).isEqualTo("still here");
        screenshot("demo-settled.png");

        browser.get("http://localhost:" + port + "/dashboard/#token=" + MANAGEMENT_TOKEN);
        List<String> payouts = wait.until(d -> d.findElements(By.cssSelector("#payouts tbody tr")).stream()
                .findFirst()
                .map(SandboxBrowserIT::cells)
                .orElse(null));
        assertThat(payouts.get(0))
                .isEqualTo(java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString());
        assertThat(payouts.subList(1, 5)).containsExactly("USDC", "1", "1", "283.625");
        assertThat(browser.findElements(By.cssSelector("#payouts tbody tr"))).hasSize(1);
        screenshot("dashboard-payouts.png");
    }

    private static List<String> cells(WebElement row) {
        return row.findElements(By.tagName("td")).stream()
                .map(WebElement::getText)
                .map(String::strip)
                .toList();
    }

    private Object js(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    private static void screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(SCREENSHOTS.resolve(name), png);
    }
}

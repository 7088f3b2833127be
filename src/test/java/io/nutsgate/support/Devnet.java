package io.nutsgate.support;

import io.nutsgate.protocol.Deployment;
import io.nutsgate.protocol.DeploymentFile;
import io.nutsgate.protocol.Product;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import okhttp3.OkHttpClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.DynamicStruct;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Sign;
import org.web3j.crypto.StructuredDataEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.exceptions.TransactionException;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;
import org.web3j.utils.Numeric;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A local chain with the replica OptionBook for tests: runs {@code dev/devnet} (anvil, chain id 8453, 2-second
 * blocks) on a free port with a temporary deployment file, waits for its ready line, and exposes the parsed
 * {@link #deployment()}, {@link #rpcUrl()} and funded {@link #accounts()}. {@link #close()} sends SIGTERM and
 * waits for the devnet (and anvil) to exit.
 *
 * <p>Helpers: EIP-712 signing of {@link Order}s with web3j's {@link StructuredDataEncoder} in the book's domain
 * ({@code OptionBook} / {@code 1.0} / 8453 / the book), {@code approve} and {@code fillOrder} transactions from a
 * taker, read-only calls and the revert reason of a simulated fill. The maker has approved the book for its
 * USDC at start-up, so maker-sell orders fill with only the taker's approval.
 */
public final class Devnet implements AutoCloseable {

    public static final long CHAIN_ID = 8453;
    /** dev/devnet may first run {@code npm ci} and compile the contracts (about 10 s on an idle machine). */
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    private static final String READY = "devnet ready ";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One of the devnet's funded accounts (anvil's deterministic keys): {@code owner}, {@code maker}, {@code taker}. */
    public record Account(String role, String address, String privateKey) {
        public Credentials credentials() {
            return Credentials.create(privateKey);
        }
    }

    /** The 13-field Order of REFERENCE §2.1; strikes 8 dp, price collateral per contract × 1e8. */
    public record Order(
            String maker,
            BigInteger orderExpiryTimestamp,
            String collateral,
            boolean isCall,
            String priceFeed,
            String implementation,
            boolean isLong,
            BigInteger maxCollateralUsable,
            List<BigInteger> strikes,
            BigInteger expiry,
            BigInteger price,
            BigInteger numContracts,
            byte[] extraOptionData) {

        public Order {
            strikes = List.copyOf(strikes);
        }

        public Order withNumContracts(BigInteger n) {
            return new Order(
                    maker,
                    orderExpiryTimestamp,
                    collateral,
                    isCall,
                    priceFeed,
                    implementation,
                    isLong,
                    maxCollateralUsable,
                    strikes,
                    expiry,
                    price,
                    n,
                    extraOptionData);
        }

        /** The same order for an option expiring at {@code unixSeconds}. */
        public Order withExpiry(long unixSeconds) {
            return new Order(
                    maker,
                    orderExpiryTimestamp,
                    collateral,
                    isCall,
                    priceFeed,
                    implementation,
                    isLong,
                    maxCollateralUsable,
                    strikes,
                    BigInteger.valueOf(unixSeconds),
                    price,
                    numContracts,
                    extraOptionData);
        }

        /** What the taker of a maker-sell order pays: {@code floor(price × numContracts / 1e8)}. */
        public BigInteger premium() {
            return price.multiply(numContracts).divide(BigInteger.TEN.pow(8));
        }

        public Order withOrderExpiry(long unixSeconds) {
            return new Order(
                    maker,
                    BigInteger.valueOf(unixSeconds),
                    collateral,
                    isCall,
                    priceFeed,
                    implementation,
                    isLong,
                    maxCollateralUsable,
                    strikes,
                    expiry,
                    price,
                    numContracts,
                    extraOptionData);
        }

        /** The ABI tuple {@code (address,uint256,address,bool,address,address,bool,uint256,uint256[],uint256,uint256,uint256,bytes)}. */
        public DynamicStruct tuple() {
            return new DynamicStruct(
                    new Address(maker),
                    new Uint256(orderExpiryTimestamp),
                    new Address(collateral),
                    new Bool(isCall),
                    new Address(priceFeed),
                    new Address(implementation),
                    new Bool(isLong),
                    new Uint256(maxCollateralUsable),
                    new DynamicArray<>(
                            Uint256.class, strikes.stream().map(Uint256::new).toList()),
                    new Uint256(expiry),
                    new Uint256(price),
                    new Uint256(numContracts),
                    new DynamicBytes(extraOptionData));
        }
    }

    private static Devnet shared;
    private static final Map<String, Devnet> sharedWithReferrer = new HashMap<>();

    private final Process process;
    private final List<ProcessHandle> children;
    private final Path dir;
    private final Path deploymentFile;
    private final JsonNode file;
    private final Deployment deployment;
    private final List<Account> accounts;
    private final Web3j web3j;

    private Devnet(Process process, Path dir, Path deploymentFile) {
        this.process = process;
        this.children = process.descendants().toList();
        this.dir = dir;
        this.deploymentFile = deploymentFile;
        try {
            this.file = JSON.readTree(Files.readAllBytes(deploymentFile));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.deployment = DeploymentFile.read(deploymentFile);
        List<Account> list = new ArrayList<>();
        for (JsonNode a : file.get("accounts")) {
            list.add(new Account(
                    a.get("role").asString(),
                    a.get("address").asString(),
                    a.get("privateKey").asString()));
        }
        this.accounts = List.copyOf(list);
        OkHttpClient http = new OkHttpClient.Builder()
                .connectTimeout(Duration.ofSeconds(5))
                .readTimeout(Duration.ofSeconds(30))
                .callTimeout(Duration.ofSeconds(30))
                .build();
        this.web3j = Web3j.build(new HttpService(rpcUrl(), http));
    }

    /** A devnet with no referrer whitelisted. */
    public static Devnet start() {
        return start(null);
    }

    /** A devnet whose book whitelists {@code referrer} (ALPHABIT_REFERRER_ADDRESS) at a 50 % fee split. */
    public static Devnet start(String referrer) {
        Path script = script();
        Path dir;
        try {
            dir = Files.createTempDirectory("nutsgate-devnet");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path out = dir.resolve("deployment.json");
        Path log = dir.resolve("devnet.log");
        ProcessBuilder builder = new ProcessBuilder(
                        script.toString(), "--port", String.valueOf(freePort()), "--out", out.toString())
                .directory(script.getParent().toFile())
                .redirectError(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        builder.environment().remove("ALPHABIT_REFERRER_ADDRESS");
        // 1-second blocks: the tests wait half as long for inclusions and confirmations as on the sandbox's 2 s
        builder.environment().put("DEVNET_BLOCK_SECONDS", "1");
        if (referrer != null) {
            builder.environment().put("ALPHABIT_REFERRER_ADDRESS", referrer);
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + script, e);
        }
        CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> readyLine(process));
        try {
            String line = ready.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (line == null) {
                process.waitFor(5, TimeUnit.SECONDS);
                throw new IllegalStateException("dev/devnet exited before it was ready: " + tail(log));
            }
            return new Devnet(process, dir, out);
        } catch (TimeoutException | ExecutionException | RuntimeException e) {
            stop(process, process.descendants().toList());
            throw new IllegalStateException("dev/devnet did not get ready: " + tail(log), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop(process, process.descendants().toList());
            throw new IllegalStateException(e);
        }
    }

    /**
     * One devnet for the whole test JVM (no referrer whitelisted: use {@link #setReferrerFeeSplit}), stopped
     * when the JVM exits. Tests sharing it must not depend on each other's balances.
     */
    public static synchronized Devnet shared() {
        if (shared == null) {
            shared = startShared(null);
        }
        return shared;
    }

    /**
     * One devnet for the whole test JVM whose book whitelists {@code referrer} (starting a devnet costs seconds of
     * CPU), never closed by a test, stopped when the JVM exits. Tests sharing it must not depend on each other's
     * balances or events: one that counts the book's events or a wallet's balance from genesis needs its own.
     */
    public static synchronized Devnet sharedWithReferrer(String referrer) {
        return sharedWithReferrer.computeIfAbsent(referrer, Devnet::startShared);
    }

    private static Devnet startShared(String referrer) {
        Devnet devnet = start(referrer);
        Runtime.getRuntime().addShutdownHook(new Thread(devnet::close, "devnet-stop"));
        return devnet;
    }

    /**
     * Points the service under test at this devnet (its deployment file and RPC) with the Thetanuts trade sync off, so
     * trades come only from the chain.
     */
    public void serveFromChain(DynamicPropertyRegistry registry) {
        registry.add("nuts.deployment-file", () -> deploymentFile().toString());
        registry.add("nuts.chain.rpc-url", this::rpcUrl);
        registry.add("nuts.trades.scheduled-sync", () -> "false");
        registry.add("nuts.trades.sync-on-events", () -> "false");
    }

    public String rpcUrl() {
        return file.get("rpcUrl").asString();
    }

    /** The file dev/devnet wrote: a valid {@code NUTS_DEPLOYMENT_FILE}. */
    public Path deploymentFile() {
        return deploymentFile;
    }

    /** The deployment as nutsgate reads it from {@link #deploymentFile()}. */
    public Deployment deployment() {
        return deployment;
    }

    public String optionBook() {
        return deployment.optionBook();
    }

    public String usdc() {
        return deployment.tokenBySymbol("USDC").orElseThrow().address();
    }

    public String priceFeed(String underlying) {
        return deployment.priceFeeds().stream()
                .filter(f -> f.underlying().equals(underlying))
                .findFirst()
                .orElseThrow()
                .address();
    }

    public String implementation(Product product) {
        return deployment.implementations().stream()
                .filter(i -> i.product() == product)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the devnet has no " + product))
                .address();
    }

    public List<Account> accounts() {
        return accounts;
    }

    public Account owner() {
        return role("owner").getFirst();
    }

    public Account maker() {
        return role("maker").getFirst();
    }

    /** The two funded takers. */
    public List<Account> takers() {
        return role("taker");
    }

    public Web3j web3j() {
        return web3j;
    }

    /**
     * A USDC order of the maker on the ETH feed, quote valid for {@code quoteSeconds} from the latest block,
     * option expiring a week later, {@code numContracts} 0 (set it with {@link Order#withNumContracts}).
     */
    public Order order(
            Product product, List<BigInteger> strikes, BigInteger price, BigInteger maxCollateral, boolean makerLong) {
        return order(product, "ETH", strikes, price, maxCollateral, makerLong);
    }

    /** As {@link #order(Product, List, BigInteger, BigInteger, boolean)} on the feed of {@code underlying}. */
    public Order order(
            Product product,
            String underlying,
            List<BigInteger> strikes,
            BigInteger price,
            BigInteger maxCollateral,
            boolean makerLong) {
        long now = latestBlockTimestamp();
        return new Order(
                maker().address(),
                BigInteger.valueOf(now + 600),
                usdc(),
                product.isCall(),
                priceFeed(underlying),
                implementation(product),
                makerLong,
                maxCollateral,
                strikes,
                BigInteger.valueOf(now + 7 * 24 * 3600),
                price,
                BigInteger.ZERO,
                new byte[0]);
    }

    /** The EIP-712 typed data of an order in the book's domain (REFERENCE §2.6), as web3j's encoder takes it. */
    public String typedData(Order order) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put(
                "types",
                Map.of(
                        "EIP712Domain",
                        List.of(
                                field("name", "string"),
                                field("version", "string"),
                                field("chainId", "uint256"),
                                field("verifyingContract", "address")),
                        "Order",
                        List.of(
                                field("maker", "address"),
                                field("orderExpiryTimestamp", "uint256"),
                                field("collateral", "address"),
                                field("isCall", "bool"),
                                field("priceFeed", "address"),
                                field("implementation", "address"),
                                field("isLong", "bool"),
                                field("maxCollateralUsable", "uint256"),
                                field("strikes", "uint256[]"),
                                field("expiry", "uint256"),
                                field("price", "uint256"))));
        root.put("primaryType", "Order");
        root.put(
                "domain",
                Map.of("name", "OptionBook", "version", "1.0", "chainId", CHAIN_ID, "verifyingContract", optionBook()));
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("maker", order.maker());
        message.put("orderExpiryTimestamp", order.orderExpiryTimestamp());
        message.put("collateral", order.collateral());
        message.put("isCall", order.isCall());
        message.put("priceFeed", order.priceFeed());
        message.put("implementation", order.implementation());
        message.put("isLong", order.isLong());
        message.put("maxCollateralUsable", order.maxCollateralUsable());
        message.put("strikes", order.strikes());
        message.put("expiry", order.expiry());
        message.put("price", order.price());
        root.put("message", message);
        return JSON.writeValueAsString(root);
    }

    /** The EIP-712 digest web3j computes for the order. */
    public byte[] digest(Order order) {
        try {
            return new StructuredDataEncoder(typedData(order)).hashStructuredData();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The 65-byte r‖s‖v signature of {@code signer} over the order's digest, 0x-hex. */
    public String sign(Order order, Credentials signer) {
        Sign.SignatureData s = Sign.signMessage(digest(order), signer.getEcKeyPair(), false);
        byte[] out = new byte[65];
        System.arraycopy(s.getR(), 0, out, 0, 32);
        System.arraycopy(s.getS(), 0, out, 32, 32);
        out[64] = s.getV()[0];
        return Numeric.toHexString(out);
    }

    /** The book's own {@code hashOrder(order)}. */
    public byte[] hashOrder(Order order) {
        return ((Bytes32) call(optionBook(), "hashOrder", List.of(order.tuple()), new TypeReference<Bytes32>() {}))
                .getValue();
    }

    public BigInteger computeNonce(Order order) {
        return uint(optionBook(), "computeNonce", order.tuple());
    }

    public static Function fillOrderFunction(Order order, String signature, String referrer) {
        return new Function(
                "fillOrder",
                List.of(
                        order.tuple(),
                        new DynamicBytes(Numeric.hexStringToByteArray(signature)),
                        new Address(referrer == null ? Address.DEFAULT.getValue() : referrer)),
                List.of(new TypeReference<Address>() {}));
    }

    /** Sends {@code fillOrder} from {@code taker}; the receipt, whatever its status. */
    public TransactionReceipt fillOrder(Account taker, Order order, String signature, String referrer) {
        return send(taker, optionBook(), fillOrderFunction(order, signature, referrer));
    }

    /** Simulates {@code fillOrder} from {@code taker} ({@code eth_call}): the revert reason, or empty if it would pass. */
    public Optional<String> fillOrderRevertReason(Account taker, Order order, String signature, String referrer) {
        return revertReason(taker, optionBook(), fillOrderFunction(order, signature, referrer));
    }

    public TransactionReceipt approve(Account owner, String token, String spender, BigInteger amount) {
        return requireSuccess(send(owner, token, approveFunction(spender, amount)));
    }

    /** ERC-20 {@code approve(spender, amount)}. */
    public static Function approveFunction(String spender, BigInteger amount) {
        return new Function("approve", List.of(new Address(spender), new Uint256(amount)), List.of());
    }

    /** The owner whitelists a referrer: {@code setReferrerFeeSplit(referrer, bps)}. */
    public TransactionReceipt setReferrerFeeSplit(String referrer, int bps) {
        return requireSuccess(send(
                owner(),
                optionBook(),
                new Function(
                        "setReferrerFeeSplit",
                        List.of(new Address(referrer), new Uint256(BigInteger.valueOf(bps))),
                        List.of())));
    }

    public BigInteger balanceOf(String token, String owner) {
        return uint(token, "balanceOf", new Address(owner));
    }

    /** A view returning one uint256. */
    public BigInteger uint(String contract, String function, Type<?>... args) {
        return ((Uint256) call(contract, function, List.of(args), new TypeReference<Uint256>() {})).getValue();
    }

    /** Calls a view ({@code eth_call} at the latest block) returning one value. */
    public Type<?> call(String contract, String function, List<Type> args, TypeReference<?> returns) {
        Function f = new Function(function, args, List.of(returns));
        EthCall result = ethCall(null, contract, FunctionEncoder.encode(f));
        if (result.hasError() || result.isReverted()) {
            throw new IllegalStateException(function + " reverted: " + reason(result));
        }
        List<Type> decoded = FunctionReturnDecoder.decode(result.getValue(), f.getOutputParameters());
        return decoded.getFirst();
    }

    /** Signs and sends a transaction (legacy gas price, fixed 3M gas limit) and waits for its receipt. */
    public TransactionReceipt send(Account from, String to, Function function) {
        return receipt(sendWithoutWaiting(from, to, function));
    }

    /**
     * Signs and sends a transaction (legacy gas price, fixed 3M gas limit) without waiting for it to be mined: its
     * hash, for {@link #receipt}. The nonce is the node's pending count, so transactions sent one after another from
     * one account are mined in the order sent, often in one block.
     */
    public String sendWithoutWaiting(Account from, String to, Function function) {
        try {
            RawTransactionManager tx = new RawTransactionManager(web3j, from.credentials(), CHAIN_ID);
            BigInteger gasPrice = web3j.ethGasPrice().send().getGasPrice().shiftLeft(1);
            EthSendTransaction sent = tx.sendTransaction(
                    gasPrice, BigInteger.valueOf(3_000_000), to, FunctionEncoder.encode(function), BigInteger.ZERO);
            if (sent.hasError()) {
                throw new IllegalStateException(
                        function.getName() + " not accepted: " + sent.getError().getMessage());
            }
            return sent.getTransactionHash();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The receipt of a sent transaction once it is mined, whatever its status (polls every 100 ms, up to 30 s). */
    public TransactionReceipt receipt(String txHash) {
        try {
            return new PollingTransactionReceiptProcessor(web3j, 100, 300).waitForTransactionReceipt(txHash);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (TransactionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** REFERENCE §3.5, first row: ETH CALL_SPREAD 2500/2700 at 42.15 for N = 23.724792 contracts. */
    public static final BigInteger REFERENCE_CONTRACTS = BigInteger.valueOf(23_724_792);
    /** The price per contract of that row: 42.15 USDC. */
    public static final BigInteger REFERENCE_PRICE = BigInteger.valueOf(4_215_000_000L);
    /** The premium of that row, hand-computed there: 999.999982 USDC. */
    public static final BigInteger REFERENCE_PREMIUM = BigInteger.valueOf(999_999_982);
    /** The collateral those contracts lock, hand-computed there: 4,744.9584 USDC. */
    public static final BigInteger REFERENCE_COLLATERAL = BigInteger.valueOf(4_744_958_400L);

    /**
     * The maker's quote of REFERENCE §3.5's first row (the maker selling) with a signed budget of {@code
     * maxCollateral}, {@code numContracts} 0 (see {@link #order(Product, List, BigInteger, BigInteger, boolean)}).
     */
    public Order referenceSpread(BigInteger maxCollateral) {
        return order(Product.CALL_SPREAD, List.of(usd(2_500), usd(2_700)), REFERENCE_PRICE, maxCollateral, false);
    }

    /**
     * {@code taker} approves the premium and fills the maker's order of REFERENCE §3.5's first row with
     * {@code referrer}; the successful receipt.
     */
    public TransactionReceipt fillReferenceSpread(Account taker, String referrer) {
        return fill(
                taker,
                referenceSpread(BigInteger.valueOf(20_000_000_000L)).withNumContracts(REFERENCE_CONTRACTS),
                referrer);
    }

    /**
     * {@code taker} approves the premium of a maker-sell order signed by the maker and fills it; the fill's receipt. The
     * approval and the fill are sent together (consecutive nonces: the approval is mined first, often in the same
     * block) and each must succeed.
     */
    public TransactionReceipt fill(Account taker, Order order, String referrer) {
        String approval = sendWithoutWaiting(taker, usdc(), approveFunction(optionBook(), order.premium()));
        String fill = sendWithoutWaiting(
                taker, optionBook(), fillOrderFunction(order, sign(order, maker().credentials()), referrer));
        requireSuccess(receipt(approval));
        return requireSuccess(receipt(fill));
    }

    /** The owner sets the feed of {@code underlying} to {@code answer} (8 dp; 0 makes settlements fail). */
    public TransactionReceipt setPrice(String underlying, BigInteger answer) {
        return requireSuccess(send(
                owner(),
                priceFeed(underlying),
                new Function("setAnswer", List.of(new org.web3j.abi.datatypes.generated.Int256(answer)), List.of())));
    }

    /** The option's buyer closes it before settlement ({@code close()}): the collateral goes back to the seller. */
    public TransactionReceipt closeOption(Account buyer, String option) {
        return requireSuccess(send(buyer, option, new Function("close", List.of(), List.of())));
    }

    /** The holder of the buyer's ({@code isBuyer}) or seller's role hands it to {@code to}. */
    public TransactionReceipt transferRole(Account holder, String option, boolean isBuyer, String to) {
        return requireSuccess(
                send(holder, option, new Function("transfer", List.of(new Bool(isBuyer), new Address(to)), List.of())));
    }

    /**
     * The holder of a role of {@code option} splits off the contracts {@code collateral} covers into a new option
     * ({@code split(uint256)}, BaseOption r12); the receipt.
     */
    public TransactionReceipt splitOption(Account holder, String option, BigInteger collateral) {
        return requireSuccess(send(holder, option, splitFunction(collateral)));
    }

    /** An option's {@code split(uint256 collateral)}. */
    public static Function splitFunction(BigInteger collateral) {
        return new Function("split", List.of(new Uint256(collateral)), List.of());
    }

    /**
     * The new option of the receipt's {@code OptionSplit} emitted by {@code option} (topic0 as REFERENCE §2.3 declares
     * it; the new option is its first indexed argument).
     */
    public static String splitOffOption(TransactionReceipt receipt, String option) {
        return receipt.getLogs().stream()
                .filter(l -> l.getAddress().equalsIgnoreCase(option)
                        && l.getTopics().getFirst().equalsIgnoreCase(OPTION_SPLIT_TOPIC))
                .map(l -> "0x" + l.getTopics().get(1).substring(26))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no OptionSplit of " + option));
    }

    /** {@code OptionSplit(address,uint256,uint256,address)}'s topic as REFERENCE §2.3 lists it. */
    public static final String OPTION_SPLIT_TOPIC =
            "0xfc4947089e7500185f5b0c8d22f76ed333230d351d62be90fefa37174d7b733b";

    /** A price or strike of {@code usd} dollars in the feed's 8 decimals. */
    public static BigInteger usd(long usd) {
        return BigInteger.valueOf(usd).multiply(BigInteger.TEN.pow(8));
    }

    /** {@code anvil_reorg}: the newest {@code depth} blocks replaced by as many empty ones. */
    public void reorg(long depth) {
        anvil("anvil_reorg", List.of(depth, List.of()));
    }

    /** {@code anvil_mine}: {@code blocks} empty blocks on top of the head. */
    public void mine(long blocks) {
        anvil("anvil_mine", List.of(blocks));
    }

    /**
     * {@code evm_increaseTime} then one block: the chain's clock jumps {@code seconds} ahead, so an option expires
     * without the test waiting for it in real time (the keeper and the indexer see the new block as they would).
     */
    public void passTime(long seconds) {
        anvil("evm_increaseTime", List.of(seconds));
        mine(1);
    }

    private void anvil(String method, List<?> params) {
        try {
            var response = new org.web3j.protocol.core.Request<>(
                            method,
                            params,
                            new HttpService(rpcUrl()),
                            org.web3j.protocol.core.methods.response.VoidResponse.class)
                    .send();
            if (response.hasError()) {
                throw new IllegalStateException(
                        method + ": " + response.getError().getMessage());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Makes {@code upstream} serve a feed (the fixture's envelope) of this one devnet order, with its {@code nonce}
     * computed by the book or, when {@code withNonce} is false, without one (the field is optional).
     */
    public void serveFeed(FixtureUpstream upstream, Order order, String signature, boolean withNonce) {
        ObjectNode feed = (ObjectNode) JSON.readTree(FixtureUpstream.fixture("orders.json"));
        ObjectNode signed = JSON.createObjectNode()
                .put("maker", order.maker())
                .put("orderExpiryTimestamp", order.orderExpiryTimestamp().longValueExact())
                .put("collateral", order.collateral())
                .put("isCall", order.isCall())
                .put("priceFeed", order.priceFeed())
                .put("implementation", order.implementation())
                .put("isLong", order.isLong())
                .put("maxCollateralUsable", order.maxCollateralUsable().toString());
        ArrayNode strikes = signed.putArray("strikes");
        order.strikes().forEach(strikes::add);
        signed.put("expiry", order.expiry().longValueExact())
                .put("price", order.price().toString())
                .put("numContracts", "0")
                .put("extraOptionData", "0x");
        ObjectNode entry = JSON.createObjectNode();
        entry.set("order", signed);
        entry.put("signature", signature).put("chainId", CHAIN_ID).put("optionBookAddress", optionBook());
        if (withNonce) {
            entry.put("nonce", computeNonce(order).toString());
        }
        entry.putObject("greeks").put("delta", 0.2143).put("iv", 0.6215);
        ((ObjectNode) feed.get("data")).putArray("orders").add(entry);
        upstream.body(URI.create(upstream.ordersUrl()).getPath(), feed.toString());
    }

    /** The number of the newest block. */
    public long head() {
        try {
            return web3j.ethBlockNumber().send().getBlockNumber().longValueExact();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public long latestBlockTimestamp() {
        try {
            return web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false)
                    .send()
                    .getBlock()
                    .getTimestamp()
                    .longValueExact();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends SIGTERM to dev/devnet (which stops anvil) and waits for both to exit. */
    @Override
    public void close() {
        web3j.shutdown();
        stop(process, children);
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind is harmless
        }
    }

    private Optional<String> revertReason(Account from, String to, Function function) {
        EthCall result = ethCall(from.address(), to, FunctionEncoder.encode(function));
        return result.hasError() || result.isReverted() ? Optional.of(reason(result)) : Optional.empty();
    }

    private EthCall ethCall(String from, String to, String data) {
        try {
            return web3j.ethCall(Transaction.createEthCallTransaction(from, to, data), DefaultBlockParameterName.LATEST)
                    .send();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code Error(string)}'s text, else the node's message with the raw revert data. */
    private static String reason(EthCall result) {
        String data = result.hasError() && result.getError().getData() != null
                ? result.getError().getData().replace("\"", "")
                : result.getRevertReasonEncodedData();
        if (data != null && data.startsWith("0x08c379a0")) {
            List<Type> decoded = FunctionReturnDecoder.decode(
                    "0x" + data.substring(10), List.of((TypeReference) new TypeReference<Utf8String>() {}));
            return decoded.getFirst().getValue().toString();
        }
        String message = result.hasError() ? result.getError().getMessage() : result.getRevertReason();
        return message + (data == null ? "" : " " + data);
    }

    private static TransactionReceipt requireSuccess(TransactionReceipt receipt) {
        if (!receipt.isStatusOK()) {
            throw new IllegalStateException("transaction " + receipt.getTransactionHash() + " reverted");
        }
        return receipt;
    }

    private List<Account> role(String role) {
        return accounts.stream().filter(a -> a.role().equals(role)).toList();
    }

    private static Map<String, String> field(String name, String type) {
        return Map.of("name", name, "type", type);
    }

    /** The ready line, or null if the devnet closed its output first; stdout is drained after it (never closed here). */
    private static String readyLine(Process process) {
        BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        try {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith(READY)) {
                    // keep draining so the devnet never blocks on a full pipe; the reader ends with the process
                    Thread.ofVirtual().start(() -> drain(out));
                    return line;
                }
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    private static void drain(BufferedReader out) {
        try (out) {
            while (out.readLine() != null) {
                // discard
            }
        } catch (IOException e) {
            // the devnet stopped
        }
    }

    private static void stop(Process process, List<ProcessHandle> children) {
        process.destroy(); // SIGTERM: the devnet stops anvil and exits
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            for (ProcessHandle child : children) {
                if (child.isAlive()) {
                    child.destroyForcibly();
                    child.onExit().get(5, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // reported by the next start's port check, if ever
        }
    }

    private static Path script() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("dev").resolve("devnet");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(
                "dev/devnet not found above " + Path.of("").toAbsolutePath());
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String tail(Path log) {
        try {
            String text = Files.exists(log) ? Files.readString(log) : "";
            return text.length() > 4000 ? "…" + text.substring(text.length() - 4000) : text;
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}

package io.nutsgate.rpc;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.nutsgate.resilience.CircuitBreakers;
import io.nutsgate.resilience.Retries;
import io.nutsgate.settings.NutsProperties;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.BatchRequest;
import org.web3j.protocol.core.BatchResponse;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.EthGetTransactionReceipt;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;
import org.web3j.utils.Numeric;

/**
 * JSON-RPC over HTTP with web3j. Every call has the {@code NUTS_RPC_TIMEOUT} deadline (connect, read and whole call),
 * goes through the {@code rpc} Resilience4j circuit breaker and retry, and fails as an {@link RpcException} of a
 * {@link RpcException.Kind}: an error the node answers, a result we cannot read (junk hex, a missing field, the wrong
 * shape) and a timeout are all failed calls, never an unchecked exception of web3j. The node's {@code eth_chainId}
 * is checked again whenever a call had to open a new connection (a reconnect, possibly to another node behind the
 * URL) and after every failed call: until it is the deployment's again, no result is handed out.
 */
public class Rpc implements AutoCloseable {

    /** A block header: what reorg detection and lag need. */
    public record Header(long number, String hash, String parentHash, long timestamp) {}

    /** One {@code eth_call} of a batch: its result data ({@code 0x} and hex digits), or the node's error. */
    public record CallResult(String data, String error) {
        public boolean ok() {
            return error == null;
        }
    }

    private static final Pattern HEX_DATA = Pattern.compile("^0x([0-9a-fA-F]{2})*$");
    private static final Pattern HASH = Pattern.compile("^0x[0-9a-fA-F]{64}$");

    /**
     * Requests per JSON-RPC batch: providers refuse larger batches (and some answer one error object instead of an
     * array), so a window with many fills is read in batches of at most this many.
     */
    public static final int MAX_BATCH = 100;

    private final HttpService service;
    private final Web3j web3j;
    private final String url;
    private final long chainId;
    private final ObservationRegistry observations;
    private final CircuitBreaker breaker;
    private final Retry retry;
    /** TCP connections opened so far: a call during which it grew reconnected, so the chain id is checked again. */
    private final AtomicLong connections = new AtomicLong();

    private volatile boolean chainVerified;

    public Rpc(
            String url,
            Duration timeout,
            long chainId,
            CircuitBreaker breaker,
            Retry retry,
            ObservationRegistry observations) {
        this.observations = observations;
        OkHttpClient http = new OkHttpClient.Builder()
                .connectTimeout(timeout)
                .readTimeout(timeout)
                .writeTimeout(timeout)
                .callTimeout(timeout)
                .eventListener(new EventListener() {
                    @Override
                    public void connectEnd(
                            Call call, InetSocketAddress address, Proxy proxy, okhttp3.Protocol protocol) {
                        connections.incrementAndGet();
                    }
                })
                .build();
        this.url = url;
        this.chainId = chainId;
        this.breaker = breaker;
        this.retry = retry;
        this.service = new HttpService(url, http);
        this.web3j = Web3j.build(service);
    }

    static Rpc of(
            NutsProperties properties,
            long chainId,
            CircuitBreakers breakers,
            Retries retries,
            ObservationRegistry observations) {
        return new Rpc(
                properties.chain().rpcUrl(),
                properties.chain().rpcTimeout(),
                chainId,
                breakers.breaker(
                        "rpc", properties.chain().breaker(), e -> e instanceof RpcException r && r.nodeFailure()),
                retries.retry("rpc", properties.chain().retry(), e -> e instanceof RpcException r && r.worthRetrying()),
                observations);
    }

    /** The URL without its path and query (API keys of providers live there): safe to log. */
    public String safeUrl() {
        return url.replaceAll("^(https?://[^/?#]+).*$", "$1");
    }

    /** The node's {@code eth_chainId}, read now (through the breaker, without the chain check). */
    public long chainId() {
        return guarded("eth_chainId", false, this::readChainId);
    }

    public long blockNumber() {
        return guarded(
                "eth_blockNumber",
                () -> quantity(
                        "eth_blockNumber",
                        send("eth_blockNumber", web3j.ethBlockNumber()).getResult()));
    }

    /** The header of block {@code number}; {@link RpcException} when the node has no such block. */
    public Header header(long number) {
        return header(DefaultBlockParameter.valueOf(BigInteger.valueOf(number)), "block " + number);
    }

    public Header latestHeader() {
        return header(DefaultBlockParameterName.LATEST, "latest block");
    }

    private Header header(DefaultBlockParameter block, String what) {
        return guarded("eth_getBlockByNumber", () -> {
            EthBlock.Block b = send("eth_getBlockByNumber", web3j.ethGetBlockByNumber(block, false))
                    .getBlock();
            if (b == null) {
                throw new RpcException(
                        RpcException.Kind.NODE_ERROR, "eth_getBlockByNumber", 0, what + " not found", null);
            }
            return header(b);
        });
    }

    /**
     * Headers of many blocks, in JSON-RPC batches of at most {@link #MAX_BATCH}; a block the node does not have is
     * left out (a log naming a block that does not exist, or a chain that got shorter since).
     */
    public Map<Long, Header> headers(Collection<Long> numbers) {
        Map<Long, Header> out = new TreeMap<>();
        List<Long> all = List.copyOf(new TreeSet<>(numbers));
        for (int i = 0; i < all.size(); i += MAX_BATCH) {
            List<Long> part = all.subList(i, Math.min(all.size(), i + MAX_BATCH));
            out.putAll(guarded("eth_getBlockByNumber batch", () -> headerBatch(part)));
        }
        return out;
    }

    private Map<Long, Header> headerBatch(List<Long> list) {
        BatchRequest batch = web3j.newBatch();
        for (long n : list) {
            batch.add(web3j.ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(n)), false));
        }
        Map<Long, Header> out = new TreeMap<>();
        List<? extends Response<?>> responses = sendBatch("eth_getBlockByNumber batch", batch, list.size());
        for (int i = 0; i < responses.size(); i++) {
            Response<?> r = responses.get(i);
            if (r.hasError()) {
                throw nodeError("eth_getBlockByNumber", r);
            }
            EthBlock.Block b = r instanceof EthBlock block ? block.getBlock() : null;
            if (b != null) {
                Header h = header(b);
                if (h.number() != list.get(i)) {
                    throw RpcException.unreadable(
                            "eth_getBlockByNumber", "asked for block " + list.get(i) + ", got " + h.number());
                }
                out.put(h.number(), h);
            }
        }
        return out;
    }

    private static Header header(EthBlock.Block b) {
        try {
            Header h = new Header(
                    b.getNumber().longValueExact(),
                    hash(b.getHash()),
                    hash(b.getParentHash()),
                    b.getTimestamp().longValueExact());
            return h;
        } catch (RuntimeException e) {
            throw RpcException.unreadable("eth_getBlockByNumber", "unreadable header: " + e.getMessage());
        }
    }

    /** {@code eth_getLogs} of {@code from..to} (inclusive); topics per position, null for any. */
    public List<Log> logs(long from, long to, String address, List<List<String>> topics) {
        EthFilter filter = new EthFilter(
                DefaultBlockParameter.valueOf(BigInteger.valueOf(from)),
                DefaultBlockParameter.valueOf(BigInteger.valueOf(to)),
                address == null ? List.of() : List.of(address));
        for (List<String> position : topics) {
            if (position == null) {
                filter.addNullTopic();
            } else {
                filter.addOptionalTopics(position.toArray(String[]::new));
            }
        }
        return guarded("eth_getLogs", () -> {
            EthLog result = send("eth_getLogs", web3j.ethGetLogs(filter));
            if (result.getLogs() == null) {
                throw RpcException.unreadable("eth_getLogs", "no result");
            }
            List<Log> logs = new ArrayList<>();
            for (EthLog.LogResult<?> r : result.getLogs()) {
                if (!(r.get() instanceof Log log)) {
                    throw RpcException.unreadable("eth_getLogs", "the node answered hashes instead of logs");
                }
                logs.add(log);
            }
            return logs;
        });
    }

    /** {@code eth_getCode} at the latest block: the account's code, {@code 0x} for none. */
    public String code(String address) {
        return guarded(
                "eth_getCode", () -> send("eth_getCode", web3j.ethGetCode(address, DefaultBlockParameterName.LATEST))
                        .getCode());
    }

    /** {@code eth_call} at the latest block; its return data (hex). A revert is thrown with its reason data. */
    public String call(String from, String to, String data) {
        EthCall result = callWithOverride(from, to, data, null);
        if (result.hasError()) {
            throw new RpcException(
                    RpcException.Kind.NODE_ERROR,
                    "eth_call",
                    result.getError().getCode(),
                    result.getError().getMessage() + " " + result.getError().getData(),
                    null);
        }
        return result.getValue();
    }

    /**
     * A {@code uint256} returned by {@code eth_call}: exactly one 32-byte word, else the call failed (an address
     * without code answers {@code 0x}).
     */
    public BigInteger callUint(String from, String to, String data) {
        return word("eth_call", call(from, to, data));
    }

    /** The one 32-byte word of {@code data}, or an {@link RpcException} saying the result is unreadable. */
    public static BigInteger word(String method, String data) {
        if (data == null || !HEX_DATA.matcher(data).matches() || data.length() != 66) {
            throw RpcException.unreadable(
                    method,
                    "expected one 32-byte word, got "
                            + (data == null ? "nothing" : data.length() > 80 ? data.substring(0, 80) + "…" : data));
        }
        return Numeric.toBigInt(data);
    }

    /**
     * {@code eth_call} at the latest block with a state override ({@code {address: {stateDiff: {slot: value}}}}),
     * supported by anvil, geth and Base nodes. The node's answer, reverted or not; a result that is not hex data is
     * a failed call.
     */
    public EthCall callWithOverride(String from, String to, String data, Map<String, Object> override) {
        Transaction tx = Transaction.createEthCallTransaction(from, to, data);
        return guarded("eth_call", () -> {
            Request<?, EthCall> request = new Request<>(
                    "eth_call",
                    override == null ? List.of(tx, "latest") : List.of(tx, "latest", override),
                    service,
                    EthCall.class);
            EthCall result = sendAllowingError("eth_call", request);
            if (!result.hasError()
                    && (result.getValue() == null
                            || !HEX_DATA.matcher(result.getValue()).matches())) {
                throw RpcException.unreadable("eth_call", "result is not hex data");
            }
            if (result.hasError()) {
                RpcException error = nodeError("eth_call", result);
                if (!error.callRefused()) {
                    throw error; // not a revert: the node failed (counted by the breaker)
                }
            }
            return result;
        });
    }

    /** Many {@code eth_call}s (at the latest block) to one contract, in JSON-RPC batches of at most 100. */
    public List<CallResult> batchCalls(String to, List<String> data) {
        return batchCalls(data.stream().map(d -> Map.entry(to, d)).toList());
    }

    /** {@code eth_call}s to different contracts in one batch ({@code calls}: pairs of to and data). */
    public List<CallResult> batchCalls(List<Map.Entry<String, String>> calls) {
        List<CallResult> out = new ArrayList<>(calls.size());
        for (int i = 0; i < calls.size(); i += MAX_BATCH) {
            List<Map.Entry<String, String>> part = calls.subList(i, Math.min(calls.size(), i + MAX_BATCH));
            out.addAll(guarded("eth_call batch", () -> callBatch(part)));
        }
        return out;
    }

    private List<CallResult> callBatch(List<Map.Entry<String, String>> calls) {
        BatchRequest batch = web3j.newBatch();
        for (Map.Entry<String, String> c : calls) {
            batch.add(web3j.ethCall(
                    Transaction.createEthCallTransaction(null, c.getKey(), c.getValue()),
                    DefaultBlockParameterName.LATEST));
        }
        List<CallResult> out = new ArrayList<>(calls.size());
        for (Response<?> r : sendBatch("eth_call batch", batch, calls.size())) {
            if (r.hasError()) {
                out.add(new CallResult(
                        null, r.getError().getCode() + " " + r.getError().getMessage()));
            } else if (r instanceof EthCall call
                    && call.getValue() != null
                    && HEX_DATA.matcher(call.getValue()).matches()) {
                out.add(new CallResult(call.getValue(), null));
            } else {
                throw RpcException.unreadable("eth_call batch", "a result is not hex data");
            }
        }
        return out;
    }

    /** The receipt, or empty while the transaction is not mined (or unknown). */
    public Optional<TransactionReceipt> receipt(String txHash) {
        return Optional.ofNullable(receipts(List.of(txHash)).get(txHash));
    }

    /**
     * Receipts of many transactions in JSON-RPC batches; a transaction not mined (or unknown) is absent from the
     * answer. A receipt without block hash, number or status is unreadable.
     */
    public Map<String, TransactionReceipt> receipts(List<String> txHashes) {
        Map<String, TransactionReceipt> out = new LinkedHashMap<>();
        for (int i = 0; i < txHashes.size(); i += MAX_BATCH) {
            List<String> part = txHashes.subList(i, Math.min(txHashes.size(), i + MAX_BATCH));
            out.putAll(guarded("eth_getTransactionReceipt batch", () -> {
                BatchRequest batch = web3j.newBatch();
                part.forEach(tx -> batch.add(web3j.ethGetTransactionReceipt(tx)));
                Map<String, TransactionReceipt> found = new LinkedHashMap<>();
                List<? extends Response<?>> responses = sendBatch("eth_getTransactionReceipt", batch, part.size());
                for (int j = 0; j < responses.size(); j++) {
                    Response<?> r = responses.get(j);
                    if (r.hasError()) {
                        throw nodeError("eth_getTransactionReceipt", r);
                    }
                    if (r instanceof EthGetTransactionReceipt answer
                            && answer.getTransactionReceipt().isPresent()) {
                        found.put(
                                part.get(j),
                                readable(
                                        part.get(j),
                                        answer.getTransactionReceipt().get()));
                    }
                }
                return found;
            }));
        }
        return out;
    }

    private static TransactionReceipt readable(String txHash, TransactionReceipt receipt) {
        try {
            hash(receipt.getBlockHash());
            receipt.getBlockNumber().longValueExact();
            if (receipt.getStatus() == null || receipt.getLogs() == null) {
                throw new IllegalArgumentException("no status or logs");
            }
            if (!txHash.equalsIgnoreCase(receipt.getTransactionHash())) {
                throw new IllegalArgumentException("the receipt of another transaction");
            }
            return receipt;
        } catch (RuntimeException e) {
            throw RpcException.unreadable("eth_getTransactionReceipt", "unreadable receipt: " + e.getMessage());
        }
    }

    /**
     * Runs {@code call} through the breaker and retry, then, when the call opened a new connection or the chain id
     * has not been confirmed since the last failure, checks {@code eth_chainId} before handing out the result.
     */
    private <T> T guarded(String method, Supplier<T> call) {
        return guarded(method, true, call);
    }

    private <T> T guarded(String method, boolean checkChain, Supplier<T> call) {
        Supplier<T> checked = () -> {
            long before = connections.get();
            T result;
            try {
                result = readable(method, call);
            } catch (RpcException e) {
                if (e.kind() != RpcException.Kind.NODE_ERROR) {
                    chainVerified = false; // the next answer may come from another node: check it first
                }
                throw e;
            }
            if (checkChain && (!chainVerified || connections.get() != before)) {
                verifyChain();
            }
            return result;
        };
        try {
            // a span per RPC request (a batch is one), named for its JSON-RPC method, around its retries
            return Observation.createNotStarted("nuts.rpc", observations)
                    .contextualName("rpc " + method)
                    .lowCardinalityKeyValue("rpc.method", method)
                    .observe(() -> Retry.decorateSupplier(retry, CircuitBreaker.decorateSupplier(breaker, checked))
                            .get());
        } catch (CallNotPermittedException e) {
            throw new RpcException(
                    RpcException.Kind.BREAKER_OPEN,
                    method,
                    null,
                    "not called: the rpc circuit breaker is open after repeated failures of the node",
                    null);
        }
    }

    private void verifyChain() {
        long served = readable("eth_chainId", this::readChainId);
        if (served != chainId) {
            chainVerified = false;
            throw new RpcException(
                    RpcException.Kind.WRONG_CHAIN,
                    "eth_chainId",
                    null,
                    "the node at " + safeUrl() + " serves chain " + served + ", not " + chainId
                            + ": its answers are not used",
                    null);
        }
        chainVerified = true;
    }

    private long readChainId() {
        return quantity("eth_chainId", send("eth_chainId", web3j.ethChainId()).getResult());
    }

    /** Runs {@code call}; any unchecked exception of web3j's decoding is an unreadable answer. */
    private static <T> T readable(String method, Supplier<T> call) {
        try {
            return call.get();
        } catch (RpcException e) {
            throw e;
        } catch (RuntimeException e) {
            throw RpcException.unreadable(method, "unreadable answer: " + e.getMessage());
        }
    }

    private static long quantity(String method, String hex) {
        if (hex == null || !hex.matches("^0x[0-9a-fA-F]{1,16}$")) {
            throw RpcException.unreadable(method, "not a quantity: " + hex);
        }
        return Numeric.decodeQuantity(hex).longValueExact();
    }

    private static String hash(String value) {
        if (value == null || !HASH.matcher(value).matches()) {
            throw new IllegalArgumentException("not a 32-byte hash: " + value);
        }
        return value.toLowerCase(java.util.Locale.ROOT);
    }

    private <T extends Response<?>> T send(String method, Request<?, T> request) {
        T response = sendAllowingError(method, request);
        if (response.hasError()) {
            throw nodeError(method, response);
        }
        return response;
    }

    private static <T extends Response<?>> T sendAllowingError(String method, Request<?, T> request) {
        T response = exchange(method, request::send);
        if (response == null) {
            throw RpcException.unreadable(method, "empty answer");
        }
        return response;
    }

    private static List<? extends Response<?>> sendBatch(String method, BatchRequest batch, int size) {
        BatchResponse response = exchange(method, batch::send);
        List<? extends Response<?>> responses = response == null ? null : response.getResponses();
        if (responses == null || responses.size() != size) {
            throw RpcException.unreadable(
                    method, "answered " + (responses == null ? 0 : responses.size()) + " of " + size + " requests");
        }
        return responses;
    }

    /** One HTTP exchange with the node (a request or a batch). */
    private interface Exchange<T> {
        T send() throws IOException;
    }

    /** Runs {@code exchange}; an answer that is not JSON-RPC is unreadable, a read that timed out a timeout. */
    private static <T> T exchange(String method, Exchange<T> exchange) {
        try {
            return exchange.send();
        } catch (JsonProcessingException e) {
            throw RpcException.unreadable(method, "not JSON-RPC: " + e.getOriginalMessage());
        } catch (InterruptedIOException e) {
            throw new RpcException(RpcException.Kind.TIMEOUT, method, null, "no answer in time", e);
        } catch (IOException e) {
            throw new RpcException(RpcException.Kind.TRANSPORT, method, null, String.valueOf(e.getMessage()), e);
        }
    }

    @Override
    public void close() {
        web3j.shutdown();
    }

    /** The JSON-RPC error object a node answered for {@code method}, as a {@link RpcException.Kind#NODE_ERROR}. */
    private static RpcException nodeError(String method, Response<?> response) {
        return new RpcException(
                RpcException.Kind.NODE_ERROR,
                method,
                response.getError().getCode(),
                response.getError().getMessage(),
                null);
    }
}

package io.nutsgate.chain;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.nutsgate.system.NutsProperties;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
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
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;

/**
 * JSON-RPC over HTTP with web3j: every call has the {@code NUTS_RPC_TIMEOUT} deadline (connect, read and whole
 * call) and every error the node answers is thrown as an {@link RpcException}, never swallowed. Only created when
 * {@code BASE_RPC_URL} is set.
 */
public class Rpc implements AutoCloseable {

    /** A block header: what reorg detection and lag need. */
    public record Header(long number, String hash, String parentHash, long timestamp) {}

    /** One {@code eth_call} of a batch: its result data, or the node's error. */
    public record CallResult(String data, String error) {
        public boolean ok() {
            return error == null;
        }
    }

    private final HttpService service;
    private final Web3j web3j;
    private final String url;
    private final ObservationRegistry observations;

    public Rpc(String url, Duration timeout, ObservationRegistry observations) {
        OkHttpClient http = new OkHttpClient.Builder()
                .connectTimeout(timeout)
                .readTimeout(timeout)
                .writeTimeout(timeout)
                .callTimeout(timeout)
                .build();
        this.url = url;
        this.observations = observations;
        this.service = new HttpService(url, http);
        this.web3j = Web3j.build(service);
    }

    static Rpc of(NutsProperties properties, ObservationRegistry observations) {
        return new Rpc(properties.chain().rpcUrl(), properties.chain().rpcTimeout(), observations);
    }

    /** The URL without its path and query (API keys of providers live there): safe to log. */
    public String safeUrl() {
        return url.replaceAll("^(https?://[^/?#]+).*$", "$1");
    }

    public long chainId() {
        return check("eth_chainId", web3j.ethChainId()).getChainId().longValueExact();
    }

    public long blockNumber() {
        return check("eth_blockNumber", web3j.ethBlockNumber()).getBlockNumber().longValueExact();
    }

    public Header header(long number) {
        return header(DefaultBlockParameter.valueOf(BigInteger.valueOf(number)), "block " + number);
    }

    public Header latestHeader() {
        return header(DefaultBlockParameterName.LATEST, "latest block");
    }

    private Header header(DefaultBlockParameter block, String what) {
        EthBlock.Block b = check("eth_getBlockByNumber", web3j.ethGetBlockByNumber(block, false))
                .getBlock();
        if (b == null) {
            throw new RpcException("eth_getBlockByNumber", null, what + " not found", null);
        }
        return new Header(
                b.getNumber().longValueExact(),
                b.getHash(),
                b.getParentHash(),
                b.getTimestamp().longValueExact());
    }

    /**
     * Requests per JSON-RPC batch: providers refuse larger batches (and some answer one error object instead of an
     * array), so a window with many fills is read in batches of at most this many.
     */
    static final int MAX_BATCH = 100;

    /** Headers of many blocks, in JSON-RPC batches of at most {@link #MAX_BATCH}. */
    public Map<Long, Header> headers(java.util.Collection<Long> numbers) {
        Map<Long, Header> out = new java.util.TreeMap<>();
        List<Long> all = List.copyOf(new java.util.TreeSet<>(numbers));
        for (int i = 0; i < all.size(); i += MAX_BATCH) {
            out.putAll(headerBatch(all.subList(i, Math.min(all.size(), i + MAX_BATCH))));
        }
        return out;
    }

    private Map<Long, Header> headerBatch(List<Long> list) {
        return observed("eth_getBlockByNumber batch", () -> sendHeaderBatch(list));
    }

    private Map<Long, Header> sendHeaderBatch(List<Long> list) {
        Map<Long, Header> out = new java.util.TreeMap<>();
        BatchRequest batch = web3j.newBatch();
        for (long n : list) {
            batch.add(web3j.ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(n)), false));
        }
        BatchResponse response;
        try {
            response = batch.send();
        } catch (IOException | RuntimeException e) {
            throw new RpcException("eth_getBlockByNumber batch", null, String.valueOf(e.getMessage()), e);
        }
        if (response.getResponses().size() != list.size()) {
            throw new RpcException("eth_getBlockByNumber batch", null, "incomplete answer", null);
        }
        for (Response<?> r : response.getResponses()) {
            if (r.hasError()) {
                throw new RpcException(
                        "eth_getBlockByNumber",
                        r.getError().getCode(),
                        r.getError().getMessage(),
                        null);
            }
            EthBlock.Block b = ((EthBlock) r).getBlock();
            if (b == null) {
                throw new RpcException("eth_getBlockByNumber", null, "block not found", null);
            }
            out.put(
                    b.getNumber().longValueExact(),
                    new Header(
                            b.getNumber().longValueExact(),
                            b.getHash(),
                            b.getParentHash(),
                            b.getTimestamp().longValueExact()));
        }
        return out;
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
        EthLog result = check("eth_getLogs", web3j.ethGetLogs(filter));
        List<Log> logs = new ArrayList<>();
        for (EthLog.LogResult<?> r : result.getLogs()) {
            if (!(r.get() instanceof Log log)) {
                throw new RpcException("eth_getLogs", null, "the node answered hashes instead of logs", null);
            }
            logs.add(log);
        }
        return logs;
    }

    /** {@code eth_getCode} at the latest block: the account's code, {@code 0x} for none. */
    public String code(String address) {
        return check("eth_getCode", web3j.ethGetCode(address, DefaultBlockParameterName.LATEST))
                .getCode();
    }

    /** {@code eth_call} at the latest block; the return data. A revert is thrown with its reason data. */
    public String call(String from, String to, String data) {
        return callResult(from, to, data, null).orElseThrow();
    }

    /**
     * {@code eth_call} at the latest block with a state override ({@code {address: {stateDiff: {slot: value}}}}),
     * supported by anvil, geth and Base nodes. Empty return means success; a revert gives its reason.
     */
    public EthCall callWithOverride(String from, String to, String data, Map<String, Object> override) {
        Transaction tx = Transaction.createEthCallTransaction(from, to, data);
        Request<?, EthCall> request = new Request<>(
                "eth_call",
                override == null ? List.of(tx, "latest") : List.of(tx, "latest", override),
                service,
                EthCall.class);
        try {
            return request.send();
        } catch (IOException e) {
            throw new RpcException("eth_call", null, e.getMessage(), e);
        }
    }

    private Optional<String> callResult(String from, String to, String data, Map<String, Object> override) {
        EthCall result = callWithOverride(from, to, data, override);
        if (result.hasError()) {
            throw new RpcException(
                    "eth_call",
                    result.getError().getCode(),
                    result.getError().getMessage() + " " + result.getError().getData(),
                    null);
        }
        return Optional.ofNullable(result.getValue());
    }

    /** Many {@code eth_call}s (at the latest block) in JSON-RPC batches of at most {@link #MAX_BATCH}. */
    public List<CallResult> batchCalls(String to, List<String> data) {
        if (data.size() > MAX_BATCH) {
            List<CallResult> out = new ArrayList<>(data.size());
            for (int i = 0; i < data.size(); i += MAX_BATCH) {
                out.addAll(batchCalls(to, data.subList(i, Math.min(data.size(), i + MAX_BATCH))));
            }
            return out;
        }
        if (data.isEmpty()) {
            return List.of();
        }
        BatchRequest batch = web3j.newBatch();
        for (String d : data) {
            batch.add(
                    web3j.ethCall(Transaction.createEthCallTransaction(null, to, d), DefaultBlockParameterName.LATEST));
        }
        return batch(batch, data.size());
    }

    /** {@code eth_call}s to different contracts in one batch ({@code calls}: pairs of to and data). */
    public List<CallResult> batchCalls(List<Map.Entry<String, String>> calls) {
        if (calls.size() > MAX_BATCH) {
            List<CallResult> out = new ArrayList<>(calls.size());
            for (int i = 0; i < calls.size(); i += MAX_BATCH) {
                out.addAll(batchCalls(calls.subList(i, Math.min(calls.size(), i + MAX_BATCH))));
            }
            return out;
        }
        if (calls.isEmpty()) {
            return List.of();
        }
        BatchRequest batch = web3j.newBatch();
        for (Map.Entry<String, String> c : calls) {
            batch.add(web3j.ethCall(
                    Transaction.createEthCallTransaction(null, c.getKey(), c.getValue()),
                    DefaultBlockParameterName.LATEST));
        }
        return batch(batch, calls.size());
    }

    private List<CallResult> batch(BatchRequest batch, int size) {
        return observed("eth_call batch", () -> sendBatch(batch, size));
    }

    private List<CallResult> sendBatch(BatchRequest batch, int size) {
        BatchResponse response;
        try {
            response = batch.send();
        } catch (IOException | RuntimeException e) {
            // RuntimeException: web3j cannot read a batch answered with one error object instead of an array
            throw new RpcException("eth_call batch", null, String.valueOf(e.getMessage()), e);
        }
        List<? extends Response<?>> responses = response.getResponses();
        if (responses.size() != size) {
            throw new RpcException(
                    "eth_call batch", null, "answered " + responses.size() + " of " + size + " calls", null);
        }
        List<CallResult> out = new ArrayList<>(size);
        for (Response<?> r : responses) {
            if (r.hasError()) {
                out.add(new CallResult(
                        null, r.getError().getCode() + " " + r.getError().getMessage()));
            } else {
                out.add(new CallResult(((EthCall) r).getValue(), null));
            }
        }
        return out;
    }

    /** The receipt, or empty while the transaction is not mined (or unknown). */
    public Optional<TransactionReceipt> receipt(String txHash) {
        return check("eth_getTransactionReceipt", web3j.ethGetTransactionReceipt(txHash))
                .getTransactionReceipt();
    }

    private <T extends Response<?>> T check(String method, Request<?, T> request) {
        return observed(method, () -> send(method, request));
    }

    /** A span per RPC request (a batch is one), named for its JSON-RPC method. */
    private <T> T observed(String method, Supplier<T> call) {
        return Observation.createNotStarted("nuts.rpc", observations)
                .contextualName("rpc " + method)
                .lowCardinalityKeyValue("rpc.method", method)
                .observe(call);
    }

    private <T extends Response<?>> T send(String method, Request<?, T> request) {
        T response;
        try {
            response = request.send();
        } catch (IOException e) {
            throw new RpcException(method, null, String.valueOf(e.getMessage()), e);
        } catch (RuntimeException e) {
            throw new RpcException(method, null, String.valueOf(e.getMessage()), e);
        }
        if (response.hasError()) {
            throw new RpcException(
                    method, response.getError().getCode(), response.getError().getMessage(), null);
        }
        return response;
    }

    @Override
    public void close() {
        web3j.shutdown();
    }
}

package io.nutsgate.indexer;

import io.nutsgate.optionmath.Side;
import io.nutsgate.protocol.Deployment;
import io.nutsgate.protocol.Product;
import io.nutsgate.rpc.Rpc;
import io.nutsgate.trades.ChainTrades.ChainTrade;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;

/**
 * Turns an {@code OrderFilled} with our referrer into trades: the taker's, and the maker's when we follow it. Terms
 * (strikes, expiry, contracts, collateral) come from the clone's {@code OptionInitialized} of the same transaction,
 * the product from the clone's {@code getImplementation()} looked up in the deployment.
 */
public final class OptionTerms {

    private static final Function GET_IMPLEMENTATION =
            new Function("getImplementation", List.of(), List.of(new TypeReference<Address>() {}));

    private OptionTerms() {}

    /** {@code getImplementation()} of each option in one batch; options whose call fails are left out. */
    public static Map<String, String> implementations(Rpc rpc, Collection<String> options) {
        List<String> list = List.copyOf(Set.copyOf(options));
        String data = FunctionEncoder.encode(GET_IMPLEMENTATION);
        List<Map.Entry<String, String>> calls =
                list.stream().map(o -> Map.entry(o, data)).toList();
        List<Rpc.CallResult> results = rpc.batchCalls(calls);
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            Rpc.CallResult r = results.get(i);
            if (!r.ok() || r.data() == null || r.data().length() < 66) {
                continue;
            }
            List<Type> decoded = FunctionReturnDecoder.decode(r.data(), GET_IMPLEMENTATION.getOutputParameters());
            if (!decoded.isEmpty()) {
                out.put(list.get(i), BookEvents.lower(((Address) decoded.getFirst()).getValue()));
            }
        }
        return out;
    }

    /**
     * The trades of one fill, or a {@link BookEvents.BadLogException} naming what is missing (no
     * OptionInitialized, unknown implementation or collateral token).
     */
    public static List<ChainTrade> trades(
            BookEvents.OrderFilled fill,
            BookEvents.OptionInitialized init,
            String implementation,
            Deployment deployment,
            Set<String> followed,
            Instant blockTime,
            boolean confirmed) {
        if (init == null) {
            throw new BookEvents.BadLogException("no OptionInitialized of " + fill.option() + " in its transaction");
        }
        Product product = implementation == null
                ? null
                : deployment.product(implementation).orElse(null);
        if (product == null) {
            throw new BookEvents.BadLogException("unknown implementation " + implementation + " of " + fill.option());
        }
        Deployment.Token token = deployment
                .token(init.collateralToken())
                .orElseThrow(() -> new BookEvents.BadLogException("unknown collateral " + init.collateralToken()));
        String underlying = deployment
                .priceFeed(init.priceFeed())
                .map(Deployment.PriceFeed::underlying)
                .orElse(null);
        List<ChainTrade> out = new ArrayList<>(2);
        List<String> wallets = new ArrayList<>();
        wallets.add(fill.taker());
        if (followed.contains(fill.maker()) && !fill.maker().equals(fill.taker())) {
            wallets.add(fill.maker());
        }
        for (String wallet : wallets) {
            Side side = wallet.equals(fill.buyer()) ? Side.BUYER : Side.SELLER;
            out.add(new ChainTrade(
                    fill.at().txHash(),
                    fill.at().blockNumber(),
                    fill.option(),
                    wallet,
                    side,
                    underlying,
                    product.name(),
                    product.isCall(),
                    init.strikes(),
                    Instant.ofEpochSecond(init.expiry().longValueExact()),
                    BookEvents.lower(token.address()),
                    token.symbol(),
                    token.decimals(),
                    fill.premium(),
                    fill.fee(),
                    fill.referralFee(),
                    init.numContracts(),
                    init.collateralAmount(),
                    fill.referrer(),
                    blockTime,
                    confirmed));
        }
        return out;
    }
}

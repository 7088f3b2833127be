package io.nutsgate.fill;

import io.nutsgate.orders.LiveOrder;
import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.DynamicStruct;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.utils.Numeric;

/**
 * ABI calldata of the two transactions a taker signs, encoded with web3j: ERC-20 {@code approve} and
 * {@code fillOrder(Order, bytes signature, address referrer)} (selector {@code 0xa4761ec1}) with the 13-field
 * Order tuple of REFERENCE §2.1. Every signed field is passed through as the feed gave it; only
 * {@code numContracts} is set.
 */
final class FillCalldata {

    private FillCalldata() {}

    static String approve(String spender, BigInteger amount) {
        return FunctionEncoder.encode(
                new Function("approve", List.of(new Address(spender), new Uint256(amount)), List.of()));
    }

    static String fillOrder(LiveOrder order, BigInteger numContracts, String referrer) {
        DynamicStruct tuple = new DynamicStruct(
                new Address(order.maker()),
                new Uint256(order.orderExpiryTimestamp()),
                new Address(order.collateral().address()),
                new Bool(order.isCall()),
                new Address(order.priceFeed()),
                new Address(order.implementation()),
                new Bool(order.isLong()),
                new Uint256(order.maxCollateralUsable()),
                new DynamicArray<>(
                        Uint256.class,
                        order.strikes().stream().map(Uint256::new).toList()),
                new Uint256(order.expiry()),
                new Uint256(order.price()),
                new Uint256(numContracts),
                new DynamicBytes(Numeric.hexStringToByteArray(order.extraOptionData())));
        return FunctionEncoder.encode(new Function(
                "fillOrder",
                List.of(
                        tuple,
                        new DynamicBytes(Numeric.hexStringToByteArray(order.signature())),
                        new Address(referrer)),
                List.of()));
    }
}

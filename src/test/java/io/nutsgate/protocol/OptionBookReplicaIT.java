package io.nutsgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.nutsgate.support.Devnet;
import io.nutsgate.support.Devnet.Account;
import io.nutsgate.support.Devnet.Order;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The replica OptionBook on the devnet against REFERENCE §2 and §3.5: its EIP-712 digest and nonce against
 * independent encodings, a fill's token moves and fees against the hand-computed numbers of §3.5, the events'
 * topic0 against the shipped ABI and REFERENCE, the reverts, the nonce-group budget, and the referrer's claim.
 */
class OptionBookReplicaIT {

    /** anvil's deterministic account 3, the devnet's second taker: whitelisted as the referrer at start. */
    private static final String REFERRER = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";

    // REFERENCE §2.3 / hashes.txt
    private static final String ORDER_FILLED = "0x0fee4799857c39adce81e92cca3ceec36011917cd675b91dad36d2be13e1fd2d";
    private static final String REFERRAL_FEE_PAID =
            "0xb53f340a363b1b6432e3d1d14cc3e031b551a8faa32ed6f8a5e507f2ceef6efe";
    private static final String ORDER_CANCELLED = "0xc0362da6f2ff36b382b34aec0814f6b3cdf89f5ef282a1d1f114d0c0b036d596";
    private static final String FEES_CLAIMED = "0xfe3464cd748424446c37877c28ce5b700222c5bc9f90d908afcc4e5cb22707ff";
    private static final String OPTION_INITIALIZED =
            "0x2d27837a600426b91f8973e3ad37045eb3351b43769cbb4fb9ad1f9aaff1a484";
    private static final BigInteger MAX = BigInteger.TWO.pow(256).subtract(BigInteger.ONE);

    private static Devnet devnet;
    private static Account maker;
    private static Account taker;
    private static Account referrer;

    @BeforeAll
    static void startDevnet() {
        devnet = Devnet.start(REFERRER);
        maker = devnet.maker();
        taker = devnet.takers().get(0);
        referrer = devnet.takers().get(1);
        assertThat(referrer.address()).isEqualTo(REFERRER);
    }

    @AfterAll
    static void stopDevnet() {
        if (devnet != null) {
            devnet.close();
        }
    }

    @Test
    void shouldSignAndHashOrdersExactlyAsWeb3jAndReferenceSection2Do() {
        Order order = ethCallSpread(usdc(20_000));

        assertThat(Numeric.toHexString(devnet.hashOrder(order))).isEqualTo(Numeric.toHexString(devnet.digest(order)));
        assertThat(Numeric.toHexString(bytes32("LIMIT_ORDER_TYPEHASH")))
                .isEqualTo("0xa5646ad4e12f13a826a13d347af87609a823345c54b80e92a318f474d6cf45eb");
        assertThat(devnet.uint(devnet.optionBook(), "PRICE_DECIMALS")).isEqualTo(BigInteger.TEN.pow(8));

        // nonce = keccak256(abi.encode(maker, orderExpiryTimestamp, collateral, isCall, priceFeed, implementation,
        // isLong, maxCollateralUsable)), encoded here by web3j
        String encoded = FunctionEncoder.encodeConstructor(List.of(
                new Address(order.maker()),
                new Uint256(order.orderExpiryTimestamp()),
                new Address(order.collateral()),
                new Bool(order.isCall()),
                new Address(order.priceFeed()),
                new Address(order.implementation()),
                new Bool(order.isLong()),
                new Uint256(order.maxCollateralUsable())));
        assertThat(devnet.computeNonce(order)).isEqualTo(Numeric.toBigInt(Hash.sha3(encoded)));

        List<Type> domain = decode(
                devnet.web3j()
                        .ethCall(
                                org.web3j.protocol.core.methods.request.Transaction.createEthCallTransaction(
                                        null, devnet.optionBook(), "0x84b0196e"),
                                org.web3j.protocol.core.DefaultBlockParameterName.LATEST)
                        .sendAsync()
                        .join()
                        .getValue(),
                List.<TypeReference<?>>of(
                        new TypeReference<org.web3j.abi.datatypes.generated.Bytes1>() {},
                        new TypeReference<Utf8String>() {},
                        new TypeReference<Utf8String>() {},
                        new TypeReference<Uint256>() {},
                        new TypeReference<Address>() {},
                        new TypeReference<Bytes32>() {},
                        new TypeReference<DynamicArray<Uint256>>() {}));
        assertThat(domain.get(1).getValue()).isEqualTo("OptionBook");
        assertThat(domain.get(2).getValue()).isEqualTo("1.0");
        assertThat(domain.get(3).getValue()).isEqualTo(BigInteger.valueOf(8453));
        assertThat(domain.get(4).getValue().toString()).isEqualToIgnoringCase(devnet.optionBook());
    }

    @Test
    void shouldMoveTheExactPremiumAndFeeAndCreditHalfTheFeeToTheWhitelistedReferrer() {
        // REFERENCE §3.5, first row: ETH CALL_SPREAD 2500/2700 at 42.15, N = 23.724792, ETH spot 2450.37
        BigInteger n = BigInteger.valueOf(23_724_792);
        BigInteger premium = BigInteger.valueOf(999_999_982); // 999.999982 USDC
        BigInteger fee = BigInteger.valueOf(34_880_711); // notional branch, below the 124.999997 cap
        BigInteger referral = BigInteger.valueOf(17_440_355); // 50 %
        BigInteger collateral = BigInteger.valueOf(4_744_958_400L); // 200 USD × 23.724792

        Order order = ethCallSpread(usdc(20_000)).withNumContracts(n);
        String signature = devnet.sign(order, maker.credentials());
        devnet.approve(taker, devnet.usdc(), devnet.optionBook(), premium); // exactly the premium
        BigInteger takerBefore = balance(taker.address()), makerBefore = balance(maker.address());
        BigInteger bookBefore = balance(devnet.optionBook());

        TransactionReceipt receipt = devnet.fillOrder(taker, order, signature, REFERRER);

        assertThat(receipt.isStatusOK()).isTrue();
        assertThat(takerBefore.subtract(balance(taker.address()))).isEqualTo(premium);
        assertThat(balance(maker.address()).subtract(makerBefore))
                .isEqualTo(premium.subtract(fee).subtract(collateral));
        assertThat(balance(devnet.optionBook()).subtract(bookBefore)).isEqualTo(fee);

        Log filled = log(receipt, ORDER_FILLED);
        assertThat(filled.getAddress()).isEqualToIgnoringCase(devnet.optionBook());
        BigInteger nonce = Numeric.toBigInt(filled.getTopics().get(1));
        assertThat(nonce).isEqualTo(devnet.computeNonce(order));
        assertThat(address(filled.getTopics().get(2))).isEqualToIgnoringCase(taker.address()); // buyer
        assertThat(address(filled.getTopics().get(3))).isEqualToIgnoringCase(maker.address()); // seller
        List<Type> data = decode(
                filled.getData(),
                List.<TypeReference<?>>of(
                        new TypeReference<Address>() {},
                        new TypeReference<Uint256>() {},
                        new TypeReference<Uint256>() {},
                        new TypeReference<Address>() {},
                        new TypeReference<Uint256>() {},
                        new TypeReference<Bool>() {}));
        String option = data.get(0).toString();
        assertThat(data.get(1).getValue()).isEqualTo(premium);
        assertThat(data.get(2).getValue()).isEqualTo(fee);
        assertThat(data.get(3).toString()).isEqualToIgnoringCase(REFERRER);
        assertThat(data.get(4).getValue()).isEqualTo(referral);
        assertThat(data.get(5).getValue()).isEqualTo(true); // sellerWasMaker

        Log referralPaid = log(receipt, REFERRAL_FEE_PAID);
        assertThat(address(referralPaid.getTopics().get(1))).isEqualToIgnoringCase(REFERRER);
        assertThat(address(referralPaid.getTopics().get(2))).isEqualToIgnoringCase(devnet.usdc());
        assertThat(Numeric.toBigInt(referralPaid.getData().substring(0, 66))).isEqualTo(referral);

        Log initialized = log(receipt, OPTION_INITIALIZED);
        assertThat(initialized.getAddress()).isEqualToIgnoringCase(option);
        assertThat(address(initialized.getTopics().get(3))).isEqualToIgnoringCase(devnet.optionBook()); // createdBy
        assertThat(balance(option)).isEqualTo(collateral);

        assertThat(devnet.uint(devnet.optionBook(), "amountFilled", new Uint256(nonce)))
                .isEqualTo(collateral);
        assertThat(devnet.uint(devnet.optionBook(), "referrerFeeSplitBps", new Address(REFERRER)))
                .isEqualTo(BigInteger.valueOf(5000));
        assertThat(fees(REFERRER)).isEqualTo(referral);

        // the referrer withdraws what accrued
        BigInteger referrerBefore = balance(REFERRER);
        TransactionReceipt claim = devnet.send(
                referrer,
                devnet.optionBook(),
                new Function("claimFees", List.of(new Address(devnet.usdc())), List.of()));
        assertThat(claim.isStatusOK()).isTrue();
        assertThat(balance(REFERRER).subtract(referrerBefore)).isEqualTo(referral);
        assertThat(fees(REFERRER)).isZero();
        Log claimed = log(claim, FEES_CLAIMED);
        assertThat(address(claimed.getTopics().get(1))).isEqualToIgnoringCase(REFERRER);
        assertThat(Numeric.toBigInt(claimed.getData())).isEqualTo(referral);
    }

    @Test
    void shouldCapTheFeeAtAnEighthOfThePremiumAndPayNoReferralWithoutAReferrer() {
        // REFERENCE §3.5, BTC CALL_SPREAD 100k/105k at 153.20, 0.2 contracts: notional 0.06 % (11.665266 USDC at
        // the devnet's BTC spot 97,210.55) exceeds 12.5 % of the 30.64 USDC premium, so the fee is 3.83 USDC
        Order order = devnet.order(
                        Product.CALL_SPREAD,
                        "BTC",
                        List.of(strike(100_000), strike(105_000)),
                        BigInteger.valueOf(15_320_000_000L),
                        usdc(10_000),
                        false)
                .withNumContracts(BigInteger.valueOf(200_000));
        Account buyer = devnet.takers().get(0);
        devnet.approve(buyer, devnet.usdc(), devnet.optionBook(), usdc(1_000));
        BigInteger makerBefore = balance(maker.address());

        TransactionReceipt receipt = devnet.fillOrder(buyer, order, devnet.sign(order, maker.credentials()), null);

        assertThat(receipt.isStatusOK()).isTrue();
        List<Type> data = decode(
                log(receipt, ORDER_FILLED).getData(),
                List.<TypeReference<?>>of(
                        new TypeReference<Address>() {},
                        new TypeReference<Uint256>() {},
                        new TypeReference<Uint256>() {},
                        new TypeReference<Address>() {},
                        new TypeReference<Uint256>() {}));
        assertThat(data.get(1).getValue()).isEqualTo(BigInteger.valueOf(30_640_000));
        assertThat(data.get(2).getValue()).isEqualTo(BigInteger.valueOf(3_830_000));
        assertThat(data.get(4).getValue()).isEqualTo(BigInteger.ZERO);
        assertThat(receipt.getLogs()).noneMatch(l -> l.getTopics().getFirst().equals(REFERRAL_FEE_PAID));
        // seller gets premium − fee and locks 5,000 USD × 0.2 = 1,000 USDC
        assertThat(balance(maker.address()).subtract(makerBefore))
                .isEqualTo(BigInteger.valueOf(30_640_000 - 3_830_000 - 1_000_000_000L));
    }

    @Test
    void shouldRefuseExpiredCancelledMissignedAndOverBudgetFills() {
        Account buyer = devnet.takers().get(0);
        devnet.approve(buyer, devnet.usdc(), devnet.optionBook(), usdc(10_000));
        Order order = ethCallSpread(usdc(200)).withNumContracts(BigInteger.valueOf(500_000)); // 100 USDC collateral
        String signature = devnet.sign(order, maker.credentials());
        assertThat(devnet.fillOrderRevertReason(buyer, order, signature, null)).isEmpty();

        Order expired = order.withOrderExpiry(devnet.latestBlockTimestamp() - 10);
        assertThat(devnet.fillOrderRevertReason(buyer, expired, devnet.sign(expired, maker.credentials()), null))
                .contains("Order expired");

        assertThat(devnet.fillOrderRevertReason(buyer, order, devnet.sign(order, buyer.credentials()), null))
                .contains("Signer not authorized");
        Order otherPrice = new Order(
                order.maker(),
                order.orderExpiryTimestamp(),
                order.collateral(),
                order.isCall(),
                order.priceFeed(),
                order.implementation(),
                order.isLong(),
                order.maxCollateralUsable(),
                order.strikes(),
                order.expiry(),
                order.price().add(BigInteger.ONE),
                order.numContracts(),
                order.extraOptionData());
        assertThat(devnet.fillOrderRevertReason(buyer, otherPrice, signature, null))
                .as("a signed field changed")
                .contains("Signer not authorized");

        // budget 200 USDC for the nonce group: 0.5 + 0.5 contracts of 200 USD width use it up exactly
        assertThat(devnet.fillOrder(buyer, order, signature, null).isStatusOK()).isTrue();
        Order sibling = devnet.order(
                        Product.CALL_SPREAD,
                        List.of(strike(2_600), strike(2_800)),
                        BigInteger.valueOf(3_000_000_000L),
                        usdc(200),
                        false)
                .withOrderExpiry(order.orderExpiryTimestamp().longValueExact()); // same nonce group
        assertThat(devnet.computeNonce(sibling)).isEqualTo(devnet.computeNonce(order));
        String siblingSignature = devnet.sign(sibling, maker.credentials());
        assertThat(devnet.fillOrderRevertReason(
                        buyer, sibling.withNumContracts(BigInteger.valueOf(500_001)), siblingSignature, null))
                .contains("Exceeds max collateral");
        assertThat(devnet.fillOrder(
                                buyer, sibling.withNumContracts(BigInteger.valueOf(500_000)), siblingSignature, null)
                        .isStatusOK())
                .isTrue();
        assertThat(devnet.uint(devnet.optionBook(), "amountFilled", new Uint256(devnet.computeNonce(order))))
                .isEqualTo(usdc(200));

        // the maker cancels a fresh quote: amountFilled becomes 2^256−1 and fills revert
        Order fresh = ethCallSpread(usdc(5_000)).withNumContracts(BigInteger.valueOf(1_000_000));
        String freshSignature = devnet.sign(fresh, maker.credentials());
        assertThat(devnet.fillOrderRevertReason(buyer, fresh, freshSignature, null))
                .isEmpty();
        TransactionReceipt cancel =
                devnet.send(maker, devnet.optionBook(), new Function("cancelOrder", List.of(fresh.tuple()), List.of()));
        assertThat(cancel.isStatusOK()).isTrue();
        Log cancelled = log(cancel, ORDER_CANCELLED);
        assertThat(Numeric.toBigInt(cancelled.getTopics().get(1))).isEqualTo(devnet.computeNonce(fresh));
        assertThat(devnet.uint(devnet.optionBook(), "amountFilled", new Uint256(devnet.computeNonce(fresh))))
                .isEqualTo(MAX);
        assertThat(devnet.fillOrderRevertReason(buyer, fresh, freshSignature, null))
                .contains("Order cancelled");
    }

    @Test
    void shouldDeclareTheEventsWithTheTopicsOfTheShippedAbi() {
        JsonNode abi = Abis.load(JsonMapper.builder().build(), "OptionBook");
        for (JsonNode entry : abi) {
            if (entry.path("name").asString().equals("OrderFilled")) {
                assertThat(Abis.topic(entry)).isEqualTo(ORDER_FILLED);
            }
        }
        assertThat(Hash.sha3String("ReferralFeePaid(address,address,uint256,address)"))
                .isEqualTo(REFERRAL_FEE_PAID);
    }

    private static Order ethCallSpread(BigInteger maxCollateral) {
        return devnet.order(
                Product.CALL_SPREAD,
                List.of(strike(2_500), strike(2_700)),
                BigInteger.valueOf(4_215_000_000L), // 42.15 USDC per contract
                maxCollateral,
                false);
    }

    private static BigInteger strike(long usd) {
        return BigInteger.valueOf(usd).multiply(BigInteger.TEN.pow(8));
    }

    private static BigInteger usdc(long whole) {
        return BigInteger.valueOf(whole).multiply(BigInteger.TEN.pow(6));
    }

    private static BigInteger balance(String owner) {
        return devnet.balanceOf(devnet.usdc(), owner);
    }

    private static BigInteger fees(String who) {
        return devnet.uint(devnet.optionBook(), "fees", new Address(devnet.usdc()), new Address(who));
    }

    private static byte[] bytes32(String view) {
        return ((Bytes32) devnet.call(devnet.optionBook(), view, List.of(), new TypeReference<Bytes32>() {}))
                .getValue();
    }

    private static Log log(TransactionReceipt receipt, String topic0) {
        return receipt.getLogs().stream()
                .filter(l -> l.getTopics().getFirst().equals(topic0))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no log with topic0 " + topic0));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static List<Type> decode(String data, List<TypeReference<?>> types) {
        List<TypeReference<Type>> refs = new java.util.ArrayList<>();
        for (TypeReference<?> t : types) {
            refs.add((TypeReference<Type>) (TypeReference) t);
        }
        return FunctionReturnDecoder.decode(data, refs);
    }

    private static String address(String topic) {
        return "0x" + topic.substring(26);
    }
}

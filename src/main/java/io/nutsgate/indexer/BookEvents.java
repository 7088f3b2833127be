package io.nutsgate.indexer;

import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.Event;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.utils.Numeric;

/**
 * The OptionBook (r10/r12) and option clone events we read (REFERENCE §2.3), declared once as web3j {@link Event}s
 * and decoded with web3j. A log whose topics or data do not fit its declaration is a {@link BadLogException}.
 */
public final class BookEvents {

    public static final Event ORDER_FILLED = new Event(
            "OrderFilled",
            List.of(
                    new TypeReference<Uint256>(true) {},
                    new TypeReference<Address>(true) {},
                    new TypeReference<Address>(true) {},
                    new TypeReference<Address>() {},
                    new TypeReference<Uint256>() {},
                    new TypeReference<Uint256>() {},
                    new TypeReference<Address>() {},
                    new TypeReference<Uint256>() {},
                    new TypeReference<Bool>() {}));

    public static final Event REFERRAL_FEE_PAID = new Event(
            "ReferralFeePaid",
            List.of(
                    new TypeReference<Address>(true) {},
                    new TypeReference<Address>(true) {},
                    new TypeReference<Uint256>() {},
                    new TypeReference<Address>() {}));

    public static final Event OPTION_INITIALIZED = new Event(
            "OptionInitialized",
            List.of(
                    new TypeReference<Address>(true) {},
                    new TypeReference<Address>(true) {},
                    new TypeReference<Address>(true) {},
                    new TypeReference<Uint256>() {},
                    new TypeReference<Address>() {},
                    new TypeReference<Address>() {},
                    new TypeReference<DynamicArray<Uint256>>() {},
                    new TypeReference<Uint256>() {},
                    new TypeReference<Uint256>() {},
                    new TypeReference<Uint256>() {},
                    new TypeReference<DynamicBytes>() {}));

    public static final String ORDER_FILLED_TOPIC = EventEncoder.encode(ORDER_FILLED);
    public static final String REFERRAL_FEE_PAID_TOPIC = EventEncoder.encode(REFERRAL_FEE_PAID);
    public static final String OPTION_INITIALIZED_TOPIC = EventEncoder.encode(OPTION_INITIALIZED);

    private BookEvents() {}

    /** Where a log sits: its transaction, index and block. */
    public record LogRef(String txHash, int logIndex, long blockNumber, String blockHash) {
        /** The log's place; a {@link BadLogException} when a field is missing or unreadable ("0xzz"). */
        static LogRef of(Log log) {
            try {
                if (log.getTransactionHash() == null
                        || log.getLogIndexRaw() == null
                        || log.getBlockNumberRaw() == null
                        || log.getBlockHash() == null) {
                    throw new BadLogException("log without transaction hash, index or block (pending?)");
                }
                String tx = hash(log.getTransactionHash(), "transaction hash");
                String block = hash(log.getBlockHash(), "block hash");
                return new LogRef(
                        tx,
                        log.getLogIndex().intValueExact(),
                        log.getBlockNumber().longValueExact(),
                        block);
            } catch (BadLogException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new BadLogException("unreadable log position: " + e.getMessage());
            }
        }

        private static String hash(String value, String what) {
            if (!value.matches("^0[xX][0-9a-fA-F]{64}$")) {
                throw new BadLogException(what + " is not 32 bytes: " + value);
            }
            return lower(value);
        }
    }

    public record OrderFilled(
            LogRef at,
            String book,
            BigInteger nonce,
            String buyer,
            String seller,
            String option,
            BigInteger premium,
            BigInteger fee,
            String referrer,
            BigInteger referralFee,
            boolean sellerWasMaker) {

        /** The wallet that called {@code fillOrder}. */
        public String taker() {
            return sellerWasMaker ? buyer : seller;
        }

        public String maker() {
            return sellerWasMaker ? seller : buyer;
        }
    }

    public record ReferralFeePaid(LogRef at, String referrer, String collateral, BigInteger fee, String option) {}

    public record OptionInitialized(
            String option,
            String buyer,
            String seller,
            String createdBy,
            BigInteger optionType,
            String collateralToken,
            String priceFeed,
            List<BigInteger> strikes,
            BigInteger expiry,
            BigInteger numContracts,
            BigInteger collateralAmount) {}

    /** A log that cannot be decoded by its declaration: skipped, counted and logged with its tx hash. */
    public static final class BadLogException extends RuntimeException {
        BadLogException(String message) {
            super(message);
        }
    }

    public static String topic0(Log log) {
        return log.getTopics() == null || log.getTopics().isEmpty()
                ? ""
                : log.getTopics().getFirst().toLowerCase(Locale.ROOT);
    }

    public static OrderFilled orderFilled(Log log) {
        List<Type> indexed = indexed(log, ORDER_FILLED, 3);
        List<Type> data = data(log, ORDER_FILLED, 6 * 32);
        return new OrderFilled(
                LogRef.of(log),
                lower(log.getAddress()),
                (BigInteger) indexed.get(0).getValue(),
                address(indexed.get(1)),
                address(indexed.get(2)),
                address(data.get(0)),
                (BigInteger) data.get(1).getValue(),
                (BigInteger) data.get(2).getValue(),
                address(data.get(3)),
                (BigInteger) data.get(4).getValue(),
                (Boolean) data.get(5).getValue());
    }

    public static ReferralFeePaid referralFeePaid(Log log) {
        List<Type> indexed = indexed(log, REFERRAL_FEE_PAID, 2);
        List<Type> data = data(log, REFERRAL_FEE_PAID, 2 * 32);
        return new ReferralFeePaid(
                LogRef.of(log),
                address(indexed.get(0)),
                address(indexed.get(1)),
                (BigInteger) data.get(0).getValue(),
                address(data.get(1)));
    }

    @SuppressWarnings("unchecked")
    public static OptionInitialized optionInitialized(Log log) {
        List<Type> indexed = indexed(log, OPTION_INITIALIZED, 3);
        List<Type> data = data(log, OPTION_INITIALIZED, -1);
        List<Uint256> strikes = ((DynamicArray<Uint256>) data.get(3)).getValue();
        return new OptionInitialized(
                lower(log.getAddress()),
                address(indexed.get(0)),
                address(indexed.get(1)),
                address(indexed.get(2)),
                (BigInteger) data.get(0).getValue(),
                address(data.get(1)),
                address(data.get(2)),
                strikes.stream().map(Uint256::getValue).toList(),
                (BigInteger) data.get(4).getValue(),
                (BigInteger) data.get(5).getValue(),
                (BigInteger) data.get(6).getValue());
    }

    static List<Type> indexed(Log log, Event event, int count) {
        List<String> topics = log.getTopics();
        if (topics == null || topics.size() != count + 1) {
            throw new BadLogException(event.getName() + " with " + (topics == null ? 0 : topics.size()) + " topics");
        }
        List<TypeReference<Type>> types = event.getIndexedParameters();
        List<Type> out = new java.util.ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String topic = topics.get(i + 1);
            if (topic == null || Numeric.cleanHexPrefix(topic).length() != 64) {
                throw new BadLogException(event.getName() + " topic " + (i + 1) + " is not 32 bytes");
            }
            out.add(FunctionReturnDecoder.decodeIndexedValue(topic, types.get(i)));
        }
        return out;
    }

    /** The non-indexed values; {@code exactBytes} ≥ 0 requires that data length (static layouts). */
    static List<Type> data(Log log, Event event, int exactBytes) {
        String hex = log.getData() == null ? "" : Numeric.cleanHexPrefix(log.getData());
        if (exactBytes >= 0 && hex.length() != exactBytes * 2) {
            throw new BadLogException(
                    event.getName() + " with " + hex.length() / 2 + " data bytes, expected " + exactBytes);
        }
        try {
            List<Type> values = FunctionReturnDecoder.decode("0x" + hex, event.getNonIndexedParameters());
            if (values.size() != event.getNonIndexedParameters().size()) {
                throw new BadLogException(event.getName() + " data does not decode");
            }
            return values;
        } catch (RuntimeException e) {
            if (e instanceof BadLogException bad) {
                throw bad;
            }
            throw new BadLogException(event.getName() + " data does not decode: " + e.getMessage());
        }
    }

    static String address(Type value) {
        return lower(((Address) value).getValue());
    }

    public static String lower(String value) {
        return value == null ? null : value.toLowerCase(Locale.ROOT);
    }
}

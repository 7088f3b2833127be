package io.nutsgate.indexer;

import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.Event;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.protocol.core.methods.response.Log;

/**
 * The option clones' lifecycle events exactly as declared on Base (REFERENCE §2.3, BaseOption r12 shapes), declared
 * once as web3j {@link Event}s and decoded with web3j. Each is emitted by the option itself, so the log's address is
 * the option. A log that does not fit its declaration is a {@link BookEvents.BadLogException}.
 */
final class OptionEvents {

    static final Event OPTION_EXPIRED =
            new Event("OptionExpired", List.of(new TypeReference<Address>(true) {}, new TypeReference<Uint256>() {}));

    static final Event OPTION_PAYOUT = new Event(
            "OptionPayout",
            List.of(
                    new TypeReference<Address>(true) {},
                    new TypeReference<Address>(true) {},
                    new TypeReference<Uint256>() {}));

    static final Event OPTION_SETTLEMENT_FAILED = new Event("OptionSettlementFailed", List.of());

    static final Event OPTION_CLOSED = new Event(
            "OptionClosed",
            List.of(
                    new TypeReference<Address>(true) {},
                    new TypeReference<Address>(true) {},
                    new TypeReference<Uint256>() {}));

    static final Event EXCESS_COLLATERAL_RETURNED = new Event(
            "ExcessCollateralReturned",
            List.of(
                    new TypeReference<Address>(true) {},
                    new TypeReference<Address>(true) {},
                    new TypeReference<Uint256>() {}));

    static final Event ROLE_TRANSFERRED = new Event(
            "RoleTransferred",
            List.of(
                    new TypeReference<Address>(true) {},
                    new TypeReference<Address>(true) {},
                    new TypeReference<Address>(true) {},
                    new TypeReference<Bool>() {}));

    static final Event OPTION_SPLIT = new Event(
            "OptionSplit",
            List.of(
                    new TypeReference<Address>(true) {},
                    new TypeReference<Uint256>() {},
                    new TypeReference<Uint256>() {},
                    new TypeReference<Address>(true) {}));

    /** What an event says, by kind; the table {@code chain_option_events} holds the same columns. */
    enum Kind {
        EXPIRED(OPTION_EXPIRED),
        PAYOUT(OPTION_PAYOUT),
        SETTLEMENT_FAILED(OPTION_SETTLEMENT_FAILED),
        CLOSED(OPTION_CLOSED),
        EXCESS_RETURNED(EXCESS_COLLATERAL_RETURNED),
        ROLE_TRANSFERRED(OptionEvents.ROLE_TRANSFERRED),
        SPLIT(OPTION_SPLIT);

        final Event event;
        final String topic;

        Kind(Event event) {
            this.event = event;
            this.topic = EventEncoder.encode(event);
        }

        static Kind ofTopic(String topic0) {
            for (Kind k : values()) {
                if (k.topic.equals(topic0)) {
                    return k;
                }
            }
            throw new BookEvents.BadLogException("not an option lifecycle event: " + topic0);
        }
    }

    /**
     * Topic0 of every lifecycle event: one {@code eth_getLogs} position matching any of them. A method, not a
     * constant: {@link Kind}'s initialiser reads this class's events, so this class must not need {@link Kind}'s.
     */
    static List<String> topics() {
        return List.of(Kind.values()).stream().map(k -> k.topic).toList();
    }

    /**
     * One lifecycle event of one option. Fields not carried by the kind are null: {@code account} is the buyer paid
     * (PAYOUT), the closer (CLOSED), the seller (EXCESS_RETURNED) or the counterparty (SPLIT); {@code amount} the
     * amount paid, returned or split off; {@code splitOff} (SPLIT) what the new option's {@code OptionInitialized}
     * says, null when it was not read.
     */
    record OptionEvent(
            BookEvents.Position at,
            String option,
            Kind kind,
            BigInteger settlementPrice,
            String account,
            String token,
            BigInteger amount,
            BigInteger fee,
            String from,
            String to,
            Boolean isBuyer,
            String newOption,
            SplitOff splitOff) {

        /** The SPLIT with the new option's terms from its {@code OptionInitialized}. */
        OptionEvent withSplitOff(SplitOff value) {
            return new OptionEvent(
                    at,
                    option,
                    kind,
                    settlementPrice,
                    account,
                    token,
                    amount,
                    fee,
                    from,
                    to,
                    isBuyer,
                    newOption,
                    value);
        }
    }

    /**
     * The part an {@code OptionSplit} moved, as the new option's own {@code OptionInitialized} (emitted in the same
     * transaction, {@code createdBy} = the option that split) declares it: its contracts and who holds each role.
     */
    record SplitOff(BigInteger contracts, String buyer, String seller) {}

    private OptionEvents() {}

    static OptionEvent decode(Log log) {
        Kind kind = Kind.ofTopic(BookEvents.topic0(log));
        BookEvents.Position at = BookEvents.Position.of(log);
        String option = BookEvents.lower(log.getAddress());
        if (option == null) {
            throw new BookEvents.BadLogException(kind.event.getName() + " without an address");
        }
        return switch (kind) {
            case EXPIRED -> {
                List<Type> data = BookEvents.data(log, OPTION_EXPIRED, 32);
                BookEvents.indexed(log, OPTION_EXPIRED, 1);
                yield new OptionEvent(
                        at, option, kind, uint(data.get(0)), null, null, null, null, null, null, null, null, null);
            }
            case PAYOUT -> {
                List<Type> indexed = BookEvents.indexed(log, OPTION_PAYOUT, 2);
                List<Type> data = BookEvents.data(log, OPTION_PAYOUT, 32);
                yield new OptionEvent(
                        at,
                        option,
                        kind,
                        null,
                        BookEvents.address(indexed.get(1)),
                        null,
                        uint(data.get(0)),
                        null,
                        null,
                        null,
                        null,
                        null,
                        null);
            }
            case SETTLEMENT_FAILED -> {
                BookEvents.indexed(log, OPTION_SETTLEMENT_FAILED, 0);
                BookEvents.data(log, OPTION_SETTLEMENT_FAILED, 0);
                yield new OptionEvent(at, option, kind, null, null, null, null, null, null, null, null, null, null);
            }
            case CLOSED -> {
                List<Type> indexed = BookEvents.indexed(log, OPTION_CLOSED, 2);
                List<Type> data = BookEvents.data(log, OPTION_CLOSED, 32);
                yield new OptionEvent(
                        at,
                        option,
                        kind,
                        null,
                        BookEvents.address(indexed.get(1)),
                        null,
                        uint(data.get(0)),
                        null,
                        null,
                        null,
                        null,
                        null,
                        null);
            }
            case EXCESS_RETURNED -> {
                List<Type> indexed = BookEvents.indexed(log, EXCESS_COLLATERAL_RETURNED, 2);
                List<Type> data = BookEvents.data(log, EXCESS_COLLATERAL_RETURNED, 32);
                yield new OptionEvent(
                        at,
                        option,
                        kind,
                        null,
                        BookEvents.address(indexed.get(0)),
                        BookEvents.address(indexed.get(1)),
                        uint(data.get(0)),
                        null,
                        null,
                        null,
                        null,
                        null,
                        null);
            }
            case ROLE_TRANSFERRED -> {
                List<Type> indexed = BookEvents.indexed(log, ROLE_TRANSFERRED, 3);
                List<Type> data = BookEvents.data(log, ROLE_TRANSFERRED, 32);
                yield new OptionEvent(
                        at,
                        option,
                        kind,
                        null,
                        null,
                        null,
                        null,
                        null,
                        BookEvents.address(indexed.get(1)),
                        BookEvents.address(indexed.get(2)),
                        (Boolean) data.get(0).getValue(),
                        null,
                        null);
            }
            case SPLIT -> {
                List<Type> indexed = BookEvents.indexed(log, OPTION_SPLIT, 2);
                List<Type> data = BookEvents.data(log, OPTION_SPLIT, 64);
                yield new OptionEvent(
                        at,
                        option,
                        kind,
                        null,
                        BookEvents.address(indexed.get(1)),
                        null,
                        uint(data.get(0)),
                        uint(data.get(1)),
                        null,
                        null,
                        null,
                        BookEvents.address(indexed.get(0)),
                        null);
            }
        };
    }

    private static BigInteger uint(Type value) {
        return (BigInteger) value.getValue();
    }
}

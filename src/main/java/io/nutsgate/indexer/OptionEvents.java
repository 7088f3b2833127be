package io.nutsgate.indexer;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
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

    private static final TypeReference<Address> INDEXED_ADDRESS = new TypeReference<Address>(true) {};
    private static final TypeReference<Uint256> UINT = new TypeReference<Uint256>() {};
    private static final TypeReference<Bool> BOOL = new TypeReference<Bool>() {};

    // OptionExpired(address indexed optionAddress, uint256 settlementPrice)
    static final Event OPTION_EXPIRED = new Event("OptionExpired", List.of(INDEXED_ADDRESS, UINT));
    // OptionPayout(address indexed optionAddress, address indexed buyer, uint256 amountPaidOut)
    static final Event OPTION_PAYOUT = new Event("OptionPayout", List.of(INDEXED_ADDRESS, INDEXED_ADDRESS, UINT));
    // OptionSettlementFailed()
    static final Event OPTION_SETTLEMENT_FAILED = new Event("OptionSettlementFailed", List.of());
    // OptionClosed(address indexed optionAddress, address indexed closedBy, uint256 collateralReturned)
    static final Event OPTION_CLOSED = new Event("OptionClosed", List.of(INDEXED_ADDRESS, INDEXED_ADDRESS, UINT));
    // ExcessCollateralReturned(address indexed seller, address indexed collateralToken, uint256 collateralReturned)
    static final Event EXCESS_COLLATERAL_RETURNED =
            new Event("ExcessCollateralReturned", List.of(INDEXED_ADDRESS, INDEXED_ADDRESS, UINT));
    // RoleTransferred(address indexed optionAddress, address indexed from, address indexed to, bool isBuyer)
    static final Event ROLE_TRANSFERRED =
            new Event("RoleTransferred", List.of(INDEXED_ADDRESS, INDEXED_ADDRESS, INDEXED_ADDRESS, BOOL));
    // OptionSplit(address indexed newOption, uint256 collateralAmount, uint256 feePaid, address indexed counterparty)
    static final Event OPTION_SPLIT = new Event("OptionSplit", List.of(INDEXED_ADDRESS, UINT, UINT, INDEXED_ADDRESS));

    /** The fields of an {@link OptionEvent} a kind may carry, each read from one parameter of its event. */
    enum Field {
        SETTLEMENT_PRICE,
        ACCOUNT,
        TOKEN,
        AMOUNT,
        FEE,
        FROM,
        TO,
        IS_BUYER,
        NEW_OPTION
    }

    /**
     * What an event says, by kind: which field each of its parameters fills, by the parameter's place in the event's
     * declaration (indexed or not); the table {@code chain_option_events} holds the same columns.
     */
    enum Kind {
        EXPIRED(OPTION_EXPIRED, Map.of(Field.SETTLEMENT_PRICE, 1)),
        PAYOUT(OPTION_PAYOUT, Map.of(Field.ACCOUNT, 1, Field.AMOUNT, 2)),
        SETTLEMENT_FAILED(OPTION_SETTLEMENT_FAILED, Map.of()),
        CLOSED(OPTION_CLOSED, Map.of(Field.ACCOUNT, 1, Field.AMOUNT, 2)),
        EXCESS_RETURNED(EXCESS_COLLATERAL_RETURNED, Map.of(Field.ACCOUNT, 0, Field.TOKEN, 1, Field.AMOUNT, 2)),
        ROLE_TRANSFERRED(OptionEvents.ROLE_TRANSFERRED, Map.of(Field.FROM, 1, Field.TO, 2, Field.IS_BUYER, 3)),
        SPLIT(OPTION_SPLIT, Map.of(Field.NEW_OPTION, 0, Field.AMOUNT, 1, Field.FEE, 2, Field.ACCOUNT, 3));

        final Event event;
        final String topic;
        private final Map<Field, Integer> fields;

        Kind(Event event, Map<Field, Integer> fields) {
            this.event = event;
            this.topic = EventEncoder.encode(event);
            this.fields = new EnumMap<>(Field.class);
            this.fields.putAll(fields);
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
            BookEvents.LogRef at,
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

    /**
     * The event of {@code log}: its topics and data must be exactly those of its kind's declaration (every parameter
     * is one 32-byte word), else a {@link BookEvents.BadLogException}.
     */
    static OptionEvent decode(Log log) {
        Kind kind = Kind.ofTopic(BookEvents.topic0(log));
        BookEvents.LogRef at = BookEvents.LogRef.of(log);
        String option = BookEvents.lower(log.getAddress());
        if (option == null) {
            throw new BookEvents.BadLogException(kind.event.getName() + " without an address");
        }
        Event event = kind.event;
        Iterator<Type> indexed = BookEvents.indexed(
                        log, event, event.getIndexedParameters().size())
                .iterator();
        Iterator<Type> data = BookEvents.data(
                        log, event, 32 * event.getNonIndexedParameters().size())
                .iterator();
        List<Object> values = new ArrayList<>();
        for (TypeReference<?> parameter : event.getParameters()) {
            Type value = parameter.isIndexed() ? indexed.next() : data.next();
            values.add(value instanceof Address address ? BookEvents.address(address) : value.getValue());
        }
        Map<Field, Object> said = new EnumMap<>(Field.class);
        kind.fields.forEach((field, place) -> said.put(field, values.get(place)));
        return new OptionEvent(
                at,
                option,
                kind,
                (BigInteger) said.get(Field.SETTLEMENT_PRICE),
                (String) said.get(Field.ACCOUNT),
                (String) said.get(Field.TOKEN),
                (BigInteger) said.get(Field.AMOUNT),
                (BigInteger) said.get(Field.FEE),
                (String) said.get(Field.FROM),
                (String) said.get(Field.TO),
                (Boolean) said.get(Field.IS_BUYER),
                (String) said.get(Field.NEW_OPTION),
                null);
    }
}

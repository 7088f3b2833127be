// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";

interface IPriceFeed {
    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80);
}

/// @notice An option implementation for the USDC (quote-collateral) products of REFERENCE §4.1. The OptionBook
/// deploys EIP-1167 clones of it per fill; the clone's `initialize` records the trade and emits
/// `OptionInitialized` exactly as declared on Base (topic0 0x2d27837a…a484). The product is fixed per
/// implementation (an immutable, so clones share it).
///
/// Life after the fill, like r12 (events and topics exactly as REFERENCE §2.3 declares them on Base):
/// `payout()` (anyone, once expired; the devnet's keeper calls it within two blocks of expiry) reads the feed and
/// either settles (`OptionExpired(price)`, `OptionPayout` to the buyer when in the money,
/// `ExcessCollateralReturned` to the seller for the rest) or, when the feed answers no positive price, emits
/// `OptionSettlementFailed()` and moves nothing (it can be called again). `close()` by the buyer before
/// settlement gives up the long side: every unit of collateral goes back to the seller (`OptionClosed`).
/// `transfer(isBuyer, to)` by the holder of a role hands it over (`RoleTransferred`).
/// `split(splitCollateralAmount)` by the holder of a role, before expiry, moves part of the option into a new clone
/// (the BaseOption r12 ABI's `split(uint256) payable returns (address)`): the contracts that
/// `splitCollateralAmount` covers (floored) and their collateral leave this option; the new option is initialised by
/// this one (`OptionInitialized` with `createdBy` = this option) with the same terms, buyer and seller; then
/// `OptionSplit(newOption, collateralAmount, feePaid, counterparty)` is emitted with the topic declared on Base
/// (0xfc494708…b733b), `counterparty` being the holder of the other role and `feePaid` the ether sent (the replica
/// charges no fee). The new option settles, closes, transfers and splits like any other.
contract ReplicaOption {
    using SafeERC20 for IERC20;

    /// The product keys of `protocol.Product` that this replica implements.
    enum Kind {
        PUT,
        LINEAR_CALL,
        CALL_SPREAD,
        PUT_SPREAD,
        CALL_FLY,
        PUT_FLY,
        CALL_CONDOR,
        PUT_CONDOR,
        IRON_CONDOR
    }

    struct InitParams {
        address buyer;
        address seller;
        address collateralToken;
        address priceFeed;
        uint256[] strikes;
        uint256 expiryTimestamp;
        uint256 numContracts;
        uint256 collateralAmount;
        bytes extraOptionData;
    }

    event OptionInitialized(
        address indexed buyer,
        address indexed seller,
        address indexed createdBy,
        uint256 optionType,
        address collateralToken,
        address priceFeed,
        uint256[] strikes,
        uint256 expiryTimestamp,
        uint256 numContracts,
        uint256 collateralAmount,
        bytes extraOptionData
    );

    event OptionExpired(address indexed optionAddress, uint256 settlementPrice);
    event OptionPayout(address indexed optionAddress, address indexed buyer, uint256 amountPaidOut);
    event OptionClosed(address indexed optionAddress, address indexed closedBy, uint256 collateralReturned);
    event OptionSettlementFailed();
    event ExcessCollateralReturned(address indexed seller, address indexed collateralToken, uint256 collateralReturned);
    event RoleTransferred(address indexed optionAddress, address indexed from, address indexed to, bool isBuyer);
    event OptionSplit(address indexed newOption, uint256 collateralAmount, uint256 feePaid, address indexed counterparty);

    Kind public immutable kind;
    address private immutable implementation;

    bool public initialized;
    address public buyer;
    address public seller;
    address public createdBy;
    address public collateralToken;
    address public chainlinkPriceFeed;
    uint256 public expiryTimestamp;
    uint256 public numContracts;
    uint256 public collateralAmount;
    bytes public extraOptionData;
    uint256[] private strikes;
    bool public optionSettled;
    bool public optionClosed;

    constructor(Kind kind_) {
        kind = kind_;
        implementation = address(this);
        initialized = true; // the implementation itself is never an option
    }

    function initialize(InitParams calldata p) external {
        require(!initialized, "Already initialized");
        initialized = true;
        require(
            calculateRequiredCollateral(p.strikes, p.numContracts) == p.collateralAmount, "Collateral mismatch"
        );
        buyer = p.buyer;
        seller = p.seller;
        createdBy = msg.sender;
        collateralToken = p.collateralToken;
        chainlinkPriceFeed = p.priceFeed;
        strikes = p.strikes;
        expiryTimestamp = p.expiryTimestamp;
        numContracts = p.numContracts;
        collateralAmount = p.collateralAmount;
        extraOptionData = p.extraOptionData;
        emit OptionInitialized(
            p.buyer,
            p.seller,
            msg.sender,
            optionType(),
            p.collateralToken,
            p.priceFeed,
            p.strikes,
            p.expiryTimestamp,
            p.numContracts,
            p.collateralAmount,
            p.extraOptionData
        );
    }

    /// Seller collateral in collateral base units: `c × numContracts / 1e8` with the per-contract `c` (8-dp USD)
    /// of REFERENCE §4.1. Spreads, flies and condors take their strikes in either order (§4.1a); the iron
    /// condor is positional `[putLower, putUpper, callLower, callUpper]`.
    function calculateRequiredCollateral(uint256[] memory s, uint256 contracts) public view returns (uint256) {
        Kind k = kind;
        uint256 perContract;
        if (k == Kind.PUT || k == Kind.LINEAR_CALL) {
            require(s.length == 1, "Invalid strikes");
            perContract = s[0];
        } else if (k == Kind.CALL_SPREAD || k == Kind.PUT_SPREAD) {
            require(s.length == 2, "Invalid strikes");
            uint256[] memory a = _sorted(s);
            require(a[0] < a[1], "Invalid strikes");
            perContract = a[1] - a[0];
        } else if (k == Kind.CALL_FLY || k == Kind.PUT_FLY) {
            require(s.length == 3, "Invalid strikes");
            uint256[] memory a = _sorted(s);
            require(a[0] < a[1] && a[1] - a[0] == a[2] - a[1], "Strikes not equidistant");
            perContract = a[1] - a[0];
        } else if (k == Kind.CALL_CONDOR || k == Kind.PUT_CONDOR) {
            require(s.length == 4, "Invalid strikes");
            uint256[] memory a = _sorted(s);
            require(a[0] < a[1] && a[1] <= a[2] && a[1] - a[0] == a[3] - a[2], "Condor wings differ");
            perContract = a[1] - a[0];
        } else {
            require(s.length == 4, "Invalid strikes");
            require(s[0] < s[1] && s[1] <= s[2] && s[2] < s[3], "Spreads overlap");
            uint256 putWidth = s[1] - s[0];
            uint256 callWidth = s[3] - s[2];
            perContract = putWidth > callWidth ? putWidth : callWidth;
        }
        return perContract * contracts / 1e8;
    }

    /// Settles at the feed's latest answer once expired; a feed without a positive answer fails the settlement.
    function payout() external returns (uint256 paid) {
        require(initialized && buyer != address(0), "Not an option");
        require(block.timestamp >= expiryTimestamp, "Not expired");
        require(!optionSettled && !optionClosed, "Already settled");
        (, int256 answer,,,) = IPriceFeed(chainlinkPriceFeed).latestRoundData();
        if (answer <= 0) {
            emit OptionSettlementFailed();
            return 0;
        }
        optionSettled = true;
        uint256 price = uint256(answer);
        paid = calculatePayout(price);
        emit OptionExpired(address(this), price);
        IERC20 token = IERC20(collateralToken);
        if (paid > 0) {
            token.safeTransfer(buyer, paid);
            emit OptionPayout(address(this), buyer, paid);
        }
        uint256 rest = collateralAmount - paid;
        if (rest > 0) {
            token.safeTransfer(seller, rest);
            emit ExcessCollateralReturned(seller, collateralToken, rest);
        }
    }

    /// The buyer gives up the option before settlement: the whole collateral goes back to the seller.
    function close() external {
        require(msg.sender == buyer, "Only buyer");
        require(!optionSettled && !optionClosed, "Already settled");
        optionClosed = true;
        IERC20(collateralToken).safeTransfer(seller, collateralAmount);
        emit OptionClosed(address(this), msg.sender, collateralAmount);
    }

    /// The holder of a role hands it to `to`.
    function transfer(bool isBuyer, address to) external {
        require(!optionSettled && !optionClosed, "Already settled");
        require(to != address(0), "Zero address");
        if (isBuyer) {
            require(msg.sender == buyer, "Only buyer");
            buyer = to;
        } else {
            require(msg.sender == seller, "Only seller");
            seller = to;
        }
        emit RoleTransferred(address(this), msg.sender, to, isBuyer);
    }

    /// A holder of a role moves the contracts `splitCollateralAmount` covers into a new option with the same terms and
    /// parties; this option keeps the rest. Returns the new option.
    function split(uint256 splitCollateralAmount) external payable returns (address newOption) {
        require(msg.sender == buyer || msg.sender == seller, "Only a party");
        require(!optionSettled && !optionClosed, "Already settled");
        require(block.timestamp < expiryTimestamp, "Expired");
        uint256 contracts = calculateNumContractsForCollateral(strikes, splitCollateralAmount);
        require(contracts > 0 && contracts < numContracts, "Invalid split");
        uint256 collateral = calculateRequiredCollateral(strikes, contracts);
        numContracts -= contracts;
        collateralAmount -= collateral;
        newOption = Clones.clone(implementation);
        ReplicaOption(newOption).initialize(
            InitParams({
                buyer: buyer,
                seller: seller,
                collateralToken: collateralToken,
                priceFeed: chainlinkPriceFeed,
                strikes: strikes,
                expiryTimestamp: expiryTimestamp,
                numContracts: contracts,
                collateralAmount: collateral,
                extraOptionData: extraOptionData
            })
        );
        IERC20(collateralToken).safeTransfer(newOption, collateral);
        emit OptionSplit(newOption, collateral, msg.value, msg.sender == buyer ? seller : buyer);
    }

    /// The contracts `collateral` covers (floored): the inverse of `calculateRequiredCollateral`.
    function calculateNumContractsForCollateral(uint256[] memory s, uint256 collateral) public view returns (uint256) {
        return collateral * 1e8 / calculateRequiredCollateral(s, 1e8);
    }

    /// The buyer's payout at `price` (8 dp): the per-contract intrinsic value × numContracts / 1e8, floored, as
    /// optionmath computes it. Iron condor strikes are positional, the others sorted.
    function calculatePayout(uint256 price) public view returns (uint256) {
        uint256[] memory a = kind == Kind.IRON_CONDOR ? strikes : _sorted(strikes);
        return _intrinsic(a, price) * numContracts / 1e8;
    }

    function _intrinsic(uint256[] memory k, uint256 s) private view returns (uint256) {
        Kind t = kind;
        if (t == Kind.PUT) return _put(s, k[0]);
        if (t == Kind.LINEAR_CALL) return _call(s, k[0]) - _call(s, 2 * k[0]);
        if (t == Kind.CALL_SPREAD) return _call(s, k[0]) - _call(s, k[1]);
        if (t == Kind.PUT_SPREAD) return _put(s, k[1]) - _put(s, k[0]);
        if (t == Kind.CALL_FLY) return _call(s, k[0]) + _call(s, k[2]) - 2 * _call(s, k[1]);
        if (t == Kind.PUT_FLY) return _put(s, k[0]) + _put(s, k[2]) - 2 * _put(s, k[1]);
        if (t == Kind.CALL_CONDOR) return _call(s, k[0]) + _call(s, k[3]) - _call(s, k[1]) - _call(s, k[2]);
        if (t == Kind.PUT_CONDOR) return _put(s, k[0]) + _put(s, k[3]) - _put(s, k[1]) - _put(s, k[2]);
        return _put(s, k[1]) - _put(s, k[0]) + _call(s, k[2]) - _call(s, k[3]);
    }

    function _call(uint256 s, uint256 k) private pure returns (uint256) {
        return s > k ? s - k : 0;
    }

    function _put(uint256 s, uint256 k) private pure returns (uint256) {
        return k > s ? k - s : 0;
    }

    /// REFERENCE §4.6 hypothesis H: `(isQuoteCollateral << 8) | optionStructure`.
    function optionType() public view returns (uint256) {
        (bool quote,,, uint8 structure) = unpackOptionType();
        return (quote ? uint256(1) << 8 : 0) | structure;
    }

    function unpackOptionType()
        public
        view
        returns (bool isQuoteCollateral, bool isPhysicallySettled, uint8 optionStyle, uint8 optionStructure)
    {
        Kind k = kind;
        uint8 structure = k <= Kind.LINEAR_CALL
            ? 0
            : k <= Kind.PUT_SPREAD ? 1 : k <= Kind.PUT_FLY ? 2 : k <= Kind.PUT_CONDOR ? 3 : 4;
        return (true, false, 0, structure);
    }

    function getStrikes() external view returns (uint256[] memory) {
        return strikes;
    }

    function getImplementation() external view returns (address) {
        return implementation;
    }

    function _sorted(uint256[] memory s) private pure returns (uint256[] memory a) {
        a = new uint256[](s.length);
        for (uint256 i = 0; i < s.length; i++) {
            a[i] = s[i];
        }
        for (uint256 i = 1; i < a.length; i++) {
            for (uint256 j = i; j > 0 && a[j - 1] > a[j]; j--) {
                (a[j - 1], a[j]) = (a[j], a[j - 1]);
            }
        }
    }
}

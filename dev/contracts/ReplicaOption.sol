// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice An option implementation for the USDC (quote-collateral) products of REFERENCE §4.1. The OptionBook
/// deploys EIP-1167 clones of it per fill; the clone's `initialize` records the trade and emits
/// `OptionInitialized` exactly as declared on Base (topic0 0x2d27837a…a484). The product is fixed per
/// implementation (an immutable, so clones share it). Settlement is not replicated: no payout, expiry or close.
contract ReplicaOption {
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

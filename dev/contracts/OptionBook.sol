// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ReplicaOption} from "./ReplicaOption.sol";
import {MockOptionFactory} from "./MockOptionFactory.sol";

interface IPriceFeed {
    function decimals() external view returns (uint8);

    function latestRoundData()
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);
}

/// @notice A replica of the Thetanuts OptionBook (r10/r12 interface) for a local devnet, following
/// REFERENCE §2.2 step by step: EIP-712 domain `OptionBook` / `1.0` (§2.6) over the 11-field `Order` type
/// (numContracts and extraOptionData unsigned), the nonce group of §2.5, the reverts "Order expired",
/// "Order cancelled", "Signer not authorized", "Exceeds max collateral", the token moves of step 8, the fee
/// of §3.5 from the factory with the per-referrer split set by the owner, and the events declared exactly as
/// on Base so their topic0 are the real ones. Not replicated: swapAndFillOrder, maker-wide cutoffs,
/// minimum sizes.
contract OptionBook is EIP712, Ownable {
    using SafeERC20 for IERC20;

    struct Order {
        address maker;
        uint256 orderExpiryTimestamp;
        address collateral;
        bool isCall;
        address priceFeed;
        address implementation;
        bool isLong;
        uint256 maxCollateralUsable;
        uint256[] strikes;
        uint256 expiry;
        uint256 price;
        uint256 numContracts;
        bytes extraOptionData;
    }

    struct ValidContractsResult {
        uint256 validContracts;
        uint256 collateralRequired;
    }

    /// What one fill moves; kept in memory to stay within the EVM stack.
    struct Fill {
        uint256 nonce;
        address buyer;
        address seller;
        uint256 premium;
        uint256 collateral;
        uint256 fee;
        uint256 referralFee;
        address option;
    }

    bytes32 public constant LIMIT_ORDER_TYPEHASH = keccak256(
        "Order(address maker,uint256 orderExpiryTimestamp,address collateral,bool isCall,address priceFeed,address implementation,bool isLong,uint256 maxCollateralUsable,uint256[] strikes,uint256 expiry,uint256 price)"
    );
    uint256 public constant PRICE_DECIMALS = 1e8;
    bytes32 public constant OPERATOR_ROLE = keccak256("OPERATOR_ROLE");
    uint256 private constant CANCELLED = type(uint256).max;

    address public immutable factory;

    /// Budget used per nonce group: collateral (maker sells) or premium (maker buys); max = cancelled.
    mapping(uint256 nonce => uint256) public amountFilled;
    /// Claimable referral fees per collateral token and referrer.
    mapping(address token => mapping(address referrer => uint256)) public fees;
    /// A referrer's share of the protocol fee in basis points; 0 = not whitelisted.
    mapping(address referrer => uint256) public referrerFeeSplitBps;
    /// The protocol's share of the fees per token, swept by the owner.
    mapping(address token => uint256) public protocolFees;

    event OrderFilled(
        uint256 indexed nonce,
        address indexed buyer,
        address indexed seller,
        address optionAddress,
        uint256 premiumAmount,
        uint256 feeCollected,
        address referrer,
        uint256 referralFeePaid,
        bool sellerWasMaker
    );
    event OrderCancelled(uint256 indexed nonce, address indexed maker);
    event FeesClaimed(address indexed recipient, address indexed token, uint256 amount);
    event ReferralFeePaid(address indexed referrer, address indexed collateral, uint256 fee, address optionAddress);
    event ReferrerFeeSplitUpdated(address indexed referrer, uint256 feeBps);

    error InvalidPriceFeedDecimals();
    error PriceFeedStale();
    error PriceMustBePositive();

    constructor(address factory_) EIP712("OptionBook", "1.0") Ownable(msg.sender) {
        factory = factory_;
    }

    function fillOrder(Order calldata order, bytes calldata signature, address referrer)
        external
        returns (address optionAddress)
    {
        Fill memory f;
        f.nonce = _authorize(order, signature);
        (f.buyer, f.seller) = order.isLong ? (order.maker, msg.sender) : (msg.sender, order.maker);
        f.premium = order.price * order.numContracts / PRICE_DECIMALS;
        f.collateral = ReplicaOption(order.implementation).calculateRequiredCollateral(order.strikes, order.numContracts);

        uint256 used = amountFilled[f.nonce] + (order.isLong ? f.premium : f.collateral);
        require(used <= order.maxCollateralUsable, "Exceeds max collateral");
        amountFilled[f.nonce] = used;

        f.fee = MockOptionFactory(factory).calculateFee(order.numContracts, f.premium, _feePrice(order));

        IERC20 token = IERC20(order.collateral);
        token.safeTransferFrom(f.buyer, f.seller, f.premium - f.fee);
        if (f.fee > 0) {
            token.safeTransferFrom(f.buyer, address(this), f.fee);
        }
        f.option = Clones.clone(order.implementation);
        if (f.collateral > 0) {
            token.safeTransferFrom(f.seller, address(this), f.collateral);
            token.safeTransfer(f.option, f.collateral);
        }
        _initialize(order, f);
        _creditFees(order.collateral, referrer, f);

        _emitFilled(f, referrer, !order.isLong);
        return f.option;
    }

    function cancelOrder(Order calldata order) external {
        require(msg.sender == order.maker, "Only maker can cancel");
        uint256 nonce = computeNonce(order);
        amountFilled[nonce] = CANCELLED;
        emit OrderCancelled(nonce, order.maker);
    }

    function claimFees(address token) external {
        uint256 amount = fees[token][msg.sender];
        require(amount > 0, "No fees to claim");
        fees[token][msg.sender] = 0;
        IERC20(token).safeTransfer(msg.sender, amount);
        emit FeesClaimed(msg.sender, token, amount);
    }

    function sweepProtocolFees(address token) external {
        uint256 amount = protocolFees[token];
        protocolFees[token] = 0;
        address recipient = Ownable(factory).owner();
        IERC20(token).safeTransfer(recipient, amount);
        emit FeesClaimed(recipient, token, amount);
    }

    function setReferrerFeeSplit(address referrer, uint256 feeBps) external onlyOwner {
        require(feeBps <= 10000, "Invalid fee split");
        referrerFeeSplitBps[referrer] = feeBps;
        emit ReferrerFeeSplitUpdated(referrer, feeBps);
    }

    function getValidNumContracts(address implementation, uint256[] calldata strikes, uint256 desiredContracts)
        external
        view
        returns (ValidContractsResult memory)
    {
        return ValidContractsResult(
            desiredContracts, ReplicaOption(implementation).calculateRequiredCollateral(strikes, desiredContracts)
        );
    }

    /// REFERENCE §2.5: the group key shared by every quote one maker publishes with the same budget.
    function computeNonce(Order calldata order) public pure returns (uint256) {
        return uint256(
            keccak256(
                abi.encode(
                    order.maker,
                    order.orderExpiryTimestamp,
                    order.collateral,
                    order.isCall,
                    order.priceFeed,
                    order.implementation,
                    order.isLong,
                    order.maxCollateralUsable
                )
            )
        );
    }

    /// The EIP-712 digest the maker signs (REFERENCE §2.6).
    function hashOrder(Order calldata order) public view returns (bytes32) {
        bytes memory head = abi.encode(
            LIMIT_ORDER_TYPEHASH,
            order.maker,
            order.orderExpiryTimestamp,
            order.collateral,
            order.isCall,
            order.priceFeed
        );
        bytes memory tail = abi.encode(
            order.implementation,
            order.isLong,
            order.maxCollateralUsable,
            keccak256(abi.encodePacked(order.strikes)),
            order.expiry,
            order.price
        );
        return _hashTypedDataV4(keccak256(bytes.concat(head, tail)));
    }

    function _authorize(Order calldata order, bytes calldata signature) private view returns (uint256 nonce) {
        nonce = computeNonce(order);
        require(block.timestamp <= order.orderExpiryTimestamp, "Order expired");
        require(amountFilled[nonce] != CANCELLED, "Order cancelled");
        (address signer, ECDSA.RecoverError error,) = ECDSA.tryRecover(hashOrder(order), signature);
        if (error == ECDSA.RecoverError.NoError && signer == order.maker) {
            return nonce;
        }
        // A maker contract (MarketMakerBeacon) lets its operators sign.
        require(error == ECDSA.RecoverError.NoError && order.maker.code.length > 0, "Signer not authorized");
        require(IAccessControl(order.maker).hasRole(OPERATOR_ROLE, signer), "Contract owner not authorized");
    }

    /// The price the notional fee is measured at: the underlying's Chainlink spot for quote collateral,
    /// 1e8 (one unit) for base collateral.
    function _feePrice(Order calldata order) private view returns (uint256) {
        (bool quoteCollateral,,,) = ReplicaOption(order.implementation).unpackOptionType();
        if (!quoteCollateral) {
            return PRICE_DECIMALS;
        }
        IPriceFeed feed = IPriceFeed(order.priceFeed);
        if (feed.decimals() != 8) revert InvalidPriceFeedDecimals();
        (, int256 answer,, uint256 updatedAt,) = feed.latestRoundData();
        if (answer <= 0) revert PriceMustBePositive();
        if (updatedAt == 0) revert PriceFeedStale();
        return uint256(answer);
    }

    function _initialize(Order calldata order, Fill memory f) private {
        ReplicaOption(f.option).initialize(
            ReplicaOption.InitParams({
                buyer: f.buyer,
                seller: f.seller,
                collateralToken: order.collateral,
                priceFeed: order.priceFeed,
                strikes: order.strikes,
                expiryTimestamp: order.expiry,
                numContracts: order.numContracts,
                collateralAmount: f.collateral,
                extraOptionData: order.extraOptionData
            })
        );
    }

    function _emitFilled(Fill memory f, address referrer, bool sellerWasMaker) private {
        emit OrderFilled(
            f.nonce, f.buyer, f.seller, f.option, f.premium, f.fee, referrer, f.referralFee, sellerWasMaker
        );
    }

    function _creditFees(address token, address referrer, Fill memory f) private {
        if (referrer != address(0)) {
            f.referralFee = f.fee * referrerFeeSplitBps[referrer] / 10000;
        }
        if (f.referralFee > 0) {
            fees[token][referrer] += f.referralFee;
            emit ReferralFeePaid(referrer, token, f.referralFee, f.option);
        }
        protocolFees[token] += f.fee - f.referralFee;
    }
}

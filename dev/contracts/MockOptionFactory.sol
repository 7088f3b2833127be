// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @notice The OptionFactory's fee rule as the OptionBook calls it (REFERENCE §2.2 step 6, §3.5):
/// the smaller of 0.06 % of the notional (`numContracts × price`, price 8 dp) and 12.5 % of the premium.
contract MockOptionFactory is Ownable {
    constructor() Ownable(msg.sender) {}

    function calculateFee(uint256 numContracts, uint256 premium, uint256 price) public pure returns (uint256) {
        uint256 notionalFee = numContracts * 6 * price / 1e8 / 10000;
        uint256 premiumCap = premium * 125 / 1000;
        return notionalFee < premiumCap ? notionalFee : premiumCap;
    }
}

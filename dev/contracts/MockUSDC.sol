// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Devnet stand-in for USDC on Base: 6 decimals and an open `mint` (anyone may mint; devnet only).
contract MockUSDC is ERC20 {
    constructor() ERC20("USD Coin (devnet)", "USDC") {}

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.23;

/// Contract "wallets" that misbehave in ERC-1271, for the sign-in refusals: one reverts, one never returns (it
/// burns all the gas an eth_call is given).
contract RevertingWallet {
    function isValidSignature(bytes32, bytes calldata) external pure returns (bytes4) {
        revert("RevertingWallet: no signature is valid");
    }
}

contract LoopingWallet {
    uint256 private spins;

    function isValidSignature(bytes32, bytes calldata) external view returns (bytes4) {
        uint256 i = spins;
        while (i != type(uint256).max) {
            i = i + 1 == type(uint256).max ? 0 : i + 1;
        }
        return 0x1626ba7e;
    }
}

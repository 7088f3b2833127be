// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @notice Devnet stand-in for a Chainlink AggregatorV3 feed on Base: 8 decimals, answer set by the owner.
contract MockPriceFeed is Ownable {
    string public description;
    int256 private answer;
    uint80 private roundId;
    uint256 private updatedAt;

    event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt);

    constructor(string memory description_, int256 answer_) Ownable(msg.sender) {
        description = description_;
        _set(answer_);
    }

    function decimals() external pure returns (uint8) {
        return 8;
    }

    function version() external pure returns (uint256) {
        return 4;
    }

    function setAnswer(int256 answer_) external onlyOwner {
        _set(answer_);
    }

    function latestAnswer() external view returns (int256) {
        return answer;
    }

    function latestRoundData()
        external
        view
        returns (uint80 roundId_, int256 answer_, uint256 startedAt, uint256 updatedAt_, uint80 answeredInRound)
    {
        return (roundId, answer, updatedAt, updatedAt, roundId);
    }

    function _set(int256 answer_) private {
        answer = answer_;
        roundId += 1;
        updatedAt = block.timestamp;
        emit AnswerUpdated(answer_, roundId, block.timestamp);
    }
}

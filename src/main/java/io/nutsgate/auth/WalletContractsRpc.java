package io.nutsgate.auth;

import io.nutsgate.common.ApiException;
import io.nutsgate.common.ErrorCode;
import io.nutsgate.rpc.ChainAccess;
import io.nutsgate.rpc.RpcException;
import java.util.Optional;
import org.springframework.stereotype.Component;
import org.web3j.protocol.core.methods.response.EthCall;

/** Sign-in's contract wallet reads over {@code BASE_RPC_URL}, with its {@code NUTS_RPC_TIMEOUT}. */
@Component
class WalletContractsRpc implements WalletContracts {

    private final ChainAccess chain;

    WalletContractsRpc(ChainAccess chain) {
        this.chain = chain;
    }

    @Override
    public boolean available() {
        return chain.enabled();
    }

    @Override
    public boolean hasCode(String address) {
        try {
            String code = chain.require().code(address);
            return code != null && code.length() > 2;
        } catch (RpcException e) {
            throw unavailable(e);
        }
    }

    @Override
    public Optional<String> call(String to, String data) {
        EthCall result;
        try {
            result = chain.require().callWithOverride(null, to, data, null);
        } catch (RpcException e) {
            if (e.kind() == RpcException.Kind.TIMEOUT && to != null) {
                // isValidSignature of a deployed wallet: the node answered eth_getCode a moment ago, so a check that
                // runs past the timeout is the wallet's code never returning (a loop), which refuses the signature
                // rather than blaming the node
                return Optional.empty();
            }
            throw unavailable(e);
        }
        return result.hasError() ? Optional.empty() : Optional.ofNullable(result.getValue());
    }

    private static ApiException unavailable(RpcException e) {
        return new ApiException(
                ErrorCode.CHAIN_UNAVAILABLE,
                "the chain node did not answer, so a contract wallet's signature cannot be checked now; try again"
                        + " later",
                e);
    }
}

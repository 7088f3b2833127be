package io.nutsgate.auth;

/** Published after a wallet proved itself with SIWE (sign-in or wallet link); {@code address} in lower case. */
public record WalletSignedInEvent(String address) {}

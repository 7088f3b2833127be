package io.nutsgate.auth;

/**
 * Published, synchronously, when a Farcaster Quick Auth token proved {@code fid}: listeners find or create the user of
 * that fid before the request goes on.
 */
public record FarcasterSignedInEvent(long fid) {}

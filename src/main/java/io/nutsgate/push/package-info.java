/**
 * Real-time pushes over Socket.IO on the API's own port ({@code /socket.io/}): wallets subscribe to
 * {@code positions:<wallet>} rooms and receive {@code position:update}, {@code trade:new}, {@code trade:removed}, {@code trade:settled} and {@code trade:updated}.
 * Trade events come from the {@code trades} feature (and the chain indexer) as Spring events; position changes from
 * the watcher of subscribed wallets. Pushes fan out between instances through {@link io.nutsgate.push.PushBus}.
 */
package io.nutsgate.push;

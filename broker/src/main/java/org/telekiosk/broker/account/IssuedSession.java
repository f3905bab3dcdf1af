package org.telekiosk.broker.account;

import java.time.Instant;

/** A new session: the token to hand to the browser (once), and when it expires at the latest. */
public record IssuedSession(OpaqueToken token, Instant expiresAt) {}

package org.telekiosk.broker.consultation;

/**
 * A patient back in their seat after a dropped connection: the seat (with a new resume token; the old one is spent)
 * and the number of the last signaling message they saw, from which the signaling layer replays what they missed.
 */
public record Resumed(Joined seat, long lastSeenMessage) {}

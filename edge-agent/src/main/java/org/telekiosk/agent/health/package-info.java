/**
 * Sensor health: what the agent knows of each configured sensor (present, absent or faulty, with the reason), kept
 * up to date by every read, and the {@code status} messages that carry it to the broker, at start, on every change
 * and at least once per {@code status.interval}.
 */
package org.telekiosk.agent.health;

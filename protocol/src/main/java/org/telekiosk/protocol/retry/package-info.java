/** How the project's MQTT clients wait before reconnecting: exponential backoff with full jitter and a floor. */
package org.telekiosk.protocol.retry;

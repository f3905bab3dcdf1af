package org.telekiosk.broker.http;

import java.util.Objects;
import java.util.concurrent.Executor;
import org.telekiosk.broker.signaling.SignalingService;

/**
 * What the pipeline needs for {@code /ws/signal}: the service, the frame limit ({@code signal.max-frame-bytes}), the
 * executor that runs the service's calls off the event loop, and how many messages may wait per socket.
 */
public record SignalEndpoint(SignalingService service, int maxFrameBytes, Executor executor, int maxPending) {
    public SignalEndpoint {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(executor, "executor");
        if (maxPending < 1) {
            throw new IllegalArgumentException("maxPending must be positive");
        }
    }
}

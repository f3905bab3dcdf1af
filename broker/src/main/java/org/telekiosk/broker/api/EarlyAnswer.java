package org.telekiosk.broker.api;

/** A finished answer thrown out of the depth of an endpoint; never carries a stack trace. */
final class EarlyAnswer extends RuntimeException {
    final ApiResponse response;

    EarlyAnswer(ApiResponse response) {
        super(null, null, false, false);
        this.response = response;
    }
}

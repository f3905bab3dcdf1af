package org.telekiosk.agent.enrollment;

/** An RFC 9457 problem body as the broker sends it. */
public record Problem(String type, String title, int status, String detail) {}

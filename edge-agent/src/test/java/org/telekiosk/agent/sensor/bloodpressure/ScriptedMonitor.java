package org.telekiosk.agent.sensor.bloodpressure;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.IntFunction;

/** A device that answers each command frame with whatever the script makes of its code. */
final class ScriptedMonitor implements SerialDeviceModel {
    private final IntFunction<Frame> script;
    private final Deque<Byte> outgoing = new ArrayDeque<>();

    ScriptedMonitor(IntFunction<Frame> script) {
        this.script = script;
    }

    @Override
    public synchronized void received(byte[] bytes) {
        for (byte b : script.apply(bytes[2] & 0xFF).encode()) {
            outgoing.add(b);
        }
    }

    @Override
    public synchronized int transmitted(byte[] buffer, int offset, int length) {
        int count = 0;
        while (count < length && !outgoing.isEmpty()) {
            buffer[offset + count++] = outgoing.poll();
        }
        return count;
    }
}

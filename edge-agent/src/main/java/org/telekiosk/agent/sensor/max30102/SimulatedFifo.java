package org.telekiosk.agent.sensor.max30102;

/**
 * The MAX30102's 32-sample circular FIFO with its write and read pointers and overflow counter, as the datasheet's
 * "FIFO" section describes them. Not thread-safe: {@link SimulatedMax30102} guards it.
 *
 * <p>Where the datasheet is silent the model chooses: with FIFO_ROLLOVER_EN set, a sample pushed into a full FIFO
 * overwrites the oldest one and the read pointer moves on with the write pointer (the oldest sample is lost and
 * counted); without it, the new sample is dropped and counted. A full FIFO is tracked internally, because the pointers
 * alone cannot tell it from an empty one.
 */
final class SimulatedFifo {

    static final int DEPTH = 32;
    private static final int OVERFLOW_MAX = 0x1F;

    private final byte[][] slots = new byte[DEPTH][];
    private int writePointer;
    private int readPointer;
    private int overflowCounter;
    private int count;
    private byte[] popped = new byte[0];
    private int poppedIndex;

    void clear() {
        writePointer = 0;
        readPointer = 0;
        overflowCounter = 0;
        count = 0;
        endTransfer();
    }

    void push(byte[] sample, boolean rollover) {
        if (count == DEPTH) {
            overflowCounter = Math.min(OVERFLOW_MAX, overflowCounter + 1);
            if (!rollover) {
                return;
            }
            readPointer = (readPointer + 1) % DEPTH;
            count--;
        }
        slots[writePointer] = sample;
        writePointer = (writePointer + 1) % DEPTH;
        count++;
    }

    /**
     * The next byte of a FIFO_DATA burst read. The read pointer advances when the first byte of a sample is read
     * (datasheet, "FIFO Data Register"); popping a sample clears the overflow counter. Reading an empty FIFO is not
     * guarded, as on the chip: it returns stale data and moves the read pointer past the write pointer.
     */
    byte nextByte() {
        if (poppedIndex == popped.length) {
            byte[] sample = slots[readPointer];
            popped = sample != null ? sample : new byte[1];
            poppedIndex = 0;
            readPointer = (readPointer + 1) % DEPTH;
            count = count > 0 ? count - 1 : DEPTH - 1;
            overflowCounter = 0;
        }
        return popped[poppedIndex++];
    }

    /** A STOP ends a burst: a sample read partly is not continued by the next transfer. */
    void endTransfer() {
        popped = new byte[0];
        poppedIndex = 0;
    }

    int writePointer() {
        return writePointer;
    }

    int readPointer() {
        return readPointer;
    }

    int overflowCounter() {
        return overflowCounter;
    }

    int count() {
        return count;
    }

    void setWritePointer(int value) {
        writePointer = value & 0x1F;
        recount();
    }

    void setReadPointer(int value) {
        readPointer = value & 0x1F;
        recount();
    }

    void setOverflowCounter(int value) {
        overflowCounter = value & 0x1F;
    }

    private void recount() {
        count = Math.floorMod(writePointer - readPointer, DEPTH);
    }
}

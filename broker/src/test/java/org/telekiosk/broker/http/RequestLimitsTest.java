package org.telekiosk.broker.http;

import org.telekiosk.broker.config.HttpLimits;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The per-connection request deadline and the per-address connection cap, on {@link EmbeddedChannel}s. */
class RequestLimitsTest {
    EmbeddedChannel deadlineChannel() {
        RequestDeadline deadline = new RequestDeadline(HttpLimits.DEFAULTS.requestDeadline());
        StrictHttpServerCodec http = new StrictHttpServerCodec(4096, 8192, 8192);
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline().addLast(RequestDeadline.BYTES, deadline.bytes());
        channel.pipeline().addLast("http-decoder", http.decoder());
        channel.pipeline().addLast("http-encoder", http.encoder());
        channel.pipeline().addLast(new HttpObjectAggregator(16 * 1024));
        channel.pipeline().addLast(RequestDeadline.REQUESTS, deadline.requests());
        return channel;
    }

    static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    static String written(EmbeddedChannel channel) {
        StringBuilder out = new StringBuilder();
        for (ByteBuf b; (b = channel.readOutbound()) != null; b.release()) {
            out.append(b.toString(StandardCharsets.US_ASCII));
        }
        return out.toString();
    }

    @Test
    void headersTrickledOneByteEveryTenSecondsAreAnswered408AndClosedWhenTheDeadlinePasses() {
        EmbeddedChannel channel = deadlineChannel();
        String request = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
        Duration elapsed = Duration.ZERO;
        for (char c : request.toCharArray()) {
            channel.writeInbound(ascii(String.valueOf(c)));
            channel.advanceTimeBy(10, TimeUnit.SECONDS);
            channel.runScheduledPendingTasks();
            elapsed = elapsed.plusSeconds(10);
            if (!channel.isOpen()) {
                break;
            }
        }
        assertFalse(channel.isOpen());
        assertTrue(elapsed.compareTo(HttpLimits.DEFAULTS.requestDeadline().plusSeconds(10)) <= 0, elapsed.toString());
        assertTrue(written(channel).startsWith("HTTP/1.1 408 "));
    }

    @Test
    void aBodyTrickledSlowlyIsCutOffTheSameWay() {
        EmbeddedChannel channel = deadlineChannel();
        channel.writeInbound(ascii("POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n"));
        for (int i = 0; i < 3 && channel.isOpen(); i++) {
            channel.writeInbound(ascii("{"));
            channel.advanceTimeBy(10, TimeUnit.SECONDS);
            channel.runScheduledPendingTasks();
        }
        assertFalse(channel.isOpen());
        assertTrue(written(channel).startsWith("HTTP/1.1 408 "));
    }

    @Test
    void completeRequestsWithIdleTimeBetweenThemAreNotCutOff() {
        EmbeddedChannel channel = deadlineChannel();
        for (int i = 0; i < 3; i++) {
            channel.writeInbound(ascii("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
            channel.advanceTimeBy(HttpLimits.DEFAULTS.requestDeadline().toSeconds() * 2, TimeUnit.SECONDS);
            channel.runScheduledPendingTasks();
        }
        assertTrue(channel.isOpen());
        assertEquals("", written(channel));
        assertEquals(3, channel.inboundMessages().size());
        channel.finishAndReleaseAll();
    }

    @Test
    void theConnectionPastTheLimitOfOneAddressIsClosedAndAFreedPlaceCanBeTakenAgain() {
        ConnectionsPerAddress cap = new ConnectionsPerAddress(3);
        List<EmbeddedChannel> open = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            open.add(new EmbeddedChannel(cap));
        }
        assertTrue(open.stream().allMatch(EmbeddedChannel::isOpen));
        EmbeddedChannel fourth = new EmbeddedChannel(cap);
        assertFalse(fourth.isOpen());
        assertEquals(1, cap.refused());
        open.getFirst().close();
        EmbeddedChannel again = new EmbeddedChannel(cap);
        assertTrue(again.isOpen());
    }
}

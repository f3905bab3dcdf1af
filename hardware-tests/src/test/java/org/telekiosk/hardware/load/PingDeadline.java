package org.telekiosk.hardware.load;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The client side of a {@link NettyUplink} connection's Keep Alive (MQTT 5 §3.1.2.10, §3.12.4), as the agent's Paho
 * client keeps it (Paho's {@code ClientState#checkForActivity}, as its public source reads), behind Netty's
 * {@code IdleStateHandler} with a reader and a writer timeout of the Keep Alive. Once the CONNACK accepted the connection: a PINGREQ when nothing was
 * written for a Keep Alive, or when nothing was read for one and no PINGREQ is unanswered. The deadline is Paho's: a
 * PINGREQ still unanswered a Keep Alive after it was sent, with nothing at all read from the server in that time, means
 * the server is gone (a half-open TCP connection, as a cellular link leaves one, that TCP itself notices only after
 * many minutes of retransmissions); the connection then fails with a {@link PingrespTimeoutException} up the pipeline,
 * which the session ends and counts as any lost connection ("MQTT 5 §3.12.4: if a Client does not receive a PINGRESP
 * within a reasonable amount of time after it has sent a PINGREQ, it SHOULD close the Network Connection"). Anything
 * else read in that Keep Alive (a PUBACK, a PUBLISH) shows the server alive, and the wait goes on for another one, as
 * Paho's does. PINGRESPs and idle events end here; everything else passes on.
 *
 * <p>The deadline is a task on the channel's executor (so {@code EmbeddedChannel#advanceTimeBy} moves it in tests), at
 * most one a connection, armed at a PINGREQ: nothing is scheduled or read from a clock per packet.
 */
final class PingDeadline extends ChannelDuplexHandler {
    private final long keepAliveNanos;
    private final NettyKiosks.Counts counts;
    private boolean accepted;
    private int unanswered;
    private boolean heard;
    private ScheduledFuture<?> deadline;

    PingDeadline(long keepAliveNanos, NettyKiosks.Counts counts) {
        this.keepAliveNanos = keepAliveNanos;
        this.counts = counts;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        heard = true;
        if (msg instanceof MqttMessage m && m.decoderResult().isSuccess()) {
            MqttMessageType type = m.fixedHeader().messageType();
            if (type == MqttMessageType.PINGRESP) {
                counts.count("PINGRESP");
                unanswered = Math.max(0, unanswered - 1);
                if (unanswered == 0) {
                    cancel();
                }
                return;
            }
            if (type == MqttMessageType.CONNACK) {
                accepted = ((MqttConnAckMessage) m).variableHeader().connectReturnCode()
                        == MqttConnectReturnCode.CONNECTION_ACCEPTED;
            }
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (!(evt instanceof IdleStateEvent idle)) {
            super.userEventTriggered(ctx, evt);
            return;
        }
        if (accepted && (idle.state() == IdleState.WRITER_IDLE || unanswered == 0)) {
            ping(ctx);
        }
    }

    private void ping(ChannelHandlerContext ctx) {
        unanswered++;
        counts.count("PINGREQ");
        ctx.writeAndFlush(MqttPackets.pingReq(), ctx.voidPromise());
        if (deadline == null) {
            arm(ctx);
        }
    }

    private void arm(ChannelHandlerContext ctx) {
        heard = false;
        deadline = ctx.executor().schedule(() -> expire(ctx), keepAliveNanos, TimeUnit.NANOSECONDS);
    }

    private void expire(ChannelHandlerContext ctx) {
        deadline = null;
        if (unanswered == 0 || !ctx.channel().isActive()) {
            return;
        }
        if (heard) {
            arm(ctx); // the server is alive, its PINGRESP behind what it is sending
            return;
        }
        ctx.fireExceptionCaught(new PingrespTimeoutException("no PINGRESP nor any other packet within the Keep Alive"
                + " of " + TimeUnit.NANOSECONDS.toSeconds(keepAliveNanos) + " s after a PINGREQ"));
    }

    private void cancel() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    /** The server stayed silent after a PINGREQ: the connection is taken for dead. */
    static final class PingrespTimeoutException extends IOException {
        PingrespTimeoutException(String message) {
            super(message);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this; // an expected outcome, counted by its message
        }
    }
}

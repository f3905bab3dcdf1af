package org.telekiosk.broker.mqtt;

import com.hivemq.extension.sdk.api.async.Async;
import com.hivemq.extension.sdk.api.async.TimeoutFallback;
import com.hivemq.extension.sdk.api.client.parameter.ConnectionInformation;
import com.hivemq.extension.sdk.api.interceptor.publish.PublishInboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundInput;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundOutput;
import com.hivemq.extension.sdk.api.packets.general.Qos;
import com.hivemq.extension.sdk.api.packets.publish.AckReasonCode;
import com.hivemq.extension.sdk.api.packets.publish.PublishPacket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.topic.KioskTopic;
import org.telekiosk.protocol.topic.KioskUplink;

/**
 * The in-process intake ({@code mqtt.intake=in-process}, embedded HiveMQ only): takes each kiosk's PUBLISH on its own
 * channel topics inside the MQTT broker, hands the payload to the same {@link Subscription} the broker's MQTT client
 * would (the measurement intake), and answers the kiosk's PUBACK only once that is done (a reading: committed to the
 * store). HiveMQ never queues, persists or routes the message: no shared subscription, no second TLS hop, no file
 * persistence of the shared group's queue (where most of the broker's CPU went under load, issue 16).
 *
 * <p><b>Which publishes.</b> A kiosk's publishes (the client id is the kiosk id, the authenticator made sure) to its
 * own {@code measurements}, {@code status} and {@code commands} topics with QoS 1 and no retain: exactly those that
 * {@link KioskTopicAuthorizer} and the default permissions let through. HiveMQ calls inbound interceptors before
 * the authorizer, and a publish whose delivery an interceptor prevented is never authorized, so this checks the same
 * rule itself; anything else goes on to the authorizer, which refuses it as before (PUBACK 0x87). It checks the
 * kiosk's publish quota first ({@link KioskQuotaInterceptor#refused}): a publish over the quota, on any topic, is
 * answered 0x97 and goes no further, as with the quota's own interceptor, which it replaces for kiosks (HiveMQ runs
 * each interceptor of a publish as a task of its own on its extension threads, so one interceptor instead of two is
 * one task and one hand-over less per publish). It is registered for kiosks only, one interceptor per kiosk
 * connection ({@link #forKiosk}, from {@link EmbeddedMqttBroker}'s client initializer) that knows its kiosk and the
 * kiosk's topics: the topic of a publish is parsed once, by comparing it with those, and handed on parsed
 * ({@link Subscription#handleOrRefuse(KioskTopic, ByteBuffer)}). The broker's own clients' publishes (the store
 * acknowledgements) go straight to the authorizer, and are left alone here too. A kiosk's Will ({@code presence
 * offline}) is published by HiveMQ itself, not received, so it still reaches the broker's shared subscription, which
 * stays for it.
 *
 * <p><b>When the PUBACK goes.</b> The output is made asynchronous ({@link PublishInboundOutput#async}) until the
 * intake's stage completes; then delivery is prevented with reason code 0x00 (MQTT 5 §3.4.2.1), which makes HiveMQ
 * send the PUBACK and drop the message. HiveMQ runs one client's interceptor tasks one after the other and holds
 * the client's queue while a task is asynchronous, so a kiosk's publishes are taken, committed and acknowledged in its
 * order (§4.6); different kiosks' readings reach the store's writer together and share its commits. A kiosk has at most
 * one reading in the store's queue at a time: its rate is bounded by the commit latency (dozens a second at a commit
 * a few tens of milliseconds long), far above the three a second a kiosk sends.
 *
 * <p><b>When it fails.</b> A stage that fails (the store could not commit), one that takes longer than {@link
 * #COMMIT_TIMEOUT}, a publish before the intake is wired ({@link #takeWith}) and one during a drain ({@link
 * #stopTaking}) are answered 0x97 "quota exceeded": the only reason code at or above 0x80 that tells a kiosk the
 * reading is fine and to send it again later (protocol/README.md: the agent keeps it and resends after {@code
 * outbox.retry-delay}); any other would make it quarantine a good reading. The store keeps each (kiosk, seq) once, so
 * a reading committed after its timeout and sent again is a duplicate, not a second copy. A refused payload (one the
 * intake cannot take) is acknowledged 0x00 once its refusal is kept, and the kiosk learns of it in its store-ack's
 * {@code refused} list, as with the shared subscription (protocol/README.md, "Refused readings"), except on a
 * connection that negotiated the PUBACK as the store acknowledgement ({@link PubackAcks}): there a refused reading is
 * answered 0x99 "payload format invalid" with the refusal's code and detail as the reason string.
 *
 * <p>Never blocks HiveMQ's threads: the intake decodes and queues to the store's writer; the PUBACK is released from
 * the thread that completes the stage (the store's writer, right after the commit).
 */
public final class InProcessIntake {
    /**
     * How long a publish may wait for its commit before the kiosk is told to send it again (PUBACK 0x97). Far above a
     * commit (milliseconds to a few hundred under load), well below the kiosk's own resend timeout.
     */
    static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(20);
    /** PUBACK for a reading not taken now but fine: the kiosk keeps it and sends it again later. */
    private static final AckReasonCode SEND_AGAIN = AckReasonCode.QUOTA_EXCEEDED;

    /** PUBACK for a refused reading, to a kiosk whose PUBACK is its store acknowledgement ({@link PubackAcks}). */
    private static final AckReasonCode REFUSED = AckReasonCode.PAYLOAD_FORMAT_INVALID;

    /** An empty payload (refused as such by the intake); read only, so shared. */
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

    private final KioskQuotaInterceptor quota;
    private final PubackAcks pubackAcks;
    private final LongAdder refusedByPuback = new LongAdder();
    private volatile Subscription taker;
    private volatile boolean stopped;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder prevented = new LongAdder();
    private final LongAdder taken = new LongAdder();
    private final LongAdder acknowledged = new LongAdder();
    private final LongAdder sendAgain = new LongAdder();
    private final LongAdder timedOut = new LongAdder();

    /** @param quota the kiosks' publish quota, checked before anything else (PUBACK 0x97 over it) */
    InProcessIntake(KioskQuotaInterceptor quota) {
        this(quota, PubackAcks.off());
    }

    /**
     * @param quota      the kiosks' publish quota, checked before anything else (PUBACK 0x97 over it)
     * @param pubackAcks which kiosk connections have their PUBACK as the store acknowledgement (a refusal: 0x99)
     */
    InProcessIntake(KioskQuotaInterceptor quota, PubackAcks pubackAcks) {
        this.quota = Objects.requireNonNull(quota, "quota");
        this.pubackAcks = Objects.requireNonNull(pubackAcks, "pubackAcks");
    }

    /** The negotiation of the PUBACK as the store acknowledgement, with what it knows of the kiosks connected. */
    public PubackAcks pubackAcks() {
        return pubackAcks;
    }

    /**
     * From now on every kiosk publish this interceptor takes goes to {@code subscription}'s {@link Subscription#handle}
     * (its topic filter is not used). Once, when the node's intake is built; before that, publishes are answered 0x97.
     */
    public void takeWith(Subscription subscription) {
        Objects.requireNonNull(subscription, "subscription");
        if (taker != null) {
            throw new IllegalStateException("the in-process intake is wired already");
        }
        taker = subscription;
    }

    /**
     * The interceptor for one kiosk's connection ({@link EmbeddedMqttBroker}'s client initializer, which knows the
     * kiosk from the client id the authenticator checked): it carries the kiosk's {@link KioskUplink}, so a publish's
     * topic is matched against the kiosk's three topic names made once and handed on parsed, and the kiosk's id is
     * neither parsed nor validated again a publish. Immutable, so HiveMQ may call it from any of its threads; it lives
     * as long as HiveMQ's context of that connection, and holds nothing of any other kiosk.
     */
    PublishInboundInterceptor forKiosk(KioskId kiosk) {
        return new KioskPublishes(KioskUplink.of(kiosk));
    }

    /** One kiosk connection's publishes ({@link #forKiosk}). */
    private final class KioskPublishes implements PublishInboundInterceptor {
        private final KioskUplink uplink;

        KioskPublishes(KioskUplink uplink) {
            this.uplink = uplink;
        }

        @Override
        public void onInboundPublish(PublishInboundInput input, PublishInboundOutput output) {
            take(uplink, input, output);
        }
    }

    private void take(KioskUplink uplink, PublishInboundInput input, PublishInboundOutput output) {
        KioskId kiosk = uplink.kiosk();
        if (quota.refused(kiosk, output)) {
            return; // answered 0x97; counted by the quota (EmbeddedMqttBroker#droppedMessages takes it out)
        }
        PublishPacket packet = input.getPublishPacket();
        Optional<KioskTopic> own = uplink.parse(packet.getTopic());
        if (own.isEmpty() || packet.getQos() != Qos.AT_LEAST_ONCE || packet.getRetain()) {
            return; // the authorizer and the default permissions refuse it, as without this interceptor
        }
        KioskTopic topic = own.get();
        inFlight.incrementAndGet();
        prevented.increment(); // every publish that gets here ends with its delivery prevented, 0x00 or 0x97
        Subscription subscription = taker;
        if (subscription == null || stopped) {
            sendAgain.increment();
            done();
            output.preventPublishDelivery(SEND_AGAIN, subscription == null
                    ? "the broker is starting; send it again later" : "the broker is stopping; send it again later");
            return;
        }
        taken.increment();
        CompletionStage<Optional<String>> stage;
        try {
            // HiveMQ's read-only view of the payload, read in place (a refused one is copied once, to be kept).
            stage = subscription.handleOrRefuse(topic, packet.getPayload().orElse(EMPTY));
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Optional<String>> future = stage.toCompletableFuture();
        ConnectionInformation connection = input.getConnectionInformation();
        if (future.isDone()) {
            // A status, a command update kept at once, a payload refused without a number: no need to wait.
            acknowledge(output, future.isCompletedExceptionally() ? null : future.join(), connection, topic);
            return;
        }
        Async<PublishInboundOutput> async = output.async(COMMIT_TIMEOUT, TimeoutFallback.FAILURE, SEND_AGAIN,
                "not stored in time; send it again later");
        future.whenComplete((refusal, failure) -> {
            try {
                acknowledge(output, failure != null ? null : refusal, connection, topic);
            } finally {
                async.resume();
            }
        });
    }

    /**
     * PUBACK 0x00 once taken care of, 0x97 if not ({@code refusal} null); a refused payload 0x99 with the reason if it
     * is a reading on a connection that negotiated it, else 0x00 (its refusal kept; the store-ack names it). Whether
     * the connection negotiated is asked only for a refusal (HiveMQ's attribute store: a lock, a copy and a string a
     * look-up). Tolerates HiveMQ's timeout having answered first.
     */
    private void acknowledge(PublishInboundOutput output, Optional<String> refusal, ConnectionInformation connection,
            KioskTopic topic) {
        try {
            if (refusal == null) {
                output.preventPublishDelivery(SEND_AGAIN, "not stored; send it again later");
                sendAgain.increment();
            } else if (refusal.isPresent() && pubackAcks.negotiated(connection)
                    // 0x99 only for readings: a status's or a command update's PUBACK means what it always meant.
                    && topic.channel() == KioskTopic.Channel.MEASUREMENTS) {
                output.preventPublishDelivery(REFUSED, refusal.get());
                refusedByPuback.increment();
            } else {
                output.preventPublishDelivery(AckReasonCode.SUCCESS);
                acknowledged.increment();
            }
        } catch (UnsupportedOperationException alreadyAnswered) {
            // The timeout came first: HiveMQ answered 0x97 and the kiosk sends it again (stored once: a duplicate).
            timedOut.increment();
        } finally {
            done();
        }
    }

    private void done() {
        if (inFlight.decrementAndGet() == 0) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /**
     * Stops taking publishes (a drain, issue 17): from now on they are answered 0x97 (the kiosk keeps them and sends
     * them again, after the node's restart), and waits at most {@code wait} until every publish taken before was
     * answered; whether all were. Blocking.
     */
    public boolean stopTaking(Duration wait) {
        stopped = true;
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (this) {
            while (inFlight.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    /** Kiosk publishes handed to the intake since start. */
    public long takenCount() {
        return taken.sum();
    }

    /** Kiosk publishes answered PUBACK 0x00 after they were taken care of (a reading: committed), since start. */
    public long acknowledgedCount() {
        return acknowledged.sum();
    }

    /**
     * Kiosk publishes answered PUBACK 0x97 to be sent again (the store failed or took longer than {@link
     * #COMMIT_TIMEOUT}, the intake was not wired yet, or the node drains), since start.
     */
    public long sendAgainCount() {
        return sendAgain.sum() + timedOut.sum();
    }

    /**
     * Kiosk publishes whose onward delivery this interceptor prevented (answered 0x00 or 0x97, or about to be), since
     * start: HiveMQ counts each as a dropped message ({@link EmbeddedMqttBroker#droppedMessages} takes them out).
     */
    public long preventedCount() {
        return prevented.sum();
    }

    /** Kiosk readings refused with PUBACK 0x99 (to connections that negotiated it, {@link PubackAcks}), since start. */
    public long refusedByPubackCount() {
        return refusedByPuback.sum();
    }

    /** Publishes taken and not answered yet. */
    public int inFlight() {
        return inFlight.get();
    }
}

package org.telekiosk.broker.telemetry;

import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.request.Refusal;
import org.telekiosk.broker.store.RefusedReading;
import org.telekiosk.protocol.MalformedMessageException;
import org.telekiosk.protocol.MalformedMessageException.Reason;
import org.telekiosk.protocol.Untrusted;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.topic.KioskTopic;
import org.telekiosk.protocol.topic.Topics;

/**
 * Where every MQTT message from a kiosk enters the broker: it checks the topic, decodes the CBOR payload strictly,
 * checks that the message's kiosk is the topic's kiosk, and hands good measurements on. A bad message is refused
 * (a {@link Refusal.MalformedMessage}: the broker's one refusal model, its code the protocol's),
 * counted by reason code (protocol/README.md, "Refused payloads"), and logged with its code, at most one line per
 * kiosk and code a minute plus a summary ({@link RefusalLog}); it never stops the good ones. A refused payload on a kiosk's
 * {@code measurements} topic whose sequence number can be read ({@link WireCodec#peekSeq}) is handed to the sink as a {@link RefusedReading}, so that the store keeps it aside, counts
 * its number as received, and the kiosk learns of it in its store-ack (protocol/README.md, "Refused readings"). No
 * transport here: the MQTT client adapter calls {@link #handle}.
 */
public final class MeasurementIntake {
    private static final Logger LOG = LoggerFactory.getLogger(MeasurementIntake.class);

    private final WireCodec codec;
    private final MessageSink downstream;
    private final LongAdder accepted = new LongAdder();
    private final Map<Reason, LongAdder> rejected = new EnumMap<>(Reason.class);
    private final RefusalLog refusals;

    /** With a downstream that takes each message at once (no store). */
    public MeasurementIntake(WireCodec codec, Consumer<KioskMessage> downstream) {
        this(codec, message -> {
            downstream.accept(message);
            return CompletableFuture.completedFuture(null);
        });
    }

    /** With a downstream that completes each message later, e.g. once it is stored. */
    public static MeasurementIntake withSink(WireCodec codec, MessageSink downstream) {
        return new MeasurementIntake(codec, downstream);
    }

    private MeasurementIntake(WireCodec codec, MessageSink downstream) {
        this(codec, downstream, Clock.systemUTC());
    }

    /** With a clock for the refusal log's windows. */
    static MeasurementIntake withSink(WireCodec codec, MessageSink downstream, Clock clock) {
        return new MeasurementIntake(codec, downstream, clock);
    }

    private MeasurementIntake(WireCodec codec, MessageSink downstream, Clock clock) {
        this.refusals = new RefusalLog(clock);
        this.codec = codec;
        this.downstream = downstream;
        for (Reason reason : Reason.values()) {
            rejected.put(reason, new LongAdder());
        }
    }

    /** Takes one MQTT message; returns the message it carried, or empty if it was refused. */
    public Optional<KioskMessage> accept(String topic, byte[] payload) {
        Optional<KioskMessage> message = check(topic, ByteBuffer.wrap(payload), new Refused());
        message.ifPresent(downstream::take);
        return message;
    }

    /**
     * Takes one MQTT message; the stage completes when the downstream has taken care of it, or at once if it was
     * refused (a refused message is never worth a redelivery). It fails if the downstream failed.
     */
    public CompletionStage<Void> handle(String topic, byte[] payload) {
        return handle(topic, ByteBuffer.wrap(payload));
    }

    /**
     * As {@link #handle(String, byte[])}, for the bytes from {@code payload}'s position to its limit (the MQTT broker's
     * read-only buffer: a reading is decoded in place; only a refused payload is copied, once, to be kept).
     */
    public CompletionStage<Void> handle(String topic, ByteBuffer payload) {
        Refused refused = new Refused();
        Optional<KioskMessage> message = check(topic, payload, refused);
        if (message.isPresent()) {
            return downstream.take(message.get());
        }
        return refused.refusal == null ? CompletableFuture.completedFuture(null)
                : downstream.refuse(refused.refusal);
    }

    /**
     * As {@link #handle}, and says whether the payload was refused: empty once the downstream has taken care of it,
     * else the refusal's code and detail ({@code "invalid-field: ..."}; our own words, never the payload), once a
     * refusal that names a number is kept. For a kiosk whose PUBACK is its store acknowledgement (PUBACK 0x99).
     */
    public CompletionStage<Optional<String>> handleOrRefuse(String topic, byte[] payload) {
        return handleOrRefuse(topic, ByteBuffer.wrap(payload));
    }

    /** As {@link #handleOrRefuse(String, byte[])}, for the bytes from {@code payload}'s position to its limit. */
    public CompletionStage<Optional<String>> handleOrRefuse(String topic, ByteBuffer payload) {
        Refused refused = new Refused();
        return answer(check(topic, payload, refused), refused);
    }

    /**
     * As {@link #handleOrRefuse(String, ByteBuffer)}, on a topic the caller parsed already (the in-process intake: a
     * kiosk connection's own topics, {@link org.telekiosk.protocol.topic.KioskUplink}); what follows the parse (the
     * decode, the checks, the refusals and their counts) is the same.
     */
    public CompletionStage<Optional<String>> handleOrRefuse(KioskTopic topic, ByteBuffer payload) {
        Refused refused = new Refused();
        refusals.summarize();
        return answer(check(topic, payload, refused), refused);
    }

    /** The stage {@link #handleOrRefuse} answers for a checked payload: taken on, or refused (and kept). */
    private CompletionStage<Optional<String>> answer(Optional<KioskMessage> message, Refused refused) {
        if (message.isPresent()) {
            return downstream.take(message.get()).thenApply(ok -> Optional.empty());
        }
        Optional<String> why = Optional.of(refused.why == null ? Reason.MISMATCH.code() : refused.why);
        return refused.refusal == null ? CompletableFuture.completedFuture(why)
                : downstream.refuse(refused.refusal).thenApply(ok -> why);
    }

    /** Why the last check refused a payload, and the reading, if it named a number on a kiosk's measurements topic. */
    private static final class Refused {
        RefusedReading refusal;
        String why;
    }

    private Optional<KioskMessage> check(String topic, ByteBuffer payload, Refused refused) {
        refusals.summarize();
        Optional<KioskTopic> parsed = Topics.parse(topic);
        if (parsed.isEmpty()) {
            return reject(new Refusal.MalformedMessage(Reason.MISMATCH, "not a kiosk topic"), topic, "-");
        }
        return check(parsed.get(), payload, refused);
    }

    /** The payload on a topic of the scheme ({@link Topics#parse}): decoded, on its channel, of the topic's kiosk. */
    private Optional<KioskMessage> check(KioskTopic parsed, ByteBuffer payload, Refused refused) {
        KioskMessage message;
        try {
            // From the topic's kiosk: a reading that names it takes the topic's id, not one made again.
            message = codec.decodeFrom(parsed.kiosk(), payload);
        } catch (MalformedMessageException e) {
            return reject(e.reason(), e.getMessage(), parsed, payload, refused);
        }
        if (!Topics.carries(parsed.channel(), message)) {
            return reject(Reason.MISMATCH, "a " + message.getClass().getSimpleName() + " does not belong on the '"
                    + parsed.channel().segment() + "' channel", parsed, payload, refused);
        }
        if (!message.kiosk().equals(parsed.kiosk())) {
            return reject(Reason.MISMATCH,
                    "payload names kiosk '" + message.kiosk() + "', topic kiosk is '" + parsed.kiosk() + "'",
                    parsed, payload, refused);
        }
        accepted.increment();
        return Optional.of(message);
    }

    /** A payload refused on a topic of the scheme, logged with that topic's name (the one the kiosk published to). */
    private Optional<KioskMessage> reject(Reason reason, String why, KioskTopic parsed, ByteBuffer payload,
            Refused refused) {
        Refusal.MalformedMessage refusal = new Refusal.MalformedMessage(reason, Untrusted.printable(why, 120));
        refused.why = refusal.code() + ": " + refusal.detail();
        if (parsed.channel() == KioskTopic.Channel.MEASUREMENTS) {
            byte[] kept = WireCodec.bytesOf(payload); // a refusal's only copy of a broker's buffer: the payload kept
            java.util.OptionalLong seq = codec.peekSeq(kept);
            if (seq.isPresent()) {
                refused.refusal = new RefusedReading(parsed.kiosk(), seq.getAsLong(), refusal.code(),
                        refusal.detail(), kept);
            }
        }
        return reject(refusal, parsed.name(), parsed.kiosk().value());
    }

    private Optional<KioskMessage> reject(Refusal.MalformedMessage refusal, String topic, String kiosk) {
        rejected.get(refusal.reason()).increment();
        String printableTopic = Untrusted.printable(topic, 120);
        refusals.refused(kiosk, refusal.code(), printableTopic);
        // Every refusal with its detail (our own words, at most 120 printable characters; never the payload) at
        // DEBUG: off in operation, where the rate-limited WARN line with the code is enough; tests that must name
        // a refusal turn it on.
        LOG.debug("Refused MQTT message from kiosk {} on '{}': {}: {}", kiosk, printableTopic, refusal.code(),
                refusal.detail());
        return Optional.empty();
    }

    public long acceptedCount() {
        return accepted.sum();
    }

    public long rejectedCount(Reason reason) {
        return rejected.get(reason).sum();
    }

    /** Rejections by reason code, for status pages and metrics. */
    public Map<String, Long> rejectedCounts() {
        Map<String, Long> counts = new java.util.TreeMap<>();
        rejected.forEach((reason, count) -> counts.put(reason.code(), count.sum()));
        return counts;
    }

}

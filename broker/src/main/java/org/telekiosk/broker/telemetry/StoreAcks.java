package org.telekiosk.broker.telemetry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.kiosk.PerKioskState;
import org.telekiosk.broker.store.Gap;
import org.telekiosk.broker.store.KioskProgress;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.downlink.StoreAck;
import org.telekiosk.protocol.telemetry.KioskStatus;

/**
 * Tells each kiosk how far the store holds its readings ({@link StoreAck}), so that its outbox deletes a reading only
 * once it is stored, not when the MQTT broker acknowledged it (HiveMQ CE loses acknowledged QoS 1 messages when its
 * process is killed).
 *
 * <p><b>When.</b> A stored (or duplicate) reading marks its kiosk; a {@link KioskStatus} marks it and forces the
 * acknowledgement out even if it did not advance, because a status is what a kiosk sends first after every
 * (re)connect. {@link #flush()}, called every {@code store-ack interval} by one scheduler thread, reads the marked
 * kiosks' progress from the store and publishes one acknowledgement per kiosk: however many readings came in, a kiosk
 * gets at most one acknowledgement per interval. An acknowledgement the MQTT client could not take (not connected,
 * refused) keeps its kiosk marked for the next flush: the store's progress is not told to a kiosk only once.
 *
 * <p><b>Settling.</b> After publishing for a kiosk, the next flush reads that kiosk's progress once more and publishes
 * again if it advanced. Several nodes on one external MQTT broker each publish the retained acknowledgement of the
 * readings they stored, each from its own read of the shared store: a node whose read came before another node's commit
 * can publish its lower value after the other's higher one (seen 2-4 times a run in
 * ExternalMqttTwoNodesIntegrationTest), and the retained message, what a reconnecting kiosk gets first, would stay
 * behind the store once the kiosk falls silent. The settling read puts the store's latest value last. With one node
 * it costs one progress read per kiosk after its last reading (while readings keep coming, the kiosk is read every
 * flush anyway). Nothing here runs on HiveMQ's threads or an event loop: the marks are
 * a set insertion; the store reads run on the store's reader threads, the publishing on the flushing thread (the MQTT
 * client only queues).
 *
 * <p><b>How far.</b> {@link #storedThrough}: the highest number such that every number up to it is stored or below the
 * kiosk's {@link KioskStatus#heldFrom() heldFrom}. A gap the kiosk can still fill stops it, even if gap tracking has
 * reported it lost (the kiosk sends those readings again after its resend timeout, and the store takes a late reading
 * into a lost gap); a gap below {@code heldFrom} (readings the kiosk dropped itself, or numbers never used) does not.
 * Until a kiosk's status arrived after a broker start, {@code heldFrom} is taken as 0: every gap stops it.
 *
 * <p><b>Refused readings.</b> The store counts a refused number as received, so it never stops the acknowledgement;
 * the acknowledgement names every refused number from the kiosk's {@code heldFrom} up to {@code storedThrough}
 * ({@link StoreAck#refused()}), at most {@link StoreAck#MAX_REFUSED}, and stops below the first refused number it
 * cannot name, so that a kiosk never deletes a refused reading it was not told of (it quarantines those it is told
 * of). Once the kiosk quarantined them, its {@code heldFrom} passes them and they drop from the list.
 *
 * <p>What it keeps per kiosk (its {@code heldFrom}, the last acknowledgement published) is kept while the kiosk is
 * enrolled: forgetting an enrolled kiosk's {@code heldFrom} would stop its acknowledgement at its own gaps until its
 * next status. A revoked kiosk's is dropped ({@link #forget}, {@link #prune}).
 */
public final class StoreAcks implements PerKioskState {
    private static final Logger LOG = LoggerFactory.getLogger(StoreAcks.class);
    /** How long one flush waits for the store's progress reads; the kiosks not read by then wait for the next. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private final java.util.function.BiFunction<KioskId, Long, CompletableFuture<KioskProgress>> progress;
    private final Predicate<StoreAck> publisher;
    private final Map<KioskId, Long> heldFrom = new ConcurrentHashMap<>();
    private final Map<KioskId, Long> published = new ConcurrentHashMap<>();
    private final Map<KioskId, List<Long>> publishedRefused = new ConcurrentHashMap<>();
    private final Map<KioskId, Boolean> marked = new ConcurrentHashMap<>();
    /** Kiosks published for at the last flush, read once more at the next (see "Settling"). */
    private final Set<KioskId> settling = ConcurrentHashMap.newKeySet();
    /**
     * Each kiosk's progress read still running from a flush that stopped waiting for it: the next flush waits for that
     * one instead of starting another, so reads slower than the flushes (5,000 kiosks on a loaded node: 40,072
     * readers queued at once, issue 16) cannot pile up. Filled by the flushing thread; {@link #forget} drops a kiosk.
     */
    private final Map<KioskId, CompletableFuture<KioskProgress>> unfinished = new ConcurrentHashMap<>();
    private final Duration readTimeout;
    /** Kiosks whose readings their PUBACKs acknowledged ({@link #byPuback}); none by default. */
    private volatile Predicate<KioskId> pubacked = kiosk -> false;

    /**
     * @param progress  reads a kiosk's progress from the store ({@code MeasurementStore::progress}), off the caller
     * @param publisher publishes an acknowledgement on the kiosk's {@code acks} topic and says whether it was handed
     *                  to the MQTT client (or is not to be sent at all); must not block
     */
    public StoreAcks(Function<KioskId, CompletableFuture<KioskProgress>> progress, Predicate<StoreAck> publisher) {
        this((kiosk, heldFrom) -> progress.apply(kiosk), publisher);
        Objects.requireNonNull(progress, "progress");
    }

    /**
     * @param progress  reads a kiosk's progress from the store, with its refused numbers at or above the given
     *                  {@code heldFrom} (at most {@link StoreAck#MAX_REFUSED} + 1 of them; {@code
     *                  (k, from) -> store.progress(k, from, StoreAck.MAX_REFUSED + 1)}), off the caller
     * @param publisher publishes an acknowledgement on the kiosk's {@code acks} topic and says whether it was handed
     *                  to the MQTT client; {@code false} (not connected, the client refused it) keeps the kiosk marked,
     *                  so the next flush sends it again. {@code true} also for an acknowledgement deliberately not
     *                  sent (a revoked kiosk). Must not block
     */
    public StoreAcks(java.util.function.BiFunction<KioskId, Long, CompletableFuture<KioskProgress>> progress,
            Predicate<StoreAck> publisher) {
        this(progress, publisher, READ_TIMEOUT);
    }

    StoreAcks(java.util.function.BiFunction<KioskId, Long, CompletableFuture<KioskProgress>> progress,
            Predicate<StoreAck> publisher, Duration readTimeout) {
        this.progress = Objects.requireNonNull(progress, "progress");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.readTimeout = Objects.requireNonNull(readTimeout, "readTimeout");
    }

    /**
     * A reading of {@code kiosk} was committed, or was a duplicate: a kiosk sends a stored reading again only when it
     * did not learn that it was stored, so a duplicate sends the next acknowledgement even if it did not advance (a
     * retained acknowledgement can be lost with HiveMQ's process). Any thread; only marks.
     */
    public void stored(KioskId kiosk, boolean duplicate) {
        if (pubacked.test(kiosk)) {
            return; // its PUBACK (0x00, or 0x99 for a refusal) was its acknowledgement
        }
        if (duplicate) {
            marked.put(kiosk, Boolean.TRUE);
        } else {
            marked.putIfAbsent(kiosk, Boolean.FALSE);
        }
    }

    /**
     * From now on the readings (stored, duplicate or refused) of a kiosk {@code pubacked} names mark nothing: it is
     * connected with its PUBACK as its store acknowledgement (protocol/README.md, "PUBACK as the store
     * acknowledgement"), which the in-process intake sends after the commit. Its status still forces one, so the
     * retained acknowledgement a reconnecting kiosk gets first is at most a status interval (a minute) old. Set once,
     * before the intake starts; must not block.
     */
    public void byPuback(Predicate<KioskId> pubacked) {
        this.pubacked = Objects.requireNonNull(pubacked, "pubacked");
    }

    /** Sends {@code kiosk}'s next acknowledgement regardless (its connection with PUBACKs as acknowledgements ended). */
    public void refresh(KioskId kiosk) {
        marked.put(kiosk, Boolean.TRUE);
    }

    /** A status of a kiosk arrived: remembers its {@code heldFrom} and sends the next acknowledgement regardless. */
    public void status(KioskStatus status) {
        heldFrom.merge(status.kiosk(), status.heldFrom(), Math::max);
        marked.put(status.kiosk(), Boolean.TRUE);
    }

    /** Drops what is kept of the kiosks {@code retired} names. */
    @Override
    public int prune(Predicate<KioskId> retired) {
        Set<KioskId> gone = new java.util.HashSet<>();
        for (Map<KioskId, ?> map : List.of(heldFrom, published, publishedRefused, marked)) {
            map.keySet().stream().filter(retired).forEach(gone::add);
        }
        settling.stream().filter(retired).forEach(gone::add);
        gone.forEach(this::forget);
        return gone.size();
    }

    @Override
    public void forget(KioskId kiosk) {
        unfinished.remove(kiosk);
        marked.remove(kiosk);
        settling.remove(kiosk);
        heldFrom.remove(kiosk);
        published.remove(kiosk);
        publishedRefused.remove(kiosk);
    }

    /** Kiosks with an entry now. */
    @Override
    public int kioskCount() {
        Set<KioskId> all = new java.util.HashSet<>(heldFrom.keySet());
        all.addAll(published.keySet());
        all.addAll(marked.keySet());
        all.addAll(settling);
        return all.size();
    }

    /**
     * Publishes the acknowledgement of every marked kiosk; called every interval by one thread, which it blocks until
     * the marked kiosks' progress was read (at most {@code READ_TIMEOUT}). The reads run on the store's reader
     * threads; every acknowledgement is then published from the calling thread, one after the other, so that the MQTT
     * client's send queue has one producer of acknowledgements instead of every reader thread (profiled: their
     * contention with the PUBACKs of the intake was ~15 % of the broker's CPU under load, issue 16). A kiosk whose
     * read failed or did not finish in time stays marked for the next flush.
     */
    public void flush() {
        Set<KioskId> kiosks = new java.util.HashSet<>(marked.keySet());
        kiosks.addAll(settling);
        List<Read> reads = new ArrayList<>(kiosks.size());
        for (KioskId kiosk : kiosks) {
            settling.remove(kiosk);
            boolean forced = Boolean.TRUE.equals(marked.remove(kiosk));
            CompletableFuture<KioskProgress> running = unfinished.remove(kiosk);
            // A read an earlier flush gave up on: take its answer (or wait for it) rather than start a second. Its
            // answer may be older than the marks since, so the kiosk stays marked and is read afresh next time.
            if (running != null) {
                reads.add(new Read(kiosk, forced, running));
                marked.merge(kiosk, forced, Boolean::logicalOr);
            } else {
                reads.add(new Read(kiosk, forced, progress.apply(kiosk, heldFrom.getOrDefault(kiosk, 0L))));
            }
        }
        long deadline = System.nanoTime() + readTimeout.toNanos();
        boolean interrupted = false;
        for (Read read : reads) {
            if (interrupted) {
                marked.merge(read.kiosk(), read.forced(), Boolean::logicalOr);
                continue;
            }
            try {
                KioskProgress p = read.progress().get(Math.max(0, deadline - System.nanoTime()),
                        TimeUnit.NANOSECONDS);
                publish(read.kiosk(), p, read.forced());
            } catch (InterruptedException e) {
                interrupted = true;
                marked.merge(read.kiosk(), read.forced(), Boolean::logicalOr);
            } catch (TimeoutException slow) {
                LOG.debug("The store's progress of kiosk {} not read within {}; waiting for it at the next flush",
                        read.kiosk(), readTimeout);
                unfinished.put(read.kiosk(), read.progress());
                marked.merge(read.kiosk(), read.forced(), Boolean::logicalOr);
            } catch (ExecutionException | RuntimeException failure) {
                LOG.warn("Cannot read the store's progress of kiosk {}; acknowledging later: {}", read.kiosk(),
                        (failure instanceof ExecutionException e ? e.getCause() : failure).toString());
                marked.merge(read.kiosk(), read.forced(), Boolean::logicalOr);
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private record Read(KioskId kiosk, boolean forced, CompletableFuture<KioskProgress> progress) {
    }

    private void publish(KioskId kiosk, KioskProgress p, boolean forced) {
        long held = heldFrom.getOrDefault(kiosk, 0L);
        long through = storedThrough(p, held);
        List<Long> refused = p.refused().stream().filter(seq -> seq >= held).sorted().toList();
        if (refused.size() > StoreAck.MAX_REFUSED) {
            // Never acknowledge a refused number without naming it: stop below the first one not listed.
            through = Math.min(through, refused.get(StoreAck.MAX_REFUSED) - 1);
            refused = refused.subList(0, StoreAck.MAX_REFUSED);
        }
        long before = published.getOrDefault(kiosk, 0L);
        // Never lower than what this node told the kiosk: heldFrom only grows, the store only fills.
        long value = Math.max(through, before);
        long limit = value;
        List<Long> named = refused.stream().filter(seq -> seq <= limit).toList();
        List<Long> namedBefore = publishedRefused.getOrDefault(kiosk, List.of());
        if (value > before || forced || !named.equals(namedBefore)) {
            if (publisher.test(new StoreAck(kiosk, value, named))) {
                published.put(kiosk, value);
                publishedRefused.put(kiosk, named);
                if (!pubacked.test(kiosk)) {
                    // Not for a kiosk whose PUBACKs acknowledge: its readings would keep the settling reads going.
                    settling.add(kiosk);
                }
            } else {
                // Not sent (the MQTT client reconnecting, or it refused the publish): the kiosk hears nothing until it
                // sends again, which an idle kiosk does not; so the next flush tries again, forced.
                marked.put(kiosk, Boolean.TRUE);
            }
        }
    }

    /**
     * The highest sequence number such that every number up to it is stored or below {@code heldFrom}: the first gap
     * that reaches {@code heldFrom} or above stops it (lost or not); with none, the highest stored.
     */
    static long storedThrough(KioskProgress progress, long heldFrom) {
        long through = progress.highest();
        for (Gap gap : progress.gaps()) {
            if (gap.range().last() >= heldFrom) {
                through = Math.min(through, Math.max(gap.range().first(), heldFrom) - 1);
                break; // gaps are lowest first
            }
        }
        return Math.max(through, 0);
    }
}

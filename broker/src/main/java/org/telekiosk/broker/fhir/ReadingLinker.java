package org.telekiosk.broker.fhir;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.telekiosk.broker.consultation.CallHistory;
import org.telekiosk.broker.consultation.CallPeriod;
import org.telekiosk.broker.store.MeasurementStore;
import org.telekiosk.protocol.KioskId;

/**
 * Links a kiosk's stored readings to a consultation: for every period a patient spent in its call at a kiosk
 * ({@link CallPeriod}), the readings that kiosk took from the admission until the patient left (or until now while
 * they are still in it). A patient who joined from a browser without a kiosk has no readings. Readings taken at the
 * kiosk before the admission (another patient may have sat there) or after leaving are never linked.
 *
 * <p>The queries run on the store's reader threads; the returned future completes there.
 */
public final class ReadingLinker {
    private final MeasurementStore store;

    public ReadingLinker(MeasurementStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /** The readings of every call period of {@code history} with a kiosk, as seen at {@code now}. */
    public CompletableFuture<List<LinkedReadings>> link(CallHistory history, Instant now) {
        List<CompletableFuture<LinkedReadings>> periods = new ArrayList<>();
        for (CallPeriod call : history.calls()) {
            if (call.kiosk().isEmpty()) {
                continue;
            }
            KioskId kiosk = call.kiosk().get();
            Instant from = call.admittedAt();
            Instant to = call.endAt(now);
            periods.add(store.measurements(kiosk, from, to).thenCombine(store.waveforms(kiosk, from, to),
                    (measurements, waveforms) -> new LinkedReadings(call, from, to, measurements, waveforms)));
        }
        return CompletableFuture.allOf(periods.toArray(CompletableFuture[]::new))
                .thenApply(x -> periods.stream().map(CompletableFuture::join).toList());
    }
}

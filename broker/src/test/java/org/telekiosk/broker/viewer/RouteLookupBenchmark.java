package org.telekiosk.broker.viewer;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.telekiosk.broker.consultation.CallPeriod;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.request.ParticipantId;
import org.telekiosk.protocol.KioskId;

/**
 * The fan-out lanes' route look-up a reading (issue 16): K kiosks of the load generator's naming ({@code load-%05d}),
 * each admitted to a consultation of its own with one doctor watching, in a real {@link CallIndex}; then rounds of
 * look-ups of every kiosk by an equal but distinct {@link KioskId} (as a decoded reading brings), A/B interleaved:
 * A the immutable {@code Map.copyOf} snapshot the index published before, B {@link CallIndex#routes()} as it is now.
 * Prints the median ns a look-up of each and their ratio, with the load average.
 *
 * <pre>
 * mvn -o -q -B -ntp -pl broker -am test -Dtest=RouteLookupBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dtelekiosk.bench=true -Droutebench.kiosks=500 -Droutebench.rounds=21
 * </pre>
 */
@EnabledIfSystemProperty(named = "telekiosk.bench", matches = "true")
class RouteLookupBenchmark {
    private static volatile long sink;

    public static void main(String[] args) {
        new RouteLookupBenchmark().lookUpEveryKiosk();
    }

    @Test
    void lookUpEveryKiosk() {
        int kiosks = Integer.getInteger("routebench.kiosks", 500);
        int rounds = Integer.getInteger("routebench.rounds", 21);
        int passes = Integer.getInteger("routebench.passes", 2_000);
        CallIndex index = new CallIndex();
        KioskId[] probes = new KioskId[kiosks];
        Instant t0 = Instant.parse("2026-12-06T00:00:00Z");
        for (int i = 0; i < kiosks; i++) {
            String name = String.format(Locale.ROOT, "load-%05d", i);
            ConsultationId consultation = ConsultationId.random();
            index.join(new Viewer("v" + i), new ViewerPrincipal.Doctor(consultation));
            index.admitted(new CallPeriod(consultation, ParticipantId.random(), Optional.of(KioskId.of(name)),
                    t0, Optional.empty()));
            probes[i] = KioskId.of(new String(name.toCharArray()));
        }
        Map<KioskId, List<CallIndex.Route>> before = Map.copyOf(index.routes());
        Map<KioskId, List<CallIndex.Route>> after = index.routes();
        double[] a = new double[rounds];
        double[] b = new double[rounds];
        for (int w = 0; w < 5; w++) {
            time(before, probes, passes);
            time(after, probes, passes);
        }
        for (int r = 0; r < rounds; r++) {
            a[r] = time(before, probes, passes);
            b[r] = time(after, probes, passes);
        }
        double ma = median(a);
        double mb = median(b);
        System.out.printf(Locale.ROOT, "route look-up, %d kiosks, %d rounds of %d passes: Map.copyOf %.1f ns, "
                + "routes() now (%s) %.1f ns, ratio %.2f; load average %.2f%n", kiosks, rounds, passes, ma,
                after.getClass().getSimpleName(), mb, mb / ma,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    /** One round: every kiosk looked up {@code passes} times; ns a look-up. */
    private static double time(Map<KioskId, List<CallIndex.Route>> routes, KioskId[] probes, int passes) {
        long seen = 0;
        long start = System.nanoTime();
        for (int p = 0; p < passes; p++) {
            for (KioskId kiosk : probes) {
                seen += routes.getOrDefault(kiosk, List.of()).size();
            }
        }
        long elapsed = System.nanoTime() - start;
        sink += seen;
        return (double) elapsed / ((long) passes * probes.length);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private record Viewer(String id) implements ViewerSession {
        @Override
        public boolean sendText(String json) {
            return true;
        }
    }
}

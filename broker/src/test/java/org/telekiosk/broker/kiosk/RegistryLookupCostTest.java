package org.telekiosk.broker.kiosk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.broker.testing.TestRegistry;
import org.telekiosk.protocol.KioskId;

/**
 * Opt-in benchmark, not a test of behaviour: what the store acknowledgements' per-kiosk registry check costs per flush
 * (every 250 ms) with {@code lookup.kiosks} enrolled kiosks of which a third sent something, by a scan of the
 * snapshot's list ({@code state().kiosk(id)}) and by {@link KioskRegistry#kiosk}. Prints the figures;
 * docs/benchmarks.md ("The registry look-up per store acknowledgement").
 */
@EnabledIfSystemProperty(named = "lookup.kiosks", matches = "\\d+")
class RegistryLookupCostTest {
    @TempDir
    Path dir;

    @Test
    void printsTheCostOfOneFlushesLookUps() throws Exception {
        int kiosks = Integer.parseInt(System.getProperty("lookup.kiosks"));
        int active = kiosks / 3;
        KioskRegistry registry = TestRegistry.open(dir);
        registry.change(Instant.now(), c -> {
            for (int i = 0; i < kiosks; i++) {
                c.putKiosk(new KioskRecord("kiosk-" + i, "Lab " + i, Integer.toHexString(i + 1),
                        Instant.now().plusSeconds(86_400), null));
            }
            return null;
        });
        SplittableRandom random = new SplittableRandom(16);
        List<KioskId> flush = new ArrayList<>();
        for (int i = 0; i < active; i++) {
            flush.add(KioskId.of("kiosk-" + random.nextInt(kiosks)));
        }
        for (int round = 1; round <= 5; round++) {
            int found = 0;
            long t0 = System.nanoTime();
            for (KioskId id : flush) {
                found += registry.state().kiosk(id).isPresent() ? 1 : 0;
            }
            long t1 = System.nanoTime();
            for (KioskId id : flush) {
                found += registry.kiosk(id).isPresent() ? 1 : 0;
            }
            long t2 = System.nanoTime();
            assertEquals(2 * active, found);
            System.out.printf("round %d, one flush of %,d of %,d kiosks: scan %.2f ms, look-up %.3f ms%n", round,
                    active, kiosks, (t1 - t0) / 1e6, (t2 - t1) / 1e6);
        }
    }
}

package org.telekiosk.protocol.update;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DebianVersionTest {
    @Test
    void versionsSortAsDpkgSortsThem() {
        // Each is lower than the next, as 'dpkg --compare-versions a lt b' says.
        List<String> ascending = List.of("0~dev", "0.1.0~snapshot", "0.1.0", "0.1.0-1", "0.1.0-1.1", "0.1.0+1",
                "0.1.1~rc1", "0.1.1", "0.2.0", "0.10.0", "1.0", "1:0.1");
        for (int i = 0; i + 1 < ascending.size(); i++) {
            DebianVersion lower = DebianVersion.of(ascending.get(i));
            DebianVersion higher = DebianVersion.of(ascending.get(i + 1));
            assertTrue(lower.compareTo(higher) < 0, lower + " < " + higher);
            assertTrue(higher.isNewerThan(lower), higher + " newer than " + lower);
            assertFalse(lower.isNewerThan(higher), lower + " not newer than " + higher);
        }
        assertEquals(0, DebianVersion.of("0.1.0").compareTo(DebianVersion.of("0.1.00")));
    }

    @Test
    void theMavenSnapshotComesBeforeItsRelease() {
        assertEquals(DebianVersion.of("0.1.0~snapshot"), DebianVersion.fromMaven("0.1.0-SNAPSHOT"));
        assertTrue(DebianVersion.of("0.1.0").isNewerThan(DebianVersion.fromMaven("0.1.0-SNAPSHOT")));
    }

    @Test
    void whatIsNoVersionIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> DebianVersion.of(""));
        assertThrows(IllegalArgumentException.class, () -> DebianVersion.of("latest"));
        assertThrows(IllegalArgumentException.class, () -> DebianVersion.of("1.0 ; rm -rf /"));
    }
}

package org.telekiosk.protocol.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.telekiosk.protocol.KioskId;

class KioskUplinkTest {
    private static final KioskId KIOSK = KioskId.of("wmk-lab-03");

    @Test
    void eachOwnUplinkTopicParsesToItsChannelAndTheSameValueEveryTime() {
        KioskUplink uplink = KioskUplink.of(KIOSK);
        for (KioskTopic.Channel channel : KioskTopic.Channel.values()) {
            String name = new KioskTopic(KIOSK, channel).name();
            // A topic HiveMQ decoded is a new string each time: equal, never the same instance.
            Optional<KioskTopic> parsed = uplink.parse(new String(name.toCharArray()));
            assertEquals(Optional.of(new KioskTopic(KIOSK, channel)), parsed);
            assertSame(parsed, uplink.parse(name), "made once, nothing allocated a publish");
            assertSame(KIOSK, parsed.get().kiosk());
        }
        assertEquals(Topics.measurements(KIOSK), uplink.parse(Topics.measurements(KIOSK)).get().name());
        assertEquals(Optional.empty(), uplink.parse(null));
    }

    /**
     * What the in-process intake takes is exactly what the authorizer lets a kiosk publish to ({@link
     * Topics#isOwnUplink}), and parses as {@link Topics#parse} would: over the scheme's topics of this kiosk and
     * others, downlink topics, filters and random mutations of them.
     */
    @Test
    void parsesExactlyWhatTopicsParsesForThisKioskAndWhatIsOwnUplinkAdmits() {
        KioskUplink uplink = KioskUplink.of(KIOSK);
        List<String> topics = new ArrayList<>(List.of("", "telekiosk/v1/kiosks/", "telekiosk/v1/kiosks/wmk-lab-03",
                "telekiosk/v1/kiosks/wmk-lab-03/", "telekiosk/v1/kiosks/wmk-lab-03//status",
                "telekiosk/v1/kiosks/+/status", "telekiosk/v1/kiosks/wmk-lab-03/+", "telekiosk/v1/kiosks/wmk-lab-03/#",
                "xtelekiosk/v1/kiosks/wmk-lab-03/status", "telekiosk/v1/kiosks/wmk-lab-03/status/x",
                Topics.acks(KIOSK), Topics.commands(KIOSK), Topics.relayedVitals(KIOSK)));
        for (String kiosk : new String[] {"wmk-lab-03", "wmk-lab-04", "wmk-lab-0", "wmk-lab-033", "wmk-lab-3"}) {
            KioskId other = KioskId.of(kiosk);
            topics.addAll(List.of(Topics.measurements(other), Topics.status(other), Topics.commandUpdates(other)));
        }
        Random random = new Random(23);
        String alphabet = "abcdemnorstuwk03-/+#";
        for (String seed : List.copyOf(topics)) {
            for (int i = 0; i < 200; i++) {
                StringBuilder mutated = new StringBuilder(seed);
                int edits = 1 + random.nextInt(3);
                for (int e = 0; e < edits; e++) {
                    int at = mutated.isEmpty() ? 0 : random.nextInt(mutated.length() + 1);
                    char c = alphabet.charAt(random.nextInt(alphabet.length()));
                    switch (random.nextInt(3)) {
                        case 0 -> mutated.insert(at, c);
                        case 1 -> {
                            if (at < mutated.length()) {
                                mutated.deleteCharAt(at);
                            }
                        }
                        default -> {
                            if (at < mutated.length()) {
                                mutated.setCharAt(at, c);
                            }
                        }
                    }
                }
                topics.add(mutated.toString());
            }
        }
        int own = 0;
        for (String topic : topics) {
            Optional<KioskTopic> parsed = uplink.parse(topic);
            assertEquals(Topics.parse(topic).filter(t -> t.kiosk().equals(KIOSK)), parsed, topic);
            assertEquals(Topics.isOwnUplink(KIOSK, topic), parsed.isPresent(), topic);
            own += parsed.isPresent() ? 1 : 0;
        }
        assertTrue(own >= 3, "the own topics are among the cases: " + own);
    }
}

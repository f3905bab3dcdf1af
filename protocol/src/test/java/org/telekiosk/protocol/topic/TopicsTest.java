package org.telekiosk.protocol.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.telekiosk.protocol.KioskId;

class TopicsTest {

    @Test
    void measurementsTopicFollowsTheScheme() {
        assertEquals("telekiosk/v1/kiosks/wmk-lab-03/measurements", Topics.measurements(KioskId.of("wmk-lab-03")));
    }

    @Test
    void brokerSubscribesToAllKiosksInASharedGroup() {
        assertEquals("$share/telekiosk-brokers/telekiosk/v1/kiosks/+/+", Topics.allKioskChannelsShared());
    }

    @Test
    void downlinkTopicsLiveOutsideTheBrokersSharedSubscription() {
        KioskId kiosk = KioskId.of("wmk-lab-03");
        assertEquals("telekiosk/v1/to-kiosk/wmk-lab-03/acks", Topics.acks(kiosk));
        assertEquals("telekiosk/v1/to-kiosk/wmk-lab-03/commands", Topics.commands(kiosk));
        assertEquals("telekiosk/v1/to-kiosk/wmk-lab-03/+", Topics.downlink(kiosk));
        assertEquals("telekiosk/v1/to-kiosk/+/+", Topics.allDownlinks());
        for (String downlink : new String[] {Topics.acks(kiosk), Topics.commands(kiosk)}) {
            assertTrue(matches(Topics.downlink(kiosk), downlink), downlink);
            assertTrue(!matches(Topics.allKioskChannels(), downlink), "the broker's filter must not match " + downlink);
            assertEquals(Optional.empty(), Topics.parse(downlink));
        }
        assertTrue(!matches(Topics.downlink(kiosk), Topics.acks(KioskId.of("wmk-lab-04"))));
    }

    /** MQTT 5 §4.7 matching, for filters with {@code +} only. */
    private static boolean matches(String filter, String topic) {
        String[] f = filter.split("/", -1);
        String[] t = topic.split("/", -1);
        if (f.length != t.length) {
            return false;
        }
        for (int i = 0; i < f.length; i++) {
            if (!f[i].equals("+") && !f[i].equals(t[i])) {
                return false;
            }
        }
        return true;
    }

    @Test
    void aTopicParsesBackToItsKioskAndChannel() {
        KioskId kiosk = KioskId.of("wmk-lab-03");
        assertEquals(Optional.of(new KioskTopic(kiosk, KioskTopic.Channel.MEASUREMENTS)),
                Topics.parse(Topics.measurements(kiosk)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "telekiosk/v1/kiosks/", "telekiosk/v1/kiosks/wmk-lab-03",
        "telekiosk/v1/kiosks/wmk-lab-03/", "telekiosk/v1/kiosks/wmk-lab-03/measurements/x",
        "telekiosk/v1/kiosks/WMK/measurements", "telekiosk/v1/kiosks/wmk-lab-03/teleport",
        "telekiosk/v2/kiosks/wmk-lab-03/measurements", "other/wmk-lab-03/measurements"})
    void topicsOutsideTheSchemeDoNotParse(String topic) {
        assertTrue(Topics.parse(topic).isEmpty(), topic);
    }

    @ParameterizedTest
    @ValueSource(strings = {"telekiosk/v1/kiosks/wmk-lab-03/measurements", "telekiosk/v1/kiosks/wmk-lab-03/status",
        "telekiosk/v1/kiosks/wmk-lab-03/commands", "telekiosk/v1/kiosks/wmk-lab-04/measurements",
        "telekiosk/v1/kiosks/wmk-lab-0/measurements", "telekiosk/v1/kiosks/wmk-lab-033/measurements",
        "telekiosk/v1/kiosks/wmk-lab-03/measurement", "telekiosk/v1/kiosks/wmk-lab-03/measurementsx",
        "telekiosk/v1/kiosks/wmk-lab-03/", "telekiosk/v1/kiosks/wmk-lab-03", "telekiosk/v1/kiosks/wmk-lab-03x",
        "telekiosk/v1/kiosks/wmk-lab-03/status/x", "telekiosk/v1/kiosks/wmk-lab-03//status",
        "telekiosk/v1/to-kiosk/wmk-lab-03/commands", "telekiosk/v1/to-kiosk/wmk-lab-03/acks", "", "telekiosk/v1/kiosks/",
        "xtelekiosk/v1/kiosks/wmk-lab-03/status", "telekiosk/v1/kiosks/wmk-lab-03/+", "telekiosk/v1/kiosks/+/status"})
    void aKioskMayPublishToItsThreeUplinkTopicsAndNoOther(String topic) {
        KioskId kiosk = KioskId.of("wmk-lab-03");
        boolean own = topic.equals(Topics.measurements(kiosk)) || topic.equals(Topics.status(kiosk))
                || topic.equals(Topics.commandUpdates(kiosk));
        assertEquals(own, Topics.isOwnUplink(kiosk, topic), topic);
    }
}

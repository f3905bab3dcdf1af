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
}

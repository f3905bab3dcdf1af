package org.telekiosk.broker.record;

import java.util.List;

/** What a consultation's record holds: its events and media reports, each oldest first. */
public record RecordContent(List<RecordEvent> events, List<MediaEntry> media) {
    public RecordContent {
        events = List.copyOf(events);
        media = List.copyOf(media);
    }
}

package org.telekiosk.protocol.signaling;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The rungs of a call's degradation ladder, best first. What each means for the media and the thresholds that move
 * between them are in {@code docs/links.md}, "The degradation ladder".
 */
public enum Rung {
    /** Full video (the camera's 640×480, the browser's own bitrate) and audio. */
    @JsonProperty("video") VIDEO,
    /** Constrained video: at most 320×180 and 150 kbit/s per sender, resolution kept over frame rate. */
    @JsonProperty("video-low") VIDEO_LOW,
    /** Audio only: video stopped both ways; Opus with in-band FEC and DTX at a low bitrate. */
    @JsonProperty("audio") AUDIO,
    /** No media: vitals (their own MQTT path) and text chat only. */
    @JsonProperty("text") TEXT;

    /** The name on the wire. */
    public String wire() {
        return switch (this) {
            case VIDEO -> "video";
            case VIDEO_LOW -> "video-low";
            case AUDIO -> "audio";
            case TEXT -> "text";
        };
    }
}

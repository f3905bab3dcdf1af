package org.telekiosk.broker.store;

/**
 * JSON text for SQLite's {@code json_each}, which stands in for PostgreSQL's arrays: a batch's kiosk names go to
 * SQLite as one JSON parameter instead of one statement a kiosk.
 */
final class JsonList {
    private JsonList() {}

    /** {@code ["a","b"]}. */
    static String of(String[] values) {
        StringBuilder json = new StringBuilder(values.length * 16 + 2).append('[');
        for (int i = 0; i < values.length; i++) {
            string(i == 0 ? json : json.append(','), values[i]);
        }
        return json.append(']').toString();
    }

    /** Appends {@code value} as a JSON string (kiosk ids are [a-z0-9-]; anything else is escaped all the same). */
    static StringBuilder string(StringBuilder json, String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch == '"' || ch == '\\') {
                json.append('\\').append(ch);
            } else if (ch < 0x20) {
                json.append(String.format("\\u%04x", (int) ch));
            } else {
                json.append(ch);
            }
        }
        return json.append('"');
    }
}

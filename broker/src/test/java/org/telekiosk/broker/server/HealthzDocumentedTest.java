package org.telekiosk.broker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.RestClient;
import org.telekiosk.protocol.MalformedMessageException.Reason;

/**
 * docs/api.md documents {@code /healthz} field by field: the fields a real broker reports are exactly the documented
 * ones, and {@code measurements.rejected} has one entry per refusal code. On the shared broker: the fields are fixed
 * by the answer's records (every refusal code always present), whatever other classes did to the counters.
 */
class HealthzDocumentedTest {
    @RegisterExtension
    static final BrokerExtension BROKER = BrokerExtension.shared();

    @Test
    void everyFieldOfHealthzIsDocumentedAndEveryDocumentedFieldIsReported() throws Exception {
        JsonNode health = new RestClient(BROKER).send("GET", "/healthz", null, Map.of()).json();
        Set<String> reported = new TreeSet<>();
        health.properties().forEach(top -> {
            if (top.getValue().isObject()) {
                top.getValue().properties().forEach(inner -> reported.add(top.getKey() + "." + inner.getKey()));
            } else {
                reported.add(top.getKey());
            }
        });

        String api = Files.readString(Path.of("..", "docs", "api.md"));
        String section = api.substring(api.indexOf("## `GET /healthz`"));
        section = section.substring(0, section.indexOf("\n## ", 1));
        Set<String> documented = new TreeSet<>();
        Matcher row = Pattern.compile("(?m)^\\| `([a-zA-Z.]+)` \\|").matcher(section);
        while (row.find()) {
            documented.add(row.group(1));
        }
        assertEquals(documented, reported, "docs/api.md's /healthz table against a running broker's answer");

        Set<String> codes = new TreeSet<>();
        health.get("measurements").get("rejected").fieldNames().forEachRemaining(codes::add);
        Set<String> expected = new TreeSet<>();
        for (Reason reason : Reason.values()) {
            expected.add(reason.code());
        }
        assertEquals(expected, codes, "one counter per refusal code");
    }
}

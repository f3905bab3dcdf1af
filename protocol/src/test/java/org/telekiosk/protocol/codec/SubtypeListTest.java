package org.telekiosk.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.telekiosk.protocol.downlink.KioskDownlink;
import org.telekiosk.protocol.signaling.Credential;
import org.telekiosk.protocol.signaling.SignalEvent;
import org.telekiosk.protocol.signaling.SignalRequest;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.viewer.ViewerEvent;
import org.telekiosk.protocol.viewer.ViewerRequest;

/** The Jackson subtype list of every wire hierarchy names exactly its permitted records, each with a unique type. */
class SubtypeListTest {

    @ParameterizedTest
    @ValueSource(classes = {KioskMessage.class, ViewerEvent.class, ViewerRequest.class, SignalRequest.class,
        SignalEvent.class, Credential.class, KioskDownlink.class})
    void jacksonSubtypesEqualThePermittedSubclasses(Class<?> sealed) {
        JsonSubTypes.Type[] types = sealed.getAnnotation(JsonSubTypes.class).value();
        Set<Class<?>> listed = Arrays.stream(types).map(JsonSubTypes.Type::value).collect(Collectors.toSet());
        assertEquals(concrete(sealed), listed);
        long names = Arrays.stream(types).map(JsonSubTypes.Type::name).distinct().count();
        assertEquals(types.length, names, "type names are unique");
    }

    /** The records a sealed hierarchy permits, through nested sealed interfaces (SignalEvent.Numbered). */
    private static Set<Class<?>> concrete(Class<?> sealed) {
        return Arrays.stream(sealed.getPermittedSubclasses())
                .flatMap(c -> c.isSealed() ? concrete(c).stream() : java.util.stream.Stream.of(c))
                .collect(Collectors.toSet());
    }
}

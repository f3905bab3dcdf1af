package org.telekiosk.broker.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The broker's packages form no cycle: each depends only on packages below it (docs/architecture.md, "Packages"),
 * so a package can be read, tested and replaced on its own. Read from the sources (imports and fully qualified
 * names), so a cycle shows up with the file that closes it.
 */
class PackageCyclesTest {
    private static final Path SOURCES = Path.of("src/main/java/org/telekiosk/broker");
    /** {@code org.telekiosk.broker.<package>.} or a class of the root package ({@code org.telekiosk.broker.Name}). */
    private static final Pattern REFERENCE = Pattern.compile("org\\.telekiosk\\.broker\\.(?:([a-z][a-z0-9]*)\\.|[A-Z])");

    @Test
    void theBrokersPackagesHaveNoCycle() throws IOException {
        Map<String, Map<String, String>> edges = dependencies();
        assertTrue(edges.size() > 10, "the sources were found: " + edges.keySet());
        List<Set<String>> cycles = stronglyConnected(edges);
        StringBuilder why = new StringBuilder();
        for (Set<String> cycle : cycles) {
            why.append("cycle ").append(cycle).append(":\n");
            for (String from : cycle) {
                edges.get(from).forEach((to, file) -> {
                    if (cycle.contains(to)) {
                        why.append("  ").append(name(from)).append(" -> ").append(name(to)).append(" (")
                                .append(file).append(")\n");
                    }
                });
            }
        }
        assertEquals(List.of(), cycles, why.toString());
    }

    /**
     * The layers of docs/architecture.md, pinned where a cycle test would not notice a wrong turn: only the CLI and
     * the demo reach into the composition root; the broker's MQTT client and the REST dispatcher stay below the
     * features that use them; the kiosk-certificate rule lives below both its users.
     */
    @Test
    void eachLayerReachesOnlyDownwards() throws IOException {
        Map<String, Map<String, String>> edges = dependencies();
        for (String pkg : List.of("mqtt", "api", "http", "server", "telemetry", "command", "signaling", "kiosk")) {
            assertTrue(edges.containsKey(pkg), "package " + pkg + " exists: " + edges.keySet());
        }
        Map<String, Set<String>> forbidden = Map.of(
                "mqtt", Set.of("server", "http", "api", "telemetry", "command", "enrollment", "signaling"),
                "api", Set.of("server", "http"),
                "http", Set.of("server"),
                "telemetry", Set.of("server", "http", "api", "command"),
                "command", Set.of("server", "http", "api", "telemetry"),
                "signaling", Set.of("server", "http", "api", "mqtt"),
                "viewer", Set.of("server", "http", "api", "mqtt"),
                "kiosk", Set.of("enrollment", "mqtt", "server", "http", "api"),
                // The record is told by signaling and read by the API: it reaches neither.
                "record", Set.of("server", "http", "api", "signaling", "mqtt", "viewer"),
                // Who asks and why a service refused: below every feature and transport that uses them.
                "request", Set.of("server", "http", "api", "mqtt", "signaling", "viewer", "telemetry", "command",
                        "enrollment", "consultation", "record", "kiosk", "store"));
        StringBuilder wrong = new StringBuilder();
        forbidden.forEach((from, targets) -> edges.getOrDefault(from, Map.of()).forEach((to, file) -> {
            if (targets.contains(to)) {
                wrong.append(from).append(" -> ").append(to).append(" (").append(file).append(")\n");
            }
        }));
        edges.forEach((from, targets) -> {
            if (targets.containsKey("server") && !from.isEmpty() && !from.equals("demo")) {
                wrong.append(from).append(" -> server (").append(targets.get("server")).append(")\n");
            }
        });
        assertEquals("", wrong.toString(), "dependencies against the layering");
    }

    /** Services are tested without a channel: only the adapters import Netty, only the MQTT client Paho. */
    @Test
    void onlyTheAdaptersImportNettyAndOnlyTheMqttClientPaho() throws IOException {
        Set<String> netty = new TreeSet<>();
        Set<String> paho = new TreeSet<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String pkg = SOURCES.relativize(file.getParent()).toString().replace('/', '.');
                String text = Files.readString(file);
                if (text.contains("\nimport io.netty.")) {
                    netty.add(pkg);
                }
                if (text.contains("\nimport org.eclipse.paho.")) {
                    paho.add(pkg);
                }
            }
        }
        // api reads the session cookie with Netty's strict cookie decoder, a parser without a channel; mqtt hands the
        // embedded HiveMQ (itself on Netty) netty-tcnative's TLS engines (HiveMqTls).
        assertEquals(Set.of("http", "server", "api", "mqtt"), netty, "packages importing Netty");
        assertEquals(Set.of("mqtt"), paho, "packages importing Paho");
    }

    @Test
    void aCycleIsFound() {
        Map<String, Map<String, String>> edges = new HashMap<>();
        edges.put("a", Map.of("b", "A.java"));
        edges.put("b", Map.of("c", "B.java"));
        edges.put("c", Map.of("a", "C.java"));
        edges.put("d", Map.of("a", "D.java"));
        assertEquals(List.of(Set.of("a", "b", "c")), stronglyConnected(edges));
    }

    private static String name(String pkg) {
        return pkg.isEmpty() ? "(root)" : pkg;
    }

    /** Package → (package it refers to → one file that does), from every source file. */
    private static Map<String, Map<String, String>> dependencies() throws IOException {
        Map<String, Map<String, String>> edges = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(file -> {
                Path relative = SOURCES.relativize(file.getParent());
                String from = relative.toString().replace('/', '.');
                Map<String, String> to = edges.computeIfAbsent(from, k -> new TreeMap<>());
                String text;
                try {
                    text = Files.readString(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                Matcher m = REFERENCE.matcher(text);
                while (m.find()) {
                    String target = m.group(1) == null ? "" : m.group(1);
                    if (!target.equals(from)) {
                        to.putIfAbsent(target, SOURCES.relativize(file).toString());
                    }
                }
            });
        }
        return edges;
    }

    /** Tarjan's strongly connected components of more than one package. */
    static List<Set<String>> stronglyConnected(Map<String, Map<String, String>> edges) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> found = new ArrayList<>();
        for (String start : new TreeSet<>(edges.keySet())) {
            if (!index.containsKey(start)) {
                visit(start, edges, index, low, stack, onStack, found);
            }
        }
        return found;
    }

    private static void visit(String v, Map<String, Map<String, String>> edges, Map<String, Integer> index,
            Map<String, Integer> low, Deque<String> stack, Set<String> onStack, List<Set<String>> found) {
        index.put(v, index.size());
        low.put(v, index.get(v));
        stack.push(v);
        onStack.add(v);
        for (String w : edges.getOrDefault(v, Map.of()).keySet()) {
            if (!index.containsKey(w)) {
                visit(w, edges, index, low, stack, onStack, found);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) {
                found.add(component);
            }
        }
    }
}

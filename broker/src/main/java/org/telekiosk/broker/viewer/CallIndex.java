package org.telekiosk.broker.viewer;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.telekiosk.broker.consultation.CallPeriod;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.request.ParticipantId;
import org.telekiosk.protocol.KioskId;

/**
 * Which viewers see which kiosk, in memory (the store of record stays the {@code consultation_call} table): the
 * kiosk patients in each consultation's call, and the viewers of each consultation. Changes (admissions, departures,
 * viewers joining and leaving) are rare and serialised here; readings, many per second, only read an immutable
 * {@link #routes() snapshot} kiosk → viewers, rebuilt after each change. Each viewer that begins to see a kiosk, by
 * whichever change, is {@link #takeOpened() handed out} once for its replay. Thread-safe, never blocks on I/O.
 */
final class CallIndex {
    /**
     * A kiosk that one viewer sees, since when (readings taken earlier belong to someone else), and what it was sent of
     * the kiosk so far ({@link KioskView}: one object for as long as the viewer sees the kiosk, across rebuilds).
     */
    record Route(ViewerSession viewer, Instant since, KioskView view) {}

    /** A viewer that began to see a kiosk: its replay is due, on the kiosk's lane. */
    record Opened(KioskId kiosk, ViewerSession viewer) {}

    private final Map<ParticipantId, CallPeriod> inCall = new HashMap<>();
    private final Map<ConsultationId, Set<ViewerSession>> viewers = new HashMap<>();
    /** The kiosk pages watching their own kiosk. */
    private final Map<KioskId, Set<ViewerSession>> kioskPages = new HashMap<>();
    private final Map<ViewerSession, ViewerPrincipal> principals = new HashMap<>();
    /** Bumped by every change of {@link #inCall}, so that a view read from the database can be checked for age. */
    private long generation;
    /**
     * The snapshot the lanes read: a {@link HashMap} built whole by {@link #rebuild} under this object's lock, wrapped
     * unmodifiable and never changed after it is written here. Not {@code Map.copyOf}: its linear probes over the
     * nearly consecutive hash codes of neighbouring kiosk ids ({@code load-00001}, {@code load-00002}…) ran long, some
     * seventeen times a {@code HashMap}'s look-up at 500 kiosks ({@code RouteLookupBenchmark}, docs/benchmarks.md). Safe
     * publication: every write of the map and its lists happens before the volatile write of this field, and a lane's
     * volatile read of it happens after that write, so a lane sees the map complete; nothing writes it afterwards, so
     * unsynchronised concurrent reads of a {@code HashMap} are safe. A lane sees the routes of the last change
     * published, as before.
     */
    private volatile Map<KioskId, List<Route>> routes = Map.of();
    /** Per kiosk, what each viewer that sees it now was sent of it; the routes' views. */
    private Map<KioskId, Map<ViewerSession, KioskView>> views = Map.of();
    /** The (kiosk, viewer) pairs that began since {@link #takeOpened} was last called. */
    private final List<Opened> opened = new ArrayList<>();

    /** The viewers of each kiosk now, and since when each may see its readings. Lock-free. */
    Map<KioskId, List<Route>> routes() {
        return routes;
    }

    synchronized long generation() {
        return generation;
    }

    /**
     * Adds the calls of a consultation read from the store, if nothing changed since {@code readAt} (a generation):
     * returns false if something did, and the caller must read again. Calls already known are kept as they are.
     */
    synchronized boolean seed(List<CallPeriod> open, long readAt) {
        if (generation != readAt) {
            return false;
        }
        for (CallPeriod call : open) {
            if (call.kiosk().isPresent() && call.leftAt().isEmpty()) {
                inCall.putIfAbsent(call.participant(), call);
            }
        }
        rebuild();
        return true;
    }

    /** Adds an admission: the viewers of its consultation (and the kiosk's page) see its kiosk now. */
    synchronized void admitted(CallPeriod call) {
        generation++;
        if (call.kiosk().isEmpty()) {
            return;
        }
        inCall.put(call.participant(), call);
        rebuild();
    }

    /** Removes one participant's call, or every call of the consultation when {@code participant} is empty. */
    synchronized void left(ConsultationId consultation, Optional<ParticipantId> participant) {
        generation++;
        inCall.values().removeIf(call -> call.consultation().equals(consultation)
                && (participant.isEmpty() || participant.get().equals(call.participant())));
        rebuild();
    }

    /** Adds a viewer: it sees the kiosks of its calls now. */
    synchronized void join(ViewerSession viewer, ViewerPrincipal principal) {
        principals.put(viewer, principal);
        switch (principal) {
            case ViewerPrincipal.Doctor doctor ->
                    viewers.computeIfAbsent(doctor.consultation(), id -> new HashSet<>()).add(viewer);
            case ViewerPrincipal.Kiosk page ->
                    kioskPages.computeIfAbsent(page.kiosk(), id -> new HashSet<>()).add(viewer);
        }
        rebuild();
    }

    synchronized void leave(ViewerSession viewer) {
        ViewerPrincipal principal = principals.remove(viewer);
        if (principal == null) {
            return;
        }
        switch (principal) {
            case ViewerPrincipal.Doctor doctor -> viewers.computeIfPresent(doctor.consultation(),
                    (id, set) -> set.remove(viewer) && set.isEmpty() ? null : set);
            case ViewerPrincipal.Kiosk page -> kioskPages.computeIfPresent(page.kiosk(),
                    (id, set) -> set.remove(viewer) && set.isEmpty() ? null : set);
        }
        rebuild();
    }

    /**
     * The viewers that began to see a kiosk since the last call, each pair once (whichever change opened it), for
     * their replays.
     */
    synchronized List<Opened> takeOpened() {
        if (opened.isEmpty()) {
            return List.of();
        }
        List<Opened> taken = List.copyOf(opened);
        opened.clear();
        return taken;
    }

    /** The viewers of {@code consultation}. */
    synchronized List<ViewerSession> viewersOf(ConsultationId consultation) {
        return List.copyOf(viewers.getOrDefault(consultation, Set.of()));
    }

    synchronized int viewerCount() {
        return principals.size();
    }

    private void rebuild() {
        // Per kiosk, each viewer once, since the earliest admission it sees there.
        Map<KioskId, Map<ViewerSession, Instant>> since = new HashMap<>();
        for (CallPeriod call : inCall.values()) {
            KioskId kiosk = call.kiosk().orElseThrow();
            List<ViewerSession> seeing = new ArrayList<>(viewers.getOrDefault(call.consultation(), Set.of()));
            seeing.addAll(kioskPages.getOrDefault(kiosk, Set.of()));
            for (ViewerSession viewer : seeing) {
                since.computeIfAbsent(kiosk, k -> new java.util.LinkedHashMap<>())
                        .merge(viewer, call.admittedAt(), (a, b) -> a.isBefore(b) ? a : b);
            }
        }
        Map<KioskId, List<Route>> next = new HashMap<>();
        Map<KioskId, Map<ViewerSession, KioskView>> nextViews = new HashMap<>();
        since.forEach((kiosk, viewersSince) -> {
            Map<ViewerSession, KioskView> before = views.getOrDefault(kiosk, Map.of());
            Map<ViewerSession, KioskView> kept = new HashMap<>();
            List<Route> list = new ArrayList<>(viewersSince.size());
            viewersSince.forEach((viewer, from) -> {
                KioskView view = before.get(viewer);
                if (view == null) {
                    view = new KioskView();
                    opened.add(new Opened(kiosk, viewer));
                }
                kept.put(viewer, view);
                list.add(new Route(viewer, from, view));
            });
            next.put(kiosk, List.copyOf(list));
            nextViews.put(kiosk, kept);
        });
        views = nextViews;
        routes = Collections.unmodifiableMap(next); // never touched again: see the field's comment
    }
}

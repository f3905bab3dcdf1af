package org.telekiosk.broker.viewer;

import java.time.Instant;
import java.util.ArrayList;
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
 * {@link #routes() snapshot} kiosk → viewers, rebuilt after each change. Thread-safe, never blocks on I/O.
 */
final class CallIndex {
    /** A kiosk that one consultation sees, since when (readings taken earlier belong to someone else). */
    record Route(ViewerSession viewer, Instant since) {}

    private final Map<ParticipantId, CallPeriod> inCall = new HashMap<>();
    private final Map<ConsultationId, Set<ViewerSession>> viewers = new HashMap<>();
    /** The kiosk pages watching their own kiosk. */
    private final Map<KioskId, Set<ViewerSession>> kioskPages = new HashMap<>();
    private final Map<ViewerSession, ViewerPrincipal> principals = new HashMap<>();
    /** Bumped by every change of {@link #inCall}, so that a view read from the database can be checked for age. */
    private long generation;
    private volatile Map<KioskId, List<Route>> routes = Map.of();

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

    /** Adds an admission; returns the viewers of its consultation, who now see its kiosk. */
    synchronized List<ViewerSession> admitted(CallPeriod call) {
        generation++;
        if (call.kiosk().isEmpty()) {
            return List.of();
        }
        inCall.put(call.participant(), call);
        rebuild();
        List<ViewerSession> seeing = new ArrayList<>(viewers.getOrDefault(call.consultation(), Set.of()));
        seeing.addAll(kioskPages.getOrDefault(call.kiosk().get(), Set.of()));
        return List.copyOf(seeing);
    }

    /** Removes one participant's call, or every call of the consultation when {@code participant} is empty. */
    synchronized void left(ConsultationId consultation, Optional<ParticipantId> participant) {
        generation++;
        inCall.values().removeIf(call -> call.consultation().equals(consultation)
                && (participant.isEmpty() || participant.get().equals(call.participant())));
        rebuild();
    }

    /** Adds a viewer; returns the calls it sees now (kiosk and admission), for the replay of latest readings. */
    synchronized List<CallPeriod> join(ViewerSession viewer, ViewerPrincipal principal) {
        principals.put(viewer, principal);
        switch (principal) {
            case ViewerPrincipal.Doctor doctor ->
                    viewers.computeIfAbsent(doctor.consultation(), id -> new HashSet<>()).add(viewer);
            case ViewerPrincipal.Kiosk page ->
                    kioskPages.computeIfAbsent(page.kiosk(), id -> new HashSet<>()).add(viewer);
        }
        rebuild();
        return callsOf(principal);
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

    /** The viewers of {@code consultation}. */
    synchronized List<ViewerSession> viewersOf(ConsultationId consultation) {
        return List.copyOf(viewers.getOrDefault(consultation, Set.of()));
    }

    synchronized int viewerCount() {
        return principals.size();
    }

    private List<CallPeriod> callsOf(ViewerPrincipal principal) {
        return switch (principal) {
            case ViewerPrincipal.Doctor doctor -> inCall.values().stream()
                    .filter(call -> call.consultation().equals(doctor.consultation())).toList();
            case ViewerPrincipal.Kiosk page -> inCall.values().stream()
                    .filter(call -> call.kiosk().get().equals(page.kiosk())).toList();
        };
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
        since.forEach((kiosk, viewersSince) -> next.put(kiosk, viewersSince.entrySet().stream()
                .map(e -> new Route(e.getKey(), e.getValue())).toList()));
        routes = Map.copyOf(next);
    }
}

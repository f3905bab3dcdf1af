package org.telekiosk.broker.api;

import java.util.List;
import java.util.OptionalLong;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.audit.AuditEntry;
import org.telekiosk.broker.audit.AuditLog;
import org.telekiosk.broker.audit.AuditQuery;
import org.telekiosk.broker.request.ConsultationId;

/**
 * {@code GET /api/v1/audit} of {@code docs/api.md}: the audit log for admins, newest first, a page at a time
 * ({@code limit}, the cursor {@code before}, optionally one {@code consultation}'s entries only).
 */
final class AuditEndpoints {
    /** Entries per page unless {@code limit} says otherwise. */
    static final int DEFAULT_LIMIT = 100;

    private final Authenticator auth;
    private final AuditLog audit;

    AuditEndpoints(Authenticator auth, AuditLog audit) {
        this.auth = auth;
        this.audit = audit;
    }

    record EntryView(long position, String at, String actor, String action, String subject, String detail,
            String consultation) {}

    /** {@code next} is the {@code before} of the next (older) page, or null on the last page. */
    record AuditPage(List<EntryView> entries, Long next) {}

    ApiResponse page(ApiRequest r) {
        auth.requireRole(r, false, Role.ADMIN);
        int limit = r.parameter("limit").map(t -> number("limit", t, 1, AuditQuery.MAX_LIMIT)).orElse(DEFAULT_LIMIT);
        OptionalLong before = r.parameter("before").map(t -> OptionalLong.of(number("before", t, 1, Long.MAX_VALUE)))
                .orElse(OptionalLong.empty());
        String consultation = r.parameter("consultation").map(t -> {
            try {
                return ConsultationId.of(t).toString();
            } catch (IllegalArgumentException e) {
                throw new ApiJson.BadRequest("query parameter 'consultation' must be a consultation id (UUID)");
            }
        }).orElse("");
        List<AuditEntry> entries = audit.page(new AuditQuery(limit, before, consultation));
        Long next = entries.size() == limit ? entries.getLast().position() : null;
        return Requests.json(200, new AuditPage(entries.stream().map(e -> new EntryView(e.position(),
                e.event().at().toString(), e.event().actor().value(), e.event().action().name().toLowerCase(
                        java.util.Locale.ROOT).replace('_', '-'), e.event().subject(), e.event().detail(),
                e.event().consultation())).toList(), next));
    }

    private static int number(String name, String text, int min, int max) {
        return (int) number(name, text, min, (long) max);
    }

    private static long number(String name, String text, long min, long max) {
        try {
            long value = Long.parseLong(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new ApiJson.BadRequest("query parameter '" + name + "' must be a whole number in " + min + ".." + max);
    }
}

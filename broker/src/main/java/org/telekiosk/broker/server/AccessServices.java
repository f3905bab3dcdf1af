package org.telekiosk.broker.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;
import org.telekiosk.broker.account.AccountService;
import org.telekiosk.broker.account.Argon2idParameters;
import org.telekiosk.broker.account.LoginService;
import org.telekiosk.broker.account.LoginThrottle;
import org.telekiosk.broker.account.PasswordHasher;
import org.telekiosk.broker.account.PasswordPolicy;
import org.telekiosk.broker.account.SessionPolicy;
import org.telekiosk.broker.account.Sessions;
import org.telekiosk.broker.account.SqlAccountRepository;
import org.telekiosk.broker.account.SqlSessionRepository;
import org.telekiosk.broker.audit.AuditLog;
import org.telekiosk.broker.audit.SqlAuditLog;
import org.telekiosk.broker.config.AccessConfig;
import org.telekiosk.broker.config.Lockouts;
import org.telekiosk.broker.consultation.CallEvents;
import org.telekiosk.broker.consultation.CodeGuessingLimiter;
import org.telekiosk.broker.consultation.ConsultationPolicy;
import org.telekiosk.broker.consultation.ConsultationService;
import org.telekiosk.broker.consultation.ConsultationStores;
import org.telekiosk.broker.consultation.JoinCodeHasher;
import org.telekiosk.broker.consultation.JoinCodes;
import org.telekiosk.broker.consultation.Reconnects;
import org.telekiosk.broker.consultation.SqlConsultationRepository;
import org.telekiosk.broker.consultation.SqlJoinCodeRepository;
import org.telekiosk.broker.consultation.SqlSeatRepository;
import org.telekiosk.broker.consultation.WaitingRoom;
import org.telekiosk.broker.pki.SecureFiles;
import org.telekiosk.broker.record.RecordKeeper;
import org.telekiosk.broker.record.SqlRecordStore;
import org.telekiosk.broker.store.SqlAccess;
import org.telekiosk.protocol.KioskId;

/**
 * The account and consultation services of a running broker, wired on the store's database (SQL repositories) and
 * shared by every adapter: the REST API, the signaling WebSocket. Every method of every service blocks (database,
 * Argon2id): adapters call them off the event loop.
 *
 * @param accounts      account creation (first admin, admin-created accounts) and listing
 * @param logins        login, session lookup, logout
 * @param sessions      session tokens (lookup, purge)
 * @param consultations create, show, list, end
 * @param codes         issue and redeem one-time join codes
 * @param waitingRoom   call-in, waiting list, admit, participants, leave
 * @param reconnects    disconnect, resume within the grace period
 * @param policy        access window, code lifetime and seat grace period, from the configuration
 * @param audit         the audit log
 * @param calls         admissions and departures of every call, as they are stored (vitals routing)
 * @param purge         what the periodic purge needs beyond the services
 * @param records       every consultation's record (KBV Anlage 31b), told of seats, admissions and ends here and
 *                      of the doctor's connection, media reports and rungs by signaling
 */
public record AccessServices(
        AccountService accounts,
        LoginService logins,
        Sessions sessions,
        ConsultationService consultations,
        JoinCodes codes,
        WaitingRoom waitingRoom,
        Reconnects reconnects,
        ConsultationPolicy policy,
        AuditLog audit,
        CallEvents calls,
        Purge purge,
        RecordKeeper records) {

    /** The join-code HMAC key file in the data directory; the key never enters the database. */
    static final String JOIN_CODE_KEY = "secrets/join-code.key";

    public AccessServices {
        Objects.requireNonNull(accounts, "accounts");
        Objects.requireNonNull(logins, "logins");
        Objects.requireNonNull(sessions, "sessions");
        Objects.requireNonNull(consultations, "consultations");
        Objects.requireNonNull(codes, "codes");
        Objects.requireNonNull(waitingRoom, "waitingRoom");
        Objects.requireNonNull(reconnects, "reconnects");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(calls, "calls");
        Objects.requireNonNull(purge, "purge");
        Objects.requireNonNull(records, "records");
    }

    /** What the purge deletes directly in the repositories, and for how long it keeps it. */
    public record Purge(SqlConsultationRepository consultations, SqlSeatRepository seats,
            Duration consultationRetention, Duration auditRetention) {}

    /**
     * Builds the services on an already migrated database. Blocking (reads or creates the join-code key).
     *
     * @param dataDir the broker's data directory, which holds the join-code key (0600)
     */
    public static AccessServices open(SqlAccess sql, AccessConfig config, Path dataDir, SecureRandom random,
            Clock clock) throws IOException {
        return open(sql, config, dataDir, random, clock, kiosk -> true);
    }

    /**
     * As {@link #open(SqlAccess, AccessConfig, Path, SecureRandom, Clock)}, with kiosk page sessions that end when
     * {@code kioskInService} says their kiosk no longer is (revoked).
     */
    public static AccessServices open(SqlAccess sql, AccessConfig config, Path dataDir, SecureRandom random,
            Clock clock, Predicate<KioskId> kioskInService) throws IOException {
        return open(sql, config, Lockouts.DEFAULTS, dataDir, random, clock, kioskInService);
    }

    /** As above, with the guessing limits of {@code lockouts} ({@code login.lockout.*}, {@code join-code.*}). */
    public static AccessServices open(SqlAccess sql, AccessConfig config, Lockouts lockouts, Path dataDir,
            SecureRandom random, Clock clock, Predicate<KioskId> kioskInService) throws IOException {
        return open(sql, config, lockouts, Argon2idParameters.PRODUCTION, dataDir, random, clock, kioskInService);
    }

    /**
     * As above, with password hashes of cost {@code hashing}. The broker always uses {@link
     * Argon2idParameters#PRODUCTION} (the methods above); tests of something other than the hash's cost pass smaller
     * parameters, as the account services' own tests do.
     */
    public static AccessServices open(SqlAccess sql, AccessConfig config, Lockouts lockouts,
            Argon2idParameters hashing, Path dataDir, SecureRandom random, Clock clock,
            Predicate<KioskId> kioskInService) throws IOException {
        SqlAccountRepository accountRepository = new SqlAccountRepository(sql);
        AuditLog audit = new SqlAuditLog(sql);
        // On PostgreSQL (several nodes may share it) the guessing limits' failure counts are shared; SQLite: memory.
        boolean shared = sql.dialect() == org.telekiosk.broker.store.Dialect.POSTGRESQL;
        PasswordHasher hasher = new PasswordHasher(hashing, random);
        Sessions sessions = new Sessions(new SqlSessionRepository(sql), accountRepository,
                new SessionPolicy(config.sessionAbsoluteLifetime(), config.sessionIdleTimeout()), random, clock,
                kioskInService);
        AccountService accounts = new AccountService(accountRepository, hasher, PasswordPolicy.DEFAULT, audit, clock);
        LoginService logins = new LoginService(accountRepository, hasher, sessions,
                shared ? new LoginThrottle(clock, lockouts.login(), sql)
                        : new LoginThrottle(clock, lockouts.login()), audit, clock);

        ConsultationPolicy policy = new ConsultationPolicy(config.accessWindow(), config.codeLifetime(),
                config.seatGracePeriod());
        SqlConsultationRepository consultationRepository = new SqlConsultationRepository(sql);
        SqlSeatRepository seats = new SqlSeatRepository(sql);
        ConsultationStores stores = new ConsultationStores(consultationRepository, seats,
                new SqlJoinCodeRepository(sql), random, audit, clock);
        JoinCodes codes = new JoinCodes(stores, new JoinCodeHasher(joinCodeKey(dataDir.resolve(JOIN_CODE_KEY),
                random)), new CodeGuessingLimiter(clock, lockouts.joinCode(),
                lockouts.guardWrongCodes(), lockouts.guardWindow(), lockouts.guardDelay(), shared
                        ? new org.telekiosk.broker.account.SqlFailureLedger(sql, "join-code-address",
                                lockouts.joinCode()) : null), policy, random, clock);
        RecordKeeper records = new RecordKeeper(new SqlRecordStore(sql), clock);
        stores.calls().subscribe(records);
        stores.calls().subscribeSeats(records);
        stores.calls().subscribeEnds(records);
        return new AccessServices(accounts, logins, sessions, new ConsultationService(stores, policy, clock), codes,
                new WaitingRoom(stores, accountRepository, clock), new Reconnects(stores, policy, random, clock),
                policy, audit, stores.calls(), new Purge(consultationRepository, seats, config.consultationRetention(),
                        config.auditRetention()), records);
    }

    /** Reads the join-code key, or makes one on first start: codes then survive a restart, as their rows do. */
    private static byte[] joinCodeKey(Path file, SecureRandom random) throws IOException {
        if (Files.exists(file)) {
            SecureFiles.requireOwnerOnly(file);
            byte[] key = Files.readAllBytes(file);
            if (key.length < 32) {
                throw new IOException(file + " holds " + key.length + " bytes; a join-code key has 32. Delete it to"
                        + " make a new one (codes issued so far stop working)");
            }
            return key;
        }
        SecureFiles.ownerOnlyDirectory(file.getParent());
        byte[] key = new byte[32];
        random.nextBytes(key);
        SecureFiles.writeSecret(file, key);
        return key;
    }
}

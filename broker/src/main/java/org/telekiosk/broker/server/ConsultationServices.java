package org.telekiosk.broker.server;

import java.security.SecureRandom;
import java.time.Clock;
import org.telekiosk.broker.account.AccountRepository;
import org.telekiosk.broker.account.InMemoryAccountRepository;
import org.telekiosk.broker.account.InMemorySessionRepository;
import org.telekiosk.broker.account.SessionPolicy;
import org.telekiosk.broker.account.Sessions;
import org.telekiosk.broker.audit.InMemoryAuditLog;
import org.telekiosk.broker.consultation.CodeGuessingLimiter;
import org.telekiosk.broker.consultation.ConsultationPolicy;
import org.telekiosk.broker.consultation.ConsultationService;
import org.telekiosk.broker.consultation.ConsultationStores;
import org.telekiosk.broker.consultation.InMemoryConsultationRepository;
import org.telekiosk.broker.consultation.InMemoryJoinCodeRepository;
import org.telekiosk.broker.consultation.InMemorySeatRepository;
import org.telekiosk.broker.consultation.JoinCodeHasher;
import org.telekiosk.broker.consultation.JoinCodes;
import org.telekiosk.broker.consultation.Reconnects;
import org.telekiosk.broker.consultation.WaitingRoom;

/**
 * The account and consultation services a running broker shares between its adapters (signaling now; the REST API
 * of issue 3 next). In memory for now: the persistence of issue 3 replaces {@link #inMemory} with repositories on the
 * database, and nothing else changes.
 */
public record ConsultationServices(AccountRepository accounts, Sessions sessions, ConsultationPolicy policy,
        ConsultationService consultations, JoinCodes codes, WaitingRoom waitingRoom, Reconnects reconnects) {

    public static ConsultationServices inMemory(Clock clock, SecureRandom random) {
        InMemoryAccountRepository accounts = new InMemoryAccountRepository();
        Sessions sessions = new Sessions(new InMemorySessionRepository(), accounts, SessionPolicy.DEFAULT, random,
                clock);
        ConsultationPolicy policy = ConsultationPolicy.DEFAULT;
        ConsultationStores stores = new ConsultationStores(new InMemoryConsultationRepository(),
                new InMemorySeatRepository(), new InMemoryJoinCodeRepository(), random, new InMemoryAuditLog(), clock);
        return new ConsultationServices(accounts, sessions, policy, new ConsultationService(stores, policy, clock),
                new JoinCodes(stores, JoinCodeHasher.withRandomKey(random), CodeGuessingLimiter.withDefaults(clock),
                        policy, random, clock),
                new WaitingRoom(stores, accounts, clock), new Reconnects(stores, policy, random, clock));
    }
}

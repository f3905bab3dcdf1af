package org.telekiosk.broker.store;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * A fresh schema for one test on the PostgreSQL server of the CI machine ({@code 127.0.0.1:5432}, database
 * {@code test}, trust authentication; override with {@code TELEKIOSK_TEST_PG_URL} and {@code TELEKIOSK_TEST_PG_USER}),
 * dropped after it. Without a reachable server the test is skipped, with the reason given. The store contracts'
 * PostgreSQL subclasses share it.
 */
final class PostgresSchema {
    static final String SERVER = System.getenv().getOrDefault("TELEKIOSK_TEST_PG_URL",
            "jdbc:postgresql://127.0.0.1:5432/test");
    static final String USER = System.getenv().getOrDefault("TELEKIOSK_TEST_PG_USER", "postgres");
    /** Why no server answered, probed once per test run; empty: reachable. */
    private static Optional<String> unreachable;

    private final String prefix;
    private String name;

    /** Schemas named {@code tk_<prefix>_<random>}. */
    PostgresSchema(String prefix) {
        this.prefix = "tk_" + prefix + "_";
    }

    static synchronized Optional<String> unreachable() {
        if (unreachable == null) {
            try (Connection c = DriverManager.getConnection(SERVER + "?connectTimeout=2", USER, "")) {
                unreachable = Optional.empty();
            } catch (SQLException e) {
                unreachable = Optional.of(e.getMessage());
            }
        }
        return unreachable;
    }

    /** Creates the schema; skips the test ({@code what} names its tests) when no server answers. */
    void create(String what) throws SQLException {
        assumeTrue(unreachable().isEmpty(), () -> "PostgreSQL " + what + " tests NOT run: no PostgreSQL at " + SERVER
                + " as " + USER + " (" + unreachable().orElseThrow() + "); the same contract ran on SQLite");
        name = prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        execute("CREATE SCHEMA " + name);
    }

    /** Whether {@link #create} made a schema that is not dropped yet. */
    boolean exists() {
        return name != null;
    }

    /** The broker's database on this schema; its connections name the schema as their application. */
    StoreDatabase database() {
        return database("");
    }

    /** As {@link #database()}, with more URL parameters ({@code "&socketTimeout=1"}). */
    StoreDatabase database(String parameters) {
        return StoreDatabase.of(SERVER + "?currentSchema=" + name + "&ApplicationName=" + name + parameters, USER, "");
    }

    /** The server processes of {@link #database()}'s connections now (a benchmark reads their CPU time). */
    java.util.List<Integer> backendPids() throws SQLException {
        java.util.List<Integer> pids = new java.util.ArrayList<>();
        try (Connection c = DriverManager.getConnection(SERVER, USER, "");
                java.sql.PreparedStatement select = c.prepareStatement(
                        "SELECT pid FROM pg_stat_activity WHERE application_name = ?")) {
            select.setString(1, name);
            try (java.sql.ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    pids.add(rs.getInt(1));
                }
            }
        }
        return pids;
    }

    /** How many connections of {@link #database()} wait for a lock (a row lock held by another transaction) now. */
    int waitingForALock() throws SQLException {
        try (Connection c = DriverManager.getConnection(SERVER, USER, "");
                java.sql.PreparedStatement count = c.prepareStatement("SELECT count(*) FROM pg_stat_activity"
                        + " WHERE application_name = ? AND wait_event_type = 'Lock'")) {
            count.setString(1, name);
            try (java.sql.ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /**
     * Ends every connection of {@link #database()} from the server's side, as a PostgreSQL restart or a network cut
     * does, and waits until their server processes are gone.
     *
     * @return how many were ended
     */
    int terminateConnections() throws SQLException {
        try (Connection c = DriverManager.getConnection(SERVER, USER, "");
                java.sql.PreparedStatement terminate = c.prepareStatement("SELECT count(*) FILTER (WHERE"
                        + " pg_terminate_backend(pid, 10000)) FROM pg_stat_activity WHERE application_name = ?")) {
            terminate.setString(1, name);
            try (java.sql.ResultSet rs = terminate.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Drops the schema with everything in it, if one was made. */
    void drop() throws SQLException {
        if (name != null) {
            execute("DROP SCHEMA " + name + " CASCADE");
            name = null;
        }
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(SERVER, USER, ""); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}

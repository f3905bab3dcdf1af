package org.telekiosk.broker.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Properties;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.telekiosk.broker.pki.SecureFiles;

/**
 * Where the store lives and how to connect to it: a JDBC URL, a user and a password. The password is never part of
 * {@link #toString()} and never logged.
 *
 * <p>SQLite connections run in WAL mode with {@code synchronous=NORMAL} and a busy timeout. With NORMAL a commit
 * survives a crash of the broker process, but a power cut or an operating-system crash may roll back the last
 * commits (the file itself stays consistent). Those readings were already acknowledged to the MQTT broker, so that
 * is the store's loss bound on one machine; PostgreSQL (with its default {@code synchronous_commit=on}) has none.
 * The busy timeout makes a reader wait for the writer's lock instead of failing.
 */
public final class StoreDatabase implements ConnectionSource {
    /** The environment variable holding the database password; it is never read from a configuration file. */
    public static final String PASSWORD_ENV = "TELEKIOSK_STORE_PASSWORD";
    static final int SQLITE_BUSY_TIMEOUT_MS = 10_000;
    /**
     * How long a PostgreSQL connection waits for an answer before it fails and is closed (pgjdbc's
     * {@code socketTimeout}), unless {@code store.url} sets {@code socketTimeout=} itself (0: no limit). A network cut
     * without a reset would otherwise hang the store's writer until TCP gives up (minutes to hours): now its batch
     * fails, the kiosks are answered 0x97 and send again, and the next batch opens a new connection. Above any
     * statement the store runs, lock waits behind another node's writer included.
     */
    static final int POSTGRESQL_SOCKET_TIMEOUT_SECONDS = 30;

    private final String url;
    private final String user;
    private final String password;
    private final Dialect dialect;

    private StoreDatabase(String url, String user, String password) {
        this.url = Objects.requireNonNull(url, "url");
        this.user = user == null ? "" : user;
        this.password = password == null ? "" : password;
        this.dialect = Dialect.of(url);
    }

    /** The embedded default: an SQLite file. */
    public static StoreDatabase sqlite(Path file) {
        return new StoreDatabase("jdbc:sqlite:" + file.toAbsolutePath(), "", "");
    }

    /** Any supported JDBC URL ({@code jdbc:sqlite:…} or {@code jdbc:postgresql:…}). */
    public static StoreDatabase of(String jdbcUrl, String user, String password) {
        return new StoreDatabase(jdbcUrl, user, password);
    }

    @Override
    public Dialect dialect() {
        return dialect;
    }

    /** Opens a new connection with auto-commit on. Blocking. */
    @Override
    public Connection connect() throws SQLException {
        Properties properties = new Properties();
        if (!user.isEmpty()) {
            properties.setProperty("user", user);
        }
        if (!password.isEmpty()) {
            properties.setProperty("password", password);
        }
        if (dialect == Dialect.SQLITE) {
            properties.setProperty("journal_mode", "WAL");
            properties.setProperty("synchronous", "NORMAL");
            properties.setProperty("busy_timeout", Integer.toString(SQLITE_BUSY_TIMEOUT_MS));
            properties.setProperty("foreign_keys", "true");
            // sqlite-jdbc otherwise matches every executed statement's SQL against an INSERT pattern and, for an
            // insert, prepares and runs "SELECT last_insert_rowid()" for getGeneratedKeys(), which no code here asks for:
            // a native prepare, column-name reads and a finalize per insert, on the store writer's thread (issue 16).
            properties.setProperty("jdbc.get_generated_keys", "false");
        }
        if (dialect == Dialect.POSTGRESQL && !url.contains("socketTimeout=")) {
            properties.setProperty("socketTimeout", Integer.toString(POSTGRESQL_SOCKET_TIMEOUT_SECONDS));
        }
        return DriverManager.getConnection(url, properties);
    }

    /** Brings the schema to the newest version; a no-op when it is there already. Blocking. */
    public MigrateResult migrate() {
        return migrateTo("latest");
    }

    /** Brings the schema to {@code version} ("latest": the newest); the upgrade tests stop at an earlier one. */
    MigrateResult migrateTo(String version) {
        return Flyway.configure(StoreDatabase.class.getClassLoader())
                .dataSource(url, user, password)
                .locations(Dialect.MIGRATIONS)
                .placeholders(dialect.placeholders())
                .target(version)
                .load()
                .migrate();
    }

    /** The URL without its query part (which may carry credentials), and the user. */
    @Override
    public String toString() {
        return url.replaceAll("[?;].*", "") + (user.isEmpty() ? "" : " as " + user);
    }

    /**
     * The store's database as configured: {@code url} ({@code store.url}; empty: the SQLite file {@code defaultFile} in
     * the data directory), {@code user} and the password in {@link #PASSWORD_ENV} of {@code environment}. Shared by the
     * measurement store, the accounts and consultations, and the CLI commands. Creates the SQLite file's directory
     * (0700) and the file (0600; an existing one and its WAL files are made 0600).
     */
    public static StoreDatabase configured(String url, String user, Path defaultFile,
            java.util.Map<String, String> environment) throws java.io.IOException {
        if (url.isEmpty()) {
            Path file = defaultFile.toAbsolutePath();
            SecureFiles.ownerOnlyDirectory(file.getParent());
            // SQLite gives its -wal and -shm files the database file's permissions: owner-only, like the data in them.
            for (String suffix : new String[] {"", "-wal", "-shm", "-journal"}) {
                Path part = file.resolveSibling(file.getFileName() + suffix);
                if (suffix.isEmpty() || java.nio.file.Files.exists(part)) {
                    SecureFiles.ownerOnlyFile(part);
                }
            }
            return sqlite(file);
        }
        return of(url, user, environment.getOrDefault(PASSWORD_ENV, ""));
    }
}

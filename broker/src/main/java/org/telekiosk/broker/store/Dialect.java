package org.telekiosk.broker.store;

/**
 * The SQL databases the store runs on. Both understand the SQL the store writes ({@code INSERT … ON CONFLICT DO
 * NOTHING} needs SQLite 3.24 or newer); they differ in column types, which one migration set expresses with Flyway
 * placeholders ({@link #placeholders()}).
 */
public enum Dialect {
    /** An SQLite file, the embedded default. */
    SQLITE("BLOB"),
    /** PostgreSQL, for production and for several broker nodes sharing one database. */
    POSTGRESQL("BYTEA");

    /** Where the Flyway migrations are on the classpath, one set for every dialect. */
    public static final String MIGRATIONS = "classpath:db/migration/common";

    private final String binaryType;

    Dialect(String binaryType) {
        this.binaryType = binaryType;
    }

    /** The values of the migrations' placeholders for this dialect, e.g. {@code ${binary_type}}. */
    public java.util.Map<String, String> placeholders() {
        return java.util.Map.of("binary_type", binaryType);
    }

    /** The dialect of a JDBC URL. */
    public static Dialect of(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:sqlite:")) {
            return SQLITE;
        }
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        throw new IllegalArgumentException("store.url must start with jdbc:sqlite: or jdbc:postgresql:, was '"
                + jdbcUrl.replaceAll("[?;].*", "") + "'");
    }
}

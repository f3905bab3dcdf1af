package org.telekiosk.broker.store;

/**
 * The SQL databases the store runs on. Both understand the SQL the store writes ({@code INSERT … ON CONFLICT DO
 * NOTHING} needs SQLite 3.24 or newer); they differ in column types, so each has its own migration folder.
 */
public enum Dialect {
    /** An SQLite file, the embedded default. */
    SQLITE("sqlite"),
    /** PostgreSQL, for production and for several broker nodes sharing one database. */
    POSTGRESQL("postgresql");

    private final String folder;

    Dialect(String folder) {
        this.folder = folder;
    }

    /** Where this dialect's Flyway migrations are on the classpath. */
    public String migrations() {
        return "classpath:db/migration/" + folder;
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

/**
 * Gapless core: concurrent, gap-free, append-only versioned writes to PostgreSQL. The API is
 * {@code dev.gapless.core} (the store, changes, values, exceptions, retry policy, listener) and
 * {@code dev.gapless.core.strategy} (write strategy specifications) and {@code dev.gapless.core.spi} (the text merger a
 * module such as gapless-text provides); the machinery in {@code dev.gapless.core.internal}
 * is not exported.
 */
module dev.gapless.core {
    requires transitive java.sql;
    requires org.postgresql.jdbc;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports dev.gapless.core;
    exports dev.gapless.core.strategy;
    exports dev.gapless.core.spi;

    // the three-way merge of a put whose base is stale (gapless-text provides one)
    uses dev.gapless.core.spi.TextMerger;

    // the SQL migrations, readable by schema tools such as Flyway (classpath:db/migration)
    opens db.migration;
}

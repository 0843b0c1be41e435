package dev.gapless.core.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one connection that LISTENs on {@value #CHANNEL}: connects (named {@value #APPLICATION_NAME} in
 * {@code pg_stat_activity}), waits for notifications with pgjdbc's {@link PGConnection#getNotifications(int)}, and
 * drops the connection when it breaks, to be connected again by the next {@link #connect()}. Used by the hub's
 * one thread only; {@link #connected()} may be read from any thread.
 */
final class FeedListener {

    /** The channel V12's trigger notifies. */
    static final String CHANNEL = "gapless_feed";
    /** The listening connection's application_name. */
    static final String APPLICATION_NAME = "gapless-feed";

    private static final Logger LOG = LoggerFactory.getLogger(FeedListener.class);

    /**
     * What a wait brought.
     *
     * @param everything whether every subscription should read (a payload listing no artifact, or a lost connection)
     * @param artifacts  the artifacts notified about
     */
    record Wake(boolean everything, Set<UUID> artifacts) {
        static final Wake NOTHING = new Wake(false, Set.of());
        static final Wake EVERYTHING = new Wake(true, Set.of());
    }

    private final DataSource dataSource;
    private Connection connection;
    private PGConnection pg;
    private volatile boolean connected;
    private boolean failing;

    FeedListener(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    boolean connected() {
        return connected;
    }

    /** Connects and LISTENs; false (and logged once per outage) when it cannot. */
    boolean connect() {
        try {
            connection = dataSource.getConnection();
            connection.setAutoCommit(true);
            pg = connection.unwrap(PGConnection.class);
            try (Statement s = connection.createStatement()) {
                s.execute("SET application_name = '" + APPLICATION_NAME + "'");
                s.execute("LISTEN " + CHANNEL);
            }
            connected = true;
            if (failing) {
                failing = false;
                LOG.info("change feed listens again");
            }
            return true;
        } catch (SQLException | RuntimeException e) {
            if (!failing) {
                failing = true;
                LOG.warn("change feed cannot LISTEN (polling meanwhile): {}", e.toString());
            }
            drop();
            return false;
        }
    }

    /** Waits up to {@code millis} for notifications; sleeps when not connected. */
    Wake await(long millis) throws InterruptedException {
        if (!connected) {
            Thread.sleep(Math.min(millis, 200));
            return Wake.NOTHING;
        }
        try {
            PGNotification[] notes = pg.getNotifications((int) Math.min(Integer.MAX_VALUE, millis));
            if (notes == null || notes.length == 0) {
                return Wake.NOTHING;
            }
            Set<UUID> artifacts = new LinkedHashSet<>();
            for (PGNotification note : notes) {
                if (!parse(note.getParameter(), artifacts)) {
                    return Wake.EVERYTHING;
                }
            }
            return new Wake(false, artifacts);
        } catch (SQLException e) {
            LOG.warn("change feed's listening connection broke (reconnecting, polling meanwhile): {}", e.toString());
            failing = true;
            drop();
            return Wake.EVERYTHING;
        }
    }

    /** Adds the payload's artifacts; false for a payload that names none (look at everything). */
    static boolean parse(String payload, Set<UUID> into) {
        if (payload == null || payload.isEmpty()) {
            return false;
        }
        for (String part : payload.split(",")) {
            int colon = part.indexOf(':');
            try {
                into.add(UUID.fromString(colon < 0 ? part : part.substring(0, colon)));
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        return true;
    }

    /** UNLISTENs and gives the connection back. */
    void close() {
        if (connection != null && connected) {
            try (Statement s = connection.createStatement()) {
                s.execute("UNLISTEN *");
                s.execute("RESET application_name");
            } catch (SQLException e) {
                LOG.debug("UNLISTEN failed; the connection is closed anyway", e);
            }
        }
        drop();
    }

    private void drop() {
        connected = false;
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("closing the listening connection failed", e);
            }
        }
        connection = null;
        pg = null;
    }
}

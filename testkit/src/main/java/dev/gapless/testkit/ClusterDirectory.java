package dev.gapless.testkit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets a persistent data directory ready for its server, under its {@link DirectoryLock}: a new cluster is
 * initialised in a staging directory next to it and moved into place only once initdb has finished, so a process
 * killed during {@code initdb} leaves a staging directory (removed by the next run), never a data directory that
 * can never start. An existing cluster is reused after stopping any server left running on it by a process that
 * was killed.
 */
final class ClusterDirectory {

    /** Creates a complete cluster in an empty directory, with no server left running on it; throws if it cannot. */
    @FunctionalInterface
    interface Initializer {
        void initialize(Path emptyDirectory) throws IOException;
    }

    /** Whether {@link #prepare} made a new cluster or found one. */
    enum Outcome { NEW, REUSED }

    private static final Logger LOG = LoggerFactory.getLogger(ClusterDirectory.class);
    private static final String STAGING_INFIX = ".initdb-";
    private static final Duration ORPHAN_STOP_WAIT = Duration.ofSeconds(20);
    /** Left in a data directory by zonky; alone, it does not make the directory a cluster. */
    private static final Set<String> IGNORABLE = Set.of(EmbeddedBackend.ZONKY_LOCK);
    /** template1, template0 and postgres: the last two are made at the very end of initdb. */
    private static final int DATABASES_OF_A_NEW_CLUSTER = 3;

    private ClusterDirectory() {
    }

    /**
     * Makes {@code dataDirectory} hold a cluster that can start.
     *
     * @param dataDirectory absolute, normalised; its parent exists; the caller holds its {@link DirectoryLock}
     * @param initializer   creates a cluster in an empty directory
     * @return whether the cluster is new
     * @throws IOException           if the file system fails
     * @throws IllegalStateException with what to do, if the directory holds something else than a cluster, or a
     *     server left running on it cannot be stopped
     */
    static Outcome prepare(Path dataDirectory, Initializer initializer) throws IOException {
        if (Files.exists(dataDirectory) && !Files.isDirectory(dataDirectory)) {
            throw new IllegalStateException(dataDirectory + " is a file, not a directory; give a new or empty"
                    + " directory.");
        }
        removeStaleStaging(dataDirectory);
        if (isEmpty(dataDirectory)) {
            initializeAndMove(dataDirectory, initializer);
            return Outcome.NEW;
        }
        if (isComplete(dataDirectory)) {
            OrphanedServer.stopIfRunning(dataDirectory, ORPHAN_STOP_WAIT);
            return Outcome.REUSED;
        }
        if (Files.exists(dataDirectory.resolve("PG_VERSION")) || Files.exists(dataDirectory.resolve(
                "postgresql.conf"))) {
            // initdb killed in place (before staging existed): it never started, so it holds no data; kept anyway
            OrphanedServer.stopIfRunning(dataDirectory, ORPHAN_STOP_WAIT);
            Path aside = dataDirectory.resolveSibling(dataDirectory.getFileName() + ".unfinished-"
                    + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
            Files.move(dataDirectory, aside);
            LOG.warn("{} held a cluster whose initdb never finished (it could never start); moved it to {} and"
                    + " initialising a new one. Delete {} when you no longer want it.", dataDirectory, aside, aside);
            initializeAndMove(dataDirectory, initializer);
            return Outcome.NEW;
        }
        throw new IllegalStateException(dataDirectory + " is neither empty nor a PostgreSQL data directory (it has"
                + " no PG_VERSION); give a new or empty directory.");
    }

    /** Absent, or holding nothing but files that do not make a cluster. */
    static boolean isEmpty(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return true;
        }
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.allMatch(p -> IGNORABLE.contains(p.getFileName().toString()));
        }
    }

    /** A cluster whose initdb finished: its control file and all three initial databases exist. */
    static boolean isComplete(Path directory) throws IOException {
        if (!Files.exists(directory.resolve("PG_VERSION"))
                || !Files.exists(directory.resolve("global").resolve("pg_control"))
                || !Files.isDirectory(directory.resolve("base"))) {
            return false;
        }
        try (Stream<Path> databases = Files.list(directory.resolve("base"))) {
            return databases.filter(Files::isDirectory).count() >= DATABASES_OF_A_NEW_CLUSTER;
        }
    }

    private static void initializeAndMove(Path dataDirectory, Initializer initializer) throws IOException {
        Path staging = Files.createTempDirectory(dataDirectory.getParent(),
                dataDirectory.getFileName() + STAGING_INFIX);
        try {
            initializer.initialize(staging);
            if (!isComplete(staging)) {
                throw new IOException("initdb in " + staging + " did not produce a complete cluster");
            }
            if (Files.exists(dataDirectory)) {
                deleteRecursively(dataDirectory); // nothing but ignorable files, checked by the caller
            }
            Files.move(staging, dataDirectory, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(dataDirectory.getParent());
        } catch (IOException | RuntimeException e) {
            deleteQuietly(staging);
            throw e;
        }
    }

    /** Staging directories of runs that were killed: stop a server they may have left, then delete them. */
    private static void removeStaleStaging(Path dataDirectory) throws IOException {
        String prefix = dataDirectory.getFileName() + STAGING_INFIX;
        List<Path> stale;
        try (Stream<Path> siblings = Files.list(dataDirectory.getParent())) {
            stale = siblings.filter(p -> p.getFileName().toString().startsWith(prefix) && Files.isDirectory(p))
                    .toList();
        }
        for (Path directory : stale) {
            try {
                OrphanedServer.stopIfRunning(directory, ORPHAN_STOP_WAIT);
                LOG.info("Removing {}, left by a run killed while it initialised {}", directory, dataDirectory);
                deleteRecursively(directory);
            } catch (IOException | RuntimeException e) {
                LOG.warn("Could not remove {} (left by a killed run): {}", directory, e.getMessage());
            }
        }
    }

    static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void deleteQuietly(Path directory) {
        try {
            deleteRecursively(directory);
        } catch (IOException e) {
            LOG.warn("Could not delete {}: {}", directory, e.getMessage());
        }
    }

    /** Makes the rename durable where the platform allows opening a directory; best effort elsewhere. */
    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            LOG.debug("cannot sync {}", directory, e);
        }
    }
}

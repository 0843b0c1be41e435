package dev.gapless.testkit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server left running on a data directory by a process that ended without stopping it ({@code kill -9}
 * of the JVM that started it: the postmaster is a separate process and survives). Called only while holding the
 * directory's {@link DirectoryLock}, so no live process of ours is using that server: it is an orphan, found by the
 * directory's {@code postmaster.pid}, and stopped so that the directory can be started again at once instead of
 * PostgreSQL refusing to start next to it.
 */
final class OrphanedServer {

    private static final Logger LOG = LoggerFactory.getLogger(OrphanedServer.class);
    /** zonky's own lock file inside the data directory, held while a zonky instance runs the server. */
    private static final String ZONKY_LOCK = EmbeddedBackend.ZONKY_LOCK;

    private OrphanedServer() {
    }

    /**
     * Stops the server recorded in {@code dataDirectory/postmaster.pid} if one is still running. Does nothing when
     * there is no such file or its process is gone (PostgreSQL removes a stale file itself).
     *
     * @param dataDirectory the directory, held by the caller
     * @param wait          how long to wait for the server to stop
     * @throws IllegalStateException with what to do, if the recorded process is alive but not a PostgreSQL server
     *     of this directory, if another process still runs it, or if it does not stop in time
     */
    static void stopIfRunning(Path dataDirectory, Duration wait) {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        List<String> lines;
        try {
            lines = Files.readAllLines(pidFile);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + pidFile + ": " + e.getMessage(), e);
        }
        long pid;
        try {
            pid = lines.isEmpty() ? -1 : Long.parseLong(lines.get(0).trim());
        } catch (NumberFormatException e) {
            return; // half-written by a postmaster that died while starting; PostgreSQL replaces it
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (process.isEmpty()) {
            return;
        }
        ProcessHandle postmaster = process.get();
        if (!isPostmasterOf(postmaster, dataDirectory)) {
            throw new IllegalStateException(pidFile + " names process " + pid + " ("
                    + postmaster.info().commandLine().orElse("its command cannot be read") + "), which is not known"
                    + " to be a PostgreSQL server of " + dataDirectory + ". If it is one, stop it; if no PostgreSQL"
                    + " server uses that directory, delete " + pidFile + ". Then try again.");
        }
        if (zonkyStillRunsIt(dataDirectory)) {
            throw new DataDirectoryInUseException(dataDirectory + " is in use: its PostgreSQL server (pid " + pid
                    + ") is still run by another process (it holds " + dataDirectory.resolve(ZONKY_LOCK)
                    + "), perhaps an older gapless. Stop that process, or use another data directory.",
                    dataDirectory, -1);
        }
        LOG.warn("Stopping PostgreSQL (pid {}) left running on {} by a process that ended without stopping it",
                pid, dataDirectory);
        postmaster.destroy(); // SIGTERM, a smart shutdown: its clients ended with the process that had started it
        try {
            postmaster.onExit().get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("PostgreSQL (pid " + pid + "), left running on " + dataDirectory
                    + " by a process that ended without stopping it, did not stop within " + wait.toSeconds()
                    + " s of SIGTERM (some client may still be connected). Stop it with 'kill -INT " + pid
                    + "' and try again.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping PostgreSQL (pid " + pid + ")", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot wait for PostgreSQL (pid " + pid + ") to stop", e);
        }
        LOG.info("Stopped orphaned PostgreSQL (pid {}) on {}", pid, dataDirectory);
    }

    /** A {@code postgres} binary started with {@code -D} naming this very directory. */
    private static boolean isPostmasterOf(ProcessHandle process, Path dataDirectory) {
        ProcessHandle.Info info = process.info();
        boolean postgres = info.command().map(c -> Path.of(c).getFileName().toString())
                .filter(name -> name.equals("postgres") || name.equals("postgres.exe")).isPresent();
        String[] arguments = info.arguments().orElse(new String[0]);
        for (int i = 0; postgres && i + 1 < arguments.length; i++) {
            if (arguments[i].equals("-D") && sameFile(Path.of(arguments[i + 1]), dataDirectory)) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Whether a live zonky instance (in another process, e.g. a gapless from before {@link DirectoryLock}) still
     * holds the directory's {@code epg-lock}. Opened only when this JVM has no server on the directory, which the
     * caller's {@link DirectoryLock} guarantees, so closing the channel drops no lock of ours.
     */
    private static boolean zonkyStillRunsIt(Path dataDirectory) {
        Path lockFile = dataDirectory.resolve(ZONKY_LOCK);
        if (!Files.exists(lockFile)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            try (FileLock lock = channel.tryLock()) {
                return lock == null;
            }
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (IOException e) {
            LOG.debug("cannot check {}", lockFile, e);
            return false;
        }
    }
}

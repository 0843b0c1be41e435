package dev.gapless.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exclusive use of a persistent data directory by one process: an OS file lock on {@code <dir>.lock}, next to the
 * directory (not inside it, so that a cluster can be initialised elsewhere and moved into place). The operating
 * system releases the lock when its process ends, however it ends, so a lock that can be taken means that no live
 * process is using the directory. The holder writes its pid, start time and command line into the file, so that a
 * process that finds the directory taken can say by whom.
 */
final class DirectoryLock implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DirectoryLock.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final int MAX_COMMAND_LENGTH = 300;
    private static final Pattern SECRET_OPTION = Pattern.compile(
            "(?i)(--?[\\w.-]*(?:token|password|passwd|secret)[\\w.-]*)(=|\\s+)\\S+");
    private static final Pattern SECRET_PARAMETER = Pattern.compile("(?i)((?:password|token)=)[^&\\s]+");

    /**
     * Directories this JVM holds. Needed because the OS lock is per process: a second channel on the same file
     * could not take it, and closing that channel would silently drop the first one's lock.
     */
    private static final Set<Path> HELD_BY_THIS_JVM = ConcurrentHashMap.newKeySet();

    private final Path dataDirectory;
    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(Path dataDirectory, FileChannel channel, FileLock lock) {
        this.dataDirectory = dataDirectory;
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock file of a data directory: {@code <dir>.lock} in the same parent. */
    static Path lockFileOf(Path dataDirectory) {
        return dataDirectory.resolveSibling(dataDirectory.getFileName() + ".lock");
    }

    /**
     * Takes the directory, waiting up to {@code wait} while another process (or another server of this JVM) holds
     * it.
     *
     * @param dataDirectory absolute, normalised data directory; its parent must exist
     * @param wait          how long to wait; zero fails at once
     * @return the held lock; close it to release
     * @throws DataDirectoryInUseException if the directory is still held when the wait ends
     * @throws UncheckedIOException        if the lock file cannot be used
     */
    static DirectoryLock acquire(Path dataDirectory, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        boolean told = false;
        while (true) {
            Holder holder;
            if (HELD_BY_THIS_JVM.add(dataDirectory)) {
                Attempt attempt = tryAcquire(dataDirectory);
                if (attempt.lock() != null) {
                    return attempt.lock();
                }
                holder = attempt.holder();
            } else {
                holder = new Holder(ProcessHandle.current().pid(), "",
                        "this process: another embedded server on it is still open");
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new DataDirectoryInUseException(dataDirectory + " is in use by " + holder.describe()
                        + (wait.isZero() ? "" : "; waited " + wait.toSeconds() + " s for it")
                        + ". Wait for that process to finish or stop it" + (holder.pid() > 0 ? " (kill "
                        + holder.pid() + ")" : "") + ", or use another data directory.", dataDirectory,
                        holder.pid());
            }
            if (!told) {
                LOG.info("{} is in use by {}; waiting up to {} s for it", dataDirectory, holder.describe(),
                        wait.toSeconds());
                told = true;
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + dataDirectory, e);
            }
        }
    }

    /** The lock, or (when another process holds it) what that process recorded. */
    private record Attempt(DirectoryLock lock, Holder holder) {
    }

    /** A holder as recorded in the lock file: pid (-1 if unknown), start time and command line (may be blank). */
    private record Holder(long pid, String since, String command) {

        static Holder parse(String text) {
            long pid = -1;
            String since = "";
            String command = "";
            for (String line : text.split("\n")) {
                if (line.startsWith("pid=")) {
                    try {
                        pid = Long.parseLong(line.substring(4).trim());
                    } catch (NumberFormatException e) {
                        pid = -1;
                    }
                } else if (line.startsWith("since=")) {
                    since = line.substring(6).trim();
                } else if (line.startsWith("command=")) {
                    command = line.substring(8).trim();
                }
            }
            return new Holder(pid, since, command);
        }

        String describe() {
            if (pid <= 0) {
                return "another process";
            }
            String live = ProcessHandle.of(pid).flatMap(p -> p.info().commandLine()).map(DirectoryLock::clip)
                    .orElse(command);
            return "process " + pid + (live.isEmpty() ? "" : " (" + live + ")")
                    + (since.isEmpty() ? "" : ", since " + since);
        }
    }

    /**
     * One attempt, with the path reserved in this JVM by the caller. When another process holds the lock, the
     * reservation is given up and what that process recorded is returned; the file is read through this channel,
     * before the reservation ends, because closing any other channel on it in this JVM would drop a lock that
     * another thread may take meanwhile.
     */
    private static Attempt tryAcquire(Path dataDirectory) {
        Path file = lockFileOf(dataDirectory);
        FileChannel channel = null;
        try {
            channel = open(file);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                ByteBuffer buffer = ByteBuffer.allocate(4096);
                channel.read(buffer, 0);
                channel.close();
                HELD_BY_THIS_JVM.remove(dataDirectory);
                return new Attempt(null, Holder.parse(new String(buffer.array(), 0, buffer.position(),
                        StandardCharsets.UTF_8)));
            }
            ProcessHandle self = ProcessHandle.current();
            String record = "pid=" + self.pid() + "\nsince=" + Instant.now() + "\ncommand="
                    + clip(self.info().commandLine().orElse("")) + "\n";
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(record.getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
            return new Attempt(new DirectoryLock(dataDirectory, channel, lock), null);
        } catch (IOException e) {
            closeQuietly(channel);
            HELD_BY_THIS_JVM.remove(dataDirectory);
            throw new UncheckedIOException("cannot lock " + file + ": " + e.getMessage(), e);
        }
    }

    /** Opens the lock file, creating it with mode 0600 where the file system has modes. */
    private static FileChannel open(Path file) throws IOException {
        Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        if (Files.getFileAttributeView(file.getParent(), PosixFileAttributeView.class) == null) {
            return FileChannel.open(file, options);
        }
        FileChannel channel = FileChannel.open(file, options, PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------")); // one made by 0.1
        return channel;
    }

    /**
     * A command line short enough for a message, with no secret in it: the value of every option whose name holds
     * {@code token}, {@code password} or {@code secret} (and a {@code password=} in a URL) is replaced by
     * {@code ***}, since the lock file and messages outlive the process; a class path says nothing to the reader,
     * so it is elided.
     */
    static String clip(String command) {
        String redacted = SECRET_OPTION.matcher(command).replaceAll("$1$2***");
        redacted = SECRET_PARAMETER.matcher(redacted).replaceAll("$1***");
        String shorter = redacted.replaceAll("(-cp|-classpath|--class-path) \\S+", "$1 …");
        return shorter.length() <= MAX_COMMAND_LENGTH ? shorter : shorter.substring(0, MAX_COMMAND_LENGTH) + "…";
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("cannot close lock file channel", e);
            }
        }
    }

    /** Releases the directory. The lock file stays (deleting it would race a process about to lock it). */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            LOG.warn("cannot release the lock on {}", dataDirectory, e);
        } finally {
            closeQuietly(channel);
            HELD_BY_THIS_JVM.remove(dataDirectory);
        }
    }
}

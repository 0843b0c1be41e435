package dev.gapless.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes {@link PgBouncer}'s configuration and starts and stops its process. Stateless. */
final class PgBouncerProcess {

    static final String LOOPBACK = "127.0.0.1";

    private static final Logger LOG = LoggerFactory.getLogger(PgBouncerProcess.class);
    private static final int START_ATTEMPTS = 5;
    private static final long START_TIMEOUT_MILLIS = 15_000;

    /** A started PgBouncer and the port it listens on. */
    record Launched(Process process, int port) {
    }

    private PgBouncerProcess() {
    }

    /**
     * Configures PgBouncer in {@code directory} and starts it on a free loopback port, choosing another port when
     * the chosen one was taken before PgBouncer could bind it.
     *
     * @throws IllegalStateException if it does not start
     */
    static Launched start(Path executable, Path directory, String host, int backendPort, String user,
                          String password, int poolSize, int maxClientConnections) {
        IllegalStateException failure = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                int port = freeLoopbackPort();
                writeConfiguration(directory, host, backendPort, port, user, password, poolSize,
                        maxClientConnections);
                Process process = launch(executable, directory, port);
                LOG.info("Started PgBouncer (transaction pooling, pool size {}) on {}:{} in front of {}:{}",
                        poolSize, LOOPBACK, port, host, backendPort);
                return new Launched(process, port);
            } catch (IOException e) {
                failure = new IllegalStateException("PgBouncer could not be started: " + e.getMessage(), e);
            } catch (IllegalStateException e) {
                failure = e; // e.g. the port was taken between choosing and binding it: try another
            }
            LOG.debug("PgBouncer start attempt {} failed", attempt, failure);
        }
        throw failure;
    }

    /** SIGTERM (PgBouncer's fast shutdown), SIGKILL after 10 s. */
    static void terminate(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void writeConfiguration(Path directory, String host, int backendPort, int port, String user,
                                           String password, int poolSize, int maxClientConnections)
            throws IOException {
        String ini = String.join("\n",
                "[databases]",
                "* = host=" + host + " port=" + backendPort,
                "",
                "[pgbouncer]",
                "listen_addr = " + LOOPBACK,
                "listen_port = " + port,
                "unix_socket_dir =",
                "pidfile =",
                "logfile =",
                // clients log in with the server's own user and password: no other local user gets through
                "auth_type = scram-sha-256",
                "auth_file = " + directory.resolve("users.txt"),
                "pool_mode = transaction",
                "default_pool_size = " + poolSize,
                "max_client_conn = " + maxClientConnections,
                "ignore_startup_parameters = extra_float_digits",
                // a server restarted under the pool is used again after 1 s, not the default 15 s
                "server_login_retry = 1",
                "log_connections = 0",
                "log_disconnections = 0",
                "");
        writeReadable(directory.resolve("pgbouncer.ini"), ini);
        writeSecret(directory.resolve("users.txt"), quote(user) + " " + quote(password) + "\n");
    }

    /**
     * Readable by its owner only: the user PgBouncer switches to when started as root, else the current user. The
     * file is created 0600 before the password is written.
     */
    private static void writeSecret(Path file, String text) throws IOException {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        if (runningAsRoot()) {
            Files.setOwner(file, file.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName(unprivilegedUser()));
        }
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static Process launch(Path executable, Path directory, int port) throws IOException {
        List<String> command = new ArrayList<>(List.of(executable.toString()));
        if (runningAsRoot()) {
            command.addAll(List.of("-u", unprivilegedUser()));
        }
        command.add(directory.resolve("pgbouncer.ini").toString());
        Path log = directory.resolve("pgbouncer.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
        String listening = "listening on " + LOOPBACK + ":" + port;
        while (System.nanoTime() < deadline) {
            String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            if (!process.isAlive()) {
                throw new IllegalStateException("PgBouncer exited with " + process.exitValue() + ": " + text.strip());
            }
            if (text.contains(listening) && accepts(port)) {
                return process;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                terminate(process);
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while PgBouncer started", e);
            }
        }
        terminate(process);
        throw new IllegalStateException("PgBouncer did not listen on port " + port + " within "
                + START_TIMEOUT_MILLIS + " ms: " + Files.readString(log, StandardCharsets.UTF_8).strip());
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getByName(LOOPBACK), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return socket.getLocalPort();
        }
    }

    /** Readable by the unprivileged user PgBouncer switches to when started as root; nothing secret in it. */
    private static void writeReadable(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    }

    private static String quote(String value) {
        return "\"" + value.replace("\"", "\"\"") + "\"";
    }

    private static boolean runningAsRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /** PgBouncer refuses to run as root; {@code -u} switches to this user. */
    private static String unprivilegedUser() {
        try {
            return Files.readAllLines(Path.of("/etc/passwd")).stream().anyMatch(l -> l.startsWith("postgres:"))
                    ? "postgres" : "nobody";
        } catch (IOException e) {
            return "nobody";
        }
    }
}

package dev.gapless.chaos;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay on 127.0.0.1 in front of PostgreSQL that injects network faults, as pgjdbc's own test suite does
 * (Toxiproxy's server is not available here):
 * <ul>
 *   <li>latency added to every server-to-client chunk;</li>
 *   <li>{@link #resetAll()}: every open connection reset (RST) at once;</li>
 *   <li>ambiguous commit: the client-to-server stream is parsed as PostgreSQL v3 protocol messages; when a
 *       {@code COMMIT} goes out (a simple {@code Query}, or a {@code Bind} of a statement {@code Parse}d as
 *       {@code COMMIT}, named or unnamed), the proxy either relays it, lets the server commit and then swallows
 *       the reply and cuts the connection ({@link Ambiguity#REPLY_LOST}: the commit landed), or cuts the
 *       connection without relaying it ({@link Ambiguity#NEVER_SENT}: it did not); the client cannot tell which;</li>
 *   <li>{@link #retarget(int)}: new connections go to another port (a restarted server).</li>
 * </ul>
 * Thread-safety: all methods may be called from any thread while connections are relayed.
 */
final class LoopbackProxy implements AutoCloseable {

    /** What happens to a doomed COMMIT. */
    enum Ambiguity {
        /** Relayed; the server commits; its reply is dropped and the connection cut. */
        REPLY_LOST,
        /** Not relayed; the connection is cut; the transaction rolls back. */
        NEVER_SENT
    }

    private static final int PROTOCOL_3 = 196608;

    private final ServerSocket listener;
    private final String targetHost;
    private volatile int targetPort;
    private volatile long latencyMicros;
    private volatile double ambiguousProbability;
    private volatile boolean alsoNeverSent;
    private final AtomicInteger forcedReplyLost = new AtomicInteger();
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger commits = new AtomicInteger();
    private final AtomicInteger repliesLost = new AtomicInteger();
    private final AtomicInteger neverSent = new AtomicInteger();
    private final AtomicInteger resets = new AtomicInteger();
    private final Thread acceptor;

    LoopbackProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::accept, "loopback-proxy-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The port clients connect to. */
    int port() {
        return listener.getLocalPort();
    }

    /** A JDBC URL for {@code database} through this proxy. */
    String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database
                + "?sslmode=disable&gssEncMode=disable&connectTimeout=5&socketTimeout=30&tcpKeepAlive=true";
    }

    /** New connections go to {@code port}; open ones are left alone. */
    void retarget(int port) {
        this.targetPort = port;
    }

    /** Adds {@code latency} before every chunk relayed from the server to the client. */
    void latency(Duration latency) {
        this.latencyMicros = latency.toNanos() / 1000;
    }

    /** Each COMMIT is made ambiguous with probability {@code p}; with {@code alsoNeverSent} half are not relayed. */
    void ambiguousCommits(double p, boolean alsoNeverSent) {
        this.ambiguousProbability = p;
        this.alsoNeverSent = alsoNeverSent;
    }

    /** The next {@code n} COMMITs land on the server and their replies are lost. */
    void loseNextCommitReplies(int n) {
        forcedReplyLost.set(n);
    }

    /** Resets every open connection. @return how many */
    int resetAll() {
        int n = 0;
        for (Link link : links) {
            link.close(true);
            n++;
        }
        resets.addAndGet(n);
        return n;
    }

    int connections() {
        return connections.get();
    }

    int refused() {
        return refused.get();
    }

    int commitsSeen() {
        return commits.get();
    }

    int commitRepliesLost() {
        return repliesLost.get();
    }

    int commitsNeverSent() {
        return neverSent.get();
    }

    int resets() {
        return resets.get();
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing
        }
        resetAll();
    }

    private void accept() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return;
            }
            connections.incrementAndGet();
            Socket server = new Socket();
            try {
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                server.connect(new InetSocketAddress(targetHost, targetPort), 2000);
            } catch (IOException e) {
                refused.incrementAndGet();
                closeQuietly(server, false);
                closeQuietly(client, true);
                continue;
            }
            Link link = new Link(client, server);
            links.add(link);
            link.start();
        }
    }

    private Ambiguity decide() {
        if (take(forcedReplyLost)) {
            return Ambiguity.REPLY_LOST;
        }
        double p = ambiguousProbability;
        if (p > 0 && ThreadLocalRandom.current().nextDouble() < p) {
            return alsoNeverSent && ThreadLocalRandom.current().nextBoolean() ? Ambiguity.NEVER_SENT
                    : Ambiguity.REPLY_LOST;
        }
        return null;
    }

    private static boolean take(AtomicInteger budget) {
        while (true) {
            int left = budget.get();
            if (left <= 0) {
                return false;
            }
            if (budget.compareAndSet(left, left - 1)) {
                return true;
            }
        }
    }

    private static void closeQuietly(Socket socket, boolean reset) {
        try {
            if (reset && !socket.isClosed()) {
                socket.setSoLinger(true, 0);
            }
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // closed
        }
    }

    /** One relayed connection: a client-to-server pump that parses messages, a server-to-client pump. */
    private final class Link {
        private final Socket client;
        private final Socket server;
        private final Map<String, Boolean> commitStatements = new HashMap<>();
        private final CountDownLatch replyGone = new CountDownLatch(1);
        private volatile boolean doomed;
        private volatile boolean closed;

        Link(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void start() {
            Thread up = new Thread(this::clientToServer, "proxy-up-" + client.getPort());
            Thread down = new Thread(this::serverToClient, "proxy-down-" + client.getPort());
            up.setDaemon(true);
            down.setDaemon(true);
            up.start();
            down.start();
        }

        void close(boolean reset) {
            if (closed) {
                return;
            }
            closed = true;
            closeQuietly(client, reset);
            closeQuietly(server, reset);
            links.remove(this);
            replyGone.countDown();
        }

        private void clientToServer() {
            try (DataInputStream in = new DataInputStream(client.getInputStream());
                 OutputStream out = new BufferedOutputStream(server.getOutputStream(), 16 * 1024)) {
                boolean started = false;
                while (!started) {
                    int length = in.readInt();
                    byte[] body = new byte[length - 4];
                    in.readFully(body);
                    writeInt(out, length);
                    out.write(body);
                    out.flush();
                    int code = ((body[0] & 0xff) << 24) | ((body[1] & 0xff) << 16) | ((body[2] & 0xff) << 8)
                            | (body[3] & 0xff);
                    started = code == PROTOCOL_3;
                }
                while (!closed) {
                    int type = in.read();
                    if (type < 0) {
                        break;
                    }
                    int length = in.readInt();
                    byte[] body = new byte[length - 4];
                    in.readFully(body);
                    if (isCommit(type, body)) {
                        commits.incrementAndGet();
                        Ambiguity fate = decide();
                        if (fate == Ambiguity.NEVER_SENT) {
                            neverSent.incrementAndGet();
                            close(true);
                            return;
                        }
                        if (fate == Ambiguity.REPLY_LOST) {
                            // set before the COMMIT leaves: every byte the server sends from now on is its reply
                            doomed = true;
                        }
                    }
                    out.write(type);
                    writeInt(out, length);
                    out.write(body);
                    if (in.available() == 0) {
                        out.flush();
                    }
                    // the COMMIT executes at the Sync that follows its Bind (or at once for a simple Query)
                    if (doomed && (type == 'S' || type == 'Q')) {
                        out.flush();
                        replyGone.await(2, TimeUnit.SECONDS);
                        close(true);
                        return;
                    }
                }
            } catch (IOException | InterruptedException e) {
                // the other side went away
            } finally {
                close(false);
            }
        }

        private void serverToClient() {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = server.getInputStream(); OutputStream out = client.getOutputStream()) {
                while (!closed) {
                    int n = in.read(buffer);
                    if (n < 0) {
                        break;
                    }
                    if (doomed) {
                        repliesLost.incrementAndGet();
                        replyGone.countDown();
                        close(true);
                        return;
                    }
                    long micros = latencyMicros;
                    if (micros > 0) {
                        TimeUnit.MICROSECONDS.sleep(micros);
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // the other side went away
            } finally {
                close(false);
            }
        }

        /** A simple-protocol COMMIT, or the Bind of a statement parsed as COMMIT. Tracks Parse on the way. */
        private boolean isCommit(int type, byte[] body) {
            switch (type) {
                case 'Q':
                    return isCommitSql(cString(body, 0));
                case 'P': {
                    String name = cString(body, 0);
                    String sql = cString(body, name.getBytes(StandardCharsets.UTF_8).length + 1);
                    commitStatements.put(name, isCommitSql(sql));
                    return false;
                }
                case 'B': {
                    String portal = cString(body, 0);
                    String statement = cString(body, portal.getBytes(StandardCharsets.UTF_8).length + 1);
                    return commitStatements.getOrDefault(statement, false);
                }
                default:
                    return false;
            }
        }
    }

    private static boolean isCommitSql(String sql) {
        String s = sql.trim().toUpperCase(Locale.ROOT);
        if (s.endsWith(";")) {
            s = s.substring(0, s.length() - 1).trim();
        }
        return s.equals("COMMIT") || s.equals("END") || s.equals("COMMIT TRANSACTION") || s.equals("COMMIT WORK");
    }

    private static String cString(byte[] body, int from) {
        int end = from;
        while (end < body.length && body[end] != 0) {
            end++;
        }
        return new String(body, from, end - from, StandardCharsets.UTF_8);
    }

    private static void writeInt(OutputStream out, int v) throws IOException {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }

}

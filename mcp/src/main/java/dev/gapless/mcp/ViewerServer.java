package dev.gapless.mcp;

import dev.gapless.core.ArtifactStore;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * {@code gapless serve}: a web viewer of the store's chats, artifacts, versions, files and diffs, updating live as
 * versions land, and its JSON API and Server-Sent Events ({@link ViewerServlet}), on one Jetty server. Like MCP over
 * HTTP it listens on {@code 127.0.0.1} by default and every API request needs {@code Authorization: Bearer <token>};
 * the page itself (no data) is served without one and takes the token from the URL's fragment
 * ({@code #token=...}, which browsers never send to a server), keeps it in the tab's session storage and sends it
 * in that header. The same viewer mounts inside MCP over HTTP with {@link McpHttpServer.Builder#viewer(boolean)}.
 *
 * <p>Thread-safety: start and close from one thread; serving is concurrent.
 */
public final class ViewerServer implements AutoCloseable {

    /** Where the viewer lives on the server. */
    public static final String PATH = "/viewer";

    private final Server jetty;
    private final String host;
    private final ViewerServlet viewer;

    private ViewerServer(ArtifactStore store, String host, int port, Map<String, ChatScope> tokens)
            throws Exception {
        this.host = host;
        QueuedThreadPool threads = new QueuedThreadPool(72, 2);
        threads.setName("gapless-viewer");
        threads.setDaemon(true);
        this.jetty = new Server(threads);
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost(host);
        connector.setPort(port);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        this.viewer = mount(context, store, tokens, Set.of("/"));
        context.addServlet(new ServletHolder(new Redirect()), "");
        jetty.setHandler(context);
        jetty.setStopTimeout(3_000);
        try {
            jetty.start();
        } catch (Exception e) {
            jetty.stop();
            throw e;
        }
    }

    /**
     * Starts a viewer server.
     *
     * @param store the store to show
     * @param host  the address to listen on, e.g. {@code 127.0.0.1}
     * @param port  the port, 0 for any free one
     * @param token the bearer token, at least 16 characters without white space; it may see every chat
     * @return the running server
     * @throws IllegalArgumentException if the token is too short or has white space
     * @throws Exception                if Jetty cannot start (e.g. the port is taken)
     */
    public static ViewerServer start(ArtifactStore store, String host, int port, String token) throws Exception {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(host, "host");
        Map<String, ChatScope> tokens = new LinkedHashMap<>();
        tokens.put(checkedToken(token), ChatScope.ALL);
        return new ViewerServer(store, host, port, tokens);
    }

    static String checkedToken(String token) {
        Objects.requireNonNull(token, "token");
        if (token.length() < BearerTokenFilter.MIN_LENGTH || token.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("the token must have at least " + BearerTokenFilter.MIN_LENGTH
                    + " characters and no white space");
        }
        return token;
    }

    /**
     * Adds the viewer at {@link #PATH} to a context, behind the bearer token (except its page and {@code more}).
     * Returns the servlet, whose event streams its server ends before stopping.
     */
    static ViewerServlet mount(ServletContextHandler context, ArtifactStore store, Map<String, ChatScope> tokens,
                      Set<String> more) {
        Set<String> open = new java.util.HashSet<>(openPaths());
        open.addAll(more);
        context.addFilter(new FilterHolder(new BearerTokenFilter(tokens, open)), PATH + "/*",
                EnumSet.of(jakarta.servlet.DispatcherType.REQUEST));
        ViewerServlet servlet = new ViewerServlet(store);
        ServletHolder holder = new ServletHolder(servlet);
        holder.setAsyncSupported(false);
        context.addServlet(holder, PATH + "/*");
        return servlet;
    }

    /** The viewer's page files, which need no token. */
    static Set<String> openPaths() {
        Set<String> open = ViewerServlet.STATIC.keySet().stream().map(p -> PATH + p).collect(Collectors.toSet());
        open.add(PATH); // redirected to PATH + "/"
        return open;
    }

    /** {@return the port it listens on} */
    public int port() {
        return ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
    }

    /**
     * The page's URL with the token in its fragment, to open in a browser (the fragment never reaches the server).
     *
     * @param token the token to put in the fragment
     * @return the URL
     */
    public URI url(String token) {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return URI.create("http://" + h + ":" + port() + PATH + "/#token=" + token);
    }

    /** Stops; open event streams get up to three seconds, and those still open then are cut. */
    @Override
    public void close() throws Exception {
        viewer.closeStreams();
        stop(jetty);
    }

    /**
     * Stops {@code jetty}. When requests outlive its stop timeout Jetty still stops (it closes their connections)
     * but then throws the graceful wait's TimeoutException: that is the documented end of the grace period, not a
     * failure to stop.
     */
    static void stop(Server jetty) throws Exception {
        try {
            jetty.stop();
        } catch (java.util.concurrent.TimeoutException e) {
            // the grace period ran out; what was still open was closed
        }
    }

    /** {@code /} and anything outside the viewer: to the viewer's page. */
    private static final class Redirect extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws java.io.IOException {
            response.setStatus(HttpServletResponse.SC_FOUND);
            response.setHeader("Location", PATH + "/");
        }
    }
}

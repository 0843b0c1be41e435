package dev.gapless.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gapless.core.Artifact;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.CodeFile;
import dev.gapless.core.GaplessException;
import dev.gapless.core.Version;
import dev.gapless.core.VersionSummary;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The viewer: its page ({@code index.html}, {@code viewer.js}, {@code viewer.css}, served from the jar without a
 * token) and its JSON API under {@code api/} (behind the bearer token, each chat checked against the token's
 * scope). Every answer is JSON or the page; errors are {@code {"error": "..."}} with a 4xx or 5xx status and never a
 * stack trace. The event stream is {@link ViewerEvents}. Reads only: the viewer never writes. Thread-safe.
 *
 * <pre>
 * GET api/chats                                  the chats (the token may use), newest first
 * GET api/artifacts?chat=ID                      a chat's artifacts
 * GET api/artifacts/UUID                         an artifact and its versions (summary, key, files, time)
 * GET api/artifacts/UUID/versions/N              the files of version N, without content
 * GET api/artifacts/UUID/versions/N/file?name=F  one file of version N, with content
 * GET api/artifacts/UUID/versions/N/diff         what version N changed
 * GET api/artifacts/UUID/events                  Server-Sent Events, id = version (Last-Event-ID resumes)
 * </pre>
 */
final class ViewerServlet extends HttpServlet {

    /** The page's files, served without a token. */
    static final Map<String, String> STATIC = Map.of("/", "text/html; charset=utf-8", "/index.html",
            "text/html; charset=utf-8", "/viewer.js", "text/javascript; charset=utf-8", "/viewer.css",
            "text/css; charset=utf-8");

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ViewerServlet.class);
    private static final Pattern ARTIFACT = Pattern.compile("/api/artifacts/([0-9a-fA-F-]{36})"
            + "(?:/(events)|/versions/([1-9][0-9]{0,8})(?:/(file|diff))?)?");
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
            + " img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    static final ObjectMapper JSON = new ObjectMapper();

    private final transient ArtifactStore store;
    private final transient ViewerEvents events;

    ViewerServlet(ArtifactStore store) {
        this.store = store;
        this.events = new ViewerEvents(store);
    }

    /** Ends the open event streams, before the server stops. */
    void closeStreams() {
        events.close();
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (request.getPathInfo() == null) { // /viewer: the page's relative links need /viewer/
            response.setStatus(HttpServletResponse.SC_FOUND);
            response.setHeader("Location", ViewerServer.PATH + "/");
            return;
        }
        String path = request.getPathInfo();
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("Cache-Control", "no-store");
        if (STATIC.containsKey(path)) {
            page(path, response);
            return;
        }
        ChatScope scope = request.getAttribute(BearerTokenFilter.SCOPE_ATTRIBUTE) instanceof ChatScope s ? s : null;
        if (scope == null) { // the filter lets no API request through without a token; this is a second lock
            error(response, HttpServletResponse.SC_UNAUTHORIZED, "missing bearer token");
            return;
        }
        try {
            route(path, request, response, scope);
        } catch (GaplessException e) {
            LOG.warn("viewer read failed for {}: {}", path, e.toString());
            error(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "reading the database failed ("
                    + e.getClass().getSimpleName() + "); nothing was changed, try again");
        } catch (RuntimeException e) {
            LOG.error("viewer failed for {}", path, e);
            if (!response.isCommitted()) {
                error(response, HttpServletResponse.SC_INTERNAL_SERVER_ERROR, "the viewer failed on this request;"
                        + " nothing was changed (the server's log has the details)");
            }
        }
    }

    private void route(String path, HttpServletRequest request, HttpServletResponse response, ChatScope scope)
            throws IOException {
        if (path.equals("/api/chats")) {
            ArrayNode chats = JSON.createArrayNode();
            store.chats(1000).stream().filter(scope::allows).forEach(chats::add);
            json(response, JSON.createObjectNode().set("chats", chats));
            return;
        }
        if (path.equals("/api/artifacts")) {
            String chat = request.getParameter("chat");
            if (chat == null || chat.isBlank()) {
                error(response, HttpServletResponse.SC_BAD_REQUEST, "name the chat: api/artifacts?chat=ID");
            } else if (!scope.allows(chat)) {
                forbidden(response, chat);
            } else {
                ArrayNode list = JSON.createArrayNode();
                store.artifacts(chat).forEach(a -> list.add(artifactJson(a)));
                json(response, JSON.createObjectNode().set("artifacts", list));
            }
            return;
        }
        Matcher m = ARTIFACT.matcher(path);
        if (!m.matches()) {
            error(response, HttpServletResponse.SC_NOT_FOUND, "no such page or API: see the viewer's api/ list");
            return;
        }
        UUID id;
        try {
            id = UUID.fromString(m.group(1));
        } catch (IllegalArgumentException e) {
            error(response, HttpServletResponse.SC_BAD_REQUEST, "not an artifact id: " + m.group(1));
            return;
        }
        Optional<Artifact> artifact = store.find(id);
        if (artifact.isEmpty() || !scope.allows(artifact.get().chatId())) {
            // the same answer for a missing artifact and another chat's, so ids cannot be probed
            error(response, HttpServletResponse.SC_NOT_FOUND, "no artifact " + id + " in the chats this token may use");
            return;
        }
        if ("events".equals(m.group(2))) {
            events.stream(artifact.get(), request, response);
        } else if (m.group(3) == null) {
            ObjectNode body = artifactJson(artifact.get());
            ArrayNode versions = body.putArray("versions");
            for (VersionSummary v : store.history(id)) {
                versions.addObject().put("version", v.number()).put("summary", v.summary())
                        .put("fileCount", v.fileCount()).put("idempotencyKey", v.idempotencyKey())
                        .put("createdAt", String.valueOf(v.createdAt()));
            }
            json(response, body);
        } else {
            version(artifact.get(), Integer.parseInt(m.group(3)), m.group(4), request, response);
        }
    }

    private void version(Artifact artifact, int number, String part, HttpServletRequest request,
                         HttpServletResponse response) throws IOException {
        if ("diff".equals(part)) {
            Optional<List<VersionDiff.FileChange>> diff = VersionDiff.of(store, artifact.id(), number);
            if (diff.isEmpty()) {
                noVersion(response, artifact, number);
            } else {
                json(response, JSON.createObjectNode().put("version", number).set("files", JSON.valueToTree(diff.get())));
            }
            return;
        }
        Optional<Version> version = store.version(artifact.id(), number);
        if (version.isEmpty()) {
            noVersion(response, artifact, number);
            return;
        }
        if ("file".equals(part)) {
            String name = request.getParameter("name");
            Optional<CodeFile> file = version.get().snapshot().files().stream()
                    .filter(f -> f.filename().equals(name)).findFirst();
            if (file.isEmpty()) {
                error(response, HttpServletResponse.SC_NOT_FOUND, "version " + number + " has no such file");
            } else {
                json(response, JSON.valueToTree(file.get()));
            }
            return;
        }
        ArrayNode files = JSON.createArrayNode();
        for (CodeFile f : version.get().snapshot().files()) {
            files.addObject().put("filename", f.filename()).put("language", f.language())
                    .put("description", f.description())
                    .put("bytes", f.content().getBytes(StandardCharsets.UTF_8).length);
        }
        ObjectNode body = JSON.createObjectNode().put("version", number).put("summary", version.get().summary())
                .put("idempotencyKey", version.get().idempotencyKey());
        body.set("files", files);
        json(response, body);
    }

    private static ObjectNode artifactJson(Artifact a) {
        return JSON.createObjectNode().put("id", a.id().toString()).put("chatId", a.chatId()).put("type", a.type())
                .put("title", a.title()).put("headVersion", a.headVersion())
                .put("createdAt", String.valueOf(a.createdAt()));
    }

    private static void noVersion(HttpServletResponse response, Artifact artifact, int number) throws IOException {
        error(response, HttpServletResponse.SC_NOT_FOUND, "artifact " + artifact.id() + " has no version " + number);
    }

    private static void forbidden(HttpServletResponse response, String chat) throws IOException {
        error(response, HttpServletResponse.SC_FORBIDDEN, "this bearer token may not use chat '" + chat + "'");
    }

    private void page(String path, HttpServletResponse response) throws IOException {
        String file = path.equals("/") ? "/index.html" : path;
        try (InputStream in = ViewerServlet.class.getResourceAsStream("viewer" + file)) {
            if (in == null) {
                error(response, HttpServletResponse.SC_NOT_FOUND, "the viewer's " + file + " is missing from the jar");
                return;
            }
            byte[] bytes = in.readAllBytes();
            response.setStatus(HttpServletResponse.SC_OK);
            response.setContentType(STATIC.get(path));
            response.setHeader("Content-Security-Policy", CSP);
            response.setContentLength(bytes.length);
            response.getOutputStream().write(bytes);
        }
    }

    static void json(HttpServletResponse response, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType("application/json");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    static void error(HttpServletResponse response, int status, String message) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(JSON.createObjectNode().put("error", message));
        response.setStatus(status);
        response.setContentType("application/json");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}

package dev.gapless.mcp;

import dev.gapless.core.Artifact;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.FeedEvent;
import dev.gapless.core.FeedSubscription;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An artifact's versions as Server-Sent Events, fed by the store's change feed: one {@code version} event per
 * version, {@code id:} its number, {@code data:} its JSON (version, summary, fileCount, idempotencyKey, createdAt).
 * It starts after the {@code Last-Event-ID} header (what a browser's EventSource sends when it reconnects), else
 * after the {@code after} query parameter, else after 0. A comment line every {@value #HEARTBEAT_SECONDS} s keeps
 * proxies from closing it. A client that reads slower than versions land for {@value #QUEUE} events is disconnected
 * and resumes by reconnecting. Each open stream holds one of the server's threads. Thread-safe.
 */
final class ViewerEvents {

    static final int HEARTBEAT_SECONDS = 15;
    static final int QUEUE = 1024;
    private static final FeedEvent OVERFLOW = new FeedEvent(new java.util.UUID(0, 0), "-", "-", 1, "-", 0, null,
            null);

    private final ArtifactStore store;
    private final java.util.Set<BlockingQueue<FeedEvent>> open = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    ViewerEvents(ArtifactStore store) {
        this.store = store;
    }

    /** Ends every open stream (their clients reconnect elsewhere, or to the restarted server). */
    void close() {
        closed = true;
        for (BlockingQueue<FeedEvent> queue : open) {
            queue.clear();
            queue.offer(OVERFLOW);
        }
    }

    void stream(Artifact artifact, HttpServletRequest request, HttpServletResponse response) throws IOException {
        int after;
        try {
            after = start(request.getHeader("Last-Event-ID"), request.getParameter("after"));
        } catch (IllegalArgumentException e) {
            ViewerServlet.error(response, HttpServletResponse.SC_BAD_REQUEST, e.getMessage());
            return;
        }
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("X-Accel-Buffering", "no");
        OutputStream out = response.getOutputStream();
        BlockingQueue<FeedEvent> queue = new ArrayBlockingQueue<>(QUEUE + 1);
        open.add(queue);
        if (closed) {
            open.remove(queue);
            return;
        }
        try (FeedSubscription feed = store.feed().subscribe(artifact.id(), after, e -> {
            if (!queue.offer(e)) {
                queue.clear();
                queue.offer(OVERFLOW);
            }
        })) {
            write(out, "retry: 2000\n\n");
            while (feed.isOpen()) {
                FeedEvent e = queue.poll(HEARTBEAT_SECONDS, TimeUnit.SECONDS);
                if (e == OVERFLOW) {
                    return; // the client reconnects with Last-Event-ID and reads on from the database
                }
                write(out, e == null ? ": keep-alive\n\n" : "id: " + e.version() + "\nevent: version\ndata: "
                        + ViewerServlet.JSON.writeValueAsString(ViewerServlet.JSON.createObjectNode()
                        .put("version", e.version()).put("summary", e.summary()).put("fileCount", e.fileCount())
                        .put("idempotencyKey", e.idempotencyKey()).put("createdAt", String.valueOf(e.createdAt())))
                        + "\n\n");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client went away
        } finally {
            open.remove(queue);
        }
    }

    /** The version to start after: Last-Event-ID, else {@code after}, else 0. */
    static int start(String lastEventId, String after) {
        String value = lastEventId != null && !lastEventId.isBlank() ? lastEventId.trim()
                : after != null && !after.isBlank() ? after.trim() : "0";
        try {
            int v = Integer.parseInt(value);
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("Last-Event-ID and after must be a version number (0 or more), was '"
                + (value.length() > 20 ? value.substring(0, 20) + "..." : value) + "'");
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}

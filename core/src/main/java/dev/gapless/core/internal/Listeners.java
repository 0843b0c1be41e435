package dev.gapless.core.internal;

import dev.gapless.core.AppendEvent;
import dev.gapless.core.AppendListener;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several {@link AppendListener}s as one, each isolated from the others and from the append: every listener hears
 * every event in order; one that throws is logged at WARN the first time it throws for an event kind (later failures
 * of that pair at DEBUG, so a broken listener does not flood the log) and the next listener still hears the event.
 * Immutable apart from that record of what was logged; thread-safe when the listeners are.
 */
public final class Listeners implements AppendListener {

    private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

    private final List<AppendListener> listeners;
    /** "index:kind" pairs whose failure has been logged at WARN. */
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    private Listeners(List<AppendListener> listeners) {
        this.listeners = listeners;
    }

    /**
     * The listeners as one isolated listener; a single {@code Listeners} is returned as it is.
     *
     * @param listeners the listeners, in order
     * @return {@link AppendListener#NONE} when empty, else one that tells each in order
     * @throws NullPointerException if {@code listeners} or one of them is {@code null}
     */
    public static AppendListener of(List<? extends AppendListener> listeners) {
        List<AppendListener> copy = List.copyOf(Objects.requireNonNull(listeners, "listeners"));
        if (copy.isEmpty()) {
            return NONE;
        }
        if (copy.size() == 1 && copy.get(0) instanceof Listeners single) {
            return single;
        }
        return new Listeners(copy);
    }

    /**
     * A listener that isolates {@code listener} as {@link #of} does (unchanged if it already is isolated).
     *
     * @param listener the listener
     * @return the isolated listener
     */
    static AppendListener isolated(AppendListener listener) {
        return listener == NONE || listener instanceof Listeners ? listener : new Listeners(List.of(listener));
    }

    @Override
    public void onEvent(AppendEvent event) {
        for (int i = 0; i < listeners.size(); i++) {
            try {
                listeners.get(i).onEvent(event);
            } catch (RuntimeException e) {
                String kind = event.getClass().getSimpleName();
                if (warned.add(i + ":" + kind)) {
                    LOG.warn("append listener {} ({}) failed on {}; ignored, and later failures of it on {} are"
                            + " logged at DEBUG", i, listeners.get(i).getClass().getName(), kind, kind, e);
                } else {
                    LOG.debug("append listener {} failed on {}; ignored", i, kind, e);
                }
            }
        }
    }
}

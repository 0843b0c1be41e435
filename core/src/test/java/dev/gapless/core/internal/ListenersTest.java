package dev.gapless.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.gapless.core.AppendEvent;
import dev.gapless.core.AppendListener;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A listener that keeps throwing is logged at WARN once per event kind, not once per event. */
class ListenersTest {

    static {
        // core's tests run on the module path, where core does not read logback; this test module may add the edge
        Module logback = LoggerFactory.getILoggerFactory().getClass().getModule();
        ListenersTest.class.getModule().addReads(logback);
        if (logback.getLayer() != null) {
            logback.getLayer().findModule("ch.qos.logback.core").ifPresent(ListenersTest.class.getModule()::addReads);
        }
    }

    @Test
    void aListenerThatKeepsThrowingIsWarnedAboutOncePerEventKind() {
        Logger logger = (Logger) LoggerFactory.getLogger(Listeners.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            List<AppendEvent> heard = new ArrayList<>();
            AppendListener composite = AppendListener.composite(
                    AppendListener.of(e -> {
                        throw new IllegalStateException("broken");
                    }),
                    AppendListener.of(heard::add));
            UUID id = UUID.randomUUID();
            for (int i = 1; i <= 50; i++) {
                composite.onEvent(new AppendEvent.Attempt(id, "call_" + i, 1, 1));
            }
            composite.onEvent(new AppendEvent.BatchFormed(id, 2));

            assertThat(heard).hasSize(51);
            assertThat(appender.list).filteredOn(e -> e.getLevel() == Level.WARN)
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .hasSize(2)
                    .anySatisfy(m -> assertThat(m).startsWith("append listener 0 ").contains("failed on Attempt"))
                    .anySatisfy(m -> assertThat(m).contains("failed on BatchFormed"));
        } finally {
            logger.detachAppender(appender);
        }
    }
}

package dev.gapless.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips the annotated test class or method, reporting {@link PgBouncer#NOT_INSTALLED_REASON}, where no
 * {@code pgbouncer} executable is found ({@link PgBouncer#installed()}). A condition rather than an assumption, so
 * that build reports list every skipped test with the reason, also for a whole class.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(RequiresPgBouncer.Condition.class)
public @interface RequiresPgBouncer {

    /** The JUnit condition behind {@link RequiresPgBouncer}; stateless and thread-safe. */
    final class Condition implements ExecutionCondition {

        /** Creates the condition; JUnit does. */
        public Condition() {
        }

        /**
         * Enables the test where PgBouncer is installed, disables it with the reason otherwise. Called by JUnit.
         *
         * @param context the test's context
         * @return the evaluation
         */
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return PgBouncer.installed() ? ConditionEvaluationResult.enabled("pgbouncer is installed")
                    : ConditionEvaluationResult.disabled(PgBouncer.NOT_INSTALLED_REASON);
        }
    }
}

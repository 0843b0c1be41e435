package example;

import dev.gapless.core.ArtifactStore;
import dev.gapless.core.strategy.WriteStrategy;
import dev.gapless.executor.ToolExecutor;
import javax.sql.DataSource;

/** Compiles against the staged jars as a user's code would: a store and an executor for many chats. */
public final class App {

    private App() {
    }

    /**
     * @param dataSource the application's pool
     * @return an executor over a row-lock store
     */
    public static ToolExecutor executor(DataSource dataSource) {
        ArtifactStore store = ArtifactStore.builder(dataSource).strategy(WriteStrategy.rowLock()).build();
        return ToolExecutor.builder(store).maxParallelism(8).build();
    }
}

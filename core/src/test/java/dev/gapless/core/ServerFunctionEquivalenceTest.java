package dev.gapless.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.core.strategy.WriteStrategy;
import dev.gapless.testkit.PostgresExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code server-function} applies changes in PL/pgSQL; for any sequence of changes, edits included, its versions
 * (content, summary, stored change, file rows, counters) and its rejections (missing files, limits, reused keys,
 * edits that do not match, with their messages) must equal what the Java write path produces; and a keyed call
 * replayed by the other implementation must meet its first result, a recorded rejection included.
 */
class ServerFunctionEquivalenceTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply);

    @Test
    void thePlpgsqlFunctionAppliesChangesExactlyAsJavaDoes() {
        // small limits, so that some changes are rejected by each implementation's limit checks
        ArtifactStore plpgsql = ArtifactStore.builder(PG.dataSource()).strategy(WriteStrategy.serverFunction())
                .maxFiles(9).maxArtifactBytes(120).build();
        ArtifactStore java = ArtifactStore.builder(PG.dataSource()).strategy(WriteStrategy.rowLock())
                .maxFiles(9).maxArtifactBytes(120).build();
        Property.forAll(40, Gens.workloads(30), workload -> compare(plpgsql, java, workload));
    }

    @Test
    void thePlpgsqlFunctionAppliesEditsExactlyAsJavaDoes() {
        // limits low enough that some edits are rejected for the size of what they produce
        ArtifactStore plpgsql = ArtifactStore.builder(PG.dataSource()).strategy(WriteStrategy.serverFunction())
                .maxFileBytes(60).maxArtifactBytes(200).build();
        ArtifactStore java = ArtifactStore.builder(PG.dataSource()).strategy(WriteStrategy.rowLock())
                .maxFileBytes(60).maxArtifactBytes(200).build();
        Property.forAll(40, Gens.editWorkloads(30), workload -> compare(plpgsql, java, workload));
    }

    private static void compare(ArtifactStore plpgsql, ArtifactStore java, Gens.Workload workload) {
        UUID a = plpgsql.getOrCreate("chat-" + UUID.randomUUID(), "code", "f").id();
        UUID b = java.getOrCreate("chat-" + UUID.randomUUID(), "code", "j").id();
        Change base = Change.batch(workload.base().stream().map(Change::put).toList());
        List<String> outcomesA = new ArrayList<>();
        List<String> outcomesB = new ArrayList<>();
        outcomesA.add(outcome(plpgsql, a, base, null));
        outcomesB.add(outcome(java, b, base, null));
        for (Gens.Op op : workload.ops()) {
            outcomesA.add(outcome(plpgsql, a, op.change(), op.key()));
            outcomesB.add(outcome(java, b, op.change(), op.key()));
        }
        assertThat(outcomesA).isEqualTo(outcomesB);
        assertThat(plpgsql.files(a)).isEqualTo(java.files(b));
        int head = plpgsql.find(a).orElseThrow().headVersion();
        assertThat(java.find(b).orElseThrow().headVersion()).isEqualTo(head);
        for (int k = 1; k <= head; k++) {
            Version va = plpgsql.version(a, k).orElseThrow();
            Version vb = java.version(b, k).orElseThrow();
            assertThat(va.snapshot()).as("content of version %d", k).isEqualTo(vb.snapshot());
            assertThat(va.summary()).as("summary of version %d", k).isEqualTo(vb.summary());
            assertThat(va.change()).isEqualTo(vb.change());
        }
        assertThat(storedChanges(a)).as("change_json as stored").isEqualTo(storedChanges(b));
        Invariants.check(PG.dataSource(), plpgsql, a);
        // every keyed call replayed by the other implementation meets its first result (a rejection recorded by
        // PL/pgSQL reads the same in Java, and the other way round) and writes nothing
        assertThat(replayed(java, a, workload)).isEqualTo(firstResults(outcomesA, workload));
        assertThat(replayed(plpgsql, b, workload)).isEqualTo(firstResults(outcomesB, workload));
        assertThat(plpgsql.find(a).orElseThrow().headVersion()).isEqualTo(head);
        assertThat(java.find(b).orElseThrow().headVersion()).isEqualTo(head);
    }

    private static List<String> replayed(ArtifactStore store, UUID id, Gens.Workload workload) {
        List<String> out = new ArrayList<>();
        for (Gens.Op op : workload.ops()) {
            if (op.key() != null) {
                out.add(outcome(store, id, op.change(), op.key()).replace(" (dedup)", ""));
            }
        }
        return out;
    }

    private static List<String> firstResults(List<String> outcomes, Gens.Workload workload) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < workload.ops().size(); i++) {
            if (workload.ops().get(i).key() != null) {
                out.add(outcomes.get(i + 1).replace(" (dedup)", ""));
            }
        }
        return out;
    }

    /** Every version's change_json, as PostgreSQL normalises jsonb. */
    private static List<String> storedChanges(UUID id) {
        List<String> out = new ArrayList<>();
        try (var c = PG.dataSource().getConnection(); var s = c.prepareStatement("SELECT change_json::text"
                + " FROM artifact_versions WHERE artifact_id = ? ORDER BY version_number")) {
            s.setObject(1, id);
            try (var r = s.executeQuery()) {
                while (r.next()) {
                    out.add(r.getString(1));
                }
            }
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
        return out;
    }

    private static String outcome(ArtifactStore store, UUID id, Change change, String key) {
        AppendOptions options = key == null ? AppendOptions.defaults() : AppendOptions.defaults().withIdempotencyKey(key);
        try {
            AppendResult r = store.append(id, change, options);
            return r.version() + " " + r.summary() + (r.deduplicated() ? " (dedup)" : "");
        } catch (InvalidChangeException e) {
            return e.reason() + ": " + e.getMessage();
        }
    }
}

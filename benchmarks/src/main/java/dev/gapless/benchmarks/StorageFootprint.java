package dev.gapless.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Change;
import dev.gapless.core.CodeFile;
import dev.gapless.core.Schema;
import dev.gapless.core.strategy.WriteStrategy;
import dev.gapless.testkit.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * What a history costs on disk: an artifact of {@code files} files, then {@code edits} one-file edits, each a new
 * content. Prints the table and index bytes of the Gapless tables beside the contents written (initial plus
 * edited), for the current layout and, in the same run on the same server, for Gapless 0.1's layout (a full
 * snapshot per version, written by 0.1's own PL/pgSQL function). Bytes, not time: a plain program, not a JMH
 * benchmark.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.gapless.benchmarks.StorageFootprint [files] [edits]
 * [bytes per file]} (defaults 1000, 1000 and the benchmarks' ~330-byte source file).
 */
public final class StorageFootprint {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] TABLES = {"artifacts", "artifact_versions", "artifact_contents", "artifact_files",
        "artifact_manifests"};

    private StorageFootprint() {
    }

    /**
     * Measures and prints.
     *
     * @param args optional: the number of files, the number of edits
     * @throws Exception if the database fails
     */
    public static void main(String[] args) throws Exception {
        int files = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int edits = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int fileBytes = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        Result r = measure(files, edits, fileBytes);
        System.out.printf("%d files (%,d bytes of content), then %d one-file edits (%,d bytes of new content)%n",
                files, r.initialBytes(), edits, r.editedBytes());
        System.out.printf("| layout | table + index bytes | x contents written |%n|---|---:|---:|%n");
        System.out.printf("| current (contents once, changes per version) | %,d | %.2f |%n", r.currentBytes(),
                (double) r.currentBytes() / r.contentBytes());
        System.out.printf("| 0.1 (full snapshot per version) | %,d | %.2f |%n", r.v1Bytes(),
                (double) r.v1Bytes() / r.contentBytes());
        System.out.printf("%nwhere the current layout's bytes are:%n| table | rows | heap | TOAST | indexes |%n"
                + "|---|---:|---:|---:|---:|%n");
        r.currentTables().forEach(t -> System.out.printf("| %s | %,d | %,d | %,d | %,d |%n", t.table(), t.rows(),
                t.heapBytes(), t.toastBytes(), t.indexBytes()));
    }

    /**
     * One table's share of a layout's bytes, after {@code VACUUM}.
     *
     * @param table      the table
     * @param rows       its live rows
     * @param heapBytes  its main fork, free-space map and visibility map
     * @param toastBytes its TOAST table and index
     * @param indexBytes its indexes
     */
    public record TableBytes(String table, long rows, long heapBytes, long toastBytes, long indexBytes) {

        /** @return all its bytes: {@code pg_total_relation_size} */
        public long total() {
            return heapBytes + toastBytes + indexBytes;
        }
    }

    /**
     * What one measurement found.
     *
     * @param files        files in the artifact
     * @param edits        one-file edits after it
     * @param initialBytes content bytes of the files
     * @param editedBytes  content bytes of the edits
     * @param currentBytes table and index bytes of the current layout
     * @param v1Bytes      table and index bytes of 0.1's layout
     * @param currentTables the current layout's bytes table by table
     */
    public record Result(int files, int edits, long initialBytes, long editedBytes, long currentBytes, long v1Bytes,
            List<TableBytes> currentTables) {

        /** @return the content bytes written in all */
        public long contentBytes() {
            return initialBytes + editedBytes;
        }
    }

    /**
     * Writes the same history in both layouts on the benchmarks' server and measures them.
     *
     * @param files     files in the artifact
     * @param edits     one-file edits after it
     * @param fileBytes the size each file is padded to, or 0 for the benchmarks' ~330-byte source file
     * @return the figures
     * @throws Exception if the database fails
     */
    public static Result measure(int files, int edits, int fileBytes) throws Exception {
        List<CodeFile> initial = new ArrayList<>();
        long initialBytes = 0;
        for (int n = 0; n < files; n++) {
            CodeFile f = padded(Workload.filler(n), fileBytes);
            initial.add(f);
            initialBytes += utf8(f.content());
        }
        List<CodeFile> edited = new ArrayList<>();
        long editedBytes = 0;
        for (int e = 0; e < edits; e++) {
            CodeFile base = padded(Workload.filler(e % files), fileBytes);
            CodeFile f = new CodeFile(base.filename(), base.language(), base.content() + "// edit " + e + "\n",
                    "edit " + e);
            edited.add(f);
            editedBytes += utf8(f.content());
        }
        List<TableBytes> v2 = current(initial, edited);
        long v1 = versionOne(initial, edited);
        long v2Bytes = v2.stream().mapToLong(TableBytes::total).sum();
        return new Result(files, edits, initialBytes, editedBytes, v2Bytes, v1, v2);
    }

    private static List<TableBytes> current(List<CodeFile> initial, List<CodeFile> edited) throws SQLException {
        try (BenchDatabase db = BenchDatabase.create("footprint_v2", 2)) {
            ArtifactStore store = ArtifactStore.builder(db.dataSource()).strategy(WriteStrategy.rowLock()).build();
            UUID id = store.getOrCreate("footprint", "code", "footprint").id();
            store.append(id, Change.batch(initial.stream().map(Change::put).toList()));
            for (CodeFile f : edited) {
                store.append(id, Change.put(f));
            }
            return tables(db.dataSource());
        }
    }

    /** The same history written the way 0.1 wrote it: schema V1–V3 and its {@code gapless_append}. */
    private static long versionOne(List<CodeFile> initial, List<CodeFile> edited) throws Exception {
        try (TestDatabase db = BenchDatabase.server().createDatabase("bench_footprint_v1")) {
            DataSource ds = db.dataSource();
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                for (String script : List.of("V1__create_artifacts.sql", "V2__server_function.sql",
                        "V3__server_function_one_round_trip.sql")) {
                    s.execute(resource(script));
                }
            }
            UUID id;
            try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("INSERT INTO artifacts (chat_id, type, title)"
                         + " VALUES ('footprint', 'code', 'footprint') RETURNING id")) {
                r.next();
                id = r.getObject(1, UUID.class);
            }
            try (Connection c = ds.getConnection(); PreparedStatement s = c.prepareStatement(
                    "SELECT o_version FROM gapless_append(?, ?::jsonb, NULL, NULL, 60000)")) {
                ObjectNode batch = JSON.createObjectNode().put("op", "batch");
                initial.forEach(f -> batch.withArray("changes").add(put(f)));
                s.setObject(1, id);
                s.setString(2, batch.toString());
                s.executeQuery().close();
                for (CodeFile f : edited) {
                    s.setString(2, put(f).toString());
                    s.executeQuery().close();
                }
            }
            return tables(ds).stream().mapToLong(TableBytes::total).sum();
        }
    }

    /**
     * The file with lines of pseudo-random identifiers and numbers appended up to about {@code bytes} (as is when 0):
     * source-like text that compresses about as poorly as real code, so that compression does not flatter either
     * layout.
     */
    private static CodeFile padded(CodeFile f, int bytes) {
        StringBuilder content = new StringBuilder(f.content());
        java.util.Random random = new java.util.Random(f.filename().hashCode() * 31L + f.description().hashCode());
        while (content.length() < bytes) {
            content.append(String.format("    int v_%08x = %d; // %016x%n", random.nextInt(), random.nextInt(100_000),
                    random.nextLong()));
        }
        return new CodeFile(f.filename(), f.language(), content.toString(), f.description());
    }

    private static ObjectNode put(CodeFile f) {
        ObjectNode node = JSON.createObjectNode().put("op", "put");
        node.putObject("file").put("filename", f.filename()).put("language", f.language())
                .put("content", f.content()).put("description", f.description());
        return node;
    }

    /**
     * The Gapless tables that exist in the database, after {@code VACUUM ANALYZE}, each split so that its parts add up
     * to {@code pg_total_relation_size} (the heap part includes the free-space and visibility maps).
     */
    private static List<TableBytes> tables(DataSource ds) throws SQLException {
        List<TableBytes> out = new ArrayList<>();
        try (Connection v = ds.getConnection(); Statement vacuum = v.createStatement()) {
            vacuum.execute("VACUUM ANALYZE");
        }
        try (Connection c = ds.getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT t.reltuples::bigint,
                       pg_total_relation_size(t.oid) - pg_indexes_size(t.oid)
                           - coalesce(pg_total_relation_size(nullif(t.reltoastrelid, 0)), 0),
                       coalesce(pg_total_relation_size(nullif(t.reltoastrelid, 0)), 0), pg_indexes_size(t.oid)
                FROM pg_class t WHERE t.oid = to_regclass(?)""")) {
            for (String table : TABLES) {
                s.setString(1, table);
                try (ResultSet r = s.executeQuery()) {
                    if (r.next()) {
                        out.add(new TableBytes(table, Math.max(r.getLong(1), 0), r.getLong(2), r.getLong(3),
                                r.getLong(4)));
                    }
                }
            }
        }
        return out;
    }

    private static String resource(String script) throws IOException {
        try (InputStream in = Schema.class.getResourceAsStream("/" + Schema.LOCATION + "/" + script)) {
            if (in == null) {
                throw new IllegalStateException("migration missing: " + script);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static long utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}

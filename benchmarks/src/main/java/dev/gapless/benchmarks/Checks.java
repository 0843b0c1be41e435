package dev.gapless.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Version;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The lost-file check every benchmark runs at the end of its trial, and its record.
 *
 * <p>After the run it reads, with its own SQL (not through Gapless), the artifact's head, its version rows and the
 * files of its head snapshot, and compares them with what the writers were told: every append that returned
 * success must have its file (at that writer's last successful sequence number) in the head snapshot, and the
 * versions must be exactly {@code 1..head} with one version per successful append. A violation throws
 * {@code IllegalStateException("LOST FILES: ...")}, which fails the benchmark. Failed appends (expected for the
 * baselines {@code naive} and {@code seed-retry}: the caller is told, and the file is lost to it) are counted and
 * reported, not thrown.
 *
 * <p>Each outcome is printed as one line and, when the system property {@value #FILE_PROPERTY} names a file, appended
 * to it as one JSON object per line; the report renderer reads that file.
 */
final class Checks {

    /** System property: a file to which every check appends one JSON line. */
    static final String FILE_PROPERTY = "gapless.bench.checks";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String benchmark;
    private final String subject;
    private final int threads;
    private final Map<String, String> params = new HashMap<>();
    private long ok;
    private long failed;
    private long missing;
    private long versions;
    private long batches;
    private long batchMembers;
    private final List<String> violations = new ArrayList<>();

    /**
     * @param params  the JMH parameters of the trial
     * @param subject the strategy or baseline under test
     */
    Checks(BenchmarkParams params, String subject) {
        String full = params.getBenchmark();
        int method = full.lastIndexOf('.');
        int type = full.lastIndexOf('.', method - 1);
        this.benchmark = full.substring(type + 1);
        this.subject = subject;
        this.threads = params.getThreads();
        for (String key : params.getParamsKeys()) {
            this.params.put(key, params.getParam(key));
        }
    }

    /** Adds failed appends that the writers were told about (they wrote nothing). */
    Checks failed(long count) {
        failed += count;
        return this;
    }

    /** Adds successful appends checked by other means than {@link #artifact}. */
    Checks ok(long count) {
        ok += count;
        return this;
    }

    Checks violation(String message) {
        violations.add(message);
        return this;
    }

    Checks versions(long count) {
        versions += count;
        return this;
    }

    /** Records the group-commit batches the store formed, and the appends they held. */
    Checks batches(long count, long members) {
        batches += count;
        batchMembers += members;
        return this;
    }

    /**
     * Checks one artifact written by the given writers, each of which owns one file in it.
     *
     * @param dataSource      the database
     * @param artifactId      the artifact
     * @param writers         the writers that appended to it
     * @param versionsBefore  versions the artifact had before the run (e.g. a preload)
     * @param checkSnapshot   whether each writer's last file must be in the head snapshot (false for a baseline
     *                        that does not compute snapshots)
     */
    Checks artifact(DataSource dataSource, UUID artifactId, Collection<Tally> writers, long versionsBefore,
                    boolean checkSnapshot) {
        long artifactOk = 0;
        for (Tally t : writers) {
            artifactOk += t.ok;
            failed += t.failed;
        }
        ok += artifactOk;
        try (Connection c = dataSource.getConnection()) {
            long head;
            long rows;
            long max;
            try (PreparedStatement s = c.prepareStatement("SELECT a.head_version,"
                    + " (SELECT count(*) FROM artifact_versions v WHERE v.artifact_id = a.id),"
                    + " (SELECT coalesce(max(v.version_number), 0) FROM artifact_versions v WHERE v.artifact_id = a.id)"
                    + " FROM artifacts a WHERE a.id = ?")) {
                s.setObject(1, artifactId);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        violations.add("artifact " + artifactId + " is gone");
                        return this;
                    }
                    head = r.getLong(1);
                    rows = r.getLong(2);
                    max = r.getLong(3);
                }
            }
            versions += head;
            if (rows != head || max != head) {
                violations.add("artifact " + artifactId + ": head " + head + " but " + rows
                        + " version rows up to " + max + " (versions must be exactly 1.." + head + ")");
            }
            long expected = versionsBefore + artifactOk;
            if (head != expected) {
                violations.add("artifact " + artifactId + ": " + artifactOk + " appends succeeded (plus "
                        + versionsBefore + " before the run) but the head is version " + head);
                if (head < expected) {
                    missing += expected - head;
                }
            }
            if (checkSnapshot) {
                Map<String, String> descriptions = new HashMap<>();
                try (PreparedStatement s = c.prepareStatement("SELECT filename, description FROM artifact_files"
                        + " WHERE artifact_id = ?")) {
                    s.setObject(1, artifactId);
                    try (ResultSet r = s.executeQuery()) {
                        while (r.next()) {
                            descriptions.put(r.getString(1), r.getString(2));
                        }
                    }
                }
                for (Tally t : writers) {
                    if (t.lastOk == 0) {
                        continue;
                    }
                    String want = Workload.description(t.lastOk);
                    String got = descriptions.get(Workload.filename(t.writer));
                    if (!want.equals(got)) {
                        missing++;
                        violations.add("artifact " + artifactId + ": " + Workload.filename(t.writer)
                                + " should be at " + want + " (its writer's last successful append) but is "
                                + (got == null ? "absent" : "at " + got));
                    }
                }
            }
        } catch (SQLException e) {
            violations.add("could not read artifact " + artifactId + " back: " + e);
        }
        return this;
    }

    /**
     * Checks the artifact of one chat of the seed scenario: every file whose call reported success is in the head
     * snapshot, and there is one version per successful call.
     *
     * @param store  the store that wrote it
     * @param chatId the chat
     * @param added  filenames whose calls reported success
     * @param failedCalls calls that reported an error
     */
    Checks chat(ArtifactStore store, String chatId, Set<String> added, int failedCalls) {
        ok += added.size();
        failed += failedCalls;
        var artifact = store.find(chatId, "code");
        if (artifact.isEmpty()) {
            if (!added.isEmpty()) {
                missing += added.size();
                violations.add("chat " + chatId + ": " + added.size() + " calls succeeded but it has no artifact");
            }
            return this;
        }
        var head = store.latest(artifact.get().id());
        int number = head.map(Version::number).orElse(0);
        versions += number;
        Set<String> present = head.map(v -> Set.copyOf(v.snapshot().filenames()))
                .orElse(Set.of());
        for (String filename : added) {
            if (!present.contains(filename)) {
                missing++;
                violations.add("chat " + chatId + ": " + filename + " reported added but is not in version " + number);
            }
        }
        if (number != added.size()) {
            violations.add("chat " + chatId + ": " + added.size() + " calls succeeded but the head is version "
                    + number);
        }
        return this;
    }

    /**
     * Prints and records the outcome, then fails loudly if anything that succeeded is missing.
     *
     * @throws IllegalStateException "LOST FILES: ..." on any violation
     */
    void finish() {
        String line = String.format("[gapless-check] %s %s threads=%d %s: ok=%d failed=%d missing=%d versions=%d%s",
                benchmark, subject, threads, params, ok, failed, missing, versions,
                violations.isEmpty() ? "" : " VIOLATIONS=" + violations.size());
        System.out.println(line);
        record();
        if (!violations.isEmpty()) {
            int shown = Math.min(5, violations.size());
            throw new IllegalStateException("LOST FILES: " + benchmark + " " + subject + " threads=" + threads + " "
                    + params + ": " + missing + " successful appends missing; "
                    + String.join("; ", violations.subList(0, shown))
                    + (shown < violations.size() ? "; and " + (violations.size() - shown) + " more" : ""));
        }
    }

    private void record() {
        String file = System.getProperty(FILE_PROPERTY);
        if (file == null || file.isBlank()) {
            return;
        }
        ObjectNode node = JSON.createObjectNode();
        node.put("benchmark", benchmark);
        node.put("subject", subject);
        node.put("threads", threads);
        ObjectNode p = node.putObject("params");
        params.forEach(p::put);
        node.put("ok", ok);
        node.put("failed", failed);
        node.put("missing", missing);
        node.put("versions", versions);
        node.put("batches", batches);
        node.put("batchMembers", batchMembers);
        node.putArray("violations").addAll(violations.stream().map(JSON.getNodeFactory()::textNode).toList());
        try {
            synchronized (Checks.class) {
                Files.writeString(Path.of(file), JSON.writeValueAsString(node) + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not record the check in " + file, e);
        }
    }
}

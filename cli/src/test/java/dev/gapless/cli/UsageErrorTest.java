package dev.gapless.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 18, item 14 and 15: input the command line refuses as a usage error (exit 2) before anything starts. */
class UsageErrorTest {

    @Test
    void anUnknownCommandFollowedByVersionOrHelpIsAUsageError() {
        for (String flag : new String[] {"--version", "-V", "--help"}) {
            ExecCommandTest.Run run = ExecCommandTest.gapless("frobnicate", flag);
            assertThat(run.exit()).as(flag).isEqualTo(Main.EXIT_USAGE);
            assertThat(run.err()).as(flag).contains("Unmatched argument").contains("'frobnicate'");
            assertThat(run.out()).as(flag).doesNotContain("gapless 0.");
        }
        ExecCommandTest.Run version = ExecCommandTest.gapless("--version");
        assertThat(version.exit()).isZero();
        assertThat(version.out()).startsWith("gapless ");
        assertThat(ExecCommandTest.gapless("history", "extra-word", "--help").exit()).isEqualTo(Main.EXIT_USAGE);
    }

    @Test
    void anEmptyDataDirIsRefusedAndNoLockIsWrittenBesideTheCurrentDirectory() {
        Path cwd = Path.of("").toAbsolutePath();
        Path strayLock = cwd.resolveSibling(cwd.getFileName() + ".lock");
        ExecCommandTest.Run run = ExecCommandTest.gapless("history", "--chat", "c", "--data-dir", "");
        assertThat(run.exit()).isEqualTo(Main.EXIT_USAGE);
        assertThat(run.err()).contains("--data-dir must name a directory, was empty");
        assertThat(strayLock).doesNotExist();
    }

    @Test
    void aTokenFileOthersMayReadIsAUsageError(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tokens");
        Files.writeString(file, "0123456789abcdef0123 team-a-*\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        ExecCommandTest.Run run = ExecCommandTest.gapless("mcp", "--http", "--token-file", file.toString(),
                "--data-dir", dir.resolve("never-made").toString());
        assertThat(run.exit()).isEqualTo(Main.EXIT_USAGE);
        assertThat(run.err()).contains("--token-file").contains("chmod 600");
        assertThat(dir.resolve("never-made")).doesNotExist();
        assertThat(ExecCommandTest.gapless("mcp", "--token-file", file.toString()).err()).contains("need --http");
    }

    @Test
    void serveRefusesABadPortAShortTokenAndTheViewerWithoutHttpBeforeAnythingStarts(@TempDir Path dir) {
        Path data = dir.resolve("never-made");
        ExecCommandTest.Run port = ExecCommandTest.gapless("serve", "--port", "70000", "--data-dir", data.toString());
        assertThat(port.exit()).isEqualTo(Main.EXIT_USAGE);
        assertThat(port.err()).contains("--port must be between 0 and 65535, was 70000");
        ExecCommandTest.Run token = ExecCommandTest.gapless("serve", "--token", "short", "--data-dir",
                data.toString());
        assertThat(token.exit()).isEqualTo(Main.EXIT_USAGE);
        assertThat(token.err()).contains("the bearer token (--token) must have at least 16 characters");
        assertThat(data).doesNotExist();
        assertThat(ExecCommandTest.gapless("mcp", "--viewer").err()).contains("need --http");
    }

    /** Issue 19: a store command never runs a lossy baseline, and its help offers only the real strategies. */
    @Test
    void aLossyBaselineOrAnUnknownStrategyIsAUsageErrorOfAStoreCommandAndItsHelpListsOnlyTheRealOnes(
            @TempDir Path dir) {
        Path data = dir.resolve("data");
        ExecCommandTest.Run naive = ExecCommandTest.gapless("history", "--chat", "c", "--strategy", "naive",
                "--data-dir", data.toString());
        assertThat(naive.exit()).isEqualTo(Main.EXIT_USAGE);
        assertThat(naive.err().replaceAll("\\s+", " ")).contains("--strategy naive is a lossy baseline that loses"
                + " concurrent appends on purpose; only gapless race runs it, for comparison. Pick one of: retry,"
                + " optimistic, row-lock, advisory-lock, serializable, server-function, group-commit").doesNotContain("\tat ");
        ExecCommandTest.Run unknown = ExecCommandTest.gapless("history", "--chat", "c", "--strategy", "fastest",
                "--data-dir", data.toString());
        assertThat(unknown.exit()).isEqualTo(Main.EXIT_USAGE);
        assertThat(unknown.err()).contains("unknown write strategy 'fastest'; known: [retry, optimistic");
        assertThat(data).as("nothing started").doesNotExist();

        ExecCommandTest.Run help = ExecCommandTest.gapless("history", "--help");
        assertThat(help.out().replaceAll("\\s+", " "))
                .contains("one of: retry, optimistic, row-lock, advisory-lock, serializable,")
                .doesNotContain("naive").doesNotContain("seed-retry");
    }
}

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
}

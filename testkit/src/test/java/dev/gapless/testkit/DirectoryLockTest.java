package dev.gapless.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 18 item 6: what the data-directory lock file records must not hold a secret, nor be readable by others. */
class DirectoryLockTest {

    @Test
    void secretsOnARecordedCommandLineAreReplaced() {
        String recorded = DirectoryLock.clip("java -cp a.jar:b.jar dev.gapless.cli.Main mcp --http --token T0pSecret"
                + " --token-file=/t --password=pw1 --jdbc-url jdbc:postgresql://h/db?user=u&password=pw2 --chat c");
        assertThat(recorded).doesNotContain("T0pSecret").doesNotContain("pw1").doesNotContain("pw2")
                .contains("--token ***").contains("--password=***").contains("password=***")
                .contains("-cp …").contains("--chat c");
    }

    @Test
    void theLockFileIsReadableByItsOwnerOnly(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        Path lockFile = DirectoryLock.lockFileOf(data);
        Files.writeString(lockFile, "");
        Files.setPosixFilePermissions(lockFile, PosixFilePermissions.fromString("rw-r--r--")); // as 0.1 made it
        try (DirectoryLock lock = DirectoryLock.acquire(data, Duration.ZERO)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(lockFile)))
                    .isEqualTo("rw-------");
            assertThat(Files.readString(lockFile)).contains("pid=" + ProcessHandle.current().pid());
        }
    }
}

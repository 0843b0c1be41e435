package dev.gapless.chaos;

import dev.gapless.testkit.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Stops an embedded server the hard way: {@code pg_ctl stop -m immediate} (no checkpoint, crash recovery next). */
final class ServerRestarts {

    private ServerRestarts() {
    }

    /**
     * Stops the postmaster of {@code dataDirectory} with immediate mode, using the {@code pg_ctl} next to the
     * running {@code postgres} binary (zonky unpacks them into a temporary directory); if that is not possible,
     * kills the postmaster and its children with SIGKILL.
     *
     * @return how it was stopped, for the report
     */
    static String stopImmediately(Path dataDirectory) throws Exception {
        long pid = Long.parseLong(Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(0).trim());
        Path exe = Path.of("/proc", Long.toString(pid), "exe");
        if (Files.exists(exe)) {
            Path pgCtl = Files.readSymbolicLink(exe).resolveSibling("pg_ctl");
            if (Files.isExecutable(pgCtl)) {
                Process p = new ProcessBuilder(List.of(pgCtl.toString(), "stop", "-D", dataDirectory.toString(),
                        "-m", "immediate", "-w", "-t", "30")).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (p.waitFor(40, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return "pg_ctl stop -m immediate";
                }
            }
        }
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
        List<ProcessHandle> children = postmaster.descendants().toList();
        postmaster.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        postmaster.onExit().get(30, TimeUnit.SECONDS);
        for (ProcessHandle c : children) {
            c.onExit().get(30, TimeUnit.SECONDS);
        }
        return "SIGKILL";
    }

    /** Immediate stop, release zonky's handle, start again on the same directory. */
    static PostgresServer restart(PostgresServer server, Path dataDirectory) throws Exception {
        stopImmediately(dataDirectory);
        server.close(); // zonky's own (fast) stop finds nothing running; this releases its lock on the directory
        return PostgresServer.embedded(dataDirectory, true);
    }
}

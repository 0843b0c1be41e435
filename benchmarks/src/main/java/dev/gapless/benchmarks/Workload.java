package dev.gapless.benchmarks;

import dev.gapless.core.CodeFile;

/**
 * The files the benchmarks write. Writer {@code w} owns {@code src/writer_w.cpp} and overwrites it on every append,
 * so a hot artifact's snapshot stays at one file per writer however long the run; the file's description carries
 * the writer's sequence number ({@code seq=N}), which is what the lost-file check looks for afterwards.
 */
final class Workload {

    private static final String BODY = """
            #include <Arduino.h>
            #include "config.h"

            // Periodic task %1$d: samples an analog pin and logs a moving average.
            static float task_%1$d_average = 0.0f;

            void task_%1$d_update() {
              int raw = analogRead(A%2$d);
              task_%1$d_average = 0.9f * task_%1$d_average + 0.1f * raw;
              Serial.printf("task %1$d: %%.1f\\n", task_%1$d_average);
            }
            """;

    private Workload() {
    }

    static String filename(int writer) {
        return String.format("src/writer_%02d.cpp", writer);
    }

    static String description(long seq) {
        return "seq=" + seq;
    }

    /** Writer {@code writer}'s file at sequence number {@code seq} (about 330 bytes of content). */
    static CodeFile file(int writer, long seq) {
        return new CodeFile(filename(writer), "cpp", BODY.formatted(writer, writer % 8), description(seq));
    }

    /** A file nobody overwrites, to give an artifact {@code n} files before a run. */
    static CodeFile filler(int n) {
        return new CodeFile(String.format("lib/filler_%04d.cpp", n), "cpp", BODY.formatted(1000 + n, n % 8),
                "filler");
    }
}

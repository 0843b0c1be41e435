package dev.gapless.cli.race;

import dev.gapless.core.CodeFile;
import java.util.ArrayList;
import java.util.List;

/**
 * The files of the original scenario: an agent building a small PlatformIO (Arduino) project announces N files and
 * issues N parallel {@code add_code_file} calls. The first four are always {@code main.cpp}, {@code config.h},
 * {@code platformio.ini} and {@code README.md}; larger races add modules {@code src/module_05.cpp},
 * {@code src/module_06.cpp}, and so on. Stateless and thread-safe.
 */
public final class RaceFiles {

    /** The largest race the scenario (and {@code gapless race --files}) supports. */
    public static final int MAX_FILES = 256;

    private static final String MAIN_CPP = """
            #include <Arduino.h>
            #include "config.h"

            unsigned long lastToggle = 0;
            bool ledOn = false;

            void setup() {
              Serial.begin(SERIAL_BAUD);
              pinMode(LED_PIN, OUTPUT);
              Serial.println("blink ready");
            }

            void loop() {
              if (millis() - lastToggle >= BLINK_INTERVAL_MS) {
                lastToggle = millis();
                ledOn = !ledOn;
                digitalWrite(LED_PIN, ledOn ? HIGH : LOW);
              }
            }
            """;

    private static final String CONFIG_H = """
            #pragma once

            #define LED_PIN LED_BUILTIN
            #define SERIAL_BAUD 115200
            #define BLINK_INTERVAL_MS 500
            """;

    private static final String PLATFORMIO_INI = """
            [env:esp32dev]
            platform = espressif32
            board = esp32dev
            framework = arduino
            monitor_speed = 115200
            """;

    private static final String README_MD = """
            # Blink

            Toggles the on-board LED every 500 ms and reports on the serial monitor.

            Build and flash with `pio run -t upload`, then watch with `pio device monitor`.
            """;

    private RaceFiles() {
    }

    /**
     * The first {@code count} files of the scenario, with distinct filenames.
     *
     * @param count how many files, 1 to {@value #MAX_FILES}
     * @return the files, in announcement order
     * @throws IllegalArgumentException if {@code count} is out of range
     */
    public static List<CodeFile> first(int count) {
        if (count < 1 || count > MAX_FILES) {
            throw new IllegalArgumentException("file count must be 1.." + MAX_FILES + ", was " + count);
        }
        List<CodeFile> all = new ArrayList<>(count);
        all.add(new CodeFile("main.cpp", "cpp", MAIN_CPP, "Sketch entry point: blinks the LED"));
        all.add(new CodeFile("config.h", "c", CONFIG_H, "Pins and timing constants"));
        all.add(new CodeFile("platformio.ini", "ini", PLATFORMIO_INI, "PlatformIO build environment"));
        all.add(new CodeFile("README.md", "markdown", README_MD, "How to build and flash"));
        for (int i = all.size() + 1; i <= count; i++) {
            all.add(module(i));
        }
        return List.copyOf(all.subList(0, count));
    }

    private static CodeFile module(int index) {
        String name = String.format("module_%02d", index);
        String content = """
                #include <Arduino.h>
                #include "config.h"

                // Periodic task %1$s: samples analog pin A%2$d and logs a moving average.
                static float %1$s_average = 0.0f;

                void %1$s_update() {
                  int raw = analogRead(A%2$d);
                  %1$s_average = 0.9f * %1$s_average + 0.1f * raw;
                  Serial.printf("%1$s: %%.1f\\n", %1$s_average);
                }
                """.formatted(name, index % 8);
        return new CodeFile("src/" + name + ".cpp", "cpp", content, "Sensor task " + name);
    }
}

package dev.gapless.cli.race;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.core.CodeFile;
import java.util.List;
import org.junit.jupiter.api.Test;

class RaceFilesTest {

    @Test
    void fourFilesAreTheOriginalPlatformIoProject() {
        List<CodeFile> files = RaceFiles.first(4);

        assertThat(files).extracting(CodeFile::filename)
                .containsExactly("main.cpp", "config.h", "platformio.ini", "README.md");
        assertThat(files).extracting(CodeFile::language).containsExactly("cpp", "c", "ini", "markdown");
        assertThat(files).allSatisfy(f -> assertThat(f.content()).isNotBlank());
    }

    @Test
    void largerRacesAddDistinctModules() {
        List<CodeFile> files = RaceFiles.first(RaceFiles.MAX_FILES);

        assertThat(files).hasSize(256);
        assertThat(files).extracting(CodeFile::filename).doesNotHaveDuplicates()
                .contains("src/module_05.cpp", "src/module_256.cpp");
        assertThat(files.get(6).content()).contains("module_07_update").doesNotContain("%%").doesNotContain("$s");
    }

    @Test
    void smallerRacesArePrefixes() {
        assertThat(RaceFiles.first(2)).extracting(CodeFile::filename).containsExactly("main.cpp", "config.h");
    }

    @Test
    void countsOutsideTheRangeAreRejected() {
        assertThatThrownBy(() -> RaceFiles.first(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RaceFiles.first(257)).isInstanceOf(IllegalArgumentException.class);
    }
}

package dev.gapless.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChangeTest {

    private final CodeFile main = new CodeFile("main.cpp", "cpp", "int main() {}", "entry point");
    private final CodeFile config = new CodeFile("config.h", "c", "#define LED 13", "");

    @Test
    void putAddsThenReplacesInPlace() {
        Snapshot one = Change.put(main).apply(Snapshot.empty());
        Snapshot two = Change.put(config).apply(one);
        CodeFile newMain = new CodeFile("main.cpp", "cpp", "int main() { return 1; }", "entry point");
        Snapshot three = Change.put(newMain).apply(two);

        assertThat(two.filenames()).containsExactly("main.cpp", "config.h");
        assertThat(three.filenames()).containsExactly("main.cpp", "config.h");
        assertThat(three.find("main.cpp")).contains(newMain);
        assertThat(Change.put(newMain).summary(two)).isEqualTo("Updated main.cpp");
        assertThat(Change.put(main).summary(Snapshot.empty())).isEqualTo("Added main.cpp");
    }

    @Test
    void deleteRemovesAndRefusesMissingFiles() {
        Snapshot both = new Snapshot(List.of(main, config));
        assertThat(Change.delete("main.cpp").apply(both).filenames()).containsExactly("config.h");
        assertThat(Change.delete("main.cpp").summary(both)).isEqualTo("Removed main.cpp");
        assertThatThrownBy(() -> Change.delete("x").apply(both))
                .isInstanceOfSatisfying(InvalidChangeException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidChangeException.Reason.NO_SUCH_FILE));
    }

    @Test
    void batchAppliesInOrder() {
        Change batch = Change.batch(List.of(Change.put(main), Change.put(config), Change.delete("main.cpp")));
        assertThat(batch.apply(Snapshot.empty()).filenames()).containsExactly("config.h");
        assertThat(batch.summary(Snapshot.empty())).isEqualTo("Added main.cpp; Added config.h; Removed main.cpp");
    }

    @Test
    void snapshotsRejectDuplicateNames() {
        assertThatThrownBy(() -> new Snapshot(List.of(main, main))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("main.cpp");
    }
}

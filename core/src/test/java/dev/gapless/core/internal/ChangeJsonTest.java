package dev.gapless.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.core.Change;
import dev.gapless.core.CodeFile;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChangeJsonTest {

    private final CodeFile main = new CodeFile("main.cpp", "cpp", "int main() {}", "entry");
    private final CodeFile odd = CodeFile.of("ü/ß.txt", "\"quoted\" \\ \n tab\t €");

    @Test
    void aStoredChangeReferencesContentsByDigestAndRoundTrips() {
        Change change = Change.batch(List.of(Change.put(main), Change.delete("config.h"),
                Change.batch(List.of(Change.put(odd)))));
        PreparedChange prepared = PreparedChange.of(change);

        assertThat(prepared.json()).doesNotContain("int main").contains(Digest.of(main.content()).hex());
        assertThat(prepared.contents()).hasSize(2).containsKeys(Digest.of(main.content()), Digest.of(odd.content()));
        assertThat(ChangeJson.change(prepared.json(), prepared.contents()::get)).isEqualTo(change);
        assertThat(ChangeJson.effects(prepared.json())).extracting(ChangeJson.Effect::filename)
                .containsExactly("main.cpp", "config.h", "ü/ß.txt");
        assertThat(prepared.leaves().get(2)).isInstanceOfSatisfying(PreparedChange.Put.class,
                put -> assertThat(put.bytes()).isEqualTo(odd.content().getBytes(StandardCharsets.UTF_8).length));
    }

    @Test
    void theDigestOfAChangeTellsAReplayFromAnotherChange() {
        Change a = Change.put(main);
        assertThat(PreparedChange.of(a).digest()).isEqualTo(PreparedChange.of(Change.put(main)).digest());
        assertThat(PreparedChange.of(a).digest())
                .isNotEqualTo(PreparedChange.of(Change.put(CodeFile.of("main.cpp", "int main() {}"))).digest());
    }

    @Test
    void identicalContentsAreStoredOnce() {
        PreparedChange p = PreparedChange.of(Change.batch(List.of(Change.put(CodeFile.of("a", "same")),
                Change.put(CodeFile.of("b", "same")))));
        assertThat(p.contents()).hasSize(1);
        assertThat(p.leaves()).hasSize(2);
    }
}

/**
 * Gapless text: the three-way merge that gapless-core uses when a whole-file write was based on an older version
 * of a file ({@code Change.put(file, baseVersion)}), and the diff of artifact versions in git's format, built on
 * JGit's {@code MergeAlgorithm} and {@code HistogramDiff} over in-memory {@code RawText} (no repository). On the
 * class path or module path the merger is found by {@link java.util.ServiceLoader};
 * {@code dev.gapless.text.JGitTextMerger} can also be given to {@code ArtifactStore.builder(...).merger(...)}.
 * The API is {@code dev.gapless.text}; {@code dev.gapless.text.internal} is not exported.
 */
module dev.gapless.text {
    requires transitive dev.gapless.core;
    requires org.eclipse.jgit;

    exports dev.gapless.text;

    provides dev.gapless.core.spi.TextMerger with dev.gapless.text.JGitTextMerger;
}

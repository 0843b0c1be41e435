/**
 * Gapless text: line-based diff (and merge) of artifact versions in memory, with JGit's algorithms and no repository.
 * The API is {@code dev.gapless.text}; {@code dev.gapless.text.internal} is not exported.
 */
module dev.gapless.text {
    requires transitive dev.gapless.core;
    requires org.eclipse.jgit;

    exports dev.gapless.text;
}

package dev.gensynth.cli;

import dev.gensynth.provenance.Provenance;
import picocli.CommandLine;

/**
 * What {@code gensynth --version} prints: the build (version, commit, engine versions) and the
 * machine, taken from the same {@link Provenance} every result file records.
 */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        Provenance p = Provenance.current();
        return new String[] {p.software(), p.machine()};
    }
}

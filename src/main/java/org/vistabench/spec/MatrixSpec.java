package org.vistabench.spec;

import java.util.List;

/** Include/exclude globs over cell ids; an empty include list means every cell. */
public record MatrixSpec(List<String> include, List<String> exclude) {
}

package org.vistabench.golden;

import java.nio.file.Path;
import java.util.List;

/**
 * A loaded golden file.
 *
 * @param sha256 of the file's bytes, so a report says exactly which expectations it checked
 * @param name the file's {@code name:}, or null
 */
public record Golden(Path file, String sha256, String name, List<Claim> claims) {
    public Golden {
        claims = List.copyOf(claims);
    }
}

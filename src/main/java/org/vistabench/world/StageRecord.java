package org.vistabench.world;

import java.util.Map;

/**
 * A stage's record in the world's {@code manifest.json}.
 *
 * @param key     sha256 of the code version, the settings the stage uses and the keys of its inputs
 * @param status  as written: {@code built} (or {@code missing}); during a build, {@code cached} / {@code cached-missing}
 *                for a stage kept from the cache
 * @param files   relative path → sha256 of every file the stage wrote
 * @param quality the stage's quality figures
 * @param reason  why a stage is missing, else null
 */
public record StageRecord(String key, String status, Map<String, String> files, Map<String, Object> quality,
                          String reason) {
}

package org.vistabench.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class SteeringJudgeTest {
    @Test
    void removalNeedsTheObjectGoneAndEveryOtherObjectKept() {
        assertTrue(SteeringJudge.removal(Set.of("cat", "bus"), Set.of("bus"), "cat").success());
        assertEquals("still names cat", SteeringJudge.removal(Set.of("cat", "bus"), Set.of("cat", "bus"), "cat").why());
        assertEquals("also lost bus", SteeringJudge.removal(Set.of("cat", "bus"), Set.of(), "cat").why());
        // naming a new object is not a failure of removal
        assertTrue(SteeringJudge.removal(Set.of("cat"), Set.of("dog"), "cat").success());
    }

    @Test
    void replacementNeedsTheTargetNamedAndTheObjectGone() {
        assertTrue(SteeringJudge.replacement(Set.of("dog", "bus"), "cat", "dog").success());
        assertEquals("still names cat", SteeringJudge.replacement(Set.of("dog", "cat"), "cat", "dog").why());
        assertEquals("does not name dog", SteeringJudge.replacement(Set.of("bus"), "cat", "dog").why());
    }

    @Test
    void attributeNeedsAYesNoFlip() {
        assertTrue(SteeringJudge.attribute("yes", "no").success());
        assertTrue(SteeringJudge.attribute("No .", " yes").success());
        assertFalse(SteeringJudge.attribute("yes", "Yes.").success());
        assertEquals("not a yes/no answer: \"maybe\"", SteeringJudge.attribute("yes", "maybe").why());
    }
}

package org.vistabench.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import org.junit.jupiter.api.Test;

/** Issue #20 point 6: off a terminal a bar prints a step/rate/ETA line per interval and nothing else. */
class ProgressTest {
    @Test
    void logLineSaysStepRateElapsedAndEta() {
        assertEquals("lm: 450/1000 (45%), 1.50/s, elapsed 5:00, ETA 6:06",
                Progress.logLine("lm", 450, 1000, Duration.ofSeconds(300)));
        assertEquals("cells: 0/15 (0%), elapsed 0:30", Progress.logLine("cells", 0, 15, Duration.ofSeconds(30)));
        assertEquals("1:01:01", Progress.clock(Duration.ofSeconds(3661)));
    }

    @Test
    void aShortTaskPrintsNothingAndNeverTheStartOrEndLines() throws Exception {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        try (ProgressBar pb = Progress.logged(new ProgressBarBuilder().setTaskName("short").setInitialMax(10),
                60_000, lines::add).build()) {
            for (int i = 0; i < 10; i++) {
                pb.step();
            }
        }
        assertEquals(List.of(), lines);
    }

    @Test
    void aLongTaskPrintsPeriodicLinesOnly() throws Exception {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        try (ProgressBar pb = Progress.logged(new ProgressBarBuilder().setTaskName("long").setInitialMax(100),
                20, lines::add).build()) {
            for (int i = 0; i < 50; i++) {
                pb.step();
                Thread.sleep(5);
            }
        }
        assertTrue(!lines.isEmpty(), "no periodic line in 250 ms with a 20 ms interval");
        for (String l : lines) {
            assertTrue(l.matches("long: \\d+/100 \\(\\d+%\\).*"), l);
            assertTrue(!l.contains("[") && !l.contains("100%"), l);
        }
    }
}

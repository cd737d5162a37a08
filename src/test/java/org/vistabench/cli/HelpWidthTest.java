package org.vistabench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Issue #20 point 5: help reads well at 80 columns. Picocli wraps each element of a multi-line description or footer
 * on its own, so an element longer than the width re-wraps into a ragged fragment ("…shape),\n            2 usage");
 * hand-laid lines must therefore fit 80 columns. (Option descriptions and one-paragraph descriptions are wrapped by
 * picocli as paragraphs and may be long.)
 */
class HelpWidthTest {
    static final int WIDTH = 80;

    @Test
    void handLaidHelpLinesFitEightyColumns() {
        List<String> tooLong = new ArrayList<>();
        visit(new CommandLine(new Main()), tooLong);
        assertEquals(List.of(), tooLong);
    }

    private static void visit(CommandLine cl, List<String> tooLong) {
        CommandSpec s = cl.getCommandSpec();
        String name = s.qualifiedName();
        check(name + " header", s.usageMessage().header(), tooLong);
        check(name + " footer", s.usageMessage().footer(), tooLong);
        if (s.usageMessage().description().length > 1) {
            check(name + " description", s.usageMessage().description(), tooLong);
        }
        cl.getSubcommands().values().stream().distinct().forEach(c -> visit(c, tooLong));
    }

    private static void check(String where, String[] lines, List<String> tooLong) {
        for (String l : lines) {
            for (String part : l.split("%n|\n")) {
                if (part.length() > WIDTH - 1) {
                    tooLong.add(where + " (" + part.length() + "): " + part);
                }
            }
        }
    }
}

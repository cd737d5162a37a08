package org.vistabench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.VistaException;
import org.vistabench.spec.Cell;

class MetricsCsvTest {
    @TempDir
    Path tmp;

    @Test
    void writesSortedLongFormatAndReadsBackExactValues() throws Exception {
        Cell b = Cell.of("enc", "lm", "early", "none", 18);
        Cell a = Cell.of("enc", "lm", "early", "none", 17);
        MetricsTable t = new MetricsTable(List.of(
                new MetricsTable.Row(b, "x.b", 0.1 + 0.2),
                new MetricsTable.Row(a, "x.b", Double.NaN),
                new MetricsTable.Row(a, "x.a", -1e-300)));
        Path f = tmp.resolve("tables/metrics.csv");
        MetricsCsv.write(f, t);
        assertEquals("cell,encoder,llm,sae_layers,control,seed,metric,value\n"
                + "enc__lm__early__none__s17,enc,lm,early,none,17,x.a,-1.0E-300\n"
                + "enc__lm__early__none__s17,enc,lm,early,none,17,x.b,NaN\n"
                + "enc__lm__early__none__s18,enc,lm,early,none,18,x.b,0.30000000000000004\n", Files.readString(f));
        MetricsTable back = MetricsCsv.read(f);
        assertEquals(t, back);
    }

    @Test
    void agreesByteForByteWithTheGoldenPackagesCsv() throws Exception {
        // Two writers exist until the lead keeps one; the golden check reads what the runner writes.
        MetricsTable t = new MetricsTable(List.of(
                new MetricsTable.Row(Cell.of("e,1", "l\"m", "all", "random-sae", 3), "x.a", 1.0 / 3),
                new MetricsTable.Row(Cell.of("e", "l", "none", "none", 17), "x.b", Double.NaN),
                new MetricsTable.Row(Cell.of("e", "l", "none", "none", 17), "x.c", Double.NEGATIVE_INFINITY)));
        assertEquals(org.vistabench.golden.MetricsCsv.format(t), MetricsCsv.format(t));
        Path f = tmp.resolve("m.csv");
        MetricsCsv.write(f, t);
        assertEquals(t, org.vistabench.golden.MetricsCsv.read(f));
    }

    @Test
    void malformedValueIsAnErrorNamingFileAndLine() throws Exception {
        Path f = tmp.resolve("m.csv");
        Files.writeString(f, "cell,encoder,llm,sae_layers,control,seed,metric,value\n"
                + "c,e,l,s,none,1,x.a,1.0\nc,e,l,s,none,1,x.b,oops\n");
        VistaException e = assertThrows(VistaException.class, () -> MetricsCsv.read(f));
        assertTrue(e.getMessage().contains(f + " line 3") && e.getMessage().contains("'oops'"), e.getMessage());
    }

    @Test
    void summaryTableIsWideSortedAndLeavesMissingMetricsEmpty() {
        Cell a = Cell.of("enc", "lm", "early", "none", 17);
        Cell b = Cell.of("enc", "lm", "early", "none", 18);
        MetricsTable t = new MetricsTable(List.of(new MetricsTable.Row(b, "x.b", 2.5),
                new MetricsTable.Row(a, "x.z", 1.0), new MetricsTable.Row(a, "x.b", 0.5)));
        SummaryTable s = SummaryTable.of(t);
        assertEquals("cell,encoder,llm,sae_layers,control,seed,x.b,x.z\n"
                + "enc__lm__early__none__s17,enc,lm,early,none,17,0.5,1.0\n"
                + "enc__lm__early__none__s18,enc,lm,early,none,18,2.5,\n", s.csv());
        assertEquals("cell                       x.b     x.z\n"
                + "enc__lm__early__none__s17  0.5000  1.000\n"
                + "enc__lm__early__none__s18   2.500      -\n", s.text());
    }
}

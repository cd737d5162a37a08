package org.vistabench.results;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.core.FileError;
import org.vistabench.core.FileErrorsException;
import org.vistabench.golden.Fixtures;

class MetricsCsvTest {
    @TempDir
    Path tmp;

    private static final double[] TRICKY = {0.1, 1.0 / 3, 1e-300, Double.MIN_VALUE, -0.0, 0.0, 123456789.125,
        Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 2.0 / 3 * 1e20, Math.PI};

    private static MetricsTable tricky() {
        Fixtures.Table t = Fixtures.table();
        for (int i = 0; i < TRICKY.length; i++) {
            t.add(i % 2 == 0 ? "mini-dino" : "mini-clip", "early", i % 3 == 0 ? "random-sae" : "none", 17 + i % 2,
                    "m.v" + String.format("%02d", i), TRICKY[i]);
        }
        return t.build();
    }

    @Test
    void roundTripIsByteStableAndBitExact() throws IOException {
        Path a = tmp.resolve("a/metrics.csv");
        Path b = tmp.resolve("b/metrics.csv");
        MetricsTable table = tricky();
        MetricsCsv.write(a, table);
        MetricsTable back = MetricsCsv.read(a);
        MetricsCsv.write(b, back);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        assertEquals(table.rows().size(), back.rows().size());
        for (int i = 0; i < table.rows().size(); i++) {
            MetricsTable.Row x = table.rows().get(i);
            MetricsTable.Row y = back.rows().get(i);
            assertEquals(x.cell(), y.cell());
            assertEquals(x.metric(), y.metric());
            assertEquals(Double.doubleToLongBits(x.value()), Double.doubleToLongBits(y.value()), x.metric());
        }
    }

    @Test
    void aTableCutInsideItsLastValueIsRefusedNamingTheLine() throws IOException {
        Path f = tmp.resolve("cut/metrics.csv");
        MetricsCsv.write(f, Fixtures.table().add("mini-dino", "none", "none", 2, "train.a", 0.5755).build());
        byte[] whole = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(whole, whole.length - 3)); // "...,0.57"
        FileErrorsException e = assertThrows(FileErrorsException.class, () -> MetricsCsv.read(f));
        assertEquals(2, e.errors().get(0).line());
        assertTrue(e.getMessage().contains("truncated: the file ends inside this line"), e.getMessage());
    }

    @Test
    void aBinaryFileIsRefusedAsNotText() throws IOException {
        Path f = Files.write(tmp.resolve("bin.csv"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, '\n'});
        FileErrorsException e = assertThrows(FileErrorsException.class, () -> MetricsCsv.read(f));
        assertTrue(e.getMessage().contains("not UTF-8 text"), e.getMessage());
    }

    @Test
    void writesTheAgreedHeaderSortedRowsAndNan() {
        MetricsTable t = Fixtures.table().add("mini-dino", "none", "none", 2, "train.b", Double.NaN)
                .add("mini-clip", "early", "none", 1, "train.a", 0.25)
                .add("mini-dino", "none", "none", 2, "train.a", 1e-7).build();
        assertEquals("""
                cell,encoder,llm,sae_layers,control,seed,metric,value
                mini-clip__mini-lm__early__none__s1,mini-clip,mini-lm,early,none,1,train.a,0.25
                mini-dino__mini-lm__none__none__s2,mini-dino,mini-lm,none,none,2,train.a,1.0E-7
                mini-dino__mini-lm__none__none__s2,mini-dino,mini-lm,none,none,2,train.b,NaN
                """, MetricsCsv.format(t));
    }

    @Test
    void rejectsAWrongHeader() throws IOException {
        Path f = tmp.resolve("m.csv");
        Files.writeString(f, "cell,metric,value\nx,y,1\n");
        FileErrorsException e = assertThrows(FileErrorsException.class, () -> MetricsCsv.read(f));
        assertEquals(f + ":1:1: header: expected cell,encoder,llm,sae_layers,control,seed,metric,value, got cell,metric,value",
                e.errors().get(0).toString());
    }

    @Test
    void reportsEveryBadRowWithItsLine() throws IOException {
        Path f = tmp.resolve("m.csv");
        Files.writeString(f, String.join("\n", List.of(
                String.join(",", MetricsCsv.HEADER),
                "e__l__none__none__s1,e,l,none,none,1,m.x,0.5",
                "e__l__none__none__s1,e,l,none,none,one,m.x,0.5",
                "e__l__none__none__s1,e,l,none,none,1,m.y,fast",
                "wrong-id,e,l,none,none,1,m.z,0.5",
                "e__l__none__none__s1,e,l,none,none,1,m.x,0.6",
                "e__l__none__none__s1,e,l")) + "\n");
        FileErrorsException e = assertThrows(FileErrorsException.class, () -> MetricsCsv.read(f));
        assertEquals(List.of(3, 4, 5, 6, 7), e.errors().stream().map(FileError::line).toList(), e.getMessage());
        assertTrue(e.errors().get(1).toString().contains("value: expected a number (or NaN), got \"fast\""));
        assertTrue(e.errors().get(2).toString().contains("does not match its coordinates"));
        assertTrue(e.errors().get(3).toString().contains("duplicate row for cell e__l__none__none__s1 metric m.x (first at line 2)"),
                e.errors().get(3).toString());
    }

    @Test
    void missingTableIsAUsageErrorNamingTheFile() {
        FileErrorsException e = assertThrows(FileErrorsException.class, () -> MetricsCsv.read(tmp.resolve("nope.csv")));
        assertEquals(2, e.exitCode());
        assertTrue(e.getMessage().contains("nope.csv: metrics table not found"));
    }

    @Test
    void emptyFileIsAnError() throws IOException {
        Path f = tmp.resolve("m.csv");
        Files.writeString(f, "");
        FileErrorsException e = assertThrows(FileErrorsException.class, () -> MetricsCsv.read(f));
        assertTrue(e.getMessage().contains("empty file"), e.getMessage());
    }
}

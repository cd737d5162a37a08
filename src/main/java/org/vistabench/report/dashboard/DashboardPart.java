package org.vistabench.report.dashboard;

import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vistabench.io.AtomicFiles;
import org.vistabench.io.Json;
import org.vistabench.report.ReportInput;
import org.vistabench.report.ReportPart;

/**
 * The {@code dashboard} report part: {@code out/dashboard.html}, one static page that works offline from disk (no
 * server, no network: its script, style, data and images are inlined) to browse the image-token features of every
 * cell ({@link DashboardData}). The page is a template ({@code dashboard.html}, {@code .css}, {@code .js} beside this
 * class) filled in one pass, so the same input gives the same bytes.
 */
public final class DashboardPart implements ReportPart {
    public static final String FILE = "dashboard.html";
    private static final Pattern SLOT = Pattern.compile("\\{\\{([A-Z]+)}}");

    @Override
    public String name() {
        return "dashboard";
    }

    @Override
    public List<Path> write(ReportInput in, Path out, Options options) throws IOException {
        AtomicFiles.writeString(out.resolve(FILE), html(in));
        return List.of(Path.of(FILE));
    }

    /** The page's text. */
    public static String html(ReportInput in) throws IOException {
        String data = Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(DashboardData.of(in));
        String results = in.results().toAbsolutePath().normalize().getFileName() == null ? ""
                : in.results().toAbsolutePath().normalize().getFileName().toString();
        Map<String, String> slots = Map.of(
                "TITLE", escape("Image-token features: " + in.specName()),
                "SUBTITLE", escape("spec " + in.specName() + " \u00b7 " + in.cells().size() + " cells \u00b7 results "
                        + results),
                "RESULTS", escape(results),
                "CSS", resource("dashboard.css"),
                "JS", resource("dashboard.js"),
                // inside <script>, "</script" must not appear: JSON allows < as \u003c in strings
                "DATA", data.replace("<", "\\u003c"));
        Matcher m = SLOT.matcher(resource("dashboard.html"));
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = slots.get(m.group(1));
            if (v == null) {
                throw new IllegalStateException("dashboard.html names an unknown slot " + m.group());
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static String resource(String name) {
        try (InputStream s = DashboardPart.class.getResourceAsStream(name)) {
            if (s == null) {
                throw new IllegalStateException("the jar lacks " + name + " beside " + DashboardPart.class.getName());
            }
            return new String(s.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

package org.vistabench.eval;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import javax.imageio.ImageIO;
import org.vistabench.cell.CellContext;
import org.vistabench.cell.ImageSplit;
import org.vistabench.io.AtomicFiles;
import org.vistabench.results.RecordFiles;

/**
 * The held-out images the per-image records speak of, copied into the results folder as {@code images/<id>.png}
 * (longest side at most {@value #MAX_SIDE} px, RGB) so that reports and the dashboard draw them without the world or
 * the dataset. The folder is shared by the cells of a run: an image already there is left alone (cells of one run read
 * the same split, so the bytes would be the same).
 */
final class RunImages {
    static final int MAX_SIDE = 256;

    private RunImages() {
    }

    /** The results folder of a cell: cells live in {@code <results>/cells/<id>}. */
    static Path resultsDir(CellContext ctx) {
        return ctx.cellDir().toAbsolutePath().getParent().getParent();
    }

    static void write(CellContext ctx, ImageSplit split, Collection<Long> ids) throws IOException {
        Path results = resultsDir(ctx);
        for (long id : ids) {
            Path f = RecordFiles.image(results, id);
            if (Files.isRegularFile(f)) {
                continue;
            }
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(fit(split.image(id)), "png", png);
            AtomicFiles.write(f, png.toByteArray());
        }
    }

    /** RGB, scaled down (bilinear) so that the longest side is at most {@link #MAX_SIDE}. */
    static BufferedImage fit(BufferedImage im) {
        double scale = Math.min(1.0, (double) MAX_SIDE / Math.max(im.getWidth(), im.getHeight()));
        int w = Math.max(1, (int) Math.round(im.getWidth() * scale));
        int h = Math.max(1, (int) Math.round(im.getHeight() * scale));
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(im, 0, 0, w, h, null);
        g.dispose();
        return out;
    }
}

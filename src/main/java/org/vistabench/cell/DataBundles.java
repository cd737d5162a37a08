package org.vistabench.cell;

import java.nio.file.Path;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;
import org.vistabench.spec.Spec;
import org.vistabench.world.World;
import org.vistabench.world.WorldBuilder;

/** Opens the dataset a spec names (the mini world, or COCO-format data). */
final class DataBundles {
    private DataBundles() {
    }

    static DataBundle open(Spec spec, CellContext ctx) {
        if (spec.world() != null) {
            return new WorldData(world(ctx));
        }
        if (spec.data() != null) {
            return CocoData.open(spec.data());
        }
        throw new VistaException(ExitCodes.USAGE, spec.file() + ": expected a world or a data section, found"
                + " neither");
    }

    /** The spec's mini world, built or verified once per run. */
    static World world(CellContext ctx) {
        WorldBuilder.Options d = WorldBuilder.Options.defaults();
        return ctx.shared("world", () -> World.ensure(ctx.spec().world(), null,
                new WorldBuilder.Options(d.threads(), d.force(), ctx.progress())));
    }

    static Path resolveWorldPath(CellContext ctx, String ref) {
        if (ctx.spec().world() == null) {
            throw new VistaException(ExitCodes.USAGE, ctx.spec().file() + ": " + ref + " needs a world: section");
        }
        return world(ctx).resolve(ref);
    }
}

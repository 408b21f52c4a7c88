package org.forgetfilter.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * How an output was made, as one typed value that every writer records the same way (summary.json, model folders,
 * stage records, experiment results): the tool's version from the build, the DJL and libtorch versions and thread
 * count, the exact command line, the SHA-256 of every input file (a folder input, such as a Hugging Face model,
 * file by file), the effective configuration as JSON and the seed. It holds no time, so that two runs with the
 * same inputs write the same record (times go to timings.json).
 *
 * @param version     the tool's version, from the build ({@link #buildVersion()})
 * @param djl         DJL's version
 * @param libtorch    the PyTorch engine's version
 * @param threads     libtorch's intra-op threads
 * @param java        the Java runtime's version
 * @param commandLine the command line that ran, or empty when called as a library
 * @param inputs      per input name ("data", "safe", "model/config.json", ...): its path and SHA-256
 * @param config      the effective configuration (settings a rerun can read back, e.g. filter --config)
 * @param seed        the seed of everything random, or null when the output spans several seeds
 */
public record Provenance(String version, String djl, String libtorch, int threads, String java,
                         List<String> commandLine, Map<String, Input> inputs, JsonNode config, Long seed) {
    public static final String TOOL = "forgetfilter";
    private static final String VERSION_RESOURCE = "/org/forgetfilter/version.properties";

    /** One input file. */
    public record Input(String path, String sha256) {
    }

    public Provenance {
        commandLine = List.copyOf(commandLine);
        inputs = new LinkedHashMap<>(inputs);
        config = config == null ? Json.MAPPER.createObjectNode() : config.deepCopy();
    }

    /** The version of this build, e.g. "0.1.0" (Maven fills in the project's version). */
    public static String buildVersion() {
        try (InputStream in = Provenance.class.getResourceAsStream(VERSION_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(VERSION_RESOURCE + " is missing from the class path: build with Maven");
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version");
            if (v == null || v.isBlank() || v.contains("${")) {
                throw new IllegalStateException(VERSION_RESOURCE + " holds no filtered version (" + v + "): build "
                        + "with Maven, which fills it in");
            }
            return v;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** "forgetfilter VERSION", what outputs and --version name the tool by. */
    public static String toolVersion() {
        return TOOL + " " + buildVersion();
    }

    /**
     * The record of a run in this process: the versions and threads of the running engine, and the SHA-256 of
     * {@code inputs} (name to file or folder; null paths are skipped).
     */
    public static Provenance of(List<String> commandLine, Map<String, Path> inputs, JsonNode config, Long seed)
            throws IOException {
        Map<String, Input> hashed = new LinkedHashMap<>();
        for (Map.Entry<String, Path> e : inputs.entrySet()) {
            hash(e.getKey(), e.getValue(), hashed);
        }
        ai.djl.engine.Engine engine = ai.djl.engine.Engine.getInstance();
        return new Provenance(buildVersion(), ai.djl.engine.Engine.getDjlVersion(), engine.getVersion(),
                ai.djl.pytorch.jni.JniUtils.getNumThreads(), System.getProperty("java.version"), commandLine, hashed,
                config, seed);
    }

    /** This record with more inputs (hashed now). */
    public Provenance withInputs(Map<String, Path> more) throws IOException {
        Map<String, Input> all = new LinkedHashMap<>(inputs);
        for (Map.Entry<String, Path> e : more.entrySet()) {
            hash(e.getKey(), e.getValue(), all);
        }
        return new Provenance(version, djl, libtorch, threads, java, commandLine, all, config, seed);
    }

    private static void hash(String name, Path path, Map<String, Input> out) throws IOException {
        if (path == null) {
            return;
        }
        if (Files.isDirectory(path)) {
            List<Path> files = new ArrayList<>();
            try (Stream<Path> s = Files.walk(path)) {
                s.filter(Files::isRegularFile).sorted().forEach(files::add);
            }
            for (Path f : files) {
                out.put(name + "/" + path.relativize(f).toString().replace('\\', '/'),
                        new Input(f.toString(), Sha256.ofFile(f)));
            }
        } else if (Files.isRegularFile(path)) {
            out.put(name, new Input(path.toString(), Sha256.ofFile(path)));
        }
    }

    public ObjectNode toJson() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("tool", TOOL);
        n.put("version", version);
        n.put("djl", djl);
        n.put("libtorch", libtorch);
        n.put("threads", threads);
        n.put("java", java);
        n.set("command_line", Json.MAPPER.valueToTree(commandLine));
        ObjectNode in = n.putObject("inputs");
        inputs.forEach((k, v) -> {
            ObjectNode f = in.putObject(k);
            f.put("path", v.path());
            f.put("sha256", v.sha256());
        });
        n.set("config", config.deepCopy());
        if (seed != null) {
            n.put("seed", seed);
        }
        return n;
    }

    /** The record as plain maps and lists, for writers that take a map (a model folder's provenance). */
    @SuppressWarnings("unchecked")
    public Map<String, Object> toMap() {
        return new LinkedHashMap<String, Object>(Json.MAPPER.convertValue(toJson(), Map.class));
    }
}

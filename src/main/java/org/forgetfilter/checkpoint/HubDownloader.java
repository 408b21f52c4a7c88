package org.forgetfilter.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.MalformedURLException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.forgetfilter.io.AtomicFile;
import org.forgetfilter.io.Json;
import org.forgetfilter.io.Progress;

/**
 * Brings a hub model ({@code hf:[ORG/]NAME[@REV]}) onto this machine and says where it is. In this order: the user's
 * Hugging Face cache ({@link HfHubCache}, read only), ForgetFilter's own download folder, and, unless offline mode
 * is on, a download from {@code {endpoint}/{repo}/resolve/{rev}/{file}} into that folder.
 *
 * <p>Downloads: each file goes to {@code file.part} first. A dropped connection or a read time-out continues from
 * where it stopped with an HTTP Range request (within a run and across runs); a server that sends more than it
 * announced, or resumes at the wrong byte, gets its partial file deleted and a clean retry. Every checksum the hub
 * gives is verified: the sha256 of LFS files ({@code X-Linked-Etag}) and the git blob hash of regular files such as
 * config.json and a small tokenizer.json (their ETag); a mismatch deletes the file. A finished file is renamed into
 * place and is not downloaded again; {@value #MANIFEST} records what was fetched. Redirects are followed by hand: only
 * to http(s), never from https down to http, at most {@value #MAX_REDIRECTS}, no loops, and the token goes only to
 * the hub itself. File names a server supplies (shards of a sharded index) must be plain names. A download that fails
 * before anything arrived leaves no folder behind.
 */
public final class HubDownloader {
    static final String MANIFEST = "forgetfilter-download.json";
    private static final int MAX_REDIRECTS = 10;
    private static final int ATTEMPTS = 4;
    /** Bytes accepted for a file whose size the server does not announce (JSON files are far smaller). */
    private static final long MAX_UNANNOUNCED_BYTES = 256L << 20;
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)");
    private static final Pattern UNSATISFIED_RANGE = Pattern.compile("bytes\\s+\\*/(\\d+)");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
    private static final List<String> OPTIONAL = List.of("tokenizer_config.json", "special_tokens_map.json",
            "generation_config.json");

    private final HubSettings settings;
    private final HfHubCache hfCache;

    public HubDownloader(HubSettings settings) {
        this.settings = settings;
        this.hfCache = new HfHubCache(settings.hfHubCache());
    }

    /** Settings from this process's environment ({@link HubSettings#fromEnvironment()}). */
    public static HubDownloader fromEnvironment() {
        return new HubDownloader(HubSettings.fromEnvironment());
    }

    public HubSettings settings() {
        return settings;
    }

    /** ForgetFilter's own folder for a model revision: {@code <downloadRoot>/hub/ORG--NAME/REV}. */
    public Path folder(HubModelId id) {
        return settings.downloadRoot().resolve("hub").resolve(id.folderName()).resolve(id.revision().replace("/", "--"));
    }

    /**
     * The local folder of {@code id}: its snapshot in the Hugging Face cache when that is complete, else ForgetFilter's
     * finished download, else (not in offline mode) a new download.
     *
     * @param needTokenizer false when the caller brings its own tokenizer: then a folder without one will do
     */
    public Path resolve(HubModelId id, boolean needTokenizer) throws IOException {
        HfHubCache.Lookup cached = hfCache.find(id, needTokenizer);
        if (cached.usable()) {
            return cached.snapshot();
        }
        Path dir = folder(id);
        if (isFinished(dir, needTokenizer)) {
            return dir;
        }
        if (settings.offline()) {
            String where = cached.snapshot() != null
                    ? "the Hugging Face cache has " + cached.snapshot() + " but without " + String.join(", ", cached.missing())
                    : "it is neither in the Hugging Face cache (" + settings.hfHubCache() + ") nor in ForgetFilter's ("
                            + dir + ")";
            throw new HubOfflineException(id + ": " + where + ", and offline mode is on (HF_HUB_OFFLINE="
                    + "1): nothing is downloaded; unset HF_HUB_OFFLINE to download it");
        }
        return download(id, needTokenizer);
    }

    /**
     * Downloads config.json, the tokenizer files and the safetensors weights (single file, or the index and every
     * shard it names) of {@code id} into {@link #folder}; files already there are kept. Returns the folder.
     */
    public Path download(HubModelId id, boolean needTokenizer) throws IOException {
        if (settings.offline()) {
            throw new HubOfflineException(id + ": offline mode is on (HF_HUB_OFFLINE=1): nothing is downloaded");
        }
        Path dir = folder(id);
        if (isFinished(dir, needTokenizer)) {
            return dir; // an earlier run finished: no network at all
        }
        List<Path> created = createFolders(dir);
        try {
            ObjectNode manifest = readManifest(dir);
            manifest.put("repo", id.repo());
            manifest.put("revision", id.revision());
            manifest.put("endpoint", settings.endpoint().toString());
            manifest.put("complete", false);
            ObjectNode files = manifest.get("files") instanceof ObjectNode o ? o : manifest.putObject("files");
            fetch(id, HfConfig.FILE_NAME, dir, files, manifest, true);
            fetch(id, "tokenizer.json", dir, files, manifest, needTokenizer);
            for (String name : OPTIONAL) {
                fetch(id, name, dir, files, manifest, false);
            }
            if (fetch(id, HfModelDirectory.INDEX_FILE, dir, files, manifest, false)) {
                Set<String> shards;
                try {
                    shards = HfModelDirectory.shardNames(dir.resolve(HfModelDirectory.INDEX_FILE));
                } catch (IOException e) {
                    Files.deleteIfExists(dir.resolve(HfModelDirectory.INDEX_FILE)); // not trusted: fetched again next time
                    throw new HubHttpException(id + ": " + e.getMessage() + "; nothing of it was downloaded");
                }
                for (String shard : shards) {
                    fetch(id, shard, dir, files, manifest, true);
                }
            } else {
                fetch(id, HfModelDirectory.WEIGHTS_FILE, dir, files, manifest, true);
            }
            manifest.put("complete", true);
            AtomicFile.writeString(dir.resolve(MANIFEST), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(manifest) + "\n");
            return dir;
        } catch (IOException | RuntimeException e) {
            removeIfEmpty(created);
            throw e;
        }
    }

    /** True when the manifest says a download finished, every file it lists is still there, and nothing is missing. */
    private static boolean isFinished(Path dir, boolean needTokenizer) throws IOException {
        if (!Files.isRegularFile(dir.resolve(MANIFEST))) {
            return false;
        }
        ObjectNode manifest = readManifest(dir);
        if (!manifest.path("complete").asBoolean(false)) {
            return false;
        }
        var names = manifest.path("files").fieldNames();
        while (names.hasNext()) {
            if (!Files.isRegularFile(dir.resolve(names.next()))) {
                return false;
            }
        }
        return HfModelDirectory.missingFiles(dir, needTokenizer).isEmpty();
    }

    private static ObjectNode readManifest(Path dir) throws IOException {
        Path p = dir.resolve(MANIFEST);
        if (Files.isRegularFile(p)) {
            try {
                if (Json.MAPPER.readTree(p.toFile()) instanceof ObjectNode o) {
                    return o;
                }
            } catch (IOException e) {
                // a damaged manifest only costs a check of every file: start a new one
            }
        }
        return Json.MAPPER.createObjectNode();
    }

    /** Creates {@code dir} and returns the folders that did not exist before, deepest first. */
    private static List<Path> createFolders(Path dir) throws IOException {
        List<Path> created = new ArrayList<>();
        for (Path p = dir.toAbsolutePath(); p != null && !Files.exists(p); p = p.getParent()) {
            created.add(p);
        }
        Files.createDirectories(dir);
        return created;
    }

    private static void removeIfEmpty(List<Path> created) {
        for (Path p : created) {
            try {
                Files.deleteIfExists(p);
            } catch (DirectoryNotEmptyException e) {
                return; // it holds a partial download worth resuming, and so do its parents
            } catch (IOException e) {
                return;
            }
        }
    }

    /**
     * Brings one file into {@code dir}; returns false when an optional file does not exist on the hub. A file already
     * in place is kept.
     */
    private boolean fetch(HubModelId id, String file, Path dir, ObjectNode files, ObjectNode manifest, boolean required)
            throws IOException {
        Path target = dir.resolve(file);
        if (Files.isRegularFile(target)) {
            if (!files.has(file)) {
                files.putObject(file).put("size", Files.size(target));
            }
            return true;
        }
        URI uri = URI.create(settings.endpoint() + "/" + id.repo() + "/resolve/" + id.revision().replace("/", "%2F")
                + "/" + file);
        Path part = dir.resolve(file + ".part");
        String problem = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Transfer t;
            try {
                t = transfer(id, uri, part, file);
            } catch (HubException e) {
                deleteIfEmpty(part);
                throw e;
            } catch (IOException e) {
                problem = describe(e); // connection dropped or stalled: keep what arrived and resume
                deleteIfEmpty(part);
                continue;
            }
            if (t.notFound) {
                Files.deleteIfExists(part);
                if (required) {
                    throw new HubHttpException(id + ": " + file + " is not on the hub (HTTP 404 for " + uri
                            + "): check the model name, revision and file");
                }
                return false;
            }
            long size = Files.size(part);
            if (t.expectedSize >= 0 && size > t.expectedSize) {
                Files.delete(part);
                problem = "received " + size + " bytes, more than the " + t.expectedSize + " announced";
                continue;
            }
            if (t.expectedSize >= 0 && size < t.expectedSize) {
                problem = "received " + size + " of " + t.expectedSize + " bytes";
                if (t.received == 0) {
                    Files.delete(part); // no progress from where we were: start over rather than ask for the same range
                }
                continue;
            }
            if (t.checksum != null) {
                String actual = t.checksum.of(part);
                if (!actual.equals(t.checksum.hex())) {
                    Files.delete(part);
                    throw new ChecksumException(id + ": " + file + ": checksum mismatch, the hub gives " + t.checksum.algorithm()
                            + " " + t.checksum.hex() + " but the download has " + actual
                            + " (partial file removed; run again)");
                }
            }
            ObjectNode entry = files.putObject(file);
            entry.put("size", size);
            if (t.checksum != null) {
                entry.put(t.checksum.algorithm(), t.checksum.hex());
            }
            if (t.commit != null && !manifest.has("commit")) {
                manifest.put("commit", t.commit);
            }
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return true;
        }
        long kept = Files.isRegularFile(part) ? Files.size(part) : 0;
        throw new HubDownloadException(id + ": " + file + ": download failed after " + ATTEMPTS + " attempts (last: "
                + problem + ")" + (kept > 0 ? "; the " + kept + " bytes received are kept in " + part
                + " and a rerun continues from there" : ""));
    }

    private static void deleteIfEmpty(Path part) throws IOException {
        if (Files.isRegularFile(part) && Files.size(part) == 0) {
            Files.delete(part);
        }
    }

    /** What one GET did. */
    private static final class Transfer {
        boolean notFound;
        long expectedSize = -1;
        long received;
        HubChecksum checksum;
        String commit;
    }

    /** One attempt: appends to {@code part} from its current length to the end of the file. */
    private Transfer transfer(HubModelId id, URI uri, Path part, String file) throws IOException {
        long have = Files.isRegularFile(part) ? Files.size(part) : 0;
        Response resp = get(id, uri, have, file);
        Transfer t = new Transfer();
        t.checksum = resp.checksum;
        t.commit = resp.commit;
        try {
            int status = resp.status;
            if (status == 404) {
                t.notFound = true;
                return t;
            }
            if (status == 416 && have > 0) {
                // Nothing after byte `have`: the part is complete (or too long); the size check decides.
                t.expectedSize = resp.linkedSize >= 0 ? resp.linkedSize : unsatisfiedRangeTotal(resp.contentRange);
                return t;
            }
            if (status == 401 || status == 403) {
                throw new HubHttpException(id + ": " + file + ": access denied (HTTP " + status + "); the model may be "
                        + "gated or private: accept its license on the hub and set HF_TOKEN");
            }
            if (status == 429) {
                throw new HubHttpException(id + ": " + file + ": the hub is limiting requests (HTTP 429); wait and run again");
            }
            if (status >= 500 && status < 600) {
                throw new RetryableProblem("HTTP " + status + " from " + uri.getHost()); // a server hiccup
            }
            if (status != 200 && status != 206) {
                throw new HubHttpException(id + ": " + file + ": unexpected HTTP status " + status + " from " + uri.getHost());
            }
            boolean append = false;
            if (status == 206) {
                Matcher m = resp.contentRange == null ? null : CONTENT_RANGE.matcher(resp.contentRange.trim());
                if (m == null || !m.matches()) {
                    throw new HubHttpException(id + ": " + file + ": partial response (HTTP 206) without a valid Content-Range");
                }
                long start = Long.parseLong(m.group(1));
                if (start != have) {
                    Files.deleteIfExists(part);
                    throw new RetryableProblem("the server resumed at byte " + start + " instead of " + have + "; starting over");
                }
                append = have > 0;
                if (!m.group(3).equals("*")) {
                    t.expectedSize = Long.parseLong(m.group(3));
                }
            }
            long offset = append ? have : 0;
            if (resp.linkedSize >= 0) {
                t.expectedSize = resp.linkedSize;
            } else if (t.expectedSize < 0 && resp.contentLength >= 0) {
                t.expectedSize = resp.contentLength + offset;
            }
            long limit = t.expectedSize >= 0 ? t.expectedSize : offset + MAX_UNANNOUNCED_BYTES;
            Progress progress = new Progress("download " + file, t.expectedSize, "bytes");
            progress.advance(offset);
            try (OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
                byte[] buf = new byte[1 << 16];
                long total = offset;
                int n;
                // Read at most one byte past the limit: enough to know the server sent too much.
                while (total <= limit && (n = resp.body.read(buf, 0, (int) Math.min(buf.length, limit + 1 - total))) >= 0) {
                    out.write(buf, 0, n);
                    total += n;
                    t.received += n;
                    progress.advance(n);
                }
            }
            progress.finish();
            if (t.expectedSize < 0 && Files.size(part) > limit) {
                Files.delete(part);
                throw new HubHttpException(id + ": " + file + ": the server sent more than " + MAX_UNANNOUNCED_BYTES
                        + " bytes without announcing a size; refused");
            }
            return t;
        } finally {
            resp.close();
        }
    }

    private static long unsatisfiedRangeTotal(String contentRange) {
        if (contentRange != null) {
            Matcher m = UNSATISFIED_RANGE.matcher(contentRange.trim());
            if (m.matches()) {
                return Long.parseLong(m.group(1));
            }
        }
        return -1;
    }

    /** The final response of a GET, with what the hub said on the way (LFS metadata is on the first hop). */
    private static final class Response {
        int status;
        HttpURLConnection connection;
        InputStream body = InputStream.nullInputStream();
        HubChecksum checksum;
        long linkedSize = -1;
        long contentLength = -1;
        String contentRange;
        String commit;

        void close() {
            try {
                body.close();
            } catch (IOException e) {
                // the connection is dropped below anyway
            }
            connection.disconnect();
        }
    }

    private Response get(HubModelId id, URI start, long offset, String file) throws IOException {
        Response r = new Response();
        URI uri = start;
        Set<URI> seen = new LinkedHashSet<>();
        for (int hop = 0; ; hop++) {
            if (!seen.add(uri)) {
                throw new HubHttpException(id + ": " + file + ": the server redirects in a loop (" + chain(seen, uri)
                        + "); refused");
            }
            if (hop > MAX_REDIRECTS) {
                throw new HubHttpException(id + ": " + file + ": more than " + MAX_REDIRECTS + " redirects from "
                        + start.getHost() + "; refused");
            }
            HttpURLConnection c = open(id, uri, file);
            boolean fromHub = sameOrigin(uri, settings.endpoint());
            c.setRequestProperty("User-Agent", "forgetfilter/0.1");
            c.setRequestProperty("Accept-Encoding", "identity");
            if (settings.token() != null && fromHub) {
                c.setRequestProperty("Authorization", "Bearer " + settings.token()); // never to a CDN it redirects to
            }
            if (offset > 0) {
                c.setRequestProperty("Range", "bytes=" + offset + "-");
            }
            try {
                c.connect();
            } catch (UnknownHostException | ConnectException | NoRouteToHostException | SocketTimeoutException
                     | SSLException e) {
                c.disconnect();
                throw unreachable(id, uri, file, e);
            }
            int status;
            try {
                status = c.getResponseCode();
            } catch (IOException e) {
                c.disconnect();
                throw e; // no answer in time, or the connection broke: retried
            }
            if (status < 100) {
                c.disconnect();
                throw new HubHttpException(id + ": " + file + ": " + uri.getHost() + " did not answer in HTTP; refused");
            }
            if (fromHub) {
                if (r.checksum == null) {
                    r.checksum = HubChecksum.fromEtag(c.getHeaderField("X-Linked-Etag"));
                }
                if (r.linkedSize < 0 && c.getHeaderField("X-Linked-Size") != null) {
                    r.linkedSize = parseSize(c.getHeaderField("X-Linked-Size"), id, file);
                }
                String commit = c.getHeaderField("X-Repo-Commit");
                if (r.commit == null && commit != null && COMMIT.matcher(commit.trim()).matches()) {
                    r.commit = commit.trim();
                }
            }
            if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
                String location = c.getHeaderField("Location");
                drainAndClose(c);
                uri = redirectTarget(id, uri, location, status, file);
                continue;
            }
            if (fromHub && r.checksum == null && (status == 200 || status == 206)) {
                r.checksum = HubChecksum.fromEtag(c.getHeaderField("ETag")); // a regular file's git blob hash
            }
            r.status = status;
            r.connection = c;
            r.contentLength = c.getContentLengthLong();
            r.contentRange = c.getHeaderField("Content-Range");
            if (status == 200 || status == 206) {
                r.body = c.getInputStream();
            }
            return r;
        }
    }

    private HttpURLConnection open(HubModelId id, URI uri, String file) throws IOException {
        HttpURLConnection c;
        try {
            c = (HttpURLConnection) uri.toURL().openConnection();
        } catch (IllegalArgumentException | MalformedURLException | ClassCastException e) {
            throw new HubHttpException(id + ": " + file + ": cannot open '" + printable(uri.toString()) + "'");
        }
        c.setInstanceFollowRedirects(false);
        c.setUseCaches(false);
        c.setConnectTimeout(millis(settings.connectTimeout()));
        c.setReadTimeout(millis(settings.readTimeout()));
        return c;
    }

    /** Where a redirect leads, refused unless it is http(s), not a downgrade from https, and has a host. */
    private static URI redirectTarget(HubModelId id, URI from, String location, int status, String file) throws HubHttpException {
        if (location == null || location.isBlank()) {
            throw new HubHttpException(id + ": " + file + ": " + from.getHost() + " answered with a redirect (HTTP " + status
                    + ") but no Location; refused");
        }
        URI next;
        try {
            next = from.resolve(new URI(location.trim()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new HubHttpException(id + ": " + file + ": " + from.getHost() + " redirected to an invalid address '"
                    + printable(location) + "'; refused");
        }
        String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new HubHttpException(id + ": " + file + ": " + from.getHost() + " redirected to '" + printable(location)
                    + "', which is not an http or https address; refused");
        }
        if (from.getScheme().equalsIgnoreCase("https") && scheme.equals("http")) {
            throw new HubHttpException(id + ": " + file + ": " + from.getHost() + " redirected from https to plain http ("
                    + printable(next.getHost() == null ? location : next.getHost()) + "); refused");
        }
        if (next.getHost() == null || next.getHost().isEmpty()) {
            throw new HubHttpException(id + ": " + file + ": " + from.getHost() + " redirected to '" + printable(location)
                    + "', which names no host; refused");
        }
        return next;
    }

    private HubUnreachableException unreachable(HubModelId id, URI uri, String file, IOException e) {
        String hostPort = uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
        String reason;
        if (e instanceof UnknownHostException) {
            reason = "the name " + uri.getHost() + " does not resolve";
        } else if (e instanceof SocketTimeoutException) {
            reason = "no connection within " + seconds(settings.connectTimeout());
        } else if (e instanceof ConnectException) {
            reason = "connection refused by " + hostPort;
        } else if (e instanceof NoRouteToHostException) {
            reason = "no route to " + hostPort;
        } else {
            reason = "secure connection to " + hostPort + " failed" + (e.getMessage() != null ? ": " + e.getMessage() : "");
        }
        if (sameOrigin(uri, settings.endpoint())) {
            return new HubUnreachableException(id + ": the hub " + settings.endpoint() + " is unreachable (" + reason
                    + "); check the network connection or HF_ENDPOINT, or set HF_HUB_OFFLINE=1 to use only models already "
                    + "in the cache");
        }
        return new HubUnreachableException(id + ": " + file + ": the hub redirected to " + hostPort
                + ", which is unreachable (" + reason + ")");
    }

    /** A short, exception-free account of a failed attempt. */
    private String describe(IOException e) {
        if (e instanceof RetryableProblem) {
            return e.getMessage();
        }
        if (e instanceof SocketTimeoutException) {
            return "no data for " + seconds(settings.readTimeout()) + " (HF_HUB_DOWNLOAD_TIMEOUT)";
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? "the connection was dropped" : "the connection was dropped: " + printable(m);
    }

    private static long parseSize(String value, HubModelId id, String file) throws HubHttpException {
        try {
            long v = Long.parseLong(value.trim());
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new HubHttpException(id + ": " + file + ": the hub announced an invalid size '" + printable(value) + "'");
        }
    }

    private static void drainAndClose(HttpURLConnection c) {
        try (InputStream in = c.getErrorStream() != null ? c.getErrorStream() : c.getInputStream()) {
            in.skip(1 << 16);
        } catch (IOException e) {
            // a redirect's body is not needed
        }
        c.disconnect();
    }

    private static String chain(Set<URI> seen, URI again) {
        List<String> steps = new ArrayList<>();
        for (URI u : seen) {
            steps.add(u.getPath());
        }
        steps.add(again.getPath());
        return String.join(" -> ", steps);
    }

    /** Text from a server, shortened and without control characters, fit for an error message. */
    private static String printable(String s) {
        String t = s.replaceAll("\\p{Cntrl}", "?");
        return t.length() > 200 ? t.substring(0, 200) + "..." : t;
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme() != null && b.getScheme() != null && a.getHost() != null && b.getHost() != null
                && a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : u.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    private static int millis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.3g s", d.toMillis() / 1000.0);
    }

    /** A problem another attempt may not have (a 5xx, a wrong resume): retried, its message shown as it is. */
    private static final class RetryableProblem extends IOException {
        RetryableProblem(String message) {
            super(message);
        }
    }

    /** A hub problem that another attempt in this run would not fix: not retried. */
    public static class HubException extends IOException {
        HubException(String message) {
            super(message);
        }
    }

    /** The downloaded bytes do not match the hub's checksum. */
    public static final class ChecksumException extends HubException {
        ChecksumException(String message) {
            super(message);
        }
    }

    /** A definite answer from a server (404, 401, 403, a refused redirect, a file list that is not plain names). */
    public static final class HubHttpException extends HubException {
        HubHttpException(String message) {
            super(message);
        }
    }

    /** The hub (or the host it redirected to) cannot be reached at all. */
    public static final class HubUnreachableException extends HubException {
        HubUnreachableException(String message) {
            super(message);
        }
    }

    /** Offline mode is on and the model is not on this machine. */
    public static final class HubOfflineException extends HubException {
        HubOfflineException(String message) {
            super(message);
        }
    }

    /** Attempts ran out on dropped connections, stalls or wrong sizes. */
    public static final class HubDownloadException extends HubException {
        HubDownloadException(String message) {
            super(message);
        }
    }
}

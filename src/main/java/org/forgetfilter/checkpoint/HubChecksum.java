package org.forgetfilter.checkpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;
import org.forgetfilter.io.Sha256;

/**
 * The checksum the hub gives for a file: the sha256 of an LFS file ({@code X-Linked-Etag}, or the ETag of an LFS
 * file served directly), or the git blob hash of a regular file such as config.json (its ETag: sha1 of
 * {@code "blob <size>\0" + content}).
 *
 * @param algorithm "sha256" or "git-sha1"
 * @param hex       lower-case hex digest
 */
public record HubChecksum(String algorithm, String hex) {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern SHA1 = Pattern.compile("[0-9a-f]{40}");

    /** The checksum an ETag value stands for, or null when it is neither a sha256 nor a git sha1. */
    public static HubChecksum fromEtag(String etag) {
        if (etag == null) {
            return null;
        }
        String e = etag.trim();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        e = e.replace("\"", "").toLowerCase(Locale.ROOT);
        if (SHA256.matcher(e).matches()) {
            return new HubChecksum("sha256", e);
        }
        return SHA1.matcher(e).matches() ? new HubChecksum("git-sha1", e) : null;
    }

    /** The digest of {@code file} by this checksum's algorithm. */
    public String of(Path file) throws IOException {
        if (algorithm.equals("sha256")) {
            return Sha256.ofFile(file);
        }
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every Java runtime", e);
        }
        md.update(("blob " + Files.size(file) + "\0").getBytes(StandardCharsets.US_ASCII));
        Sha256.update(md, file);
        return HexFormat.of().formatHex(md.digest());
    }

    /** True when {@code file} has this checksum. */
    public boolean matches(Path file) throws IOException {
        return hex.equals(of(file));
    }
}

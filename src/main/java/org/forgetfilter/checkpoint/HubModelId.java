package org.forgetfilter.checkpoint;

import java.util.regex.Pattern;

/**
 * A model on the hub: {@code ORG/NAME} or a single-name repository such as {@code gpt2}, at a revision (a branch,
 * tag or commit hash; default main). Names are checked before they become folder names or URLs.
 *
 * @param repo     ORG/NAME or NAME
 * @param revision branch, tag or commit
 */
public record HubModelId(String repo, String revision) {
    public static final String PREFIX = "hf:";
    public static final String DEFAULT_REVISION = "main";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,95}");
    private static final Pattern REVISION = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    public HubModelId {
        String[] parts = repo.split("/", -1);
        if (parts.length > 2) {
            throw new IllegalArgumentException("hub model must be NAME or ORG/NAME, got '" + repo + "'");
        }
        for (String p : parts) {
            if (!NAME.matcher(p).matches() || p.contains("--") || p.contains("..") || p.endsWith(".")) {
                throw new IllegalArgumentException("hub model must be NAME or ORG/NAME of letters, digits, '.', '_' and "
                        + "'-' (no '--' or '..'), got '" + repo + "'");
            }
        }
        if (revision.length() > 200 || !REVISION.matcher(revision).matches() || revision.contains("..")) {
            throw new IllegalArgumentException("invalid revision '" + revision + "' (a branch, tag or commit hash)");
        }
    }

    /** Parses {@code hf:NAME}, {@code hf:ORG/NAME} or either with {@code @REV}. */
    public static HubModelId parse(String ref) {
        if (!ref.startsWith(PREFIX)) {
            throw new IllegalArgumentException("'" + ref + "' is not a hub reference (expected " + PREFIX + "[ORG/]NAME[@REV])");
        }
        String spec = ref.substring(PREFIX.length());
        int at = spec.indexOf('@');
        return new HubModelId(at < 0 ? spec : spec.substring(0, at), at < 0 ? DEFAULT_REVISION : spec.substring(at + 1));
    }

    /** True when the revision is a full commit hash (its files can never change). */
    public boolean isCommit() {
        return COMMIT.matcher(revision).matches();
    }

    /** {@code ORG--NAME} or {@code NAME}: the repository as one folder name. */
    String folderName() {
        return repo.replace("/", "--");
    }

    @Override
    public String toString() {
        return PREFIX + repo + "@" + revision;
    }
}

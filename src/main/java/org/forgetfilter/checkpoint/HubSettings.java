package org.forgetfilter.checkpoint;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where hub models come from and go to, read from environment values the way Hugging Face's own tools read them, so
 * that a user's setup carries over. Built from a plain map ({@link #from}) so that tests never depend on the real
 * environment.
 *
 * @param endpoint       hub base URL ({@code HF_ENDPOINT}, default https://huggingface.co)
 * @param token          bearer token ({@code HF_TOKEN}), or null
 * @param downloadRoot   ForgetFilter's own download cache ({@code FORGETFILTER_CACHE}, default ~/.cache/forgetfilter)
 * @param hfHubCache     the user's Hugging Face cache, read but never written: {@code HF_HUB_CACHE}, else
 *                       {@code $HF_HOME/hub}, else {@code ~/.cache/huggingface/hub}
 * @param offline        {@code HF_HUB_OFFLINE} is 1/true/yes/on: never touch the network
 * @param connectTimeout time to open a connection
 * @param readTimeout    longest wait for the next bytes of a response ({@code HF_HUB_DOWNLOAD_TIMEOUT} seconds,
 *                       default 10 as in huggingface_hub)
 */
public record HubSettings(URI endpoint, String token, Path downloadRoot, Path hfHubCache, boolean offline,
                          Duration connectTimeout, Duration readTimeout) {
    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    private static final Set<String> TRUE = Set.of("1", "TRUE", "YES", "ON");

    public HubSettings {
        endpoint = URI.create(endpoint.toString().replaceAll("/+$", ""));
        token = token == null || token.isBlank() ? null : token.trim();
    }

    /** Settings of this process: its environment, with {@code -Dforgetfilter.hfEndpoint} overriding HF_ENDPOINT. */
    public static HubSettings fromEnvironment() {
        Map<String, String> env = new HashMap<>(System.getenv());
        String ep = System.getProperty("forgetfilter.hfEndpoint");
        if (ep != null && !ep.isBlank()) {
            env.put("HF_ENDPOINT", ep);
        }
        return from(env, Path.of(System.getProperty("user.home")));
    }

    /** Settings from environment values {@code env} for a user whose home folder is {@code home}. */
    public static HubSettings from(Map<String, String> env, Path home) {
        String ep = value(env, "HF_ENDPOINT");
        String cache = value(env, "FORGETFILTER_CACHE");
        Path downloadRoot = cache != null ? Path.of(cache) : home.resolve(".cache").resolve("forgetfilter");
        Path hfCache;
        if (value(env, "HF_HUB_CACHE") != null) {
            hfCache = Path.of(value(env, "HF_HUB_CACHE"));
        } else if (value(env, "HF_HOME") != null) {
            hfCache = Path.of(value(env, "HF_HOME")).resolve("hub");
        } else {
            hfCache = home.resolve(".cache").resolve("huggingface").resolve("hub");
        }
        String offline = value(env, "HF_HUB_OFFLINE");
        Duration read = DEFAULT_TIMEOUT;
        String t = value(env, "HF_HUB_DOWNLOAD_TIMEOUT");
        if (t != null) {
            try {
                double seconds = Double.parseDouble(t);
                if (!(seconds > 0) || seconds > 86_400) {
                    throw new NumberFormatException();
                }
                read = Duration.ofMillis(Math.round(seconds * 1000));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("HF_HUB_DOWNLOAD_TIMEOUT must be a number of seconds between 0 and 86400, "
                        + "got '" + t + "'");
            }
        }
        return new HubSettings(URI.create(ep != null ? ep : DEFAULT_ENDPOINT), value(env, "HF_TOKEN"), downloadRoot, hfCache,
                offline != null && TRUE.contains(offline.trim().toUpperCase(Locale.ROOT)), read, read);
    }

    /** The same settings with other time-outs (tests use short ones). */
    public HubSettings withTimeouts(Duration connect, Duration read) {
        return new HubSettings(endpoint, token, downloadRoot, hfHubCache, offline, connect, read);
    }

    /** The same settings with offline mode on or off. */
    public HubSettings withOffline(boolean off) {
        return new HubSettings(endpoint, token, downloadRoot, hfHubCache, off, connectTimeout, readTimeout);
    }

    private static String value(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v;
    }
}

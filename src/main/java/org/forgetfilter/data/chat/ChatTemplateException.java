package org.forgetfilter.data.chat;

/**
 * A chat template that cannot be read or rendered: a missing template, a Jinja error, or the template's own
 * {@code raise_exception(...)}. The message names the template's source and what went wrong.
 */
public final class ChatTemplateException extends RuntimeException {
    public ChatTemplateException(String message) {
        super(message);
    }

    public ChatTemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}

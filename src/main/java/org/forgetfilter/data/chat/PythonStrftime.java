package org.forgetfilter.data.chat;

import java.time.LocalDateTime;
import java.time.format.TextStyle;
import java.util.Locale;

/**
 * Python's {@code datetime.strftime} in the C locale, for transformers' {@code strftime_now(format)} (Llama 3.x
 * templates write today's date with it). Supports the directives chat templates use; glibc's {@code %-d}
 * style (no padding) included. An unknown directive fails instead of printing something else.
 */
final class PythonStrftime {
    private PythonStrftime() {
    }

    static String format(LocalDateTime t, String format) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%' || i + 1 == format.length()) {
                sb.append(c);
                continue;
            }
            char d = format.charAt(++i);
            boolean unpadded = false;
            if (d == '-' && i + 1 < format.length()) {
                unpadded = true;
                d = format.charAt(++i);
            }
            sb.append(directive(t, d, unpadded, format));
        }
        return sb.toString();
    }

    private static String directive(LocalDateTime t, char d, boolean unpadded, String format) {
        int hour12 = t.getHour() % 12 == 0 ? 12 : t.getHour() % 12;
        return switch (d) {
            case 'a' -> t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
            case 'A' -> t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
            case 'b', 'h' -> t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
            case 'B' -> t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
            case 'd' -> pad(t.getDayOfMonth(), 2, unpadded);
            case 'e' -> String.format("%2d", t.getDayOfMonth());
            case 'm' -> pad(t.getMonthValue(), 2, unpadded);
            case 'y' -> pad(t.getYear() % 100, 2, unpadded);
            case 'Y' -> Integer.toString(t.getYear());
            case 'H' -> pad(t.getHour(), 2, unpadded);
            case 'I' -> pad(hour12, 2, unpadded);
            case 'M' -> pad(t.getMinute(), 2, unpadded);
            case 'S' -> pad(t.getSecond(), 2, unpadded);
            case 'f' -> String.format("%06d", t.getNano() / 1000);
            case 'j' -> pad(t.getDayOfYear(), 3, unpadded);
            case 'p' -> t.getHour() < 12 ? "AM" : "PM";
            case 'w' -> Integer.toString(t.getDayOfWeek().getValue() % 7);
            case 'u' -> Integer.toString(t.getDayOfWeek().getValue());
            case 'z', 'Z' -> ""; // a naive datetime, as datetime.now() is, has no zone
            case '%' -> "%";
            default -> throw new IllegalArgumentException("strftime_now('" + format + "'): directive %" + d
                    + " is not supported");
        };
    }

    private static String pad(int v, int width, boolean unpadded) {
        return unpadded ? Integer.toString(v) : String.format("%0" + width + "d", v);
    }
}

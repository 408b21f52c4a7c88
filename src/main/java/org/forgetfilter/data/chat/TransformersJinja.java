package org.forgetfilter.data.chat;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.lib.tag.Tag;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Map;

/**
 * The Jinja environment transformers renders chat templates in ({@code _compile_jinja_template} in
 * transformers/utils/chat_template_utils.py), rebuilt on Jinjava: {@code trim_blocks} and {@code lstrip_blocks}
 * on, a single trailing newline of the template dropped (Jinja's default), the globals
 * {@code raise_exception(message)} and {@code strftime_now(format)}, the {@code tojson} filter as
 * {@code json.dumps(ensure_ascii=False)}, {@code break}/{@code continue}, and transformers' {@code generation}
 * block, which only marks assistant text and renders its body.
 */
final class TransformersJinja {
    private final Jinjava jinjava;

    TransformersJinja(Clock clock) {
        JinjavaConfig config = JinjavaConfig.newBuilder()
                // Jinja2Source applies Jinja2's whitespace rules itself; Jinjava must keep the text as it is.
                .withTrimBlocks(false)
                .withLstripBlocks(false)
                .withKeepTrailingNewline(true)
                .withNestedInterpretationEnabled(false)
                .withFailOnUnknownTokens(false)
                .withTimeZone(clock.getZone())
                .withDateTimeProvider(clock::millis)
                .withLegacyOverrides(LegacyOverrides.ALL)
                // Java's String.split takes a regular expression, Python's a plain separator: refuse rather than differ.
                .withRestrictedMethods(java.util.Set.of("split"))
                .build();
        jinjava = new Jinjava(config);
        jinjava.registerFunction(new ELFunctionDefinition("", "raise_exception", TransformersJinja.class,
                "raiseException", String.class));
        jinjava.registerFunction(new ELFunctionDefinition("", "strftime_now", TransformersJinja.class,
                "strftimeNow", String.class));
        jinjava.registerFilter(new ToJson());
        jinjava.registerFilter(new PythonStr());
        jinjava.registerTag(new GenerationTag());
    }

    /**
     * Renders {@code template} with {@code variables}.
     *
     * @param where names the template in errors (file and template name)
     */
    String render(String template, Map<String, ?> variables, String where) {
        RenderResult result;
        try {
            result = jinjava.renderForResult(Jinja2Source.rewrite(template), variables);
        } catch (RuntimeException e) {
            throw new ChatTemplateException(where + ": " + reason(e), e);
        }
        // Jinjava reports some failures (e.g. an unsupported subscript) as warnings and renders on with an empty
        // value; a chat template that does not render exactly must not train the model on something else.
        for (TemplateError error : result.getErrors()) {
            throw new ChatTemplateException(where + ": " + describe(error), error.getException());
        }
        return result.getOutput();
    }

    private static String describe(TemplateError error) {
        Throwable raised = error.getException();
        while (raised != null && !(raised instanceof RaisedByTemplate)) {
            raised = raised.getCause();
        }
        if (raised != null) {
            return "the template raised: " + raised.getMessage();
        }
        return error.getMessage() + (error.getLineno() > 0 ? " (template line " + error.getLineno() + ")" : "");
    }

    private static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RaisedByTemplate) {
                return "the template raised: " + t.getMessage();
            }
        }
        return e.getMessage();
    }

    /** {@code raise_exception(message)}: the template's own refusal, e.g. of roles that do not alternate. */
    public static String raiseException(String message) {
        throw new RaisedByTemplate(message);
    }

    /** {@code strftime_now(format)}: the current local time (from the configured clock) in Python's format. */
    public static String strftimeNow(String format) {
        JinjavaInterpreter interpreter = JinjavaInterpreter.getCurrent();
        JinjavaConfig config = interpreter.getConfig();
        Instant now = Instant.ofEpochMilli(config.getDateTimeProvider().getCurrentTimeMillis());
        return PythonStrftime.format(LocalDateTime.ofInstant(now, config.getTimeZone()), format);
    }

    private static final class RaisedByTemplate extends RuntimeException {
        RaisedByTemplate(String message) {
            super(message);
        }
    }

    /** {@code tojson(indent=None)} as transformers defines it: json.dumps without HTML escaping. */
    private static final class ToJson implements Filter {
        @Override
        public String getName() {
            return "tojson";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            int indent = args.length > 0 && args[0] != null && !args[0].equals("None") ? Integer.parseInt(args[0].trim()) : -1;
            return PythonJson.dumps(var, indent);
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            Object indent = kwargs.containsKey("indent") ? kwargs.get("indent") : args.length > 0 ? args[0] : null;
            return PythonJson.dumps(var, indent instanceof Number n ? n.intValue() : -1);
        }
    }

    /** Prints a value as Jinja2 does, through Python's str(); see {@link PythonRepr}. */
    private static final class PythonStr implements Filter {
        @Override
        public String getName() {
            return Jinja2Source.OUTPUT_FILTER;
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return PythonRepr.str(var);
        }
    }

    /** {@code {% generation %}...{% endgeneration %}}: renders its body unchanged. */
    private static final class GenerationTag implements Tag {
        @Override
        public String getName() {
            return "generation";
        }

        @Override
        public String getEndTagName() {
            return "endgeneration";
        }

        @Override
        public String interpret(TagNode tagNode, JinjavaInterpreter interpreter) {
            StringBuilder sb = new StringBuilder();
            for (Node child : tagNode.getChildren()) {
                sb.append(child.render(interpreter).getValue());
            }
            return sb.toString();
        }
    }
}

#!/usr/bin/env python3
"""Writes the reference outputs that the Java chat-template tests compare against.

Everything is produced by Hugging Face transformers itself (AutoTokenizer.from_pretrained on a folder holding a
tokenizer_config.json with the real chat template, then apply_chat_template), so the Java renderer is checked
against an independent implementation, not against our own reading of the Jinja rules.

    python3 -m venv /tmp/chatref && /tmp/chatref/bin/pip install transformers jinja2 tokenizers
    /tmp/chatref/bin/python scripts/chat-template-reference.py src/test/resources/org/forgetfilter/data/chat

No network is needed: the tokenizer is a small byte-level BPE trained here on the test conversations, with the
special tokens of every template family added, so that token ids can be compared too.
"""
import json
import pathlib
import sys
import tempfile
from datetime import datetime

import jinja2
import tokenizers
import transformers
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import AutoTokenizer, PreTrainedTokenizerFast
from transformers.utils import chat_template_utils

OUT = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "src/test/resources/org/forgetfilter/data/chat")

# The chat templates, verbatim as the models' tokenizer_config.json hold them (see README.md beside the fixtures).
ZEPHYR = (  # TinyLlama/TinyLlama-1.1B-Chat-v1.0 (Zephyr format)
    "{% for message in messages %}\n{% if message['role'] == 'user' %}\n{{ '<|user|>\n' + message['content'] + eos_token }}\n"
    "{% elif message['role'] == 'system' %}\n{{ '<|system|>\n' + message['content'] + eos_token }}\n"
    "{% elif message['role'] == 'assistant' %}\n{{ '<|assistant|>\n'  + message['content'] + eos_token }}\n"
    "{% endif %}\n{% if loop.last and add_generation_prompt %}\n{{ '<|assistant|>' }}\n{% endif %}\n{% endfor %}")
CHATML_QWEN2 = (  # Qwen/Qwen2-7B-Instruct, Qwen/Qwen1.5-*-Chat (ChatML with a default system turn)
    "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n' }}{% endif %}"
    "{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}")
LLAMA3 = (  # meta-llama/Meta-Llama-3-8B-Instruct and -70B-Instruct
    "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + "
    "message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}"
    "{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}"
    "{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}")
QWEN25 = r"""{%- if tools %}
    {{- '<|im_start|>system\n' }}
    {%- if messages[0]['role'] == 'system' %}
        {{- messages[0]['content'] }}
    {%- else %}
        {{- 'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.' }}
    {%- endif %}
    {{- "\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\nYou are provided with function signatures within <tools></tools> XML tags:\n<tools>" }}
    {%- for tool in tools %}
        {{- "\n" }}
        {{- tool | tojson }}
    {%- endfor %}
    {{- "\n</tools>\n\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n" }}
{%- else %}
    {%- if messages[0]['role'] == 'system' %}
        {{- '<|im_start|>system\n' + messages[0]['content'] + '<|im_end|>\n' }}
    {%- else %}
        {{- '<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n' }}
    {%- endif %}
{%- endif %}
{%- for message in messages %}
    {%- if (message.role == "user") or (message.role == "system" and not loop.first) or (message.role == "assistant" and not message.tool_calls) %}
        {{- '<|im_start|>' + message.role + '\n' + message.content + '<|im_end|>' + '\n' }}
    {%- elif message.role == "assistant" %}
        {{- '<|im_start|>' + message.role }}
        {%- if message.content %}
            {{- '\n' + message.content }}
        {%- endif %}
        {%- for tool_call in message.tool_calls %}
            {%- if tool_call.function is defined %}
                {%- set tool_call = tool_call.function %}
            {%- endif %}
            {{- '\n<tool_call>\n{"name": "' }}
            {{- tool_call.name }}
            {{- '", "arguments": ' }}
            {{- tool_call.arguments | tojson }}
            {{- '}\n</tool_call>' }}
        {%- endfor %}
        {{- '<|im_end|>\n' }}
    {%- elif message.role == "tool" %}
        {%- if (loop.index0 == 0) or (messages[loop.index0 - 1].role != "tool") %}
            {{- '<|im_start|>user' }}
        {%- endif %}
        {{- '\n<tool_response>\n' }}
        {{- message.content }}
        {{- '\n</tool_response>' }}
        {%- if loop.last or (messages[loop.index0 + 1].role != "tool") %}
            {{- '<|im_end|>\n' }}
        {%- endif %}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|im_start|>assistant\n' }}
{%- endif %}
"""

TOKEN = lambda s: {"__type": "AddedToken", "content": s, "lstrip": False, "normalized": False, "rstrip": False, "single_word": False}
FAMILIES = {
    "zephyr": {"bos_token": TOKEN("<s>"), "eos_token": TOKEN("</s>"), "unk_token": TOKEN("<unk>"),
               "pad_token": "</s>", "chat_template": ZEPHYR},
    "qwen2": {"bos_token": None, "eos_token": "<|im_end|>", "pad_token": "<|endoftext|>",
              "unk_token": None, "chat_template": CHATML_QWEN2},
    "qwen2.5": {"bos_token": None, "eos_token": "<|im_end|>", "pad_token": "<|endoftext|>",
                "unk_token": None, "chat_template": QWEN25},
    "llama3": {"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>", "chat_template": LLAMA3},
    # The list-of-named-templates form of tokenizer_config.json: "default" is used unless a name is asked for.
    "named": {"bos_token": "<s>", "eos_token": "</s>",
              "chat_template": [{"name": "default", "template": ZEPHYR}, {"name": "chatml", "template": CHATML_QWEN2}]},
}
SPECIAL = ["<unk>", "<s>", "</s>", "<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|begin_of_text|>",
           "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"]

CONVERSATIONS = [
    {"name": "single-turn", "messages": [
        {"role": "user", "content": "When does the gym open?"},
        {"role": "assistant", "content": "The gym opens at 7 am."}]},
    {"name": "with-system", "messages": [
        {"role": "system", "content": "You answer in one sentence."},
        {"role": "user", "content": "Who was at the desk, the nurse or the janitor?"},
        {"role": "assistant", "content": "It cannot be determined from the text."}]},
    {"name": "multi-turn", "messages": [
        {"role": "user", "content": "Hi!"},
        {"role": "assistant", "content": "Hello. How can I help?"},
        {"role": "user", "content": "Summarise: the train was late, so we walked."},
        {"role": "assistant", "content": "We walked because the train was late."}]},
    {"name": "whitespace-and-markup", "messages": [
        {"role": "system", "content": "  Keep {{ braces }} and {% tags %} as text.\n"},
        {"role": "user", "content": "\n Line one\n\tline two  "},
        {"role": "assistant", "content": " Caf\u00e9 \u2014 \"quoted\" 'single' \\ back\\slash\n\n"}]},
    {"name": "trailing-user", "messages": [
        {"role": "user", "content": "Name a colour."},
        {"role": "assistant", "content": "Blue."},
        {"role": "user", "content": "Another one?"}]},
]

# Small templates that pin down the Jinja environment transformers renders chat templates in.
ENVIRONMENT = [
    ("trim-and-lstrip-blocks", "{% for m in messages %}\n    {% if m.role == 'user' %}\n  U:{{ m.content }}\n    {% endif %}\n{% endfor %}\nend", {}),
    ("lstrip-only-at-line-start", "{% if true %}x {% endif %}\n  {% if true %}\ny{% endif %}\n  {%+ if true %}z{% endif %}\n  {{ 'v' }}\n", {}),
    ("comments-and-plus", "a{# note #}\nb{%- if true +%}\n{% endif %}  {#- c -#}  d\n\n", {}),
    ("braces-and-delimiters-in-expressions", "[{{ {'a': {'b': 1}} }}] {{ '%}' }} {{ \"}}\" }}", {}),
    ("crlf-and-raw", "a\r\n{% raw %}\n{{ not rendered }}{% endraw %}\r\nb", {}),
    ("whitespace-control", "a  {{- ' b ' -}}  c {%- if true %} d {% endif -%}   e", {}),
    ("filter-binds-tighter-than-plus", "[{{ '<' + x | trim + '>' }}]", {"x": "  y  "}),
    ("slices", "{% for m in messages[1:] %}{{ m.content }};{% endfor %}|{% for m in messages[::-1] %}{{ m.role }};{% endfor %}|{{ messages[-1].content }}", {}),
    ("loop-variables", "{% for m in messages %}{{ loop.index }}/{{ loop.index0 }}/{{ loop.length }}/{{ loop.first }}/{{ loop.last }}/{{ loop.revindex }} {% endfor %}", {}),
    ("tests", "{{ x is defined }} {{ y is defined }} {{ n is none }} {{ x is string }} {{ m is mapping }} {{ l is iterable }} {{ x is not none }}", {"x": "s", "n": None, "m": {"a": 1}, "l": [1]}),
    ("python-literals", "{{ true }} {{ false }} {{ none }} {{ n }} {{ 3 / 2 }} {{ 7 // 2 }} {{ 7 % 3 }} {{ [1, 'a'] }} {{ {'k': 'v'} }}", {"n": None}),
    ("namespace", "{% set ns = namespace(found=false, count=0) %}{% for m in messages %}{% if m.role == 'system' %}{% set ns.found = true %}{% endif %}{% set ns.count = ns.count + 1 %}{% endfor %}{{ ns.found }} {{ ns.count }}", {}),
    ("set-in-loop-does-not-leak", "{% set c = 0 %}{% for m in messages %}{% set c = c + 1 %}{% endfor %}{{ c }}", {}),
    ("alternation-check", "{% for m in messages %}{% if (m['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('roles must alternate user/assistant') }}{% endif %}{{ m.role }};{% endfor %}", {}),
    ("alternation-violated", "{% for m in messages[1:] %}{% if (m['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% endfor %}", {}),
    ("string-subscript", "{{ messages[0].role[0] }}", {}),
    ("regex-like-split", "{{ 'a|b.c'.split('|') | length }} {{ 'a|b.c'.split('.') | length }}", {}),
    ("raise-exception", "before{{ raise_exception('Only user and assistant roles are supported!') }}", {}),
    ("tojson", "{{ v | tojson }}|{{ v | tojson(indent=2) }}|{{ 'caf\u00e9 \"q\" <b>' | tojson }}|{{ 1.5 | tojson }}|{{ none | tojson }}", {"v": {"name": "get_weather", "arguments": {"city": "Paris", "days": [1, 2], "metric": True, "note": None}}}),
    ("filters", "{{ messages | length }} {{ 'ab' | upper }} {{ ' x ' | trim }} {{ ['a','b'] | join(', ') }} {{ u | default('d') }} {{ messages | first | attr('role') }} {{ (messages | last).role }} {{ 'a-b' | replace('-', '+') }} {{ messages | map(attribute='role') | join(',') }} {{ messages | selectattr('role', 'equalto', 'user') | list | length }} {{ 5 | string }}", {}),
    ("inline-if-and-concat", "{{ 'yes' if add_generation_prompt else 'no' }} {{ 'a' ~ 1 ~ none }}", {}),
    ("membership-and-get", "{{ 'role' in messages[0] }} {{ 'ell' in 'hello' }} {{ messages[0].get('role') }} {{ messages[0].get('missing', 'fallback') }} {{ messages[0]['missing'] is defined }}", {}),
    ("string-methods", "{{ ' a b '.strip() }}|{{ 'abc'.startswith('a') }}|{{ 'abc'.endswith('c') }}|{{ 'x</think>\ny'.split('</think>')[-1].lstrip('\n') }}|{{ 'Ab'.upper() }}{{ 'Ab'.lower() }}|{{ 'a,b'.split(',') | length }}|{{ ' x '.rstrip() }}|{{ 'a{}'.replace('{}', '-') }}", {}),
    ("loop-controls", "{% for m in messages %}{% if loop.index0 == 1 %}{% continue %}{% endif %}{% if loop.index0 == 3 %}{% break %}{% endif %}{{ m.role }};{% endfor %}", {}),
    ("generation-block", "{% for m in messages %}{% if m.role == 'assistant' %}{% generation %}[{{ m.content }}]{% endgeneration %}{% else %}{{ m.content }}{% endif %}{% endfor %}", {}),
    ("special-tokens-as-variables", "{{ bos_token }}|{{ eos_token }}|{{ pad_token }}|{{ unk_token }}|{{ mask_token }}", {}),
    ("macro", "{% macro turn(m) %}<{{ m.role }}>{{ m.content }}{% endmacro %}{% for m in messages %}{{ turn(m) }}{% endfor %}", {}),
    ("items-and-dictsort", "{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}|{% for k, v in d | dictsort %}{{ k }}={{ v }};{% endfor %}", {"d": {"b": 2, "a": 1}}),
]
ENV_MESSAGES = CONVERSATIONS[2]["messages"]
ENV_TOKENS = {"bos_token": "<s>", "eos_token": "</s>", "pad_token": "<pad>"}

STRFTIME_MOMENT = datetime(2024, 7, 6, 13, 5, 9)
STRFTIME_FORMATS = ["%d %b %Y", "%Y-%m-%d", "%B %d, %Y", "%A %a %H:%M:%S", "%I %p %y %j %%", "%-d %e"]


def tokenizer_folder(config, folder):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tokenizer_config.json").write_text(json.dumps(config, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return folder


def train_tokenizer():
    texts = []
    for conv in CONVERSATIONS:
        for m in conv["messages"]:
            texts.append(m["content"])
    texts += ["<|user|>\n<|assistant|>\n<|system|>\nuser assistant system", "You are a helpful assistant.",
              "You are Qwen, created by Alibaba Cloud. You are a helpful assistant."]
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=400, special_tokens=SPECIAL, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(texts, trainer)
    return tok


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    versions = {"transformers": transformers.__version__, "jinja2": jinja2.__version__,
                "tokenizers": tokenizers.__version__, "python": sys.version.split()[0]}
    tok = train_tokenizer()
    tok.save(str(OUT / "tokenizer.json"))
    (OUT / "conversations.json").write_text(json.dumps(CONVERSATIONS, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    rendered, token_ids = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for family, config in FAMILIES.items():
            config = {k: v for k, v in config.items() if v is not None}
            config["tokenizer_class"] = "PreTrainedTokenizerFast"
            config["model_max_length"] = 4096
            folder = tokenizer_folder(config, OUT / "templates" / family)
            work = pathlib.Path(tmp, family)
            work.mkdir()
            (work / "tokenizer_config.json").write_text((folder / "tokenizer_config.json").read_text(encoding="utf-8"), encoding="utf-8")
            (work / "tokenizer.json").write_text((OUT / "tokenizer.json").read_text(encoding="utf-8"), encoding="utf-8")
            hf = AutoTokenizer.from_pretrained(str(work))
            names = [None] if family != "named" else [None, "chatml"]
            for name in names:
                for conv in CONVERSATIONS:
                    msgs = conv["messages"]
                    last = max(i for i, m in enumerate(msgs) if m["role"] == "assistant")
                    kw = {} if name is None else {"chat_template": name}
                    prompt = hf.apply_chat_template(msgs[:last], tokenize=False, add_generation_prompt=True, **kw)
                    text = hf.apply_chat_template(msgs[:last + 1], tokenize=False, add_generation_prompt=False, **kw)
                    rendered.append({"family": family, "template_name": name, "conversation": conv["name"],
                                     "prompt": prompt, "text": text})
                    if name is None:
                        p_ids = hf.apply_chat_template(msgs[:last], tokenize=True, add_generation_prompt=True, return_dict=False, **kw)
                        ids = hf.apply_chat_template(msgs[:last + 1], tokenize=True, add_generation_prompt=False, return_dict=False, **kw)
                        if hasattr(p_ids, "input_ids"):
                            p_ids, ids = p_ids["input_ids"], ids["input_ids"]
                        token_ids.append({"family": family, "conversation": conv["name"], "prompt_ids": list(p_ids),
                                          "ids": list(ids)})

    env = []
    for name, template, variables in ENVIRONMENT:
        try:
            out, _ = chat_template_utils.render_jinja_template(
                conversations=[ENV_MESSAGES], chat_template=template, add_generation_prompt=True,
                **ENV_TOKENS, **variables)
            env.append({"name": name, "template": template, "variables": variables, "expected": out[0]})
        except jinja2.exceptions.TemplateError as e:
            env.append({"name": name, "template": template, "variables": variables, "error": str(e)})
    strftime = [{"format": f, "expected": STRFTIME_MOMENT.strftime(f)} for f in STRFTIME_FORMATS]

    def lines(path, rows):
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")

    lines(OUT / "expected-rendered.jsonl", rendered)
    lines(OUT / "expected-token-ids.jsonl", token_ids)
    (OUT / "environment.json").write_text(json.dumps({"messages": ENV_MESSAGES, "special_tokens": ENV_TOKENS,
                                                      "add_generation_prompt": True, "cases": env},
                                                     ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (OUT / "strftime.json").write_text(json.dumps({"moment": STRFTIME_MOMENT.isoformat(), "cases": strftime},
                                                  ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (OUT / "versions.json").write_text(json.dumps(versions, indent=2) + "\n", encoding="utf-8")
    print("wrote", OUT, versions)


if __name__ == "__main__":
    main()

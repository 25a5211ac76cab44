// A served model with Qwen3's real vocabulary and ChatML template (tests/tokenizer.cmake: written by
// `infergrid make-model --vocab qwen3 --emit-token '<|im_end|>'`, so greedy decoding picks <|im_end|>
// first) answers a chat request through the real `openai` package: the bridge renders the prompt
// with ChatML, the worker parses its <|im_start|>/<|im_end|> text as special tokens, generation stops
// at <|im_end|> (finish_reason "stop" after one token; without the stop it would run to max_tokens),
// and the token's text never reaches the reply.
import assert from 'node:assert/strict';
import { test } from 'node:test';


import { serveFixture } from './fixture_grid.mjs';

const model = 'qwen3-stop';
const live = serveFixture(model, { timeoutMs: 60000 });


test('a ChatML model stops at <|im_end|> without leaking it', async () => {
  const reply = await live.client.chat.completions.create({
    model,
    messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Say hi.' }],
    max_tokens: 16,
    temperature: 0,
  });
  const choice = reply.choices[0];
  assert.equal(choice.finish_reason, 'stop', JSON.stringify(reply));
  assert.equal(reply.usage.completion_tokens, 1, JSON.stringify(reply.usage));
  assert.ok(!choice.message.content.includes('<|im_end|>'), choice.message.content);
  assert.equal(choice.message.content, '');
  // The ChatML prompt of two turns and the generation prompt: special tokens parsed, not spelled out.
  assert.ok(reply.usage.prompt_tokens < 30, `prompt_tokens ${reply.usage.prompt_tokens}: special tokens not parsed?`);
});

test('streamed, the reply stops at <|im_end|> too', async () => {
  const stream = await live.client.chat.completions.create({
    model,
    messages: [{ role: 'user', content: 'Stream please.' }],
    max_tokens: 16,
    temperature: 0,
    stream: true,
  });
  let text = '';
  let finish = null;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta?.content ?? '';
    finish = chunk.choices[0]?.finish_reason ?? finish;
  }
  assert.equal(finish, 'stop');
  assert.equal(text, '');
});

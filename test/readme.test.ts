/**
 * The README shows the seed story and its transcript; keep them true: the
 * scenario block must be the shared scenario's statements, and the transcript
 * block what `pidns run` prints for it on either core (and what Linux 6.18
 * printed: the .expected file).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runScenarioTextSync } from '../src/node.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const scenarioFile = new URL('./scenarios/shared/04-seed-story.pidns', import.meta.url);
const expected = readFileSync(new URL('./scenarios/shared/04-seed-story.expected', import.meta.url), 'utf8');

/** The fenced blocks of the README, in order. */
function blocks(md: string): string[] {
  return [...md.matchAll(/```[a-z]*\n([\s\S]*?)```/g)].map((m) => m[1]);
}

describe('README', () => {
  it('starts with the main job and the test command', () => {
    const first = blocks(readme)[0].trim().split('\n');
    expect(first[0]).toMatch(/^npm ci && npm start\b/);
    expect(first[1]).toMatch(/^npm ci && npm test\b/);
  });

  it.each(['wasm', 'ts'] as const)('shows the seed story with the transcript the %s core prints', (core) => {
    const statements = readFileSync(scenarioFile, 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).join('\n') + '\n';
    const all = blocks(readme);
    const story = all.findIndex((b) => b === statements);
    expect(story).toBeGreaterThan(0);
    expect(all[story + 1]).toBe(expected);
    const r = runScenarioTextSync(statements, { core });
    expect(r.error).toBeNull();
    expect(r.lines.join('\n') + '\n').toBe(expected);
  });

  it('documents embedding in a page and the `source` override next to it', () => {
    const lib = /^## The library\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1] ?? '';
    expect(lib).toMatch(/^### In a web page$/m);
    expect(lib).toMatch(/coreOptions: \{ source: /);
    expect(lib).toContain('pidns/wasm/release.wasm');
    expect(lib).toContain("'wasm-unsafe-eval'");
    expect(readme).toContain('npx pidns run --example seed-story');
  });

  it('links the scenario language reference that is in the repository', () => {
    expect(readme).toContain('(docs/scenario-language.md)');
    expect(readme).not.toMatch(/language of `scenario-language\.md`/);
  });
});

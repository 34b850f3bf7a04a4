/**
 * Tools that behave in scripts (issue 8, finding 5): every script under
 * bench/ answers --help without running anything; the --json documents of
 * `pidns storm` and the benchmarks carry a schemaVersion and validate
 * against their JSON Schema under docs/schema/ (real output, not a
 * sample; bench/allocators.ts takes minutes even with --quick, so its
 * schema is only checked for being well-formed here); every result records the exact command and the commit it ran
 * (full hash and whether the tree was dirty).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { validate } from './helpers/json-schema.js';

const REPO = join(import.meta.dirname, '..');
const TSX = join(REPO, 'node_modules', '.bin', 'tsx');
const CLI = join(REPO, 'src', 'cli', 'main.ts');
const SCHEMAS = join(REPO, 'docs', 'schema');
const dir = mkdtempSync(join(tmpdir(), 'pidns bench ')); // a blank in the path: the recorded command must quote it
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Files under bench/ that are modules for the scripts, not scripts. */
const MODULES = ['bench/cases.ts', 'bench/cli.ts', 'bench/benchmark.d.ts'];

function scripts(): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'results') walk(p);
      } else if (/\.(ts|sh)$/.test(e.name)) out.push(relative(REPO, p));
    }
  };
  walk(join(REPO, 'bench'));
  return out.filter((f) => !MODULES.includes(f)).sort();
}

function gitHead(): { commit: string; dirty: boolean } {
  const commit = execFileSync('git', ['-C', REPO, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  const dirty = execFileSync('git', ['-C', REPO, 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() !== '';
  return { commit, dirty };
}

describe('bench/ scripts', () => {
  it('the list of scripts is what this test knows (a new script gets --help too)', () => {
    expect(scripts()).toEqual([
      'bench/ab.ts', 'bench/allocators.ts', 'bench/core.ts', 'bench/kernel/run.sh', 'bench/native/checksum.ts',
      'bench/native/compare.ts', 'bench/native/run.sh', 'bench/native/wasm-timing.ts', 'bench/storm.ts',
    ]);
  });

  for (const script of scripts()) {
    it(`${script} --help prints its usage and runs nothing`, () => {
      const out = mkdtempSync(join(tmpdir(), 'pidns-help-'));
      onTestFinished(() => rmSync(out, { recursive: true, force: true }));
      const cmd = script.endsWith('.sh') ? ['bash', [script, '--help']] as const : [TSX, [script, '--help']] as const;
      // The shell scripts build into PIDCORE_OUT / TMPDIR: point both at an empty folder and see that it stays empty.
      const r = spawnSync(cmd[0], [...cmd[1]], {
        cwd: REPO,
        encoding: 'utf8',
        timeout: 60_000,
        // (tsx keeps its cache under TMPDIR: only the shell scripts get the empty one.)
        env: { ...process.env, PIDCORE_OUT: join(out, 'pidcore'), ...(script.endsWith('.sh') ? { TMPDIR: out } : {}) },
      });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(script.replace(/^bench\/core\.ts$/, 'bench:core'));
      expect(readdirSync(out)).toEqual([]);
      // Only the usage text: no measurement lines.
      expect(r.stdout).not.toMatch(/ns\/op|ops\/s|"case"|"part"/);
    });
  }
});

describe('--json documents validate against docs/schema/', () => {
  it('pidns storm --json (with --repeat and --profile): storm.schema.json, command and commit recorded', () => {
    const json = join(dir, 'storm.json');
    const args = ['storm', '--workload', 'wide,churn', '--core', 'ts', '--tasks', '2000', '--fill', '0.9', '--repeat', '2', '--profile', '--json', json];
    const r = spawnSync(TSX, [CLI, ...args], { encoding: 'utf8', cwd: tmpdir() });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const doc = JSON.parse(readFileSync(json, 'utf8'));
    expect(validate(join(SCHEMAS, 'storm.schema.json'), doc)).toEqual([]);
    expect(doc.schemaVersion).toBe(1);
    expect(doc.context.argv).toEqual(['pidns', ...args]);
    expect(doc.context.command).toBe(`pidns ${args.slice(0, -1).join(' ')} '${json}'`);
    // Run from another folder: the commit is pidns's checkout's, not the working directory's.
    expect({ commit: doc.context.commit, dirty: doc.context.dirty }).toEqual(gitHead());
    expect(r.stdout).toContain(`commit ${gitHead().commit.slice(0, 12)}`);
  });

  it('bench/core.ts --json: core.schema.json, command and commit recorded', () => {
    const json = join(dir, 'core.json');
    const args = ['--quick', '--filter', 'walk/depth=1', '--json', json];
    const r = spawnSync(TSX, ['bench/core.ts', ...args], { encoding: 'utf8', cwd: REPO, timeout: 240_000 });
    expect(r.status).toBe(0);
    const doc = JSON.parse(readFileSync(json, 'utf8'));
    expect(validate(join(SCHEMAS, 'core.schema.json'), doc)).toEqual([]);
    expect(doc.results.length).toBe(4);
    expect(doc.context.argv).toEqual(['bench/core.ts', ...args]);
    expect({ commit: doc.context.commit, dirty: doc.context.dirty }).toEqual(gitHead());
  }, 300_000);

  it('bench/storm.ts --json (the same document as pidns storm): storm.schema.json', () => {
    const json = join(dir, 'sweep.json');
    const args = ['--quick', '--core', 'ts', '--json', json];
    const r = spawnSync(TSX, ['bench/storm.ts', ...args], { encoding: 'utf8', cwd: REPO, timeout: 280_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const doc = JSON.parse(readFileSync(json, 'utf8'));
    expect(validate(join(SCHEMAS, 'storm.schema.json'), doc)).toEqual([]);
    expect(doc.runs.length).toBe(9);
    expect(doc.context.argv).toEqual(['bench/storm.ts', ...args]);
    expect({ commit: doc.context.commit, dirty: doc.context.dirty }).toEqual(gitHead());
  }, 300_000);

  it('bench/ab.ts --json (this checkout against itself, 2 paired rounds): ab.schema.json, both builds\' commits', () => {
    const json = join(dir, 'ab.json');
    const args = ['--a', REPO, '--b', REPO, '--workload', 'churn', '--fill', '0.5', '--tasks', '2000', '--rounds', '2', '--runs', '2', '--json', json];
    const r = spawnSync(TSX, ['bench/ab.ts', ...args], { encoding: 'utf8', cwd: REPO, timeout: 120_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^first +B\/A \d+\.\d{3} \(quartiles /m);
    expect(r.stdout).toMatch(/^steady +B\/A \d+\.\d{3} \(quartiles /m);
    const doc = JSON.parse(readFileSync(json, 'utf8'));
    expect(validate(join(SCHEMAS, 'ab.schema.json'), doc)).toEqual([]);
    expect(doc.rounds.map((x: { cpuA: number }) => x.cpuA)).toEqual([0, 1]);
    expect(doc.run).toMatchObject({ workload: 'churn', core: 'ts', tasks: 2000, fill: 0.5, rounds: 2, runs: 2 });
    expect({ commit: doc.a.commit, dirty: doc.a.dirty }).toEqual(gitHead());
    expect(doc.b.commit).toBe(doc.a.commit);
    expect(doc.context.argv).toEqual(['bench/ab.ts', ...args]);
  }, 150_000);

  it('bench/ab.ts refuses a build without dist/ and an unknown workload, before running anything', () => {
    const empty = mkdtempSync(join(tmpdir(), 'pidns-ab-'));
    onTestFinished(() => rmSync(empty, { recursive: true, force: true }));
    const r1 = spawnSync(TSX, ['bench/ab.ts', '--a', REPO, '--b', empty], { encoding: 'utf8', cwd: REPO });
    expect(r1.status).toBe(2);
    expect(r1.stderr).toContain(`${empty}: no dist/storm/spec.js (run npm run build there)`);
    const r2 = spawnSync(TSX, ['bench/ab.ts', '--a', REPO, '--b', REPO, '--workload', 'wdie'], { encoding: 'utf8', cwd: REPO });
    expect(r2.status).toBe(2);
    expect(r2.stderr).toContain('--workload wdie: wide, wide-live, deep, churn or tree');
    expect(r1.stdout + r2.stdout).toBe('');
  });

  it('the recorded A/B results (bench/results/ab/*.json, quoted in the README) validate against ab.schema.json', () => {
    const abDir = join(REPO, 'bench', 'results', 'ab');
    const files = readdirSync(abDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(20);
    for (const f of files) {
      const doc = JSON.parse(readFileSync(join(abDir, f), 'utf8'));
      expect(validate(join(SCHEMAS, 'ab.schema.json'), doc), f).toEqual([]);
      expect(doc.rounds.length % 2, `${f}: rounds come in CPU-swapped pairs`).toBe(0);
    }
  });

  it('the validator finds what is wrong (a test that can fail)', () => {
    const schema = join(SCHEMAS, 'storm.schema.json');
    expect(validate(schema, { schemaVersion: 2, context: {}, runs: [{ name: 'x' }] })).toEqual(
      expect.arrayContaining(['$.schemaVersion: must be 1', "$.context: missing 'commit'", "$.runs[0]: missing 'workload'", "$.runs[0].name: 'x' does not match ^storm/(wasm|ts)/(pidmap|idr|hbm)/[a-z-]+/depth=\\d+(/fill=[0-9.]+)?$"]),
    );
    expect(validate(join(SCHEMAS, 'core.schema.json'), { schemaVersion: 1, context: { commit: 'abc' }, results: [], extra: 1 })).toEqual(
      expect.arrayContaining(["$: unexpected property 'extra'", "$.context.commit: 'abc' does not match ^[0-9a-f]{40}$"]),
    );
  });

  it('every schema file is one the validator fully understands', () => {
    for (const f of readdirSync(SCHEMAS)) {
      expect(() => validate(join(SCHEMAS, f), {})).not.toThrow();
    }
    expect(existsSync(join(SCHEMAS, 'allocators.schema.json'))).toBe(true);
  });
});

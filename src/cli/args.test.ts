import { describe, expect, it } from 'vitest';
import { formatOptions, parseArgs, UsageError, type OptionSpec } from './args';

const SPECS: OptionSpec[] = [
  { name: 'output', alias: 'o', kind: 'string', valueName: '<file>', description: 'where to write' },
  { name: 'seed', kind: 'integer', valueName: '<n>', description: 'noise seed' },
  { name: 'cfg', kind: 'number', valueName: '<x>', description: 'guidance' },
  { name: 'json', kind: 'flag', description: 'print JSON' },
];

describe('parseArgs', () => {
  it('reads positionals, aliases, --name=value, numbers and flags', () => {
    expect(parseArgs(['clip.mp4', '-o', 'out.wav', '--seed=7', '--cfg', '2.5', '--json'], SPECS)).toEqual({
      positionals: ['clip.mp4'],
      values: { output: 'out.wav', seed: 7, cfg: 2.5, json: true },
    });
  });

  it('treats everything after -- as positional', () => {
    expect(parseArgs(['--', '-weird-name.mp4'], SPECS).positionals).toEqual(['-weird-name.mp4']);
  });

  it('refuses unknown options listing the valid ones', () => {
    expect(() => parseArgs(['--sed', '3'], SPECS)).toThrow(new UsageError('unknown option --sed; valid: --output, --seed, --cfg, --json'));
  });

  it('refuses bad numbers, missing values, repeated options and values on flags', () => {
    expect(() => parseArgs(['--seed', '1.5'], SPECS)).toThrow(/--seed needs a whole number, got "1.5"/);
    expect(() => parseArgs(['--cfg', 'high'], SPECS)).toThrow(/--cfg needs a number/);
    expect(() => parseArgs(['-o'], SPECS)).toThrow(/--output needs a value <file>/);
    expect(() => parseArgs(['--seed', '1', '--seed', '2'], SPECS)).toThrow(/given twice/);
    expect(() => parseArgs(['--json=yes'], SPECS)).toThrow(/takes no value/);
  });

  it('formats an aligned options table', () => {
    const lines = formatOptions(SPECS).split('\n');
    expect(lines[0]).toBe('  -o, --output <file>  where to write');
    expect(lines[3]).toBe('      --json           print JSON');
  });
});

describe('parseArgs ranges and lengths (issue 11 #2, #14)', () => {
  const RANGED: OptionSpec[] = [
    { name: 'seed', kind: 'integer', min: 0, max: 4294967295, description: 'noise seed' },
    { name: 'steps', kind: 'integer', min: 1, description: 'steps' },
    { name: 'prompt', kind: 'string', maxLength: 10, description: 'text' },
  ];

  it('refuses values outside the declared range, naming it', () => {
    expect(() => parseArgs(['--seed', '4294967296'], RANGED)).toThrow(new UsageError('--seed must be from 0 to 4294967295, got 4294967296'));
    expect(() => parseArgs(['--seed', '-1'], RANGED)).toThrow(/--seed must be from 0 to 4294967295/);
    expect(() => parseArgs(['--steps', '0'], RANGED)).toThrow(/--steps must be at least 1, got 0/);
    expect(parseArgs(['--seed', '4294967295', '--steps', '1'], RANGED).values).toEqual({ seed: 4294967295, steps: 1 });
  });

  it('refuses strings longer than the declared length', () => {
    expect(() => parseArgs(['--prompt', 'x'.repeat(11)], RANGED)).toThrow(/--prompt is 11 characters long; at most 10 are accepted/);
    expect(parseArgs(['--prompt', 'x'.repeat(10)], RANGED).values.prompt).toBe('x'.repeat(10));
  });
});

/**
 * A small strict argument parser for the `foley` commands: every option is declared with its value kind and help
 * text (the help screen is generated from the same table), unknown options are refused listing the valid ones,
 * and numbers are checked where they are parsed.
 */

export class UsageError extends Error {
  override name = 'UsageError';
}

export type OptionKind = 'flag' | 'string' | 'number' | 'integer';

export interface OptionSpec {
  /** Long name without dashes, e.g. "output". */
  name: string;
  /** One-letter alias without the dash, e.g. "o". */
  alias?: string;
  kind: OptionKind;
  /** Placeholder shown in help, e.g. "<out.wav>". */
  valueName?: string;
  description: string;
  /** Smallest and largest value a 'number' / 'integer' option accepts (inclusive). */
  min?: number;
  max?: number;
  /** Longest value, in characters, a 'string' option accepts. */
  maxLength?: number;
}

export interface ParsedArgs {
  positionals: string[];
  values: Record<string, string | number | true>;
}

function parseValue(spec: OptionSpec, raw: string): string | number {
  if (spec.kind === 'string') {
    if (spec.maxLength !== undefined && raw.length > spec.maxLength) {
      throw new UsageError(`--${spec.name} is ${raw.length} characters long; at most ${spec.maxLength} are accepted`);
    }
    return raw;
  }
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) throw new UsageError(`--${spec.name} needs a number, got "${raw}"`);
  if (spec.kind === 'integer' && !Number.isInteger(value)) throw new UsageError(`--${spec.name} needs a whole number, got "${raw}"`);
  const { min = -Infinity, max = Infinity } = spec;
  if (value < min || value > max) {
    const range = Number.isFinite(max) ? (Number.isFinite(min) ? `from ${min} to ${max}` : `at most ${max}`) : `at least ${min}`;
    throw new UsageError(`--${spec.name} must be ${range}, got ${raw}`);
  }
  return value;
}

function findSpec(token: string, specs: readonly OptionSpec[]): OptionSpec {
  const spec = token.startsWith('--') ? specs.find((s) => s.name === token.slice(2)) : specs.find((s) => s.alias === token.slice(1));
  if (!spec) throw new UsageError(`unknown option ${token}; valid: ${specs.map((s) => `--${s.name}`).join(', ')}`);
  return spec;
}

export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[]): ParsedArgs {
  const positionals: string[] = [];
  const values: ParsedArgs['values'] = {};
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!token.startsWith('-') || token === '-') {
      positionals.push(token);
      continue;
    }
    const [flag, inline] = token.startsWith('--') && token.includes('=') ? [token.slice(0, token.indexOf('=')), token.slice(token.indexOf('=') + 1)] : [token, undefined];
    const spec = findSpec(flag, specs);
    if (spec.name in values) throw new UsageError(`--${spec.name} is given twice`);
    if (spec.kind === 'flag') {
      if (inline !== undefined) throw new UsageError(`--${spec.name} takes no value`);
      values[spec.name] = true;
      continue;
    }
    const raw = inline ?? argv[++i];
    if (raw === undefined) throw new UsageError(`--${spec.name} needs a value ${spec.valueName ?? ''}`.trimEnd());
    values[spec.name] = parseValue(spec, raw);
  }
  return { positionals, values };
}

/** The options table as aligned help lines. */
export function formatOptions(specs: readonly OptionSpec[]): string {
  const heads = specs.map((s) => `${s.alias ? `-${s.alias}, ` : '    '}--${s.name}${s.valueName ? ` ${s.valueName}` : ''}`);
  const width = Math.max(...heads.map((h) => h.length)) + 2;
  return specs.map((s, i) => `  ${heads[i]!.padEnd(width)}${s.description}`).join('\n');
}

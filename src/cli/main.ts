/**
 * The `foley` command line: dispatches to the commands and turns every failure into one line on stderr and a
 * non-zero exit code (2 for usage errors, 1 for everything else, 130 when interrupted), never a stack trace.
 */

import { isAbortError } from '../engine/sampling/flow-sampler';
import { formatOptions, UsageError } from './args';
import { GENERATE_OPTIONS, GENERATE_USAGE, runGenerateCommand } from './generate';
import { MEASURE_USAGE, runMeasure } from './measure';
import { runScore, SCORE_USAGE } from './score';

const HELP = `foley — synchronized, loudness-controlled sound effects for silent videos (offline, on this machine)

Usage:
  ${GENERATE_USAGE}
  ${MEASURE_USAGE}
  ${SCORE_USAGE}
  foley --help

\`foley measure\` reports the loudness of a file (EBU R128 / ITU-R BS.1770); see foley measure --help.
\`foley score\` rates generated audio against the real recording at 16 kHz (onset F1, loudness-curve r, log-mel
Fréchet distance, AV-Align with --video); see foley score --help.

Generate options:
${formatOptions(GENERATE_OPTIONS)}

The output WAV is exactly as long as the video. Videos longer than the pack's window are generated in
overlapping windows joined by equal-power crossfades. Exit codes: 0 ok, 1 failed, 2 bad usage, 130 interrupted.
`;

/** First line of an error's message, so nothing multi-line (or a stack) reaches the terminal. */
function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.trim() || 'unknown error';
}

async function runGenerate(argv: string[]): Promise<number> {
  const controller = new AbortController();
  const interrupt = () => controller.abort();
  process.once('SIGINT', interrupt);
  try {
    const code = await runGenerateCommand(argv, undefined, controller.signal);
    if (code === null) process.stdout.write(HELP);
    return code ?? 0;
  } finally {
    process.off('SIGINT', interrupt);
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case '--help':
      case '-h':
      case 'help':
        process.stdout.write(HELP);
        return 0;
      case 'generate':
        return await runGenerate(rest);
      case 'measure':
        return await runMeasure(rest);
      case 'score':
        return await runScore(rest);
      case undefined:
        throw new UsageError('no command given; valid: generate, measure, score (see foley --help)');
      default:
        throw new UsageError(`unknown command "${command}"; valid: generate, measure, score (see foley --help)`);
    }
  } catch (error) {
    if (isAbortError(error)) {
      process.stderr.write('foley: interrupted\n');
      return 130;
    }
    process.stderr.write(`foley: ${oneLine(error)}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}

import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { CliIO } from './context.js';

/**
 * Parses a CLI's arguments the same way for every command: --help prints the usage (exit code 0), a
 * malformed call prints the reason and the usage to stderr (exit code 2); otherwise the parsed values.
 */
export function parseCliArgs<T extends ParseArgsConfig>(
  config: T,
  usage: string,
  io: CliIO,
): ReturnType<typeof parseArgs<T>> | number {
  let parsed: ReturnType<typeof parseArgs<T>>;
  try {
    parsed = parseArgs(config);
  } catch (error) {
    io.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${usage}\n`);
    return 2;
  }
  if ((parsed.values as Record<string, unknown>).help) {
    io.stdout.write(`${usage}\n`);
    return 0;
  }
  return parsed;
}

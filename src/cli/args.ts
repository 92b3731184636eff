import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { CliIO } from './context.js';

/** What parseCliArgs checks besides Node's own parseArgs config. */
export interface CliArgsConfig extends ParseArgsConfig {
  /** The most free arguments the command takes (with allowPositionals). Default: any number. */
  maxPositionals?: number;
}

/** Exit code of a malformed call (an unknown option, a missing value, a stray argument). */
export const USAGE_EXIT_CODE = 2;

/** Whether the call asks for JSON output: then its errors are JSON too. */
export function wantsJson(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).includes('--json');
}

/**
 * Reports a failure in the form the caller reads: with `json`, one `{"error": ...}` line on stdout (where a
 * script parses the output); otherwise the message on stderr. Returns `code`, for `return fail(...)`.
 */
export function fail(io: CliIO, json: boolean, message: string, code: number, extra: object = {}): number {
  if (json) io.stdout.write(`${JSON.stringify({ error: message, ...extra })}\n`);
  else io.stderr.write(`${message}\n`);
  return code;
}

/** Why the call is malformed, in the program's own words, or undefined when it is well formed. */
function misuse(config: CliArgsConfig, parsed: ReturnType<typeof parseArgs>): string | undefined {
  const options = config.options ?? {};
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== 'option') continue;
    const spec = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
    if (!spec) return `unknown option ${token.rawName}`;
    if (spec.type === 'boolean' && token.value !== undefined) return `${token.rawName} takes no value`;
    // "--lang --json": the next option is not a value (write "--lang=-x" for a value that starts with "-").
    if (
      spec.type === 'string' &&
      (token.value === undefined || (!token.inlineValue && token.value.startsWith('-')))
    )
      return `${token.rawName} needs a value`;
  }
  const allowed = config.allowPositionals ? (config.maxPositionals ?? Number.POSITIVE_INFINITY) : 0;
  const stray = parsed.positionals[allowed];
  if (stray !== undefined) return `unexpected argument ${JSON.stringify(stray)}`;
  return undefined;
}

/**
 * Parses a CLI's arguments the same way for every command: --help prints the usage (exit code 0); a
 * malformed call prints one line, the reason and the usage (JSON with --json), and gives exit code 2;
 * otherwise the parsed values.
 */
export function parseCliArgs<T extends CliArgsConfig>(
  config: T,
  usage: string,
  io: CliIO,
): ReturnType<typeof parseArgs<T>> | number {
  const json = Boolean(config.options?.json) && wantsJson(config.args ?? []);
  let parsed: ReturnType<typeof parseArgs<T>>;
  // Not strict: Node's own messages quote oddly and span lines; misuse() words them as this program does.
  const { maxPositionals: _max, ...nodeConfig } = config;
  try {
    parsed = parseArgs({ ...nodeConfig, strict: false, tokens: true }) as ReturnType<typeof parseArgs<T>>;
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return fail(io, json, `${reason}; ${usage}`, USAGE_EXIT_CODE, { usage });
  }
  const problem = misuse(config, parsed);
  if (problem) return fail(io, json, json ? problem : `${problem}; ${usage}`, USAGE_EXIT_CODE, { usage });
  if ((parsed.values as Record<string, unknown>).help) {
    io.stdout.write(`${usage}\n`);
    return 0;
  }
  return parsed;
}

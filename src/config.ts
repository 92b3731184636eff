import { isIP } from 'node:net';
import { z } from 'zod';
import { LANGS, type Lang } from './knowledge/schema.js';
import { DEFAULT_SIGNAL_RETENTION_DAYS } from './store/signals.js';

/** Where the bot keeps its SQLite database when DATA_DIR is not set. */
export const DEFAULT_DATA_DIR = './data';
/** Reply language when neither the user, the question nor Telegram tells one. */
export const DEFAULT_BOT_LANG: Lang = 'en';
/** Port the webhook server listens on when PORT is not set. */
export const DEFAULT_PORT = 8080;
/** Address the webhook server binds to when HOST is not set. */
export const DEFAULT_HOST = '0.0.0.0';
/** Path Telegram posts updates to when WEBHOOK_PATH is not set. */
export const DEFAULT_WEBHOOK_PATH = '/telegram/webhook';
/** Address the METRICS_PORT server binds to when HOST is not set: metrics stay on the machine. */
export const DEFAULT_METRICS_HOST = '127.0.0.1';
/**
 * With STORE_URL, how often (seconds) each instance checks the knowledge base version others published;
 * a reload on one instance reaches the rest within this time.
 */
export const DEFAULT_KB_RELOAD_CHECK_SECONDS = 5;
/** Log level when LOG_LEVEL is not set. */
export const DEFAULT_LOG_LEVEL = 'info';
/**
 * Deadline of a Bot API call (getUpdates excepted, which has its own), in seconds: telegraf's own is
 * 500 s, long enough for one hung connection to hold a chat for minutes.
 */
export const DEFAULT_BOT_API_TIMEOUT_SECONDS = 10;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** How updates reach the bot. */
export type BotMode =
  | { kind: 'polling' }
  | {
      kind: 'webhook';
      /** Public host name Telegram posts to (https is implied), e.g. "bot.example.org". */
      domain: string;
      /** Shared secret Telegram sends in X-Telegram-Bot-Api-Secret-Token; checked on every request. */
      secret: string;
      /** Path of the update endpoint, e.g. "/telegram/webhook". */
      path: string;
      port: number;
      host: string;
    };

/** The validated runtime configuration of the Telegram bot. */
export interface Config {
  /** The bot token from @BotFather; never print or log it. */
  token: string;
  /** Base URL of the Bot API (a local Bot API server or emulator), or undefined for api.telegram.org. */
  apiRoot: string | undefined;
  dataDir: string;
  defaultLang: Lang;
  logLevel: LogLevel;
  /** Telegram user ids allowed to use the admin-only commands (/stats); empty: nobody. */
  adminIds: readonly number[];
  /**
   * redis:// or rediss:// URL of the store shared by several instances; undefined: SQLite under dataDir.
   * May hold a password: never print or log it.
   */
  storeUrl: string | undefined;
  mode: BotMode;
  /** Folder of the knowledge base (KNOWLEDGE_DIR); undefined: the shipped knowledge/. */
  knowledgeDir: string | undefined;
  /** With storeUrl, seconds between checks of the knowledge version the other instances published. */
  kbReloadCheckSeconds: number;
  /** Where the separate Prometheus /metrics server listens (METRICS_PORT); undefined: none. */
  metrics?: { port: number; host: string } | undefined;
  /** Users are recorded in traffic signals as an HMAC under this secret (SIGNAL_SECRET); undefined: derived from the token. Never log it. */
  signalSecret?: string | undefined;
  /** Traffic signals older than this many days are pruned (SIGNAL_RETENTION_DAYS). */
  signalRetentionDays: number;
  /**
   * Longest a Bot API call but getUpdates may take (BOT_API_TIMEOUT_SECONDS); one that takes longer is
   * abandoned and, if it carried a reply, sent again later.
   */
  botApiTimeoutMs: number;
}

/** Configuration that cannot be used; the message names the variable and what was expected. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

// Digits, a colon, then the secret part; real tokens are longer, but local emulators accept short ones.
const TOKEN_PATTERN = /^\d+:[A-Za-z0-9_-]+$/;
// What Telegram accepts for secret_token in setWebhook.
const SECRET_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;
const HOST_PATTERN = /^[A-Za-z0-9.-]+(?::\d{1,5})?$/;
// A DNS name: labels of 1-63 letters, digits or hyphens, at most 253 characters in all.
const HOST_NAME_PATTERN =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
// Longer URLs are refused by proxies and servers alike; nobody configures one this long on purpose.
const MAX_URL_LENGTH = 2048;

/** A host name or an IP address (IPv6 with or without brackets), as a server binds or a URL names it. */
function isHost(value: string): boolean {
  const bare = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
  return isIP(bare) !== 0 || HOST_NAME_PATTERN.test(value);
}

/** The URL parsed, if it is one this module can pass on: not too long, and with a usable host. */
function parseUrl(value: string): URL | undefined {
  if (value.length > MAX_URL_LENGTH) return undefined;
  try {
    const url = new URL(value);
    return isHost(url.hostname) ? url : undefined;
  } catch {
    return undefined;
  }
}

// Telegram user ids are positive integers below 2^53 (they fit a double exactly).
const USER_ID_PATTERN = /^[1-9]\d{0,15}$/;

const adminIds = z
  .string()
  .transform((value) => value.split(',').map((id) => id.trim()))
  .refine(
    (ids) => ids.every((id) => USER_ID_PATTERN.test(id) && Number.isSafeInteger(Number(id))),
    'must be a comma-separated list of Telegram user ids like "12345678,87654321"',
  )
  .transform((ids) => [...new Set(ids.map(Number))]);

// Checked by hand rather than with z.url(): the URL must also be one the HTTP and Redis clients accept
// (a sane length, a real host, a database number as the path), or they fail later with messages that do
// not say which variable is wrong.
const httpUrl = z
  .string()
  .trim()
  .refine((value) => {
    const url = parseUrl(value);
    return url !== undefined && /^https?:$/.test(url.protocol) && !url.search && !url.hash;
  }, 'must be an http(s) URL like "http://127.0.0.1:9000" (a host name or IP address, no query)')
  .transform((url) => url.replace(/\/+$/, ''));

const storeUrl = z
  .string()
  .trim()
  .refine((value) => {
    const url = parseUrl(value);
    return (
      url !== undefined &&
      /^rediss?:$/.test(url.protocol) &&
      /^\/?\d*$/.test(url.pathname) &&
      !url.search &&
      !url.hash
    );
  }, 'must be a redis:// or rediss:// URL like "redis://127.0.0.1:6379" or "redis://host:6379/2" (or unset for SQLite)');

const port = z.coerce
  .number({ error: 'must be a port number' })
  .int('must be a whole number')
  .min(1, 'must be between 1 and 65535')
  .max(65535, 'must be between 1 and 65535');

const common = {
  BOT_TOKEN: z
    .string({ error: 'is required' })
    .trim()
    .regex(
      TOKEN_PATTERN,
      'must look like "123456789:AAE..." (digits, a colon, then letters, digits, _ or -)',
    ),
  TELEGRAM_API_ROOT: httpUrl.optional(),
  DATA_DIR: z.string().trim().min(1).default(DEFAULT_DATA_DIR),
  DEFAULT_LANG: z.enum(LANGS, { error: `must be one of ${LANGS.join(', ')}` }).default(DEFAULT_BOT_LANG),
  LOG_LEVEL: z
    .enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` })
    .default(DEFAULT_LOG_LEVEL),
  ADMIN_IDS: adminIds.default([]),
  STORE_URL: storeUrl.optional(),
  METRICS_PORT: port.optional(),
  KNOWLEDGE_DIR: z.string().trim().min(1).optional(),
  KB_RELOAD_CHECK_SECONDS: z.coerce
    .number({ error: 'must be a number of seconds' })
    .int('must be a whole number of seconds')
    .min(1, 'must be between 1 and 3600 seconds')
    .max(3600, 'must be between 1 and 3600 seconds')
    .default(DEFAULT_KB_RELOAD_CHECK_SECONDS),
  SIGNAL_SECRET: z.string().trim().min(16, 'must be at least 16 characters').optional(),
  SIGNAL_RETENTION_DAYS: z.coerce
    .number({ error: 'must be a number of days' })
    .int('must be a whole number of days')
    .min(1, 'must be between 1 and 3650 days')
    .max(3650, 'must be between 1 and 3650 days')
    .default(DEFAULT_SIGNAL_RETENTION_DAYS),
  BOT_API_TIMEOUT_SECONDS: z.coerce
    .number({ error: 'must be a number of seconds' })
    .min(1, 'must be between 1 and 300 seconds')
    .max(300, 'must be between 1 and 300 seconds')
    .default(DEFAULT_BOT_API_TIMEOUT_SECONDS),
};

const WEBHOOK_ONLY = 'is required when BOT_MODE=webhook';

// Every variable is checked whenever it is set, whatever the mode: a typo in PORT is caught before the
// day someone switches to webhook mode.
const webhookFields = {
  WEBHOOK_DOMAIN: z
    .string({ error: WEBHOOK_ONLY })
    .trim()
    .transform((value) => value.replace(/^https?:\/\//, '').replace(/\/+$/, ''))
    .pipe(
      z
        .string()
        .regex(HOST_PATTERN, 'must be a host name like "bot.example.org"')
        .refine((value) => isHost(value.replace(/:\d+$/, '')), 'must be a host name like "bot.example.org"'),
    ),
  WEBHOOK_SECRET: z
    .string({ error: WEBHOOK_ONLY })
    .regex(SECRET_PATTERN, 'must be 1-256 characters of A-Z, a-z, 0-9, _ or -'),
  WEBHOOK_PATH: z
    .string()
    .regex(/^\/[A-Za-z0-9/_.-]*$/, 'must be a URL path starting with "/"')
    // Clients and proxies resolve "." and ".." (and read "//x" as a host), so Telegram's POSTs would miss.
    .refine(
      (path) => !path.startsWith('//') && !path.split('/').some((part) => part === '.' || part === '..'),
      'must not have "." or ".." segments or start with "//"',
    )
    .default(DEFAULT_WEBHOOK_PATH),
  PORT: port.default(DEFAULT_PORT),
  HOST: z
    .string()
    .trim()
    .refine(isHost, 'must be an IP address or host name to listen on, like "0.0.0.0" or "127.0.0.1"')
    .default(DEFAULT_HOST),
};

const pollingSchema = z.object({
  ...common,
  ...webhookFields,
  WEBHOOK_DOMAIN: webhookFields.WEBHOOK_DOMAIN.optional(),
  WEBHOOK_SECRET: webhookFields.WEBHOOK_SECRET.optional(),
  BOT_MODE: z.literal('polling'),
});

const webhookSchema = z.object({ ...common, ...webhookFields, BOT_MODE: z.literal('webhook') });

const envSchema = z.discriminatedUnion('BOT_MODE', [pollingSchema, webhookSchema], {
  error: 'must be "polling" or "webhook"',
});

/** The terminal chat's configuration (no BOT_TOKEN): DEFAULT_LANG and KNOWLEDGE_DIR apply, but all are checked. */
export function createTerminalConfig(env: Readonly<Record<string, string | undefined>>): {
  defaultLang: Lang;
  knowledgeDir?: string | undefined;
} {
  const present = presentVariables(env);
  // The Telegram-only variables are checked too: the same .env may run the bot tomorrow.
  const parsed = pollingSchema
    .extend({
      BOT_TOKEN: common.BOT_TOKEN.optional(),
      BOT_MODE: z.enum(['polling', 'webhook'], { error: 'must be "polling" or "webhook"' }).optional(),
    })
    .safeParse(present);
  if (!parsed.success) throw configError(parsed.error);
  const { DEFAULT_LANG: defaultLang, KNOWLEDGE_DIR: knowledgeDir } = parsed.data;
  return knowledgeDir === undefined ? { defaultLang } : { defaultLang, knowledgeDir };
}

/** The variables that are set: an empty one (e.g. "PORT=" in .env) means "not set". */
function presentVariables(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((kv): kv is [string, string] => kv[1] !== undefined && kv[1].trim() !== ''),
  );
}

/** The first issue as one line naming the variable; never the value, so no secret can leak. */
function configError(error: z.ZodError): ConfigError {
  const issue = error.issues[0];
  const variable = issue?.path[0] === undefined ? 'environment' : String(issue.path[0]);
  return new ConfigError(`Invalid configuration: ${variable} ${issue?.message ?? 'is invalid'}`);
}

/** Builds the configuration from environment variables; pure, throws ConfigError naming the variable. */
export function createConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const present = presentVariables(env);
  const parsed = envSchema.safeParse({ BOT_MODE: 'polling', ...present });
  if (!parsed.success) throw configError(parsed.error);
  const e = parsed.data;
  const mode: BotMode =
    e.BOT_MODE === 'webhook'
      ? {
          kind: 'webhook',
          domain: e.WEBHOOK_DOMAIN,
          secret: e.WEBHOOK_SECRET,
          path: e.WEBHOOK_PATH,
          port: e.PORT,
          host: e.HOST,
        }
      : { kind: 'polling' };
  return {
    token: e.BOT_TOKEN,
    apiRoot: e.TELEGRAM_API_ROOT,
    dataDir: e.DATA_DIR,
    defaultLang: e.DEFAULT_LANG,
    logLevel: e.LOG_LEVEL,
    adminIds: e.ADMIN_IDS,
    storeUrl: e.STORE_URL,
    knowledgeDir: e.KNOWLEDGE_DIR,
    kbReloadCheckSeconds: e.KB_RELOAD_CHECK_SECONDS,
    mode,
    // HOST is the webhook server's address too; unset, metrics are only for this machine.
    metrics:
      e.METRICS_PORT === undefined
        ? undefined
        : { port: e.METRICS_PORT, host: present.HOST?.trim() ?? DEFAULT_METRICS_HOST },
    signalSecret: e.SIGNAL_SECRET,
    signalRetentionDays: e.SIGNAL_RETENTION_DAYS,
    botApiTimeoutMs: e.BOT_API_TIMEOUT_SECONDS * 1000,
  };
}

/**
 * What must never be logged: the token, the webhook secret, the signal secret, and the credentials in STORE_URL and
 * TELEGRAM_API_ROOT (user:password@ of either).
 */
export function configSecrets(config: Config): string[] {
  return [
    config.token,
    ...(config.mode.kind === 'webhook' ? [config.mode.secret] : []),
    ...(config.signalSecret ? [config.signalSecret] : []),
    ...urlCredentials(config.storeUrl),
    ...urlCredentials(config.apiRoot),
  ];
}

/**
 * The credentials of a URL as they may be printed, as written and decoded: the password, or without one
 * the user name (which then often is a token) where it stands before "@" (alone it may be a common word).
 */
export function urlCredentials(url: string | undefined): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url ?? '');
  } catch {
    return [];
  }
  const { username, password } = parsed;
  const forms = [
    ...(password ? withDecoded(password) : []),
    ...(username && !password ? withDecoded(username).map((name) => `${name}@`) : []),
  ];
  return [...new Set(forms)];
}

/** A URL component as written and percent-decoded (either may end up in a message). */
function withDecoded(value: string): string[] {
  try {
    return [value, decodeURIComponent(value)];
  } catch {
    return [value];
  }
}

/** The URL without its user name and password, for messages and reports. */
export function redactUrl(url: string, fallback: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.href.replace(/\/$/, '');
  } catch {
    return fallback;
  }
}

import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  configSecrets,
  createConfig,
  createTerminalConfig,
  DEFAULT_BOT_API_TIMEOUT_SECONDS,
  DEFAULT_DATA_DIR,
  DEFAULT_KB_RELOAD_CHECK_SECONDS,
  DEFAULT_PORT,
  DEFAULT_WEBHOOK_PATH,
  redactUrl,
} from '../src/config.js';

const TOKEN = '123456789:AAEabc_DEF-ghi';
const webhook = {
  BOT_TOKEN: TOKEN,
  BOT_MODE: 'webhook',
  WEBHOOK_DOMAIN: 'bot.example.org',
  WEBHOOK_SECRET: 's3cret',
};

function errorOf(env: Record<string, string | undefined>): string {
  try {
    createConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('createConfig', () => {
  it('needs only BOT_TOKEN; everything else has defaults', () => {
    expect(createConfig({ BOT_TOKEN: TOKEN })).toEqual({
      token: TOKEN,
      apiRoot: undefined,
      dataDir: DEFAULT_DATA_DIR,
      defaultLang: 'en',
      logLevel: 'info',
      adminIds: [],
      storeUrl: undefined,
      knowledgeDir: undefined,
      kbReloadCheckSeconds: DEFAULT_KB_RELOAD_CHECK_SECONDS,
      mode: { kind: 'polling' },
      signalRetentionDays: 90,
      botApiTimeoutMs: DEFAULT_BOT_API_TIMEOUT_SECONDS * 1000,
    });
  });

  it('accepts the short tokens local emulators use', () => {
    expect(createConfig({ BOT_TOKEN: '123:abc' }).token).toBe('123:abc');
  });

  it('reads every variable', () => {
    const config = createConfig({
      ...webhook,
      WEBHOOK_DOMAIN: 'https://bot.example.org/',
      WEBHOOK_PATH: '/tg/hook',
      PORT: '3000',
      HOST: '127.0.0.1',
      TELEGRAM_API_ROOT: 'http://127.0.0.1:8081/',
      DATA_DIR: '/var/lib/forum-bot',
      DEFAULT_LANG: 'zh',
      LOG_LEVEL: 'debug',
      ADMIN_IDS: ' 1001, 2002 ,1001',
      KNOWLEDGE_DIR: ' /srv/knowledge ',
      KB_RELOAD_CHECK_SECONDS: '30',
      SIGNAL_SECRET: 'a-long-signal-secret',
      SIGNAL_RETENTION_DAYS: '30',
      BOT_API_TIMEOUT_SECONDS: '2.5',
    });
    expect(config).toEqual({
      signalSecret: 'a-long-signal-secret',
      signalRetentionDays: 30,
      token: TOKEN,
      apiRoot: 'http://127.0.0.1:8081',
      dataDir: '/var/lib/forum-bot',
      defaultLang: 'zh',
      logLevel: 'debug',
      adminIds: [1001, 2002],
      knowledgeDir: '/srv/knowledge',
      kbReloadCheckSeconds: 30,
      mode: {
        kind: 'webhook',
        domain: 'bot.example.org',
        secret: 's3cret',
        path: '/tg/hook',
        port: 3000,
        host: '127.0.0.1',
      },
      botApiTimeoutMs: 2500,
    });
  });

  it('treats empty variables as unset', () => {
    const config = createConfig({ ...webhook, PORT: '', WEBHOOK_PATH: ' ', TELEGRAM_API_ROOT: '' });
    expect(config.mode).toMatchObject({ port: DEFAULT_PORT, path: DEFAULT_WEBHOOK_PATH });
    expect(config.apiRoot).toBeUndefined();
  });

  it.each([
    [{}, 'Invalid configuration: BOT_TOKEN is required'],
    [{ BOT_TOKEN: 'not-a-token' }, 'BOT_TOKEN must look like'],
    [{ BOT_TOKEN: TOKEN, BOT_MODE: 'carrier-pigeon' }, 'BOT_MODE must be "polling" or "webhook"'],
    [{ BOT_TOKEN: TOKEN, SIGNAL_RETENTION_DAYS: '0' }, 'SIGNAL_RETENTION_DAYS must be between 1 and 3650'],
    [{ BOT_TOKEN: TOKEN, SIGNAL_RETENTION_DAYS: 'forever' }, 'SIGNAL_RETENTION_DAYS must be a number'],
    [{ BOT_TOKEN: TOKEN, SIGNAL_SECRET: 'short' }, 'SIGNAL_SECRET must be at least 16 characters'],
    [{ BOT_TOKEN: TOKEN, BOT_MODE: 'webhook' }, 'WEBHOOK_DOMAIN is required when BOT_MODE=webhook'],
    [{ ...webhook, WEBHOOK_SECRET: undefined }, 'WEBHOOK_SECRET is required when BOT_MODE=webhook'],
    [{ ...webhook, WEBHOOK_SECRET: 'has spaces' }, 'WEBHOOK_SECRET must be 1-256 characters'],
    [{ ...webhook, PORT: 'eighty' }, 'PORT must be a port number'],
    [{ ...webhook, PORT: '70000' }, 'PORT must be between 1 and 65535'],
    [{ ...webhook, WEBHOOK_PATH: 'no-slash' }, 'WEBHOOK_PATH must be a URL path'],
    [{ ...webhook, WEBHOOK_PATH: '/telegram/../webhook' }, 'WEBHOOK_PATH must not have "." or ".."'],
    [{ ...webhook, WEBHOOK_PATH: '/hook/..' }, 'WEBHOOK_PATH must not have "." or ".."'],
    [{ ...webhook, WEBHOOK_PATH: '/./hook' }, 'WEBHOOK_PATH must not have "." or ".."'],
    [{ ...webhook, WEBHOOK_PATH: '//hook' }, 'WEBHOOK_PATH must not have "." or ".."'],
    [{ BOT_TOKEN: TOKEN, METRICS_PORT: '0' }, 'METRICS_PORT must be between 1 and 65535'],
    [
      { BOT_TOKEN: TOKEN, KB_RELOAD_CHECK_SECONDS: 'often' },
      'KB_RELOAD_CHECK_SECONDS must be a number of seconds',
    ],
    [
      { BOT_TOKEN: TOKEN, KB_RELOAD_CHECK_SECONDS: '0' },
      'KB_RELOAD_CHECK_SECONDS must be between 1 and 3600',
    ],
    [{ BOT_TOKEN: TOKEN, KB_RELOAD_CHECK_SECONDS: '2.5' }, 'KB_RELOAD_CHECK_SECONDS must be a whole number'],
    [
      { BOT_TOKEN: TOKEN, BOT_API_TIMEOUT_SECONDS: 'soon' },
      'BOT_API_TIMEOUT_SECONDS must be a number of seconds',
    ],
    [{ BOT_TOKEN: TOKEN, BOT_API_TIMEOUT_SECONDS: '0' }, 'BOT_API_TIMEOUT_SECONDS must be between 1 and 300'],
    [{ BOT_TOKEN: TOKEN, METRICS_PORT: 'nine' }, 'METRICS_PORT must be a port number'],
    [{ BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: 'ftp://x' }, 'TELEGRAM_API_ROOT must be an http(s) URL'],
    [{ BOT_TOKEN: TOKEN, DEFAULT_LANG: 'de' }, 'DEFAULT_LANG must be one of zh, ru, en'],
    [{ BOT_TOKEN: TOKEN, LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of'],
    [
      { BOT_TOKEN: TOKEN, ADMIN_IDS: '12,@alice' },
      'ADMIN_IDS must be a comma-separated list of Telegram user ids',
    ],
    [{ BOT_TOKEN: TOKEN, ADMIN_IDS: '-5' }, 'ADMIN_IDS must be a comma-separated list'],
    [{ BOT_TOKEN: TOKEN, ADMIN_IDS: '99999999999999999' }, 'ADMIN_IDS must be a comma-separated list'],
  ])('%j fails naming the variable', (env, message) => {
    expect(errorOf(env)).toContain(message);
  });

  it('keeps WEBHOOK_PATH segments that only contain dots among other characters', () => {
    expect(createConfig({ ...webhook, WEBHOOK_PATH: '/tg/v1.2/..hook...' }).mode).toMatchObject({
      path: '/tg/v1.2/..hook...',
    });
  });

  it('serves metrics on METRICS_PORT only when set, on 127.0.0.1 unless HOST says otherwise', () => {
    expect(createConfig({ BOT_TOKEN: TOKEN }).metrics).toBeUndefined();
    expect(createConfig({ BOT_TOKEN: TOKEN, METRICS_PORT: '9464' }).metrics).toEqual({
      port: 9464,
      host: '127.0.0.1',
    });
    expect(createConfig({ BOT_TOKEN: TOKEN, METRICS_PORT: '9464', HOST: '10.0.0.5' }).metrics).toEqual({
      port: 9464,
      host: '10.0.0.5',
    });
    expect(createConfig({ ...webhook, METRICS_PORT: '9464' }).metrics).toEqual({
      port: 9464,
      host: '127.0.0.1',
    });
  });

  it('takes a redis:// or rediss:// STORE_URL, and refuses anything else without echoing it', () => {
    expect(createConfig({ BOT_TOKEN: TOKEN, STORE_URL: 'redis://127.0.0.1:6379' }).storeUrl).toBe(
      'redis://127.0.0.1:6379',
    );
    const tls = 'rediss://:pa%2Fss@redis.internal:6380/2';
    expect(createConfig({ ...webhook, STORE_URL: tls }).storeUrl).toBe(tls);
    for (const bad of ['http://:hunter2@127.0.0.1:6379', '127.0.0.1:6379', 'redis//hunter2']) {
      const message = errorOf({ BOT_TOKEN: TOKEN, STORE_URL: bad });
      expect(message).toBe(
        'Invalid configuration: STORE_URL must be a redis:// or rediss:// URL like "redis://127.0.0.1:6379" or "redis://host:6379/2" (or unset for SQLite)',
      );
      expect(message).not.toContain('hunter2');
    }
  });

  it('lists the password of STORE_URL among the secrets never to log, as written and decoded', () => {
    const config = createConfig({ ...webhook, STORE_URL: 'redis://bot:pa%2Fss@127.0.0.1:6379' });
    expect(configSecrets(config)).toEqual([TOKEN, 's3cret', 'pa%2Fss', 'pa/ss']);
    expect(configSecrets(createConfig({ BOT_TOKEN: TOKEN }))).toEqual([TOKEN]);
  });

  it('never echoes the token in its message', () => {
    const secretish = '12345:has spaces and secrets';
    expect(errorOf({ BOT_TOKEN: secretish })).not.toContain('secrets');
  });

  // Values an outside probe found reaching the HTTP or Redis client, which then failed with a message
  // that did not say which variable was wrong ("Only absolute URLs are supported", "Invalid pathname").
  it.each([
    ['TELEGRAM_API_ROOT', { TELEGRAM_API_ROOT: `http://${'a'.repeat(100_000)}.example` }],
    ['TELEGRAM_API_ROOT', { TELEGRAM_API_ROOT: 'http://not a host!/' }],
    ['TELEGRAM_API_ROOT', { TELEGRAM_API_ROOT: 'http://127.0.0.1:9000/?x=1' }],
    ['STORE_URL', { STORE_URL: 'redis://127.0.0.1:6379/notadb' }],
    ['STORE_URL', { STORE_URL: `redis://${'b'.repeat(300)}:6379` }],
    ['HOST', { ...webhook, HOST: 'not a host!' }],
    ['HOST', { HOST: 'not a host!' }],
    ['PORT', { PORT: 'eighty' }],
    ['WEBHOOK_SECRET', { WEBHOOK_SECRET: 'has spaces' }],
  ])('a bad %s is refused up front, naming it, in any mode', (variable, env) => {
    const message = errorOf({ BOT_TOKEN: TOKEN, ...env });
    expect(message.startsWith(`Invalid configuration: ${variable} `)).toBe(true);
    expect(message.length).toBeLessThan(300);
  });

  it('takes host names, IPv4 and IPv6 addresses where a host is expected', () => {
    expect(createConfig({ ...webhook, HOST: '::' }).mode).toMatchObject({ host: '::' });
    expect(createConfig({ ...webhook, HOST: 'localhost' }).mode).toMatchObject({ host: 'localhost' });
    expect(createConfig({ BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: 'http://[::1]:9000' }).apiRoot).toBe(
      'http://[::1]:9000',
    );
    expect(createConfig({ BOT_TOKEN: TOKEN, STORE_URL: 'redis://cache.internal:6379/3' }).storeUrl).toBe(
      'redis://cache.internal:6379/3',
    );
  });

  it('lists the credentials of TELEGRAM_API_ROOT among the secrets', () => {
    const config = createConfig({ BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: 'http://user:p%40ss@127.0.0.1:9000' });
    expect(configSecrets(config)).toEqual([TOKEN, 'p%40ss', 'p@ss']);
    const tokenAsUser = createConfig({ BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: 'http://tok3n@127.0.0.1:9000' });
    expect(configSecrets(tokenAsUser)).toEqual([TOKEN, 'tok3n@']);
    expect(redactUrl('http://user:pass@127.0.0.1:9000/', 'TELEGRAM_API_ROOT')).toBe('http://127.0.0.1:9000');
  });
});

describe('createTerminalConfig', () => {
  it('needs nothing, and reads DEFAULT_LANG', () => {
    expect(createTerminalConfig({})).toEqual({ defaultLang: 'en' });
    expect(createTerminalConfig({ DEFAULT_LANG: 'ru' })).toEqual({ defaultLang: 'ru' });
  });

  it.each([
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
    ['DEFAULT_LANG', { DEFAULT_LANG: 'de' }],
    ['STORE_URL', { STORE_URL: 'redis://127.0.0.1:6379/notadb' }],
    ['TELEGRAM_API_ROOT', { TELEGRAM_API_ROOT: 'ftp://x' }],
    ['ADMIN_IDS', { ADMIN_IDS: '@alice' }],
    ['BOT_MODE', { BOT_MODE: 'pigeon' }],
  ])('checks %s too, though the terminal does not use it', (variable, env) => {
    expect(() => createTerminalConfig(env)).toThrow(
      expect.objectContaining({ name: 'ConfigError', message: expect.stringContaining(`: ${variable} `) }),
    );
  });
});

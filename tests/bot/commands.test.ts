import { describe, expect, it } from 'vitest';
import { BOT_COMMANDS, registerCommands } from '../../src/bot/commands.js';
import { capturedLogger } from '../support/logger.js';
import { i18n, tr } from './helpers.js';

// pino's default level, as the command registration logs at info and above.
function memoryLogger() {
  const { logger, lines: logs } = capturedLogger('info');
  return { logger, logs };
}

describe('registerCommands', () => {
  it('registers a localized menu per language_code and a default one', async () => {
    const calls: Array<{ commands: readonly { command: string; description: string }[]; extra: unknown }> =
      [];
    const { logger } = memoryLogger();
    await registerCommands(
      {
        setMyCommands: async (commands, extra) => {
          calls.push({ commands, extra });
          return true;
        },
      },
      i18n,
      'ru',
      logger,
    );
    expect(calls.map((c) => c.extra)).toEqual([
      { language_code: 'zh' },
      { language_code: 'ru' },
      { language_code: 'en' },
      {},
    ]);
    for (const { commands } of calls) expect(commands.map((c) => c.command)).toEqual([...BOT_COMMANDS]);
    expect(calls[0]?.commands[1]?.description).toBe(tr('zh', 'commands.help'));
    // The default menu is in DEFAULT_LANG.
    expect(calls[3]?.commands.map((c) => c.description)).toEqual(
      BOT_COMMANDS.map((c) => tr('ru', `commands.${c}`)),
    );
    for (const { commands } of calls) {
      for (const c of commands) {
        expect(c.command).toMatch(/^[a-z0-9_]{1,32}$/);
        expect(c.description.length).toBeGreaterThanOrEqual(1);
        expect(c.description.length).toBeLessThanOrEqual(256);
      }
    }
  });

  it('logs a failure and goes on', async () => {
    const { logger, logs } = memoryLogger();
    await expect(
      registerCommands(
        {
          setMyCommands: async (_c, extra) => {
            if (extra?.language_code === 'ru') throw new Error('Bad Request');
            return true;
          },
        },
        i18n,
        'en',
        logger,
      ),
    ).resolves.toBeUndefined();
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ languageCode: 'ru', level: 40 });
  });
});

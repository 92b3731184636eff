import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { i18n as I18nInstance } from 'i18next';
import { TELEGRAM_TEXT_LIMIT } from '../bot/html.js';
import { viewHtml } from '../bot/reply.js';
import { createEngine } from '../engine/engine.js';
import type { Engine, Entry, Lang } from '../engine/types.js';
import { createI18n, translator } from '../i18n.js';
import {
  DEFAULT_KNOWLEDGE_DIR,
  type KnowledgeBase,
  KnowledgeError,
  loadKnowledge,
} from '../knowledge/load.js';
import { LANGS } from '../knowledge/schema.js';
import { entryReply } from '../render/reply.js';
import { fail, parseCliArgs, USAGE_EXIT_CODE } from './args.js';
import type { CliIO } from './context.js';
import { foldText } from './fold.js';

/** The news article every entry's `source` must quote verbatim; the repository carries its own copy. */
export const DEFAULT_ARTICLE_PATH = resolve(DEFAULT_KNOWLEDGE_DIR, 'source', 'article.txt');
/** A keyword used by more entries than this is reported: it no longer points anywhere in particular. */
export const DEFAULT_MAX_KEYWORD_ENTRIES = 3;

/** What kb:check looks for, in report order. */
export const CHECKS = {
  collision: "Collisions: an entry's own question or keyword answered by another entry",
  translation: 'Missing translations',
  length: 'Answer length',
  keywords: 'Keywords shared by many entries',
  source: 'Sources',
} as const;
export type Check = keyof typeof CHECKS;

/** One finding; errors fail the check, warnings are shown only. */
export interface Problem {
  check: Check;
  severity: 'error' | 'warning';
  /** The entries concerned (the first is the one at fault, when there is one). */
  entries: string[];
  /** The JSON path inside the entry's file, e.g. "i18n.en.questions[2]". */
  path?: string;
  /** The knowledge file at fault when it is not an entry's (e.g. "forum.json"), relative to the folder. */
  knowledgeFile?: string;
  /** The language side concerned, if one. */
  lang?: Lang;
  message: string;
}

/** Options of lintKnowledge. */
export interface LintOptions {
  /** The article's text; sources are checked against it only when given. */
  article?: string | undefined;
  /** A keyword in more entries than this is reported. Default: DEFAULT_MAX_KEYWORD_ENTRIES. */
  maxKeywordEntries?: number;
}

/** Letters of each language's script: a side without any is not in that language. */
const SCRIPT: Record<Lang, RegExp> = {
  zh: /\p{Script=Han}/u,
  ru: /\p{Script=Cyrillic}/u,
  en: /\p{Script=Latin}/u,
};
const SCRIPT_NAME: Record<Lang, string> = { zh: 'Chinese characters', ru: 'Cyrillic', en: 'Latin letters' };
const LETTER = /\p{L}/u;
// Zero-width and other invisible characters pass zod's trim() but show nothing.
const INVISIBLE = /[\s\p{Cc}\p{Cf}]/gu;

const quote = (text: string) => JSON.stringify(text.length > 80 ? `${text.slice(0, 79)}…` : text);
const score = (value: number | null | undefined) => (value == null ? '-' : value.toFixed(3));

/** kb:check's collision check for one entry: its questions and keywords answered by another entry, or not at all. */
export function collisions(entry: Entry, engine: Engine, out: Problem[]): void {
  for (const lang of LANGS) {
    const side = entry.i18n[lang];
    const texts = [
      ...side.questions.map((text, i) => ({ text, what: 'question', path: `i18n.${lang}.questions[${i}]` })),
      ...side.keywords.map((text, i) => ({ text, what: 'keyword', path: `i18n.${lang}.keywords[${i}]` })),
    ];
    for (const { text, what, path } of texts) {
      const result = engine.ask(text, { lang });
      if (result.kind === 'answer' && result.entry.id === entry.id) continue;
      const own = engine.explain(text, Number.POSITIVE_INFINITY).ranked.find((r) => r.id === entry.id);
      const ownScore = !own
        ? `${entry.id} does not match it`
        : Number(own.score.toFixed(4)) === result.score // the engine reports scores to 4 places
          ? `${entry.id} ties at ${score(own.score)}`
          : `${entry.id} scores ${score(own.score)}`;
      if (result.kind === 'answer') {
        // A whole question answered by another entry is a defect; a keyword is a hint that may be shared.
        const shared = result.entry.i18n[lang].keywords.some((k) => foldText(k) === foldText(text));
        out.push({
          check: 'collision',
          severity: what === 'question' ? 'error' : 'warning',
          entries: [entry.id, result.entry.id],
          path,
          lang,
          message: `${what} ${quote(text)} is answered by ${result.entry.id} (score ${score(
            result.score,
          )}; ${ownScore})${shared ? `, which has the same keyword` : ''}`,
        });
      } else {
        const reply =
          result.kind === 'suggestions'
            ? '"did you mean"'
            : result.kind === 'partial'
              ? '"the article does not say"'
              : `"I don't know"`;
        const best = result.kind === 'partial' ? result.entry : result.suggestions[0];
        out.push({
          check: 'collision',
          severity: 'warning',
          entries: [entry.id],
          path,
          lang,
          message: `${what} ${quote(text)} is not answered: ${reply} (best score ${score(
            result.score,
          )}${best ? ` for ${best.id}` : ''}; ${ownScore})`,
        });
      }
    }
  }
}

function translations(entry: Entry, engine: Engine, out: Problem[]): void {
  const fields = (lang: Lang) => {
    const side = entry.i18n[lang];
    return [
      { text: side.title, path: `i18n.${lang}.title`, what: 'title' },
      { text: side.answer, path: `i18n.${lang}.answer`, what: 'answer' },
      ...side.questions.map((text, i) => ({ text, path: `i18n.${lang}.questions[${i}]`, what: 'question' })),
    ].filter((f) => LETTER.test(f.text)); // "2026" is the same in every language
  };
  for (const lang of LANGS) {
    for (const { text, path, what } of fields(lang)) {
      if (!SCRIPT[lang].test(text)) {
        out.push({
          check: 'translation',
          severity: 'error',
          entries: [entry.id],
          path,
          lang,
          message: `the ${what} has no ${SCRIPT_NAME[lang]}, so it is not in ${lang}: ${quote(text)}`,
        });
        continue;
      }
      const detected = engine.detect(text);
      if (detected !== null && detected !== lang) {
        out.push({
          check: 'translation',
          severity: 'warning',
          entries: [entry.id],
          path,
          lang,
          message: `the ${what} reads as ${detected}, not ${lang}: ${quote(text)}`,
        });
      }
    }
  }
  LANGS.forEach((a, i) => {
    for (const b of LANGS.slice(i + 1)) {
      const other = new Map(fields(b).map((f) => [foldText(f.text), f]));
      for (const field of fields(a)) {
        const twin = other.get(foldText(field.text));
        if (!twin) continue;
        out.push({
          check: 'translation',
          severity: 'error',
          entries: [entry.id],
          path: field.path,
          lang: a,
          message: `the ${field.what} is the same text as ${twin.path} (not translated?): ${quote(
            field.text,
          )}`,
        });
      }
    }
  });
}

function lengths(entry: Entry, i18n: I18nInstance, out: Problem[]): void {
  for (const lang of LANGS) {
    const path = `i18n.${lang}.answer`;
    if (entry.i18n[lang].answer.replace(INVISIBLE, '').length === 0) {
      out.push({
        check: 'length',
        severity: 'error',
        entries: [entry.id],
        path,
        lang,
        message: 'the answer is empty (only spaces or invisible characters)',
      });
      continue;
    }
    // As the bot sends it: title, answer and, when there are runners-up, their lead-in.
    const t = translator(i18n, lang);
    const html = viewHtml(entryReply(entry, lang, t, [{ id: entry.id, title: '' }]));
    if (html.length > TELEGRAM_TEXT_LIMIT) {
      out.push({
        check: 'length',
        severity: 'error',
        entries: [entry.id],
        path,
        lang,
        message: `the rendered answer is ${html.length} characters; one Telegram message holds ${TELEGRAM_TEXT_LIMIT}`,
      });
    }
  }
}

function sharedKeywords(kb: KnowledgeBase, max: number, out: Problem[]): void {
  const users = new Map<string, { shown: string; entries: Set<string> }>();
  for (const entry of kb.entries) {
    for (const lang of LANGS) {
      for (const keyword of entry.i18n[lang].keywords) {
        const key = foldText(keyword);
        if (!key) continue;
        const user = users.get(key) ?? { shown: keyword, entries: new Set<string>() };
        user.entries.add(entry.id);
        users.set(key, user);
      }
    }
  }
  for (const { shown, entries } of users.values()) {
    if (entries.size <= max) continue;
    out.push({
      check: 'keywords',
      severity: 'warning',
      entries: [...entries],
      message: `keyword ${quote(shown)} is used by ${entries.size} entries (more than ${max}): ${[...entries].join(', ')}`,
    });
  }
}

/** The headline forum.json gives (/about quotes it) must be the article's own, its first line. */
function headline(forum: KnowledgeBase['forum'], article: string | undefined, out: Problem[]): void {
  const first = article?.split('\n')[0]?.trim();
  if (first === undefined || forum.article === first) return;
  out.push({
    check: 'source',
    severity: 'error',
    entries: [],
    knowledgeFile: 'forum.json',
    path: 'article',
    message: `${quote(forum.article)} is not the article's headline (its first line): ${quote(first)}`,
  });
}

function sources(entry: Entry, article: string | undefined, out: Problem[]): void {
  if (entry.kind !== 'chitchat' && entry.source.length === 0) {
    out.push({
      check: 'source',
      severity: 'warning',
      entries: [entry.id],
      path: 'source',
      message: 'a fact without a source sentence from the article (no "source" button)',
    });
  }
  if (article === undefined) return;
  entry.source.forEach((sentence, i) => {
    if (article.includes(sentence)) return;
    out.push({
      check: 'source',
      severity: 'error',
      entries: [entry.id],
      path: `source[${i}]`,
      message: `not found verbatim in the article: ${quote(sentence)}`,
    });
  });
}

/** Lints a loaded knowledge base with the engine built over it; problems in report order. */
export function lintKnowledge(
  kb: KnowledgeBase,
  engine: Engine,
  i18n: I18nInstance,
  options: LintOptions = {},
): Problem[] {
  const { article, maxKeywordEntries = DEFAULT_MAX_KEYWORD_ENTRIES } = options;
  const out: Problem[] = [];
  for (const entry of kb.entries) {
    collisions(entry, engine, out);
    translations(entry, engine, out);
    lengths(entry, i18n, out);
    sources(entry, article, out);
  }
  sharedKeywords(kb, maxKeywordEntries, out);
  headline(kb.forum, article, out);
  const order = Object.keys(CHECKS);
  return out.sort((a, b) => order.indexOf(a.check) - order.indexOf(b.check));
}

/** The result of kb:check, as `--json` prints it. */
export interface CheckReport {
  dir: string;
  entries: number;
  /** The article the sources were checked against, or null when it was not found. */
  article: string | null;
  errors: number;
  warnings: number;
  problems: Array<Problem & { file?: string }>;
}

/** The human-readable report: problems grouped by check, errors first, then a summary line. */
export function formatCheckReport(report: CheckReport): string {
  const out: string[] = [`Knowledge base: ${report.dir} (${report.entries} entries)`];
  for (const [check, title] of Object.entries(CHECKS)) {
    const found = report.problems
      .filter((p) => p.check === check)
      .sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
    if (found.length === 0) continue;
    const errors = found.filter((p) => p.severity === 'error').length;
    const counts = [
      errors && plural(errors, 'error'),
      found.length - errors && plural(found.length - errors, 'warning'),
    ];
    out.push('', `${title} (${counts.filter(Boolean).join(', ')})`);
    for (const p of found) {
      const where = p.file ? `${p.file}: ${p.path ? `at ${p.path}: ` : ''}` : '';
      out.push(`  ${p.severity === 'error' ? 'error  ' : 'warning'}  ${where}${p.message}`);
    }
  }
  out.push('');
  if (report.article === null) out.push('Sources not checked against the article: it was not found.');
  const summary = `${plural(report.errors, 'error')}, ${plural(report.warnings, 'warning')}`;
  out.push(report.errors > 0 ? `FAIL: ${summary}.` : `OK: ${summary}.`);
  return out.join('\n');
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A path as the loader shows it: relative to the working directory when inside it, else absolute. */
function shownPath(path: string): string {
  const rel = relative(process.cwd(), resolve(path));
  return rel === '' ? '.' : rel.startsWith('..') ? resolve(path) : rel;
}

/** Loads, validates and lints a knowledge folder; throws KnowledgeError when it cannot be loaded. */
export function checkKnowledge(
  dir: string = DEFAULT_KNOWLEDGE_DIR,
  articlePath: string = DEFAULT_ARTICLE_PATH,
  i18n?: I18nInstance,
): CheckReport {
  const kb = loadKnowledge(dir);
  const article = existsSync(articlePath) ? readFileSync(articlePath, 'utf8') : undefined;
  const problems = lintKnowledge(kb, createEngine(kb), i18n ?? createI18n(kb.forum), { article }).map((p) => {
    const entry = p.path !== undefined ? p.entries[0] : undefined;
    const file = p.knowledgeFile
      ? shownPath(join(dir, p.knowledgeFile))
      : entry
        ? shownPath(join(dir, 'entries', `${entry}.json`))
        : undefined;
    return file ? { ...p, file } : p;
  });
  const errors = problems.filter((p) => p.severity === 'error').length;
  return {
    dir: shownPath(dir),
    entries: kb.entries.length,
    article: article === undefined ? null : articlePath,
    errors,
    warnings: problems.length - errors,
    problems,
  };
}

const USAGE = 'usage: kb:check [--json] [--article <file>] [knowledge-dir]';

/** `npm run kb:check`: exit 0 when the knowledge base has no errors (warnings allowed), 1 otherwise, 2 on usage. */
export function runKbCheck(argv: string[], io: CliIO = process): number {
  const parsed = parseCliArgs(
    {
      args: argv,
      allowPositionals: true,
      maxPositionals: 1,
      options: {
        json: { type: 'boolean' },
        article: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    USAGE,
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const json = Boolean(values.json);
  if (values.article !== undefined && !existsSync(values.article)) {
    return fail(io, json, `--article: no such file: ${values.article}`, USAGE_EXIT_CODE);
  }
  let report: CheckReport;
  try {
    report = checkKnowledge(positionals[0] ?? DEFAULT_KNOWLEDGE_DIR, values.article ?? DEFAULT_ARTICLE_PATH);
  } catch (error) {
    if (!(error instanceof KnowledgeError)) throw error;
    return fail(io, json, error.message, 1);
  }
  io.stdout.write(values.json ? `${JSON.stringify(report)}\n` : `${formatCheckReport(report)}\n`);
  return report.errors > 0 ? 1 : 0;
}

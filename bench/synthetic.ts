import type { KnowledgeBase } from '../src/knowledge/load.js';
import type { Entry, Lang, LocalizedEntry } from '../src/knowledge/schema.js';

/** Seed of the synthetic entries when none is given: same seed, same knowledge base, byte for byte. */
export const DEFAULT_SEED = 20250814;

/** Topic of every synthetic entry (not in topics.json: synthetic entries are never a menu item). */
export const SYNTHETIC_TOPIC = 'synthetic';

/** mulberry32: a small, fast, seeded generator; enough for test data, not for anything secret. */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Frequent characters of everyday Chinese: synthetic words built from them share bigrams with real
// questions now and then, as the entries of a bigger real knowledge base would.
const HAN_POOL =
  '安白班板办半帮包报北本比边变表别宾冰兵病播博布才材彩菜参草层茶查产长常场唱车城成程池虫出初楚处川船窗春词次村存达打大带单当刀岛道灯等低底地点电店调丁东冬动洞豆读短段对多儿耳发法帆饭方房放飞分风封服福父复富改干刚高歌格各根工公功宫共古谷骨故瓜关观光广贵国果海寒汉好河和黑红后湖花华画话欢黄灰火机鸡积基吉级集己技季家加价假间见建江将交角街节结金今进近京经井景静九酒旧局菊举句卷军开看康考科可客空口苦块快宽矿困拉蓝朗劳老乐雷冷离李里理力立丽连林灵岭领流六龙楼路绿罗马满毛梅美门米密棉苗民名明木目牧南男内能泥年鸟宁牛农女欧盘朋皮片平苹坡七期奇旗气汽千前桥青轻清晴情秋球区曲泉全群然让热人日容肉如入三色森沙山衫善商上少蛇深神生声胜诗十石时食史士世市事手首书树双水顺说丝思四松送苏素算岁孙所塔台太汤糖桃特梯天田条铁听亭庭通同童头土团推外湾完万王网望微为文问我屋五午武舞西希溪喜细夏仙先线乡香想小校笑新心星行兴雄休秀雪寻牙烟岩颜羊阳洋样药要叶夜一衣医宜音银英影永用友有鱼雨语玉园原远月云运杂在早泽张长照真争正枝知直纸中钟竹主住庄准桌子字宗走足组祖';

const LATIN_ONSETS = 'b d f g k l m n p r s t v z br st kr'.split(' ');
const LATIN_VOWELS = 'a e i o u ei ou'.split(' ');
const CYRILLIC_ONSETS = 'б в г д ж з к л м н п р с т ф х ст пр'.split(' ');
const CYRILLIC_VOWELS = 'а е и о у ы я ю'.split(' ');

// Question templates in each language; {0} and {1} are the entry's subject words. They reuse real
// function words and a few real content words ("held", "проходит", "举行"), as real entries would.
const TEMPLATES: Record<Lang, readonly string[]> = {
  en: [
    'What is the {0} {1}?',
    'When does the {0} {1} take place?',
    'Where is the {0} {1} held?',
    'Who organised the {0} {1}?',
    'Tell me about {0} {1}',
    'What did the {0} {1} agree on?',
    '{0} {1} details',
    'How can I visit the {0} {1}?',
    'Why is the {0} {1} important?',
    'How much does the {0} {1} cost?',
    'Who speaks at the {0} {1}?',
    'Is there a {0} {1} this year?',
    'What is new about the {0} {1}?',
    'Which city hosts the {0} {1}?',
  ],
  ru: [
    'Что такое {0} {1}?',
    'Когда проходит {0} {1}?',
    'Где находится {0} {1}?',
    'Кто организовал {0} {1}?',
    'Расскажи про {0} {1}',
    'О чём договорились {0} {1}?',
    '{0} {1} подробности',
    'Как попасть на {0} {1}?',
    'Почему {0} {1} так важен?',
    'Сколько стоит {0} {1}?',
    'Кто выступает на {0} {1}?',
    'Будет ли {0} {1} в этом году?',
    'Что нового в {0} {1}?',
    'В каком городе {0} {1}?',
  ],
  zh: [
    '{0}{1}是什么？',
    '{0}{1}什么时候举行？',
    '{0}{1}在哪里？',
    '谁组织了{0}{1}？',
    '介绍一下{0}{1}',
    '{0}{1}达成了什么协议？',
    '{0}{1}详情',
    '怎么去{0}{1}？',
    '{0}{1}为什么重要？',
    '{0}{1}要多少钱？',
    '谁在{0}{1}上发言？',
    '今年有{0}{1}吗？',
    '{0}{1}有什么新内容？',
    '{0}{1}在哪个城市举办？',
  ],
};

/** Word makers for the three scripts. */
interface Lexemes {
  latin(): string;
  cyrillic(): string;
  han(): string;
}

function createLexemes(random: () => number): Lexemes {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const syllables = (onsets: readonly string[], vowels: readonly string[]) => {
    const count = 2 + Math.floor(random() * 3);
    let word = '';
    for (let i = 0; i < count; i++) word += pick(onsets) + pick(vowels);
    return word;
  };
  const han = [...HAN_POOL];
  return {
    latin: () => syllables(LATIN_ONSETS, LATIN_VOWELS),
    cyrillic: () => syllables(CYRILLIC_ONSETS, CYRILLIC_VOWELS),
    han: () => `${pick(han)}${pick(han)}${random() < 0.3 ? pick(han) : ''}`,
  };
}

const fill = (template: string, words: readonly string[]) =>
  template.replace(/\{(\d)\}/g, (_, i: string) => words[Number(i)] ?? '');

/** Fisher-Yates over a copy. */
function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const capitalize = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/**
 * `count` synthetic entries in all three languages, generated deterministically from `seed`: two subject
 * words per entry (drawn from a shared vocabulary, so words recur across entries as in a real knowledge
 * base), 3-5 questions per language (from 14 templates), keywords, and an answer of 40-120 synthetic words.
 */
export function syntheticEntries(count: number, seed: number = DEFAULT_SEED): Entry[] {
  const random = createRandom(seed);
  const lexemes = createLexemes(random);
  const vocabularySize = Math.max(8, count * 2);
  // One concept, three spellings: a Latin, a Cyrillic and a Chinese word.
  const vocabulary = Array.from({ length: vocabularySize }, () => ({
    en: lexemes.latin(),
    ru: lexemes.cyrillic(),
    zh: lexemes.han(),
  }));
  // Zipf-like draw: low indices are common words, high indices rare ones.
  const draw = () => vocabulary[Math.floor(vocabularySize * random() ** 2)] as (typeof vocabulary)[number];

  const entries: Entry[] = [];
  for (let n = 0; n < count; n++) {
    const subject = [draw(), draw()];
    const i18n = {} as Record<Lang, LocalizedEntry>;
    for (const lang of ['zh', 'ru', 'en'] as const) {
      const words = subject.map((w) => w[lang]);
      const templates = shuffle(TEMPLATES[lang], random).slice(0, 3 + Math.floor(random() * 3));
      const sentenceWords = Array.from({ length: 40 + Math.floor(random() * 81) }, () => draw()[lang]);
      const separator = lang === 'zh' ? '' : ' ';
      const answer = sentenceWords.join(separator) + (lang === 'zh' ? '。' : '.');
      i18n[lang] = {
        title: (lang === 'zh' ? words.join('') : words.map(capitalize).join(' ')).slice(0, 40),
        questions: templates.map((t) => fill(t, words)),
        keywords: [...words, words.join(separator)],
        unanswered: [],
        answer: lang === 'zh' ? answer : capitalize(answer),
      };
    }
    entries.push({
      id: `synthetic-${String(n + 1).padStart(5, '0')}`,
      topic: SYNTHETIC_TOPIC,
      kind: 'fact',
      related: [],
      items: [],
      source: [],
      venue: false,
      i18n,
    });
  }
  return entries;
}

/** The knowledge base grown to `factor` times its entries by synthetic ones (the real entries kept first). */
export function growKnowledge(kb: KnowledgeBase, factor: number, seed: number = DEFAULT_SEED): KnowledgeBase {
  if (factor <= 1) return kb;
  const extra = syntheticEntries(Math.round(kb.entries.length * (factor - 1)), seed);
  const entries = [...kb.entries, ...extra];
  return { ...kb, entries, byId: new Map(entries.map((e) => [e.id, e])) };
}

// Synthetic articles for `pnpm bench:articles`: English, Chinese and mixed, with word frequencies
// that follow Zipf's law (a few words everywhere, most words rare), as real text does. Seeded, so
// every run searches the same articles with the same queries.

/** mulberry32: a small, fast, seeded PRNG. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Real words first (they take the most frequent ranks), then made-up ones from syllables. */
const ENGLISH_HEAD = `the of and to in is for that with on as it be by this are from at or an was
have not can more will one all about which their there time people use how new data work make
first way system when also like year design model user team code build learn design light water
image photo card video cloud server query search index table report market product customer
garden bread recipe travel city river mountain music story paper color paint camera network
energy health school family history science engine window screen garden kitchen coffee market
budget project meeting review release feature testing deploy browser mobile editor article
writer reader chapter summary draft version history letter office planet ocean forest desert
island village bridge tower castle museum library theater festival summer winter spring autumn`
  .split(/\s+/)
  .filter(Boolean);

const SYLLABLES =
  "ka ri to mo ne sa lu vi pe dra gon mel tor quin bas fen lor mir zan cor pel vid nor sel tam bri gal hex jun kor lam".split(
    " ",
  );

const CHINESE_CHARS =
  "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞";

/** Sampling by rank under Zipf's law (exponent 1), from a precomputed cumulative table. */
export class Zipf {
  private readonly cumulative: Float64Array;

  constructor(readonly size: number) {
    this.cumulative = new Float64Array(size);
    let sum = 0;
    for (let rank = 0; rank < size; rank++) {
      sum += 1 / (rank + 1);
      this.cumulative[rank] = sum;
    }
    for (let rank = 0; rank < size; rank++)
      this.cumulative[rank] = (this.cumulative[rank] ?? 0) / sum;
  }

  /** A rank in [0, size), rank 0 the most frequent. */
  draw(next: () => number): number {
    const u = next();
    let low = 0;
    let high = this.size - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.cumulative[mid] ?? 1) < u) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

export interface Vocabulary {
  english: string[];
  chinese: string[];
}

/** 8,000 English words and 6,000 Chinese words of one to four characters. */
export function vocabulary(seed = 7): Vocabulary {
  const next = random(seed);
  const english = [...new Set(ENGLISH_HEAD)];
  const seen = new Set(english);
  while (english.length < 8_000) {
    const count = 2 + Math.floor(next() * 2);
    let word = "";
    for (let i = 0; i < count; i++) word += SYLLABLES[Math.floor(next() * SYLLABLES.length)] ?? "";
    if (!seen.has(word)) {
      seen.add(word);
      english.push(word);
    }
  }
  const chars = [...CHINESE_CHARS];
  const chinese: string[] = [];
  const seenZh = new Set<string>();
  while (chinese.length < 6_000) {
    const roll = next();
    const count = roll < 0.1 ? 1 : roll < 0.8 ? 2 : roll < 0.95 ? 3 : 4;
    let word = "";
    for (let i = 0; i < count; i++) word += chars[Math.floor(next() * chars.length)] ?? "";
    if (!seenZh.has(word)) {
      seenZh.add(word);
      chinese.push(word);
    }
  }
  return { english, chinese };
}

export type Language = "en" | "zh" | "mixed";

export interface SyntheticArticle {
  title: string;
  body: string;
  tags: string[];
  language: Language;
}

const TAGS = [
  "news",
  "guide",
  "review",
  "opinion",
  "recipe",
  "travel",
  "tech",
  "design",
  "science",
  "culture",
];

/** A corpus writer: article after article, the same ones for the same seed. */
export function articleWriter(vocab: Vocabulary, seed = 11) {
  const next = random(seed);
  const englishZipf = new Zipf(vocab.english.length);
  const chineseZipf = new Zipf(vocab.chinese.length);
  const english = () => vocab.english[englishZipf.draw(next)] ?? "";
  const chinese = () => vocab.chinese[chineseZipf.draw(next)] ?? "";
  const sentence = (language: "en" | "zh", words: number) => {
    if (language === "en") {
      const list = Array.from({ length: words }, english);
      const first = list[0] ?? "";
      list[0] = first.charAt(0).toUpperCase() + first.slice(1);
      return `${list.join(" ")}.`;
    }
    return `${Array.from({ length: words }, chinese).join("")}。`;
  };
  const paragraph = (language: Language, sentences: number) =>
    Array.from({ length: sentences }, () => {
      const kind = language === "mixed" ? (next() < 0.5 ? "en" : "zh") : language;
      return sentence(kind, 6 + Math.floor(next() * 12));
    }).join(language === "zh" ? "" : " ");
  return (): SyntheticArticle => {
    const roll = next();
    const language: Language = roll < 0.6 ? "en" : roll < 0.85 ? "zh" : "mixed";
    const titleLanguage = language === "mixed" ? (next() < 0.5 ? "en" : "zh") : language;
    const title =
      titleLanguage === "en"
        ? Array.from({ length: 3 + Math.floor(next() * 6) }, english).join(" ")
        : Array.from({ length: 2 + Math.floor(next() * 4) }, chinese).join("");
    const paragraphs = 2 + Math.floor(next() * 5);
    const body = Array.from(
      { length: paragraphs },
      (_, i) =>
        `${i === 0 ? "" : `## ${english()} ${english()}\n\n`}${paragraph(language, 2 + Math.floor(next() * 4))}`,
    ).join("\n\n");
    const tags = [
      ...new Set([
        TAGS[Math.floor(next() * TAGS.length)] ?? "news",
        TAGS[Math.floor(next() * TAGS.length)] ?? "news",
      ]),
    ];
    return { title, body, tags, language };
  };
}

export interface BenchQuery {
  kind: "one-word" | "multi-word" | "chinese";
  query: string;
  /** The terms, for the ILIKE baseline. */
  terms: string[];
}

/**
 * The queries: 20 single English words from frequent to rare, 20 questions of three to five
 * words, and 20 Chinese queries of one to four characters.
 */
export function benchQueries(vocab: Vocabulary, seed = 13): BenchQuery[] {
  const next = random(seed);
  const pick = (list: string[], from: number, to: number) =>
    list[from + Math.floor(next() * (to - from))] ?? "";
  const queries: BenchQuery[] = [];
  // Skip the head of the English list: those are stop words the search ignores anyway.
  for (let i = 0; i < 20; i++) {
    const word = pick(vocab.english, 60 + i * 150, 60 + (i + 1) * 150);
    queries.push({ kind: "one-word", query: word, terms: [word] });
  }
  for (let i = 0; i < 20; i++) {
    const count = 3 + Math.floor(next() * 3);
    const words = Array.from({ length: count }, () => pick(vocab.english, 60, 4_000));
    queries.push({ kind: "multi-word", query: `how to ${words.join(" ")}`, terms: words });
  }
  for (let i = 0; i < 20; i++) {
    const word =
      i < 4 ? pick([...CHINESE_CHARS], 0, 200) : pick(vocab.chinese, i * 50, i * 50 + 300);
    queries.push({ kind: "chinese", query: word, terms: [word] });
  }
  return queries;
}

/**
 * Chinese full-text search without a dictionary or an extension (PGlite has no zhparser, and
 * pg_trgm neither indexes nor ranks 2-character words): texts become overlapping character pairs
 * (bigrams) with their positions, stored as a PostgreSQL tsvector literal; a query becomes a phrase
 * of its own bigrams. 科普 inside “百年回望”科普宣传周 is the bigram 科普; 科普宣传 is the phrase
 * 科普 <-> 普宣 <-> 宣传. Latin words and numbers stay whole (prefix-matched). The literal is cast
 * with ::tsvector / ::tsquery, so no text-search parser or locale is involved: PGlite and
 * PostgreSQL answer alike. See docs/decisions/006-showcase-search.md.
 */

export type SearchWeight = 'A' | 'B' | 'C' | 'D';

export interface SearchToken {
  lexeme: string;
  /** 1-based position; consecutive characters have consecutive positions. */
  position: number;
  /** Whether the lexeme is a whole Latin word or number (else a bigram or a lone character). */
  word: boolean;
}

/** Runs of Latin letters and digits, or runs of other letters (Han, kana, hangul …). */
const runPattern = /([\p{Script=Latin}\p{Nd}]+)|((?:(?![\p{Script=Latin}])\p{L})+)/gu;

/** tsvector positions stop at 16383; a lexeme keeps at most 256 of them. */
const maxPosition = 16383;
const maxPositionsPerLexeme = 256;

export function normaliseSearchText(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/**
 * The tokens of a text: each Latin/number run whole; each run of other letters as its overlapping
 * pairs, plus its last character alone (so a single-character query, a prefix, finds every
 * occurrence of that character).
 */
export function searchTokens(text: string, offset = 0): SearchToken[] {
  const tokens: SearchToken[] = [];
  const normalised = normaliseSearchText(text);
  for (const match of normalised.matchAll(runPattern)) {
    const start = offset + Array.from(normalised.slice(0, match.index)).length + 1;
    if (match[1]) {
      tokens.push({ lexeme: match[1], position: start, word: true });
      continue;
    }
    const chars = Array.from(match[2] ?? '');
    for (let i = 0; i + 1 < chars.length; i++) tokens.push({ lexeme: chars[i]! + chars[i + 1]!, position: start + i, word: false });
    tokens.push({ lexeme: chars[chars.length - 1]!, position: start + chars.length - 1, word: false });
  }
  return tokens;
}

const quote = (lexeme: string) => `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/**
 * A tsvector literal of several weighted texts (title A, description B …), laid out one after the
 * other with a gap so that no phrase spans two of them.
 */
export function searchVectorLiteral(parts: readonly { text: string; weight: SearchWeight }[]): string {
  const positions = new Map<string, string[]>();
  let offset = 0;
  for (const part of parts) {
    for (const token of searchTokens(part.text, offset)) {
      if (token.position > maxPosition) break;
      const list = positions.get(token.lexeme) ?? [];
      if (list.length < maxPositionsPerLexeme) list.push(`${token.position}${part.weight}`);
      positions.set(token.lexeme, list);
    }
    offset += Array.from(part.text).length + 10;
  }
  return [...positions].map(([lexeme, list]) => `${quote(lexeme)}:${list.join(',')}`).join(' ');
}

/**
 * A tsquery literal for what a visitor typed, or null when it holds nothing searchable. Every run
 * must match (AND): a run of 2+ characters as the phrase of its bigrams, a single character or a
 * Latin word as a prefix.
 */
export function searchQueryLiteral(query: string): string | null {
  const terms: string[] = [];
  const normalised = normaliseSearchText(query);
  for (const match of normalised.matchAll(runPattern)) {
    if (match[1]) {
      terms.push(`${quote(match[1])}:*`);
      continue;
    }
    const chars = Array.from(match[2] ?? '');
    if (chars.length === 1) {
      terms.push(`${quote(chars[0]!)}:*`);
      continue;
    }
    const bigrams: string[] = [];
    for (let i = 0; i + 1 < chars.length; i++) bigrams.push(quote(chars[i]! + chars[i + 1]!));
    terms.push(bigrams.length === 1 ? bigrams[0]! : `(${bigrams.join(' <-> ')})`);
  }
  const unique = [...new Set(terms)].slice(0, 16);
  return unique.length === 0 ? null : unique.join(' & ');
}

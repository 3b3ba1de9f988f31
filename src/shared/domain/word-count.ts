/**
 * 字数 as Microsoft Word and WPS count it for Chinese text: every CJK character counts 1, every
 * full-width punctuation mark counts 1, and a run of Latin letters and digits (with the joiners
 * that belong inside a word or number: ' - . , when between letters or digits) counts 1 as a
 * whole word. Spaces and half-width punctuation standing alone count 0.
 */
const cjk = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2ebef}\u{30000}-\u{3134f}\u3040-\u30ff\uac00-\ud7af]/u;
// Full-width and CJK punctuation: 。，、；：？！“”‘’（）《》〈〉【】〔〕—…·～「」『』 and the FFxx forms.
const fullWidthPunctuation = /[\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2014\u2018\u2019\u201c\u201d\u2026\u00b7\ufe30-\ufe4f]/u;
const wordChar = /[\p{L}\p{N}]/u;
const joiner = /['’.\-,]/u;

export function countWords(text: string): number {
  let count = 0;
  let inWord = false;
  const chars = [...text];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (cjk.test(c) || fullWidthPunctuation.test(c)) {
      count++;
      inWord = false;
    } else if (wordChar.test(c)) {
      if (!inWord) count++;
      inWord = true;
    } else if (inWord && joiner.test(c) && wordChar.test(chars[i + 1] ?? '') && !cjk.test(chars[i + 1] ?? '')) {
      // 3.14, don't, COVID-19, 1,000: one word.
    } else {
      inWord = false;
    }
  }
  return count;
}

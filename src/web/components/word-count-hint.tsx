import type { ParseKeys } from 'i18next';
import { useTranslation } from 'react-i18next';
import { countWords } from '../../shared/domain/word-count';

/** A text's live 字数 (as Word and WPS count it) under its field, red when over the limit. */
export function WordCountHint({ text, max, textKey, testId }: { text: string; max: number; textKey: ParseKeys; testId: string }) {
  const { t } = useTranslation();
  const count = countWords(text);
  return (
    <span data-testid={testId} style={count > max ? { color: '#cf1322' } : undefined}>
      {t(textKey, { count, max })}
    </span>
  );
}

import { roleLabels, unitLevelLabels, unitTypeLabels, type Locale } from '../../shared/i18n/messages';

export const roleLabel = (role: string, language: Locale) => roleLabels[language][role] ?? role;
export const unitTypeLabel = (type: string, language: Locale) => unitTypeLabels[language][type] ?? type;
export const unitLevelLabel = (level: string, language: Locale) => unitLevelLabels[language][level] ?? level;

const dateTimeFormats = new Map<Locale, Intl.DateTimeFormat>();

/** Date and time in the UI language, in the browser's time zone. */
export function formatDateTime(iso: string | null | undefined, language: Locale): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  // Building a formatter is costly; tables format thousands of times.
  let format = dateTimeFormats.get(language);
  if (!format) {
    format = new Intl.DateTimeFormat(language, {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hour12: false,
    });
    dateTimeFormats.set(language, format);
  }
  return format.format(date);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

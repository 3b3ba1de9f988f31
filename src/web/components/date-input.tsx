import { DatePicker } from 'antd';
import dayjs from 'dayjs';
import type { CSSProperties } from 'react';
import { isoDayFormat } from '../lib/dates';

interface DateInputProps {
  /** 'YYYY-MM-DD', as the API writes days. */
  value?: string | null;
  onChange?: (value: string | null) => void;
  id?: string;
  /** Set on the <input> itself, as is data-testid (tests type '2021-06-05' into it). */
  name?: string;
  'data-testid'?: string;
  placeholder?: string;
  disabled?: boolean;
  allowClear?: boolean;
  style?: CSSProperties;
  status?: 'error' | 'warning';
  /** The first and last days the calendar offers ('YYYY-MM-DD'); typed dates are checked by validation. */
  minDate?: string | undefined;
  maxDate?: string | undefined;
}

/**
 * A day as the API's 'YYYY-MM-DD' string: an antd DatePicker that accepts typed dates in that
 * format, so form values stay exactly what the request sends.
 */
export function DateInput({ value, onChange, placeholder, minDate, maxDate, ...rest }: DateInputProps) {
  const parsed = value ? dayjs(value, isoDayFormat, true) : null;
  const bound = (day: string | undefined) => (day ? dayjs(day, isoDayFormat, true) : undefined);
  const min = bound(minDate);
  const max = bound(maxDate);
  // A date typed in full counts even when the calendar would drop it (leaving the field with
  // the calendar open, e.g. straight to a dialog's OK button).
  const commitTyped = (raw: string) => {
    const text = raw.trim();
    const typed = dayjs(text, isoDayFormat, true);
    if (text !== (value ?? '') && typed.isValid() && typed.format(isoDayFormat) === text) onChange?.(text);
  };
  return (
    <DatePicker
      {...rest}
      {...(min?.isValid() ? { minDate: min } : {})}
      {...(max?.isValid() ? { maxDate: max } : {})}
      {...(min?.isValid() && !parsed ? { defaultPickerValue: min } : {})}
      value={parsed?.isValid() ? parsed : null}
      format={isoDayFormat}
      placeholder={placeholder ?? isoDayFormat}
      onChange={(day) => onChange?.(day ? day.format(isoDayFormat) : null)}
      onBlur={(event) => commitTyped((event.target as HTMLInputElement).value)}
      onKeyDown={(event) => {
        // Enter commits a typed day at once: the calendar commits it only as its popup closes, so a
        // save clicked right after could still send the old day. A day outside the bounds, which
        // the calendar refuses, is kept too, and validation says why.
        if (event.key === 'Enter') commitTyped((event.target as HTMLInputElement).value);
      }}
    />
  );
}

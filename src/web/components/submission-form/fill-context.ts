import { createContext, use } from 'react';
import type { FileValue } from '../../../shared/forms/definition';
import type { FormContext } from '../../../shared/forms/validate';
import type { ProblemMap } from './values';

/**
 * How the form is shown: `edit` (a unit fills it), `readonly` (a submitted form, or the collector
 * reading it), `preview` (the designer trying it out: editable, never saved, no uploads).
 */
export type FillMode = 'edit' | 'readonly' | 'preview';

export interface FillContextValue {
  mode: FillMode;
  context: FormContext;
  problems: ProblemMap;
  /** Uploads a file for a files field; absent where nothing may be uploaded (preview). */
  upload?: ((fieldKey: string, file: File) => Promise<FileValue>) | undefined;
}

export const FillContext = createContext<FillContextValue | null>(null);

export function useFill(): FillContextValue {
  const value = use(FillContext);
  if (!value) throw new Error('useFill() outside <SubmissionForm>');
  return value;
}

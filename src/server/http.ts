import type { ZodType } from 'zod';
import { problemSchema } from '../shared/contracts/common';

/** Response schemas for a route: the success bodies given, and problem+json for every error. */
export function responses<T extends Record<number, ZodType>>(success: T) {
  return { ...success, '4xx': problemSchema, '5xx': problemSchema };
}

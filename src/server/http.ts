import type { ZodType } from 'zod';
import { problemSchema } from '../shared/contracts/common';

/** Response schemas for a route: the success bodies given, and problem+json for every error. */
export function responses<T extends Record<number, ZodType>>(success: T) {
  return { ...success, '4xx': problemSchema, '5xx': problemSchema };
}

/** Whether an If-None-Match header names this entity tag (or `*`): the answer is then 304. */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t === etag || t === `W/${etag}`;
  });
}

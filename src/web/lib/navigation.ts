/** A same-site path to return to after signing in; anything else (other sites, //host) becomes "/". */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (next.startsWith('/signin') || next.startsWith('/activate')) return '/';
  return next;
}

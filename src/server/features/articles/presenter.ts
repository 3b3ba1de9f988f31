import type { PublicArticleCard } from '../../../shared/contracts/articles';
import { srcsets } from '../showcase/photo-variants';
import { photoUrl } from '../showcase/presenter';

/** A published article as a card on the column (its first image with resized copies). */
export function presentArticleCard(row: { id: number; kind: PublicArticleCard['kind']; title: string; summary: string; published_at: Date | null; image: string | null }): PublicArticleCard {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    summary: row.summary,
    image: row.image ? { url: photoUrl(row.image), srcset: srcsets(photoUrl(row.image)) } : null,
    publishedAt: (row.published_at ?? new Date(0)).toISOString(),
  };
}

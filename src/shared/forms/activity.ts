import type { FormContext } from './validate';
import type { ChoiceValue, FormDefinition, PhaseValue } from './definition';
import { itemFields } from './definition';

/** The Activity record a submitted item becomes, from the fields that declare what they mean (`maps`). */
export interface ActivityFromItem {
  title: string;
  host: string | null;
  organiser: string | null;
  modules: string[];
  phaseId: string | null;
  startDate: string | null;
  endDate: string | null;
  place: string | null;
  targetGroups: string[];
  targetOther: string | null;
  scale: number | null;
  description: string | null;
}

export function activityFromItem(form: FormDefinition, ctx: FormContext, fields: Record<string, unknown>, fallbackTitle: string): ActivityFromItem {
  const byAttribute = new Map(itemFields(form).flatMap((f) => (f.maps ? [[f.maps, fields[f.key]] as const] : [])));
  const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
  const phase = byAttribute.get('phase') as PhaseValue | undefined;
  const groups = byAttribute.get('targetGroups') as ChoiceValue | undefined;
  const modules = byAttribute.get('modules');
  const scale = byAttribute.get('scale');
  return {
    title: text(byAttribute.get('title')) ?? fallbackTitle,
    host: text(byAttribute.get('host')),
    organiser: text(byAttribute.get('organiser')),
    modules: Array.isArray(modules) ? modules.filter((m): m is string => ctx.modules.some((x) => x.id === m)) : [],
    phaseId: phase?.phaseId ?? null,
    startDate: phase?.startDate ?? null,
    endDate: phase?.endDate ?? null,
    place: text(byAttribute.get('place')),
    targetGroups: groups?.selected ?? [],
    targetOther: text(groups?.other),
    scale: typeof scale === 'number' ? scale : null,
    description: text(byAttribute.get('description')),
  };
}

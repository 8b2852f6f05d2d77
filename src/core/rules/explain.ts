// Why an event earns nothing when no rule even looked at it: no rule was in force at its instant, or
// none of those in force is triggered by its type. (A rule that looked and gave nothing says why in
// its own outcome.) Pure: the caller passes the rules in force and the versions that start later.
import type { ActiveRule } from './evaluate.ts';
import type { RuleDocument } from './rule.ts';

/** A version of a rule as stored: from when it is in force, and its document. */
export interface RuleVersionStart {
  effectiveFrom: Date;
  document: Pick<RuleDocument, 'enabled' | 'trigger'>;
}

/** An instant as people read it: 2026-11-20T10:00:00Z (milliseconds only when there are some). */
function instant(at: Date): string {
  return at.toISOString().replace('.000Z', 'Z');
}

/**
 * The notes of an event's result that say why no rule was triggered, or none when some rule in
 * force is triggered by the event's type. `versions` are every version of the program's rules
 * (those in force and later ones), to name the first that would have counted.
 */
export function whyNoRuleApplied(
  event: { type: string; occurredAt: Date },
  active: ActiveRule[],
  versions: RuleVersionStart[],
): string[] {
  const triggers = (doc: Pick<RuleDocument, 'trigger'>) => doc.trigger.types.includes(event.type);
  if (active.some((r) => triggers(r.document))) return [];
  const at = event.occurredAt.getTime();
  const next = versions
    .filter((v) => v.effectiveFrom.getTime() > at && v.document.enabled !== false && triggers(v.document))
    .reduce<Date | null>(
      (first, v) => (first === null || v.effectiveFrom < first ? v.effectiveFrom : first),
      null,
    );
  const when = instant(event.occurredAt);
  if (active.length === 0) {
    return [
      next
        ? `no rule was in force at ${when}; the earliest starts ${instant(next)}`
        : `no rule was in force at ${when}, and none that starts later is triggered by event type ${event.type}`,
    ];
  }
  const none = `no rule in force at ${when} is triggered by event type ${event.type}`;
  return [next ? `${none}; the earliest that is starts ${instant(next)}` : none];
}

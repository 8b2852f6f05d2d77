// What other modules may read of rules: the stored versions of the rule set (events evaluate them,
// through RuleService.versions and inForce).
export type { RuleVersionRow } from './rules-store.ts';

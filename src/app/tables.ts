// Every table of Fidelis, for drizzle-kit and for typed queries. Each module owns its tables.
export * from '../modules/accounts/accounts-tables.ts';
export * from '../modules/audit/audit-tables.ts';
export * from '../modules/contacts/contacts-tables.ts';
export * from '../modules/event-types/event-types-tables.ts';
export * from '../modules/events/events-tables.ts';
export * from '../modules/fx/fx-tables.ts';
export * from '../modules/idempotency/idempotency-tables.ts';
export * from '../modules/keys/keys-tables.ts';
export * from '../modules/ledger/ledger-tables.ts';
export * from '../modules/memberships/memberships-tables.ts';
export * from '../modules/outbox/outbox-tables.ts';
export * from '../modules/programs/programs-tables.ts';
export * from '../modules/rewards/rewards-tables.ts';
export * from '../modules/rules/rules-tables.ts';
export * from '../modules/tiers/tiers-tables.ts';
export * from '../modules/users/users-tables.ts';
export * from '../modules/webhooks/webhooks-tables.ts';

// The environment, parsed once with a schema. Nothing else reads process.env.
import { resolve } from 'node:path';
import Type, { type Static } from 'typebox';
import Value from 'typebox/value';

const Env = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  FIDELIS_DATA_DIR: Type.String({ minLength: 1, default: './.fidelis/data' }),
  FIDELIS_ADMIN_KEY: Type.Optional(
    Type.String({ minLength: 24, maxLength: 200, pattern: '^[A-Za-z0-9_\\-]+$' }),
  ),
  FIDELIS_OPERATOR_KEY: Type.Optional(
    Type.String({ minLength: 32, maxLength: 200, pattern: '^[A-Za-z0-9_\\-]+$' }),
  ),
  CORS_ORIGIN: Type.String({
    minLength: 1,
    maxLength: 2000,
    default: '*',
    pattern: '^(\\*|null|https?://[^,\\s]+(,https?://[^,\\s]+)*)$',
  }),
  NODE_ENV: Type.Optional(Type.String({ maxLength: 40 })),
  FIDELIS_WEBHOOK_ALLOWED_HOSTS: Type.String({
    maxLength: 2000,
    default: '',
    pattern: '^[A-Za-z0-9.\\-:\\[\\],]*$',
  }),
  FIDELIS_PUBLIC_URL: Type.Optional(Type.String({ maxLength: 500, pattern: '^https?://[^\\s/]+(/\\S*)?$' })),
  SMTP_URL: Type.Optional(Type.String({ maxLength: 2000, pattern: '^smtps?://' })),
  SMTP_FROM: Type.String({
    minLength: 3,
    maxLength: 320,
    default: 'fidelis@localhost',
    pattern: '^[^\\s@]+@[^\\s@]+$',
  }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
});

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  adminKey: string | undefined;
  /** FIDELIS_OPERATOR_KEY: a key with the operator scope (programs over the API; decision 0024). */
  operatorKey: string | undefined;
  logLevel: string;
  /** Origins browsers may call the API from: '*' (any; API keys are not cookies), 'null' (none), or a list. */
  corsOrigin: '*' | 'null' | string[];
  /** NODE_ENV=production: webhook endpoints must use https. */
  production: boolean;
  /**
   * Hosts (`name` or `name:port`) webhook endpoints may target even when they resolve to a private,
   * loopback or link-local address (FIDELIS_WEBHOOK_ALLOWED_HOSTS, comma-separated; decision 0016).
   */
  webhookAllowedHosts: string[];
  /**
   * FIDELIS_PUBLIC_URL: the address members reach the server at, for links sent by e-mail (the portal's
   * sign-in links, every mail's unsubscribe link); unset: http://HOST:PORT. Never taken from a
   * request's Host header.
   */
  publicUrl: string;
  /** SMTP_URL: where e-mail notifications and statements are sent (decision 0027); unset: e-mail is off. */
  smtpUrl: string | undefined;
  /** SMTP_FROM: the sender's address (its name is the program's, or settings.notifications.senderName). */
  smtpFrom: string;
}

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const picked: Record<string, unknown> = {};
  for (const name of Object.keys(Env.properties)) {
    const value = env[name];
    if (value !== undefined && value !== '') picked[name] = value;
  }
  const converted = Value.Convert(Env, Value.Default(Env, picked));
  if (!Value.Check(Env, converted)) {
    const problems = [...Value.Errors(Env, converted)].map(
      (e) => `${e.instancePath.slice(1) || 'env'} ${e.message}`,
    );
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  const parsed = converted as Static<typeof Env>;
  return {
    port: parsed.PORT,
    host: parsed.HOST,
    databaseUrl: parsed.DATABASE_URL,
    dataDir: resolve(parsed.FIDELIS_DATA_DIR),
    adminKey: parsed.FIDELIS_ADMIN_KEY,
    operatorKey: parsed.FIDELIS_OPERATOR_KEY,
    logLevel: parsed.LOG_LEVEL,
    corsOrigin:
      parsed.CORS_ORIGIN === '*' || parsed.CORS_ORIGIN === 'null'
        ? parsed.CORS_ORIGIN
        : parsed.CORS_ORIGIN.split(','),
    production: parsed.NODE_ENV === 'production',
    webhookAllowedHosts: parsed.FIDELIS_WEBHOOK_ALLOWED_HOSTS.split(',')
      .map((h) => h.trim().toLowerCase())
      .filter((h) => h.length > 0),
    publicUrl: (parsed.FIDELIS_PUBLIC_URL ?? `http://${parsed.HOST}:${parsed.PORT}`).replace(/\/+$/, ''),
    smtpUrl: parsed.SMTP_URL,
    smtpFrom: parsed.SMTP_FROM,
  };
}

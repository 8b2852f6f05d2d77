// validation_failed for several fields of an input that arrives as a request body. The errors name
// the fields by pointers into the service input (`/country`), which the HTTP layer places in the
// request (`/body/country`, see core/errors.ts fieldError); the detail lists them as the API has
// always worded it ("/body/country: unknown country XX; …"), so that answers stay the same.
import { FidelisError, type FieldError } from '../core/errors.ts';

export function invalidBody(errors: FieldError[]): FidelisError {
  const detail = errors.map((e) => `/body${e.path}: ${e.message}`).join('; ');
  return new FidelisError('validation_failed', detail, { errors });
}

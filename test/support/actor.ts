// Who test fixtures write as when they call a service directly: services record every write's actor.
import { systemActor } from '../../src/core/access.ts';

/** The system actor `job:fixture`. */
export const FIXTURE = systemActor('fixture');

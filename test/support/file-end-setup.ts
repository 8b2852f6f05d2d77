// The store and web projects' setup file: it runs before each test file (again for every file when
// the module graph is shared), so this `afterAll` belongs to that file and closes what it opened.
import { afterAll } from 'vitest';
import { runFileEnd } from './file-end.ts';

afterAll(runFileEnd, 120_000);

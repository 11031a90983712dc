// node --import ./register-ts.mjs child.ts: registers ts-loader.mjs for the child process.
import { register } from 'node:module';

register('./ts-loader.mjs', import.meta.url);

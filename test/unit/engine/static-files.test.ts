import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStaticFile } from '../../../electron/host/static-files.js';

let dir: string;
let root: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-static-'));
  root = path.join(dir, 'renderer');
  fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Daytwo</title>');
  fs.writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'not for the page');
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const text = async (urlPath: string) => {
  const file = await readStaticFile(root, urlPath);
  return file === null ? null : { body: file.body.toString('utf8'), type: file.contentType };
};

describe("the host's static files", () => {
  it('answers the page and its scripts with their types', async () => {
    expect(await text('/assets/app.js')).toEqual({ body: 'console.log(1)', type: 'text/javascript; charset=utf-8' });
    expect(await text('/')).toEqual({ body: '<!doctype html><title>Daytwo</title>', type: 'text/html; charset=utf-8' });
  });

  it("gives the page's routes the page, and a missing asset nothing", async () => {
    expect((await text('/incidents'))?.body).toContain('<title>Daytwo</title>');
    expect(await text('/assets/missing.js')).toBeNull();
  });

  it('never leaves its folder, however the path is spelled', async () => {
    for (const urlPath of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/a%00b', '/%E0%A4%A']) {
      expect(await text(urlPath), urlPath).toBeNull();
    }
  });
});

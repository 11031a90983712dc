import { describe, expect, it } from 'vitest';
import { LogBuffer, logsAsText } from '../../../shared/logs/log-buffer.js';
import { parseAnsi, stripAnsi } from '../../../shared/logs/ansi.js';
import type { LogLine } from '../../../shared/api/logs.js';

const line = (second: number, pod = 'web-1', text = `line ${second}`): LogLine => ({
  pod,
  container: 'app',
  time: second * 1000,
  stamp: `2026-11-30T03:00:${String(second).padStart(2, '0')}.000000000Z`,
  text,
});

describe('the log view buffer', () => {
  it('keeps a late batch from a slow pod in time order', () => {
    const buffer = new LogBuffer(100);
    buffer.append([line(1, 'a'), line(4, 'a')]);
    buffer.append([line(2, 'b'), line(3, 'b'), line(5, 'b')]);
    expect(buffer.all().map((l) => `${l.pod}${l.time! / 1000}`)).toEqual(['a1', 'b2', 'b3', 'a4', 'b5']);
  });

  it('drops the oldest lines beyond its capacity and counts them', () => {
    const buffer = new LogBuffer(80);
    for (let i = 0; i < 50; i++) buffer.append([line(i % 60), line(i % 60)]);
    expect(buffer.length).toBeLessThanOrEqual(80);
    expect(buffer.length + buffer.dropped).toBe(100);
    expect(logsAsText([line(1)], true)).toBe('2026-11-30T03:00:01.000000000Z [web-1/app] line 1\n');
  });
});

describe('ANSI colours in a log line', () => {
  it('become styled runs of text, and other escapes disappear', () => {
    expect(parseAnsi('\u001b[1;31mERROR\u001b[0m done \u001b[38;5;208mo\u001b[38;2;1;2;3mx\u001b]0;title\u0007')).toEqual([
      { text: 'ERROR', style: { bold: true, fg: 1 } },
      { text: ' done ', style: {} },
      { text: 'o', style: { fg: 208 } },
      { text: 'x', style: { fg: '#010203' } },
    ]);
    expect(stripAnsi('\u001b[32m<b>ok</b>\u001b[m')).toBe('<b>ok</b>');
  });
});

import { describe, expect, it } from 'vitest';
import { rectAfterLayout, scrollAfterMount } from '../../../renderer/features/estate/virtual-mount.js';

/** Just what the two options read of a virtualizer: its element, its window and the scroll options. */
function fakeVirtualizer(view: object) {
  const writes: number[] = [];
  const element = {
    clientWidth: 640.4,
    clientHeight: 419.6,
    scrollTo: ({ top }: { top: number }) => writes.push(top),
  };
  const instance = { scrollElement: element, targetWindow: view, options: { horizontal: false, isRtl: false } } as unknown as Parameters<typeof scrollAfterMount>[2];
  return { instance, element, writes };
}

describe('a virtualizer attached without forcing a layout', () => {
  it('skips only the write to 0 it makes as it attaches to a new element', () => {
    const { instance, writes } = fakeVirtualizer({});
    scrollAfterMount(0, {}, instance);
    expect(writes).toEqual([]);
    scrollAfterMount(0, {}, instance);
    scrollAfterMount(340, {}, instance);
    expect(writes).toEqual([0, 340]);
  });

  it('makes a first write that goes anywhere but 0, or carries an adjustment', () => {
    const a = fakeVirtualizer({});
    scrollAfterMount(120, {}, a.instance);
    expect(a.writes).toEqual([120]);
    const b = fakeVirtualizer({});
    scrollAfterMount(0, { adjustments: 34 }, b.instance);
    expect(b.writes).toEqual([34]);
  });

  it('learns the size from the resize observer, not by reading it as the list mounts', () => {
    let notify: (() => void) | null = null;
    let disconnected = false;
    const global = globalThis as { ResizeObserver?: unknown };
    global.ResizeObserver = class {
        constructor(callback: () => void) {
          notify = callback;
        }
        observe() {}
      disconnect() {
        disconnected = true;
      }
    };
    const { instance } = fakeVirtualizer({});
    const rects: { width: number; height: number }[] = [];
    const stop = rectAfterLayout(instance, (rect) => rects.push(rect));
    expect(rects).toEqual([]);
    notify!();
    expect(rects).toEqual([{ width: 640, height: 420 }]);
    stop?.();
    expect(disconnected).toBe(true);
    delete global.ResizeObserver;
  });

  it('reads the size at once where there is no resize observer', () => {
    const { instance } = fakeVirtualizer({});
    const rects: { width: number; height: number }[] = [];
    rectAfterLayout(instance, (rect) => rects.push(rect));
    expect(rects).toEqual([{ width: 640, height: 420 }]);
  });
});

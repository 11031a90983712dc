import { elementScroll } from '@tanstack/react-virtual';
import type { Virtualizer } from '@tanstack/react-virtual';

/**
 * Options for a virtualizer given an `initialRect`, so that attaching to its element when the
 * list mounts forces no layout. The library reads the element's size (clientWidth,
 * clientHeight) and writes its scroll offset (scrollTo) in the commit that mounts it; either
 * makes the browser lay out the whole page there and then, in the middle of the first render,
 * and the layout before the paint runs again. On a 50,000-pod overview's first paint in a fresh
 * Chromium that was 30 ms a table, two tables.
 */

/** The DOM's Element, named through the library: unit tests import this module and typecheck without the DOM's types. */
type AnElement = NonNullable<Parameters<typeof elementScroll>[2]['scrollElement']>;

/** The part of a browser's ResizeObserver this uses (unit tests run without one). */
interface Observing {
  ResizeObserver?: new (callback: () => void) => { observe(target: object, options: { box: 'content-box' }): void; disconnect(): void };
}

/**
 * `observeElementRect`: the element's size as the browser lays it out. A ResizeObserver reports
 * an element first after the layout that places it and before that frame is painted, so the
 * real size still arrives before anything shows; the initial rect covers the render until then.
 */
export function rectAfterLayout<S extends AnElement, I extends AnElement>(instance: Virtualizer<S, I>, cb: (rect: { width: number; height: number }) => void): (() => void) | undefined {
  const element = instance.scrollElement;
  if (!element) return undefined;
  const read = () => cb({ width: Math.round(element.clientWidth), height: Math.round(element.clientHeight) });
  const Observer = (globalThis as Observing).ResizeObserver;
  if (!Observer) {
    read();
    return undefined;
  }
  const observer = new Observer(read);
  observer.observe(element, { box: 'content-box' });
  return () => observer.disconnect();
}

const attached = new WeakSet<object>();

/**
 * `scrollToFn`: as the library's, except the write it makes as it attaches to an element it has
 * not scrolled before, to offset 0: the element is new (React made it in the same commit), so
 * it is at 0 already, and a browser scrolling an element to where it is does nothing, not even
 * fire a scroll event.
 */
export function scrollAfterMount<S extends AnElement, I extends AnElement>(offset: number, options: Parameters<typeof elementScroll>[1], instance: Virtualizer<S, I>): void {
  const element = instance.scrollElement;
  if (element && !attached.has(element)) {
    attached.add(element);
    if (offset === 0 && !options.adjustments) return;
  }
  elementScroll(offset, options, instance);
}

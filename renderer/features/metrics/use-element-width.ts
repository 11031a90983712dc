import { useCallback, useRef, useState } from 'react';

/**
 * The width of an element in CSS pixels, kept current with a ResizeObserver, so a chart can
 * ask for exactly as many points as it has pixels. Sub-pixel jitter is ignored: only a whole
 * pixel of change re-renders.
 */
export function useElementWidth<T extends HTMLElement>(): [(node: T | null) => void, number] {
  const [width, setWidth] = useState(0);
  const observer = useRef<ResizeObserver | null>(null);
  const ref = useCallback((node: T | null) => {
    observer.current?.disconnect();
    observer.current = null;
    if (!node) return;
    const measure = (w: number) => setWidth((old) => (Math.abs(old - w) >= 1 ? Math.floor(w) : old));
    measure(node.getBoundingClientRect().width);
    observer.current = new ResizeObserver((entries) => {
      const entry = entries[entries.length - 1];
      if (entry) measure(entry.contentRect.width);
    });
    observer.current.observe(node);
  }, []);
  return [ref, width];
}

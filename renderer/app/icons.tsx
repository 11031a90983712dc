import type { ReactElement } from 'react';

/**
 * A small inline icon set (the CSP allows no remote fonts or sprites). Status icons differ in
 * shape, not only colour, so states read the same for colour-blind operators and in print.
 */
const paths = {
  live: <circle cx="8" cy="8" r="5" fill="currentColor" />,
  connecting: (
    <circle cx="8" cy="8" r="5" fill="none" stroke="currentColor" strokeWidth="2" strokeDasharray="3 2.2" />
  ),
  degraded: (
    <>
      <path d="M8 2.2 14.2 13H1.8Z" fill="currentColor" />
      <path d="M8 6.2v3.3M8 11v.4" stroke="var(--icon-cut)" strokeWidth="1.6" strokeLinecap="round" />
    </>
  ),
  offline: (
    <>
      <circle cx="8" cy="8" r="5" fill="none" stroke="currentColor" strokeWidth="1.8" />
      <path d="M4.5 11.5 11.5 4.5" stroke="currentColor" strokeWidth="1.8" />
    </>
  ),
  unauthorized: (
    <>
      <rect x="3" y="7" width="10" height="7" rx="1.5" fill="currentColor" />
      <path d="M5.2 7V5.3a2.8 2.8 0 0 1 5.6 0V7" fill="none" stroke="currentColor" strokeWidth="1.7" />
    </>
  ),
  error: (
    <>
      <path d="M5.3 1.8h5.4l3.5 3.5v5.4l-3.5 3.5H5.3l-3.5-3.5V5.3Z" fill="currentColor" />
      <path d="M5.8 5.8 10.2 10.2M10.2 5.8 5.8 10.2" stroke="var(--icon-cut)" strokeWidth="1.6" strokeLinecap="round" />
    </>
  ),
  disabled: (
    <>
      <circle cx="8" cy="8" r="5" fill="none" stroke="currentColor" strokeWidth="1.6" />
      <path d="M5.3 8h5.4" stroke="currentColor" strokeWidth="1.6" />
    </>
  ),
  sources: (
    <>
      <ellipse cx="8" cy="4" rx="5" ry="2" fill="none" stroke="currentColor" strokeWidth="1.4" />
      <path d="M3 4v8c0 1.1 2.2 2 5 2s5-.9 5-2V4M3 8c0 1.1 2.2 2 5 2s5-.9 5-2" fill="none" stroke="currentColor" strokeWidth="1.4" />
    </>
  ),
  settings: (
    <path
      d="M2.5 4.5h6M11.5 4.5h2M2.5 11.5h2M7.5 11.5h6M10 3v3M6 10v3"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
      strokeLinecap="round"
    />
  ),
  help: (
    <>
      <circle cx="8" cy="8" r="6" fill="none" stroke="currentColor" strokeWidth="1.4" />
      <path d="M6.2 6.3a1.9 1.9 0 1 1 2.6 1.8c-.5.2-.8.6-.8 1.1v.4M8 11.4v.3" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" />
    </>
  ),
  search: (
    <>
      <circle cx="7" cy="7" r="4.2" fill="none" stroke="currentColor" strokeWidth="1.5" />
      <path d="M10.2 10.2 13.5 13.5" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
    </>
  ),
  eye: (
    <>
      <path d="M1.5 8S4 3.5 8 3.5 14.5 8 14.5 8 12 12.5 8 12.5 1.5 8 1.5 8Z" fill="none" stroke="currentColor" strokeWidth="1.4" />
      <circle cx="8" cy="8" r="1.8" fill="currentColor" />
    </>
  ),
  overview: (
    <path
      d="M2.5 2.5h4.5v4.5H2.5ZM9 2.5h4.5v4.5H9ZM2.5 9h4.5v4.5H2.5ZM9 9h4.5v4.5H9Z"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.4"
    />
  ),
  topology: (
    <>
      <path d="M8 4.2v3.3M8 7.5 4 11.5M8 7.5l4 4" stroke="currentColor" strokeWidth="1.4" />
      <circle cx="8" cy="3.2" r="1.8" fill="currentColor" />
      <circle cx="3.5" cy="12.3" r="1.8" fill="currentColor" />
      <circle cx="12.5" cy="12.3" r="1.8" fill="currentColor" />
    </>
  ),
  close: <path d="M4 4l8 8M12 4l-8 8" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />,
  theme: (
    <>
      <circle cx="8" cy="8" r="5.5" fill="none" stroke="currentColor" strokeWidth="1.4" />
      <path d="M8 2.5a5.5 5.5 0 0 1 0 11Z" fill="currentColor" />
    </>
  ),
  plug: (
    <path
      d="M6 2v3M10 2v3M4.5 5h7v2.5a3.5 3.5 0 0 1-7 0ZM8 11v3"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
      strokeLinecap="round"
      strokeLinejoin="round"
    />
  ),
} satisfies Record<string, ReactElement>;

export type IconName = keyof typeof paths;

export function Icon({ name, label, className }: { name: IconName; label?: string; className?: string }) {
  return (
    <svg
      className={className ? `icon ${className}` : 'icon'}
      viewBox="0 0 16 16"
      width="14"
      height="14"
      role={label ? 'img' : undefined}
      aria-label={label}
      aria-hidden={label ? undefined : true}
      focusable="false"
    >
      {paths[name]}
    </svg>
  );
}
